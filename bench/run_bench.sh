#!/usr/bin/env bash
# Speed-and-memory benchmark driver, called by the CMake target `bench` (see bench/CMakeLists.txt).
# Generates the inputs once (cached in the data dir), then for each input measures
#   ipsec-doctor analyze --format json -o /dev/null FILE
#   grep -cE 'IPSEC|ISAKMP|CRYPTO' FILE                     (the yardstick)
#   ingest_probe FILE   (library ingest + tokenizer only, to split the cost; one run)
# with bench/run_measured.cc (median of N wall times, peak RSS from wait4's rusage).
# MB = 10^6 bytes.
set -euo pipefail

RUNS=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --gen) GEN=$2; shift 2 ;;
    --measure) MEASURE=$2; shift 2 ;;
    --probe) PROBE=$2; shift 2 ;;
    --latency) LATENCY=$2; shift 2 ;;
    --data) DATA=$2; shift 2 ;;
    --build-type) BUILD_TYPE=$2; shift 2 ;;
    --mixed-mb) MIXED_MB=$2; shift 2 ;;
    --debug-mb) DEBUG_MB=$2; shift 2 ;;
    --small-mb) SMALL_MB=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) echo "run_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
: "${BIN:?}" "${GEN:?}" "${MEASURE:?}" "${DATA:?}" "${MIXED_MB:=200}" "${DEBUG_MB:=100}" "${SMALL_MB:=50}"

if [[ "${BUILD_TYPE:-}" != "Release" && "${BUILD_TYPE:-}" != "RelWithDebInfo" ]]; then
  echo "warning: build type is '${BUILD_TYPE:-}', numbers are meaningless unless Release" >&2
fi
mkdir -p "$DATA"

# Generation is deterministic: the file name carries mode, size and seed, and FILE.gen the
# checksum of the generator that wrote it, so a cached file is the same bytes as a fresh one.
# A rebuilt generator writes the files again (a few seconds): a cache that outlived a change of
# bench/gen_logs.cc had the benchmark measure data the generator no longer writes.
GEN_ID=$(cksum < "$GEN" | cut -d' ' -f1)
gen() {  # mode mb seed -> path
  local f="$DATA/$1-$2mb-seed$3.log"
  if [[ ! -s "$f" || "$(cat "$f.gen" 2>/dev/null)" != "$GEN_ID" ]]; then
    "$GEN" --mode "$1" --mb "$2" --seed "$3" -o "$f.tmp" >&2
    mv "$f.tmp" "$f"
    echo "$GEN_ID" > "$f.gen"
  fi
  echo "$f"
}
MIXED=$(gen mixed "$MIXED_MB" 1)
SMALL=$(gen mixed "$SMALL_MB" 1)
DEBUG=$(gen debug "$DEBUG_MB" 2)
JUNK=$(gen junk 100 3)   # hostile: lines up to 3 MB, binary, padded crypto messages (memory goal)

HAVE_ANALYZE=1
if ! "$BIN" analyze --help >/dev/null 2>&1; then
  HAVE_ANALYZE=0
  echo "note: '$BIN analyze' is not available yet; only grep and the library probe are measured" >&2
fi

OUT="$DATA/stdout.tmp"   # grep -c to /dev/null would stop at the first match (GNU grep shortcut)
RESULTS=()
measure() {  # label file runs cmd... ; appends "label|file|bytes|median|rss|status"
  local label=$1 file=$2 runs=$3; shift 3
  local line
  line=$("$MEASURE" --runs "$runs" --stdout "$OUT" -- "$@")
  local med rss st cpu
  med=$(sed -E 's/.*wall_median_s=([0-9.]+).*/\1/' <<<"$line")
  cpu=$(sed -E 's/.*cpu_median_s=([0-9.]+).*/\1/' <<<"$line")
  rss=$(sed -E 's/.*maxrss_kib=([0-9]+).*/\1/' <<<"$line")
  st=$(sed -E 's/.*status=([0-9]+).*/\1/' <<<"$line")
  RESULTS+=("$label|$file|$(stat -L -c %s "$file")|$med|$rss|$st|$cpu")
}

# The two cores' round trip before and after the log runs (bench/core_latency.cc: the
# two-thread rows depend on it; compare tables taken at similar values).
LAT_BEFORE=$([[ -n "${LATENCY:-}" ]] && "$LATENCY" || echo "?")
for f in "$MIXED" "$DEBUG" "$SMALL"; do
  cat "$f" >/dev/null  # page cache warm: we measure parsing, not the disk
  runs=$RUNS
  [[ "$f" == "$SMALL" ]] && runs=1
  measure grep "$f" "$runs" grep -cE 'IPSEC|ISAKMP|CRYPTO' "$f"
  if [[ $HAVE_ANALYZE == 1 ]]; then
    measure ipsec-doctor "$f" "$runs" "$BIN" analyze --format json -o /dev/null "$f"
    # The same on one thread: what the second thread buys (needs a second idle core).
    if [[ "$f" != "$SMALL" ]]; then
      measure "ipsec-doctor -t1" "$f" "$runs" "$BIN" analyze --threads 1 --format json -o /dev/null "$f"
    fi
  fi
  if [[ -n "${PROBE:-}" && "$f" != "$SMALL" ]]; then
    measure "ingest+tokenize" "$f" 1 "$PROBE" "$f"
  fi
done

if [[ $HAVE_ANALYZE == 1 ]]; then
  cat "$JUNK" >/dev/null
  measure "ipsec-doctor (junk)" "$JUNK" 1 "$BIN" analyze --format json -o /dev/null "$JUNK"
fi

LAT_AFTER=$([[ -n "${LATENCY:-}" ]] && "$LATENCY" || echo "?")

# ---- config lint (issue #3): a hub with 2,000 entries / 20,000 crypto ACL lines, and a fleet ----
# Cached like the logs: written again when gen_configs.sh changed (PATH.gen holds its checksum).
CFG_GEN="$(dirname "$0")/gen_configs.sh"
CFG_ID=$(cksum < "$CFG_GEN" | cut -d' ' -f1)
cfg() {  # kind path args... (a fleet is a directory, its hub.cfg says it is there)
  local kind=$1 f=$2; shift 2
  local probe=$f
  [[ $kind == fleet ]] && probe=$f/hub.cfg
  if [[ ! -s "$probe" || "$(cat "$f.gen" 2>/dev/null)" != "$CFG_ID" ]]; then
    rm -rf "$f"
    bash "$CFG_GEN" "$kind" "$f" "$@"
    echo "$CFG_ID" > "$f.gen"
  fi
}
HUB="$DATA/hub-2000x10.cfg"; cfg hub "$HUB" 2000 10
FLEET="$DATA/fleet-500"; cfg fleet "$FLEET" 499
# Cost must grow near-linearly with the number of entries: the same hub at 500 and 1,000 entries.
HUB500="$DATA/hub-500x10.cfg"; cfg hub "$HUB500" 500 10
HUB1000="$DATA/hub-1000x10.cfg"; cfg hub "$HUB1000" 1000 10
if [[ $HAVE_ANALYZE == 1 ]]; then
  measure "lint (hub 500)" "$HUB500" "$RUNS" "$BIN" lint --format json -o /dev/null --fail-on none "$HUB500"
  measure "lint (hub 1000)" "$HUB1000" "$RUNS" "$BIN" lint --format json -o /dev/null --fail-on none "$HUB1000"
  measure "lint (hub)" "$HUB" "$RUNS" "$BIN" lint --format json -o /dev/null --fail-on none "$HUB"
  measure "lint (500 configs)" "$FLEET/hub.cfg" "$RUNS" "$BIN" lint --format json -o /dev/null --fail-on none "$FLEET"
fi

# ---- table ----
awk -v runs="$RUNS" -F'|' '
  { label[NR]=$1; file[NR]=$2; bytes[NR]=$3; med[NR]=$4; rss[NR]=$5; st[NR]=$6; cpu[NR]=$7
    if ($1 == "grep") grepmed[$2] = $4 }
  END {
    printf "\n%-34s %-16s %9s %9s %8s %11s %7s %s\n", "input", "tool", "median s", "MB/s", "vs grep", "peak RSS", "cpu s", "exit"
    for (i = 1; i <= NR; i++) {
      n = file[i]; sub(/.*\//, "", n)
      mbs = bytes[i] / 1e6 / (med[i] > 0 ? med[i] : 1e-9)
      ratio = (label[i] == "grep" || !(file[i] in grepmed)) ? "" : sprintf("%.1fx", med[i] / grepmed[file[i]])
      printf "%-34s %-16s %9.3f %9.0f %8s %8.1f MB %7.3f %s\n", n " (" sprintf("%.0f", bytes[i]/1e6) " MB)", label[i], med[i], mbs, ratio, rss[i]/1024, cpu[i], st[i]
    }
    printf "(wall median of %d runs; the small archive and ingest+tokenize: 1 run; MB = 10^6 bytes; RSS in MiB;\n cpu s = median user+sys time, steadier than wall time on a shared machine)\n", runs
  }' < <(printf '%s\n' "${RESULTS[@]}")
printf 'core-to-core round trip: %s ns before the log runs, %s ns after (bench/core_latency.cc; ~110 ns and\n ~500 ns were both seen on this project'"'"'s 2-vCPU VMs: the two-thread rows are slower at the latter)\n' "$LAT_BEFORE" "$LAT_AFTER"
for lat in "$LAT_BEFORE" "$LAT_AFTER"; do
  if [[ "$lat" =~ ^[0-9]+$ ]] && (( lat > 2000 )); then
    echo "warning: a round trip over 2 us means other processes share the cores: these times are not representative" >&2
    break
  fi
done

# ---- goals (from the issue) ----
if [[ $HAVE_ANALYZE == 1 ]]; then
  printf '%s\n' "${RESULTS[@]}" | awk -F'|' -v mixed="$MIXED" -v debug="$DEBUG" -v small="$SMALL" -v junk="$JUNK" '
    { k = $1 "|" $2; med[k] = $4; rss[k] = $5; bytes[$2] = $3 }
    END {
      j = rss["ipsec-doctor (junk)|" junk] / 1024
      r = med["ipsec-doctor|" mixed] / med["grep|" mixed]
      printf "\ngoal: mixed archive within 2x of grep ........ %.1fx  %s\n", r, (r <= 2 ? "met" : "MISSED")
      s = bytes[debug] / 1e6 / med["ipsec-doctor|" debug]
      printf "goal: >= 150 MB/s on pure debug .............. %.0f MB/s  %s\n", s, (s >= 150 ? "met" : "MISSED")
      # The goal assumes the machines of the brief (grep at about 1 GB/s); on a slower or busier host
      # the same binary is slower, so also say what this run means at that grep speed.
      g = bytes[debug] / 1e6 / med["grep|" debug]
      printf "  (grep ran at %.0f MB/s here; at 1,000 MB/s grep this is %.0f MB/s)\n", g, s * 1000 / g
      a = rss["ipsec-doctor|" small] / 1024; b = rss["ipsec-doctor|" mixed] / 1024; c = rss["ipsec-doctor|" debug] / 1024
      m = a > b ? a : b; m = m > c ? m : c; m = m > j ? m : j
      printf "goal: peak RSS < 64 MB at any size ........... %.1f MB (%d MB input) / %.1f MB (%d MB input) / %.1f MB (debug) / %.1f MB (junk)  %s\n",
        a, bytes[small] / 1e6, b, bytes[mixed] / 1e6, c, j, (m < 64 ? "met" : "MISSED")
      for (k in med) if (k ~ /^lint \(hub\)/) h = med[k]
      for (k in med) if (k ~ /^lint \(500/) f = med[k]
      printf "goal: hub (2,000 entries, 20,000 ACL lines) lints in well under 1 s ... %.2f s  %s\n", h, (h < 1 ? "met" : "MISSED")
      printf "goal: 500 configs paired in seconds ........... %.2f s  %s\n", f, (f < 10 ? "met" : "MISSED")
      for (k in med) if (k ~ /^lint \(hub 500\)/) h5 = med[k]
      for (k in med) if (k ~ /^lint \(hub 1000\)/) h10 = med[k]
      printf "lint scaling: 500 / 1,000 / 2,000 entries .... %.2f / %.2f / %.2f s (linear would double each step)\n", h5, h10, h
    }'
fi
rm -f "$OUT"
