#include "tokenize/tokenizer.h"

#include <array>
#include <charconv>
#include <cstring>
#include <optional>
#include <unordered_map>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/ip.h"
#include "core/transform.h"
#include "ingest/line_clean.h"
#include "ingest/prefix.h"
#include "tokenize/copy_short.h"
#include "tokenize/normalize.h"
#include "tokenize/skeleton.h"
#include "core/text_hash.h"

namespace ipsecdoc {
namespace {

// Characters of a key-engine key ("sa_lifetime(k/sec)"), as a table: parse_key_values
// tests every character before each '=' of a long key-engine message.
constexpr std::array<bool, 256> kKeyChars = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[static_cast<size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                c == '_' || c == '(' || c == ')' || c == '/';
  return t;
}();
inline bool key_char(char c) { return kKeyChars[static_cast<unsigned char>(c)]; }

// a == b for the short names compared in bulk here (field and key-engine keys): most pairs
// differ in size or first character, decided without a call to memcmp.
inline bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || (a[0] == b[0] && a == b));
}

// Whether `text` contains `needle`, which starts with a space (" INBOUND "): searched from
// its second character, since a search led by the space stops at every word of the text.
bool contains_spaced(std::string_view text, std::string_view needle) {
  std::string_view rest = needle.substr(1);
  for (size_t p = text.find(rest, 1); p != std::string_view::npos; p = text.find(rest, p + 1))
    if (text[p - 1] == ' ') return true;
  return false;
}

std::string_view trim_value(std::string_view v) {
  while (!v.empty() && (v.front() == ' ')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == ',')) v.remove_suffix(1);
  return v;
}

using KeyValues = std::vector<std::pair<std::string_view, std::string_view>>;

void parse_key_values_into(std::string_view t, KeyValues& out) {
  out.clear();
  // A value runs from its '=' to the start of the next key (or the end).
  size_t key_start = std::string_view::npos, key_eq = 0;
  auto close = [&](size_t value_end) {
    if (key_start != std::string_view::npos)
      out.emplace_back(t.substr(key_start, key_eq - key_start), trim_value(t.substr(key_eq + 1, value_end - key_eq - 1)));
  };
  for (size_t i = t.find('='); i != std::string_view::npos; i = t.find('=', i + 1)) {
    size_t s = i;
    while (s > 0 && key_char(t[s - 1])) --s;
    if (s == i) continue;
    if (s > 0 && t[s - 1] != ' ' && t[s - 1] != ',') continue;  // "(type=4)" is not a key
    if (t[s] == '(') continue;
    close(s);
    key_start = s;
    key_eq = i;
  }
  close(t.size());
}

// Canonical forms of the proxies and transforms of key-engine messages. A capture repeats
// a handful of them thousands of times and parsing one costs a string stream, so results
// are remembered (per thread; parse_proxy and parse_transform are pure). Bounded, but only
// emptied by trim(), which normalise_kv and replay call before their lookups: an entry
// looked up stays valid until the record's fields are written (both hold views of entries).
struct KvMemo {
  static constexpr size_t kMax = 256;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return text_hash(s); }
  };
  template <class V>
  using Map = std::unordered_map<std::string, std::optional<V>, Hash, std::equal_to<>>;
  Map<std::pair<std::string, std::string>> proxies;  // raw -> (IOS form with protocol 0 for "any", prefix form)
  Map<std::string> transforms;                       // words -> parse_transform(words)->str()

  // Leaves room for the (at most) two proxies and one transform of one record.
  void trim() {
    if (proxies.size() + 2 > kMax) proxies.clear();
    if (transforms.size() + 1 > kMax) transforms.clear();
  }
  const std::pair<std::string, std::string>* proxy(std::string_view raw) {
    auto it = proxies.find(raw);
    if (it == proxies.end()) {
      std::optional<std::pair<std::string, std::string>> v;
      if (auto px = parse_proxy(raw)) {
        px->proto_raw = 0;  // canonical: IOS-XE's "any protocol" 256 is 0 like the other releases
        v.emplace(px->ios(), px->str());
      }
      it = proxies.emplace(std::string(raw), std::move(v)).first;
    }
    return it->second ? &*it->second : nullptr;
  }
  const std::string* transform(std::string_view words) {
    auto it = transforms.find(words);
    if (it == transforms.end()) {
      auto t = parse_transform(words);
      it = transforms.emplace(std::string(words), t ? std::optional<std::string>(t->str()) : std::nullopt).first;
    }
    return it->second ? &*it->second : nullptr;
  }
};

KvMemo& kv_memo() {
  thread_local KvMemo m;
  return m;
}

// The fields of the event being built, as views, set like Fields::set (a key set again
// keeps its place and takes the last value), written into the event's Fields once at the
// end. Setting into the encoded buffer directly scans it per set and moves its tail per
// replaced value: the key-engine messages set about twenty fields and rewrite several.
// The views point into the normalised head, the patterns, literals and KvMemo entries,
// all of which outlive the record.
class FieldList {
 public:
  void clear() { v_.clear(); }
  std::string_view get(std::string_view key) const {
    for (const auto& e : v_)
      if (same_name(e.first, key)) return e.second;
    return {};
  }
  void set(std::string_view key, std::string_view value) {
    for (auto& e : v_)
      if (same_name(e.first, key)) {
        e.second = value;
        return;
      }
    v_.push_back({key, value});
  }
  void write_to(Fields& out) const { out.assign(v_.data(), v_.size()); }

 private:
  std::vector<Fields::Entry> v_;
};

// Key-engine keys of all releases -> field names (src/dest depend on the side, below);
// other keys are not kept.
struct KvField {
  std::string_view key, field;
};
constexpr KvField kKvFields[] = {
    {"local", "local"},     {"remote", "remote"},       {"local_proxy", "local_proxy"},
    {"remote_proxy", "remote_proxy"},                   {"protocol", "protocol"},
    {"lifedur", "lifedur"}, {"spi", "spi"},             {"conn_id", "conn_id"},
    {"keysize", "keysize"}, {"flags", "flags"},         {"transform", "transform"},
    {"sa_dest", "sa_dest"}, {"sa_proto", "sa_proto"},   {"sa_prot", "sa_proto"},
    {"sa_spi", "spi"},      {"sa_trans", "transform"},  {"sa_conn_id", "conn_id"},
    {"sa_lifetime(k/sec)", "lifetime"},
};

// The IKE ID type a 12.x/15.x proxy prints after it ("192.168.2.0/255.255.255.0/0/0 (type=4)";
// IOS-XE prints none): its RFC 2407 name, other numbers as printed; empty when not printed.
// The digit is literal text of a skeleton (tokens have four digits or more), so a template's
// plan records the result as a constant.
std::string_view proxy_id_type(std::string_view raw) {
  size_t t = raw.find("(type=");
  if (t == std::string_view::npos) return {};
  std::string_view n = raw.substr(t + 6);
  n = n.substr(0, n.find(')'));
  if (n == "1") return "ID_IPV4_ADDR";
  if (n == "4") return "ID_IPV4_ADDR_SUBNET";
  if (n == "7") return "ID_IPV4_ADDR_RANGE";
  return n;
}

// The canonical forms of proxy field `p` (and its network `net`) when its value parses, and
// of a transform `tr` (the value of "transform") with its mode. What they set depends on
// the values themselves: a template's plan records them as lookups (PlanRecorder's
// overloads below) where every other set of normalise_kv depends on the skeleton only.
template <class F>
void canon_proxy(F& e, KvMemo& memo, const char* p, const char* net) {
  if (const auto* px = memo.proxy(e.get(p))) {
    e.set(p, px->first);
    e.set(net, px->second);
  }
}
template <class F>
void canon_transform(F& e, KvMemo& memo, std::string_view tr, const char* mode) {
  // Looked up before any set: `tr` may be a view of e's own buffer. "transform" is
  // already a field, so setting "mode" first or last gives the same order.
  const std::string* canon = memo.transform(tr);
  if (mode) e.set("mode", mode);
  if (canon) e.set("transform", *canon);
}

}  // namespace

// A field value in a plan: the head's text between two skeleton positions, a constant, or
// the result of a key-engine memo lookup. A skeleton position maps back to the head's text
// by adding what the tokens before it grew or shrank against their two-byte markers, so each
// end also keeps the number of tokens before it (the same for every head of the skeleton).
struct PlanSrc {
  enum Kind : uint8_t { Span, Const, Lookup } kind = Const;
  uint8_t part = 0;         // Lookup: 0 the proxy's IOS form or the canonical transform, 1 the proxy's net
  uint16_t lookup = 0;      // Lookup: index into Plan::lookups
  uint16_t ta = 0, tb = 0;  // Span: tokens before a and before b
  uint32_t a = 0, b = 0;    // Span: skeleton positions; Const: offset and size in Plan::store
};

// The fields of a skeleton's heads in their final order (each key once, as FieldList keeps
// them). A slot whose value is a lookup falls back to `fallback` when the lookup finds no
// canonical form (the raw value stays, as normalise_kv leaves it); a slot that a lookup
// added (`cond`) is there only when that lookup found one.
struct Tokenizer::Template::Plan {
  static constexpr size_t kMaxLookups = 4;  // normalise_kv makes three
  struct Slot {
    uint32_t key_off = 0, key_len = 0;  // in store, after the key's length byte (Fields' encoding)
    PlanSrc src, fallback;
    int cond = -1;
  };
  struct Lookup {
    bool proxy = false;  // else a transform
    PlanSrc value;
  };
  std::string store;  // keys and constant values (copies: the plan outlives the head it came from)
  std::vector<Slot> slots;
  std::vector<Lookup> lookups;

  // The slots as replay writes them (compile(), once the plan is recorded): a run of bytes
  // that is the same for every head of the skeleton — whole slots with constant values,
  // the key of a slot whose value varies — then that slot's value (or, for a slot that a
  // lookup added, the slot whole). Most fields of a message are the same for every head
  // of its skeleton ("protocol= ESP", "dport 500"): written slot by slot they were most
  // of replay's work.
  struct Op {
    uint32_t off = 0, len = 0;  // the run, in `runs`
    int32_t slot = -1;          // then this slot's value (-1: none)
    bool key_in_run = false;    // whether the run ends with the slot's key
  };
  std::string runs;
  std::vector<Op> ops;
  void compile();
};

void Tokenizer::Template::Plan::compile() {
  runs.clear();
  ops.clear();
  Op op;
  auto close = [&](int32_t slot, bool key_in_run) {
    op.len = static_cast<uint32_t>(runs.size()) - op.off;
    op.slot = slot;
    op.key_in_run = key_in_run;
    ops.push_back(op);
    op = Op{static_cast<uint32_t>(runs.size()), 0, -1, false};
  };
  for (size_t i = 0; i < slots.size(); ++i) {
    const Slot& s = slots[i];
    if (s.cond >= 0) {  // there or not, per head
      close(static_cast<int32_t>(i), false);
      continue;
    }
    runs.append(store, s.key_off - 1, 1 + s.key_len);  // [length][key]
    if (s.src.kind != PlanSrc::Const) {
      close(static_cast<int32_t>(i), true);
      continue;
    }
    const uint32_t vl = s.src.b;
    runs.append(reinterpret_cast<const char*>(&vl), 4);
    runs.append(store, s.src.a, s.src.b);
  }
  if (runs.size() > op.off) close(-1, false);
}

namespace {

using Plan = Tokenizer::Template::Plan;

// Runs in place of a FieldList while a template's first head is computed: every set goes to
// the list (the head's own fields are computed as always) and into the plan. A value that is
// a view of the head's text with a token in it becomes a skeleton span; any other value (the
// level, literals, literal text of the head, memo results of token-free values) is a constant. What depends on token values rather
// than on the skeleton — the captures' positions are checked at load (check_template), the
// key-engine keys here (keys_clear_of_tokens) — goes through canon_proxy/canon_transform,
// recorded as lookups. Anything a plan cannot express makes it fail (ok() false): the
// template then derives its heads' fields as computed heads do.
class PlanRecorder {
 public:
  PlanRecorder(FieldList& f, std::string_view text, const Skeleton& sk, Plan& plan)
      : f_(f), text_(text), sk_(sk), plan_(plan) {}
  bool ok() const { return ok_; }
  void fail() { ok_ = false; }
  FieldList& list() { return f_; }
  std::string_view get(std::string_view key) const { return f_.get(key); }
  void set(std::string_view key, std::string_view value) {
    f_.set(key, value);
    PlanSrc s;
    if (!source(value, s)) return;
    if (Plan::Slot* slot = find(key)) {
      if (slot->cond >= 0) ok_ = false;  // its place would depend on whether the lookup found something
      slot->src = s;
      return;
    }
    append(key, s, -1);
  }
  // Whether `v` (a value of the list) contains a token: then what a lookup gives for it
  // depends on the token values.
  bool has_tokens(std::string_view v) const {
    size_t a = 0;
    if (!in_text(v, a)) return false;
    for (size_t k = 0; k < sk_.n; ++k)
      if (sk_.orig_start[k] < a + v.size() && sk_.orig_end[k] > a) return true;
    return false;
  }
  // Field `key`'s value `v` is looked up (part 0 replaces it when found); `net`, if given,
  // is added from part 1 when found.
  void lookup(bool proxy, std::string_view key, const char* net, std::string_view v) {
    PlanSrc val;
    if (!source(v, val)) return;
    Plan::Slot* slot = find(key);
    if (!slot || slot->src.kind == PlanSrc::Lookup || plan_.lookups.size() == Plan::kMaxLookups ||
        (net && find(net))) {
      ok_ = false;
      return;
    }
    auto i = static_cast<uint16_t>(plan_.lookups.size());
    plan_.lookups.push_back({proxy, val});
    slot->fallback = slot->src;
    slot->src = PlanSrc{PlanSrc::Lookup, 0, i};
    if (net) append(net, PlanSrc{PlanSrc::Lookup, 1, i}, i);
  }

 private:
  bool in_text(std::string_view v, size_t& a) const {
    if (v.data() == nullptr || v.data() < text_.data() || v.data() + v.size() > text_.data() + text_.size()) return false;
    a = static_cast<size_t>(v.data() - text_.data());
    return true;
  }
  uint16_t tokens_before(uint32_t skel) const {
    uint16_t k = 0;
    while (k < sk_.n && sk_.skel_start[k] + Skeleton::kMarker <= skel) ++k;
    return k;
  }
  bool source(std::string_view v, PlanSrc& s) {
    size_t a = 0;
    if (in_text(v, a)) {
      s.kind = PlanSrc::Span;
      if (!sk_.to_skeleton(a, s.a) || !sk_.to_skeleton(a + v.size(), s.b)) return ok_ = false;
      s.ta = tokens_before(s.a);
      s.tb = tokens_before(s.b);
      // A span without a token is literal text of the skeleton, the same in every head of
      // it: a constant (which compile() merges with its neighbours).
      if (s.ta != s.tb) return true;
    }
    s.kind = PlanSrc::Const;
    s.a = static_cast<uint32_t>(plan_.store.size());
    s.b = static_cast<uint32_t>(v.size());
    plan_.store.append(v.data(), v.size());
    return true;
  }
  Plan::Slot* find(std::string_view key) {
    for (auto& slot : plan_.slots)
      if (same_name(std::string_view(plan_.store).substr(slot.key_off, slot.key_len), key)) return &slot;
    return nullptr;
  }
  void append(std::string_view key, PlanSrc s, int cond) {
    if (key.size() > 255) ok_ = false;  // (Fields cuts such a key; none is that long)
    Plan::Slot slot;
    plan_.store.push_back(static_cast<char>(static_cast<unsigned char>(key.size())));
    slot.key_off = static_cast<uint32_t>(plan_.store.size());
    slot.key_len = static_cast<uint32_t>(key.size());
    plan_.store.append(key.data(), key.size());
    slot.src = s;
    slot.cond = cond;
    plan_.slots.push_back(slot);
  }

  FieldList& f_;
  std::string_view text_;
  const Skeleton& sk_;
  Plan& plan_;
  bool ok_ = true;
};

// The recorder's hooks: a value without tokens gives the same result for every head of the
// skeleton, so it is set (and recorded) as a constant; one with tokens is looked up on the
// list as for any head and recorded as a lookup.
void canon_proxy(PlanRecorder& e, KvMemo& memo, const char* p, const char* net) {
  std::string_view v = e.get(p);
  if (!e.has_tokens(v)) return canon_proxy<PlanRecorder>(e, memo, p, net);
  canon_proxy<FieldList>(e.list(), memo, p, net);
  e.lookup(true, p, net, v);
}
void canon_transform(PlanRecorder& e, KvMemo& memo, std::string_view tr, const char* mode) {
  if (!e.has_tokens(tr)) return canon_transform<PlanRecorder>(e, memo, tr, mode);
  const std::string* canon = memo.transform(tr);
  if (mode) e.set("mode", mode);  // a constant: the mode is read from the words, not the tokens
  if (canon) e.list().set("transform", *canon);
  e.lookup(false, "transform", nullptr, tr);
}

// Whether no key-engine key touches a token: parse_key_values finds a key by walking back
// from an '=' over key characters, which token characters are too; a key that reaches into
// a token would start elsewhere for another value. ('=' is never part of a token, so the
// same '=' are found in every head of the skeleton.)
bool keys_clear_of_tokens(std::string_view t, const Skeleton& sk) {
  for (size_t i = t.find('='); i != std::string_view::npos; i = t.find('=', i + 1)) {
    size_t s = i;
    while (s > 0 && key_char(t[s - 1])) --s;
    for (size_t k = 0; k < sk.n; ++k)
      if (sk.orig_start[k] < i && sk.orig_end[k] > s) return false;
  }
  return true;
}

// A template hit's fields from its plan: spans of `text` (a head with the plan's skeleton
// `sk`), constants and memo lookups, in the plan's order, encoded as Fields encodes them
// into `buf` (from its start, growing it when short); returns the size. Going through a
// FieldList and Fields::assign cost a vector of views, a size pass and two memcpy calls a
// field.
size_t replay(const Plan& plan, std::string_view text, const Skeleton& sk, std::string& buf) {
  size_t grow[Skeleton::kMaxTokens + 1];  // text position - skeleton position after k tokens
  grow[0] = 0;
  for (size_t k = 0; k < sk.n; ++k) grow[k + 1] = grow[k] + (sk.orig_end[k] - sk.orig_start[k]) - Skeleton::kMarker;
  auto view = [&](const PlanSrc& s) -> std::string_view {
    if (s.kind == PlanSrc::Span) {
      size_t a = s.a + grow[s.ta], b = s.b + grow[s.tb];
      return {text.data() + a, b - a};
    }
    return {plan.store.data() + s.a, s.b};
  };
  const std::string* found[Plan::kMaxLookups][2];
  if (!plan.lookups.empty()) {
    KvMemo& memo = kv_memo();
    memo.trim();  // before the lookups: the list keeps views of what they return
    for (size_t i = 0; i < plan.lookups.size(); ++i) {
      const Plan::Lookup& l = plan.lookups[i];
      found[i][0] = found[i][1] = nullptr;
      if (l.proxy) {
        if (const auto* px = memo.proxy(view(l.value))) {
          found[i][0] = &px->first;
          found[i][1] = &px->second;
        }
      } else {
        found[i][0] = memo.transform(view(l.value));
      }
    }
  }
  char* w = buf.data();
  char* end = w + buf.size();
  for (const Plan::Op& op : plan.ops) {
    const Plan::Slot* slot = op.slot >= 0 ? &plan.slots[static_cast<size_t>(op.slot)] : nullptr;
    if (slot && slot->cond >= 0 && !found[slot->cond][0]) slot = nullptr;  // not there for this head
    std::string_view v;
    size_t need = op.len;
    if (slot) {
      if (slot->src.kind != PlanSrc::Lookup) v = view(slot->src);
      else if (const std::string* f = found[slot->src.lookup][slot->src.part]) v = *f;
      else v = view(slot->fallback);
      need += (op.key_in_run ? 0 : 1 + slot->key_len) + 4 + v.size();
    }
    if (static_cast<size_t>(end - w) < need) {
      const size_t at = static_cast<size_t>(w - buf.data());
      buf.resize(2 * (at + need));
      w = buf.data() + at;
      end = buf.data() + buf.size();
    }
    copy_short(w, plan.runs.data() + op.off, op.len);
    w += op.len;
    if (!slot) continue;
    if (!op.key_in_run) {
      copy_short(w, plan.store.data() + slot->key_off - 1, 1 + slot->key_len);  // [length][key]
      w += 1 + slot->key_len;
    }
    auto vl = static_cast<uint32_t>(v.size());
    std::memcpy(w, &vl, 4);
    w += 4;
    copy_short(w, v.data(), v.size());
    w += v.size();
  }
  return static_cast<size_t>(w - buf.data());
}

// Maps the key-engine vocabulary of all releases onto one set of field names. `F` is the
// event's Fields (the reference path, tokenize_uncached) or a FieldList (the fast path):
// both set and get alike, so the two give the same fields in the same order.
template <class F>
void normalise_kv(F& e, EventKind kind, std::string_view text, const KeyValues& kv) {
  if (contains_spaced(text, " INBOUND ")) e.set("direction", "INBOUND");
  else if (contains_spaced(text, " OUTBOUND ")) e.set("direction", "OUTBOUND");
  bool initiator_view = kind == EventKind::SaRequest;
  for (const auto& [k, v] : kv) {
    if (k == "src" || k == "dest" || k == "src_proxy" || k == "dest_proxy") {
      // Old 12.x wording: for an offer being validated (inbound) dest is this router;
      // for an sa_request (outbound) src is this router.
      bool is_src = k[0] == 's';
      bool local = initiator_view ? is_src : !is_src;
      bool proxy = k.find("proxy") != std::string_view::npos;
      e.set(local ? (proxy ? "local_proxy" : "local") : (proxy ? "remote_proxy" : "remote"), v);
      continue;
    }
    for (const auto& [key, field] : kKvFields)
      if (same_name(key, k)) {
        e.set(field, v);
        break;
      }
  }
  // Addresses may carry ":port" on IOS-XE ("203.0.113.200:0").
  for (const char* a : {"local", "remote"}) {
    std::string_view v = e.get(a);
    size_t colon = v.find(':');
    if (colon != std::string_view::npos) e.set(a, v.substr(0, colon));
  }
  // The proxies' ID types, before their canonical forms (which have none) replace them.
  if (std::string_view t = proxy_id_type(e.get("local_proxy")); !t.empty()) e.set("local_id_type", t);
  if (std::string_view t = proxy_id_type(e.get("remote_proxy")); !t.empty()) e.set("remote_id_type", t);
  // Canonical forms for proxies and transforms.
  KvMemo& memo = kv_memo();
  memo.trim();
  canon_proxy(e, memo, "local_proxy", "local_net");
  canon_proxy(e, memo, "remote_proxy", "remote_net");
  std::string_view tr = e.get("transform");
  if (!tr.empty()) {
    const char* mode = tr.find("(Transport") != std::string_view::npos ? "transport"
                       : tr.find("(Tunnel") != std::string_view::npos  ? "tunnel"
                                                                        : nullptr;
    canon_transform(e, memo, tr, mode);
  }
  std::string_view spi = e.get("spi");
  size_t paren = spi.find('(');
  if (paren != std::string_view::npos) e.set("spi", spi.substr(0, paren));
}

// Field touch-ups that depend on the event kind.
void enrich(Event& e) {
  if (e.kind == EventKind::TransformNotSupported && e.has("trans")) {
    int proto = std::atoi(std::string(e.get("protocol_id")).c_str());
    int trans = std::atoi(std::string(e.get("trans")).c_str());
    int hmac = std::atoi(std::string(e.get("hmac_alg")).c_str());
    if (auto t = decode_transform_numbers(proto, trans, hmac)) e.set("transform", t->str());
    else e.set("transform", fmt::format("protocol {} transform {} hmac {}", proto, trans, hmac));
  } else if (e.kind == EventKind::TransformNotSupported && e.has("transform")) {
    if (auto t = parse_transform(e.get("transform"))) e.set("transform", t->str());
  }
  if (e.kind == EventKind::PolicyInvalidated) {
    std::string_view err = e.get("error");
    e.set("error_text", err == "32"    ? " (error 32: the proposed proxies are not covered by a crypto map entry for this peer)"
                        : err == "256" ? " (error 256: no transform set of the entry matches the proposal)"
                        : err.empty()  ? ""
                                       : fmt::format(" (error {})", err));
  }
  if (e.kind == EventKind::P1AttsNotAcceptable)
    e.set("next_text", e.get("next") == "3" ? "another transform of the same proposal follows and is checked next."
                                            : "it was the last one offered.");
  if (e.kind == EventKind::PskNotFound && e.has("peer2")) e.set("peer", std::string(e.get("peer2")));
  if (e.kind == EventKind::PskLookup && e.has("peer2")) e.set("peer", std::string(e.get("peer2")));
  if ((e.kind == EventKind::SpiAllocated || e.kind == EventKind::EnableOutbound) && e.has("spi_dec")) {
    // Read and written without a string (stoul of a copy and fmt::format cost ~600
    // instructions an event, one event in 25 of a debug capture); stoul's reading is kept
    // for what from_chars does not read whole (the patterns capture \d+).
    std::string_view dec = e.get("spi_dec");
    unsigned long v = 0;
    auto [stop, ec] = std::from_chars(dec.data(), dec.data() + dec.size(), v);
    if (ec != std::errc{} || stop != dec.data() + dec.size()) v = std::stoul(std::string(dec));
    char hex[24];
    auto written = fmt::format_to_n(hex, sizeof hex, FMT_COMPILE("0x{:X}"), v);
    e.set("spi", {hex, written.size});
  }
}

}  // namespace

std::vector<std::pair<std::string_view, std::string_view>> parse_key_values(std::string_view t) {
  KeyValues out;
  out.reserve(16);
  parse_key_values_into(t, out);
  return out;
}

namespace {

// Appends tpl with its {name} placeholders filled from e (an absent field: "(not logged)");
// false when a field was absent.
bool append_filled(std::string& out, std::string_view tpl, const Event& e) {
  // The text between placeholders is appended as runs (a push_back per character was most
  // of the cost: the report explains every step it prints).
  bool all = true;
  size_t i = 0;
  for (size_t open = tpl.find('{'); open != std::string_view::npos; open = tpl.find('{', i)) {
    size_t close = tpl.find('}', open);
    if (close == std::string_view::npos) break;  // an unclosed '{' and the rest are literal
    out.append(tpl.data() + i, open - i);
    std::string_view name = tpl.substr(open + 1, close - open - 1);
    if (e.has(name)) {
      out += e.get(name);
    } else {
      out += "(not logged)";
      all = false;
    }
    i = close + 1;
  }
  out.append(tpl.data() + i, tpl.size() - i);
  return all;
}

}  // namespace

std::string render_template(std::string_view tpl, const Event& e) {
  std::string out;
  out.reserve(tpl.size() + 32);
  // "[[ ... ]]" is an optional part: left out when a field it names was not logged (the
  // first of a 15.x proposal's two lines has none; some key lookups name no peer).
  size_t i = 0;
  for (size_t open = tpl.find("[["); open != std::string_view::npos; open = tpl.find("[[", i)) {
    size_t close = tpl.find("]]", open + 2);
    if (close == std::string_view::npos) break;  // unclosed: the rest is ordinary text
    append_filled(out, tpl.substr(i, open - i), e);
    size_t kept = out.size();
    if (!append_filled(out, tpl.substr(open + 2, close - open - 2), e)) out.resize(kept);
    i = close + 2;
  }
  append_filled(out, tpl.substr(i), e);
  return out;
}

std::unique_ptr<Tokenizer> Tokenizer::build(const std::vector<std::pair<std::string, nlohmann::json>>& files,
                                            std::vector<PatternProblem>& problems) {
  auto t = std::make_unique<Tokenizer>();
  for (const auto& [path, doc] : files) t->set_.add_file(path, doc, problems);
  if (!t->set_.compile(problems)) return t;
  t->check_samples(problems);
  return t;
}

namespace {

// A cache of kSets sets of two slots with least-recently-used replacement. Direct-mapped,
// two frequent keys whose hashes share a slot evicted each other on every use, and a flood
// of one-off keys (every head with a new SPI) evicted the frequent ones; with two ways a
// key used again soon survives both. The caller compares the keys.
//
// The hashes live apart from the slots, a set's two in 16 bytes: most lookups of a debug
// capture miss (a head with a new SPI or address), and with the hash inside each slot
// (240 bytes apart, 480 KB for the head cache) every miss was one or two cache misses
// itself; sampled on a 100 MB capture, the two loads of `used` took ~60% of tokenize()'s
// time. A tag is the hash with its lowest bit set (0: empty); that bit also picks the set,
// so within a set no two hashes differ by it.
template <class Slot, size_t kSets>
class TwoWayCache {
 public:
  void reset() {
    tags_.assign(2 * kSets, 0);
    slots_.assign(2 * kSets, Slot{});
    recent_.assign(kSets, 0);
  }
  // The slot holding hash `h` for which same(slot) holds, marked used; or nullptr.
  template <class Same>
  Slot* find(uint64_t h, Same&& same) {
    size_t set = h & (kSets - 1);
    const uint64_t tag = h | 1;
    for (uint8_t way = 0; way < 2; ++way) {
      if (tags_[2 * set + way] == tag && same(slots_[2 * set + way])) {
        recent_[set] = way;
        return &slots_[2 * set + way];
      }
    }
    return nullptr;
  }
  // The slot to overwrite with a new entry of hash `h`: the set's least recently used one.
  Slot& replace(uint64_t h) {
    size_t set = h & (kSets - 1);
    uint8_t way = recent_[set] ^ 1;
    recent_[set] = way;
    tags_[2 * set + way] = h | 1;
    return slots_[2 * set + way];
  }

 private:
  std::vector<uint64_t> tags_;   // per slot: its hash | 1, or 0 when empty
  std::vector<Slot> slots_;
  std::vector<uint8_t> recent_;  // per set, the way used last
};

// What tokenize() derives from a normalised head is a pure function of its text and level
// (pattern, captures, key-engine fields, enrichment), and debug captures repeat the same
// heads over and over ("ISAKMP: atts are acceptable.", one peer's proposal every hour...).
// A cache of recent heads skips the RE2 set and capture passes for a repeat. Bounded (2048
// entries, each a copy of one head and its fields) and per thread.
struct HeadSlot {
  std::string level, text;  // the head
  int pattern = -1;
  Fields fields;
};
using HeadCache = TwoWayCache<HeadSlot, 1024>;

// Heads that differ only in their variable tokens (skeleton.h) share the pattern and where
// the captures are: a template cache keyed by the skeleton skips the RE2 passes for the
// first sight of a head whose kind was seen with other addresses/SPIs (a hub's hundred
// peers). The fields are then cut from the head at the remembered skeleton positions and
// go through the same key-engine and enrichment steps as a computed head. 1024 entries.
struct TemplateSlot {
  std::string key;  // level + '\0' + skeleton
  Tokenizer::Template tpl;
};
using TemplateCache = TwoWayCache<TemplateSlot, 512>;

struct Caches {
  const void* owner = nullptr;  // the Tokenizer the entries came from
  HeadCache head;
  TemplateCache templates;
  Skeleton skeleton;   // scratch: the skeleton of the head being tokenized
  Tokenizer::CacheStats stats;
};

// Another tokenizer than the caches' (tests load several): they start empty. Out of line,
// so that caches(), called for every record, inlines to a thread-local access and a compare.
[[gnu::noinline]] void claim_caches(Caches& c, const void* owner) {
  c.owner = owner;
  c.head.reset();
  c.templates.reset();
}
[[gnu::always_inline]] inline Caches& caches(const void* owner, bool claim = true) {
  thread_local Caches c;
  if (claim && c.owner != owner) [[unlikely]]
    claim_caches(c, owner);
  return c;
}

// The head cache's key is the level and the text, hashed and compared as the parts
// normalize_parts gives (lead and rest): a repeated record is found without building its
// normalised text, which only a record the cache does not know needs.
//
// The lead is one of a few dozen short texts ("ISAKMP: ", "IPSEC(create_sa): "): a full hash
// of it was a third of the hashing of every record. It only seeds the hash of the rest, so
// its first, middle and last eight bytes and its length do (leads differing only elsewhere
// share a seed: the full compare tells them apart, at worst as a miss).
uint64_t lead_seed(std::string_view lead) {
  using namespace text_hash_detail;
  const size_t n = lead.size();
  uint64_t a = 0, b = 0, m = 0;
  if (n >= 8) {
    a = load64(lead.data());
    b = load64(lead.data() + n - 8);
    if (n > 16) m = load64(lead.data() + n / 2 - 4);
  } else if (n > 0) {
    std::memcpy(&a, lead.data(), n);
  }
  return mix(a ^ kK0, b ^ m ^ kK1) ^ n;
}
uint64_t head_hash(const HeadParts& head) {
  uint64_t seed = lead_seed(head.lead);
  if (!head.level.empty()) seed ^= text_hash(head.level);
  return text_hash(head.rest, seed);
}
bool same_head(const std::string& text, const HeadParts& head) {
  return text.size() == head.lead.size() + head.rest.size() &&
         same_text({text.data(), head.lead.size()}, head.lead) &&  // (a lead is short: no call)
         std::memcmp(text.data() + head.lead.size(), head.rest.data(), head.rest.size()) == 0;
}

}  // namespace

uint64_t head_cache_hash(const HeadParts& head) { return head_hash(head); }

Tokenizer::CacheStats Tokenizer::cache_stats() { return caches(nullptr, false).stats; }

bool Tokenizer::tokenize(const Record& r, Event& out) const {
  Record copy = r;
  return tokenize(std::move(copy), out);
}

namespace {

void start_event(const Pattern& p, int idx, Record&& r, int head_conn_id, Event& out) {
  // Every member set anew, in place (`out = Event{}` cost a construction and a move of
  // each member per record); the fields are cleared, keeping their buffer for a reused
  // `out`. The binding lists all members: a new member of Event does not compile here
  // until it is reset too.
  auto& [kind, where, device, stamp, seq, text, conn_id, pattern, fields] = out;
  kind = p.event;
  where = r.where;
  // r keeps its device name, mostly the next record's too: ingest then need not write it
  // again. `device` is mostly empty (the event before moved on): a short name is copied
  // (no allocation; a swap of two short strings cost three memcpy calls, and ingest then
  // wrote the name back), a long one swapped.
  if (!same_text(device, r.device)) {
    if (r.device.size() < 16) device.assign(r.device);
    else device.swap(r.device);
  }
  stamp = r.stamp;
  seq = r.seq;
  text = std::move(r.body);
  conn_id = head_conn_id;
  pattern = idx;
  fields.clear();
}

// Pattern p's captures of `head` into `f` (plus the level). With a skeleton and a template,
// also records the capture positions; returns false when they cannot be.
template <class F>
bool captured_fields(const Pattern& p, int idx, const NormalizedHead& head, F& f, const Skeleton* sk,
                     Tokenizer::Template* tpl) {
  if (!head.level.empty()) f.set("level", head.level);
  if (tpl) {
    tpl->pattern = idx;
    tpl->spans.clear();
  }
  bool templ_ok = tpl != nullptr;
  if (p.groups.empty()) return templ_ok;
  int n = p.re->NumberOfCapturingGroups();
  re2::StringPiece small[16];
  std::vector<re2::StringPiece> big;
  re2::StringPiece* sub = small;
  if (n + 1 > 16) {
    big.resize(static_cast<size_t>(n) + 1);
    sub = big.data();
  }
  if (!p.re->Match(head.text, 0, head.text.size(), RE2::UNANCHORED, sub, n + 1))
    return false;  // classified but no capture match: nothing to remember
  for (size_t g = 0; g < p.groups.size(); ++g) {
    const auto& sp = sub[static_cast<size_t>(p.groups[g].second)];
    if (sp.data() == nullptr) continue;
    f.set(p.groups[g].first, std::string_view(sp.data(), sp.size()));
    if (templ_ok) {
      size_t a = static_cast<size_t>(sp.data() - head.text.data());
      Tokenizer::Template::Span s{static_cast<uint32_t>(g), 0, 0};
      templ_ok = sk->to_skeleton(a, s.start) && sk->to_skeleton(a + sp.size(), s.end);
      tpl->spans.push_back(s);
    }
  }
  return templ_ok;
}

// The same cut from `head` at the positions of a template of an equal skeleton.
template <class F>
bool templated_fields(const Pattern& p, const Tokenizer::Template& t, const NormalizedHead& head, const Skeleton& sk,
                      F& f) {
  if (!head.level.empty()) f.set("level", head.level);
  for (const auto& s : t.spans) {
    size_t a = 0, b = 0;
    if (!sk.to_original(s.start, a) || !sk.to_original(s.end, b) || b < a || b > head.text.size()) return false;
    f.set(p.groups[s.group].first, std::string_view(head.text).substr(a, b - a));
  }
  return true;
}

// Scratch of the fast path, per thread (kept between records for their capacity).
struct DeriveScratch {
  FieldList fields;
  KeyValues kv;
  std::string encoded;  // a plan's fields as Fields encodes them (replay)
};
DeriveScratch& derive_scratch() {
  thread_local DeriveScratch s;
  return s;
}

// The key-engine fields after the captures in `f`, then `f` into the event, then enrich.
void finish_fields(const Pattern& p, const NormalizedHead& head, DeriveScratch& s, Event& out) {
  if (p.kv) {
    parse_key_values_into(head.text, s.kv);
    normalise_kv(s.fields, out.kind, head.text, s.kv);
  }
  s.fields.write_to(out.fields);
  enrich(out);
}

}  // namespace

bool Tokenizer::derive(const NormalizedHead& head, int idx, Event& out, const Skeleton* sk, Template* tpl) const {
  const Pattern& p = set_.at(idx);
  DeriveScratch& s = derive_scratch();
  s.fields.clear();
  if (!tpl || !sk) {
    bool templ_ok = captured_fields(p, idx, head, s.fields, sk, tpl);
    finish_fields(p, head, s, out);
    return templ_ok;
  }
  // The first head of a template: computed as any head, through a recorder that makes the
  // template's plan on the way.
  tpl->plan.reset();
  auto plan = std::make_shared<Template::Plan>();
  PlanRecorder rec(s.fields, head.text, *sk, *plan);
  bool templ_ok = captured_fields(p, idx, head, rec, sk, tpl);
  if (p.kv) {
    if (!keys_clear_of_tokens(head.text, *sk)) rec.fail();
    parse_key_values_into(head.text, s.kv);
    normalise_kv(rec, out.kind, head.text, s.kv);
  }
  s.fields.write_to(out.fields);
  enrich(out);
  if (templ_ok && rec.ok()) {
    plan->compile();
    tpl->plan = std::move(plan);
  }
  return templ_ok;
}

bool Tokenizer::derive_from(const NormalizedHead& head, const Template& t, const Skeleton& sk, Event& out) const {
  const Pattern& p = set_.at(t.pattern);
  DeriveScratch& s = derive_scratch();
  if (t.plan) {  // no key-engine parse, no normalisation: the plan says where each field comes from
    size_t bytes = replay(*t.plan, head.text, sk, s.encoded);
    out.fields.assign_raw({s.encoded.data(), bytes});
    enrich(out);
    return true;
  }
  s.fields.clear();
  if (!templated_fields(p, t, head, sk, s.fields)) return false;
  finish_fields(p, head, s, out);
  return true;
}

bool Tokenizer::tokenize_uncached(Record&& r, Event& out) const {
  NormalizedHead head;
  if (!normalize_head(r.body, head)) return false;
  int idx = set_.classify(head.text);
  if (idx < 0) return false;
  const Pattern& p = set_.at(idx);
  start_event(p, idx, std::move(r), head.conn_id, out);
  // Straight into the event's Fields, one set at a time (no FieldList, no scratch): the
  // reference the fast path is compared with.
  out.fields.reserve(8);
  captured_fields(p, idx, head, out.fields, nullptr, nullptr);
  if (p.kv) normalise_kv(out.fields, out.kind, head.text, parse_key_values(head.text));
  enrich(out);
  return true;
}

bool Tokenizer::tokenize(Record&& r, Event& out) const {
  thread_local HeadParts parts;      // reused: its buffers keep their capacity between records
  thread_local NormalizedHead head;
  if (!normalize_parts(r.body, parts)) return false;
  Caches& c = caches(this);
  uint64_t h = head_hash(parts);
  if (const HeadSlot* hit = c.head.find(
          h, [&](const HeadSlot& s) { return same_head(s.text, parts) && s.level == parts.level; })) {
    ++c.stats.hits;
    start_event(set_.at(hit->pattern), hit->pattern, std::move(r), parts.conn_id, out);
    out.fields = hit->fields;
    return true;
  }
  // Not a repeat: the normalised head as one text (before the body moves into the event).
  head.conn_id = parts.conn_id;
  head.level.assign(parts.level);
  head.text.resize(parts.lead.size() + parts.rest.size());
  // (copy_short reads nothing for an empty part, whose data may be null)
  copy_short(head.text.data(), parts.lead.data(), parts.lead.size());
  copy_short(head.text.data() + parts.lead.size(), parts.rest.data(), parts.rest.size());
  auto remember = [&](int pattern) {
    HeadSlot& slot = c.head.replace(h);
    slot.level = head.level;
    slot.text = head.text;
    slot.pattern = pattern;
    slot.fields = out.fields;
  };
  // Not seen as such: maybe seen with other addresses/numbers (same skeleton).
  Skeleton& sk = c.skeleton;
  bool templatable = false;
  uint64_t th = 0;
  if (templates_ok_) {
    // Also a head without tokens (its skeleton is itself): when the flood of one-off heads
    // has evicted it from the head cache, its template still saves the RE2 passes.
    // The key's prefix is the level with its terminating '\0', which a std::string has (a
    // copy into a prefix string was an _M_replace call per head).
    templatable = build_skeleton({head.level.data(), head.level.size() + 1}, head.text, sk);
  }
  if (templatable) {
    th = text_hash(sk.key);
    if (const TemplateSlot* hit = c.templates.find(th, [&](const TemplateSlot& s) { return s.key == sk.key; })) {
      const Template& t = hit->tpl;
      start_event(set_.at(t.pattern), t.pattern, std::move(r), head.conn_id, out);
      if (derive_from(head, t, sk, out)) {
        ++c.stats.template_hits;
        c.stats.planned += t.plan != nullptr;
        // Only a head without tokens goes (back) into the head cache: it is a frequent
        // message that the flood of one-off heads evicted. A head with tokens seen here is
        // a new combination of values (an SPI, a message id): copying its text and fields
        // into the cache cost more than its rare repeats save, and evicted heads that do
        // repeat (100 MB debug capture -t2: tokenize -65 M instructions, program -74 M).
        if (sk.n == 0) remember(t.pattern);
        return true;
      }
      // Cannot happen for a skeleton equal to the template's; computed below to be safe.
      r.body = std::move(out.text);
      r.device = std::move(out.device);
    }
  }
  int idx = set_.classify(head.text);
  if (idx < 0) return false;
  ++c.stats.misses;
  start_event(set_.at(idx), idx, std::move(r), head.conn_id, out);
  Template tpl;
  bool keep_template = derive(head, idx, out, templatable ? &sk : nullptr, templatable ? &tpl : nullptr);
  if (templatable && keep_template) {
    TemplateSlot& slot = c.templates.replace(th);
    slot.key = sk.key;
    slot.tpl = std::move(tpl);
  }
  remember(idx);
  return true;
}

bool Tokenizer::tokenize_lines(const std::vector<std::string>& lines, Event& out) const {
  if (lines.empty()) return false;
  Record r;
  std::string_view note;
  LinePrefix pre = parse_prefix(lines[0]);
  r.stamp = pre.stamp;
  r.body = std::string(strip_note(std::string_view(lines[0]).substr(pre.body), note));
  if (!pre.origin.empty()) r.device = std::string(pre.origin);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view l = strip_note(lines[i], note);
    while (!l.empty() && l.front() == ' ') l.remove_prefix(1);
    if (!l.empty()) {
      r.body.push_back(' ');
      r.body.append(l.data(), l.size());
    }
  }
  return tokenize(std::move(r), out);
}

std::string Tokenizer::explain(const Event& e) const {
  if (e.pattern >= 0 && static_cast<size_t>(e.pattern) < set_.size())
    return render_template(set_.at(e.pattern).explain, e);
  for (size_t i = 0; i < set_.size(); ++i)
    if (set_.at(static_cast<int>(i)).event == e.kind) return render_template(set_.at(static_cast<int>(i)).explain, e);
  return {};
}

namespace {

// A regex that could tell two values of one token class apart (skeleton.h): a counted
// repetition ("\\d{1,3}"), a literal number of four digits or more, a literal digit next to
// a literal dot ("10\\.1"), a literal "0x" followed by a hex digit. Classes ("[0-9.]+") are
// fine: they accept every value of a class alike.
std::string value_dependent(std::string_view re) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto is_hex = [&](char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  size_t run = 0;
  char prev = 0, prev2 = 0;  // previous literal characters ('.' for an escaped dot), 0 after anything else
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\' && i + 1 < re.size()) {
      char e = re[++i];
      run = 0;
      if (e == '.' && is_digit(prev)) return "a literal digit before a literal dot";
      prev2 = prev;
      prev = e == '.' ? '.' : 0;
      continue;
    }
    if (c == '[') {  // skip the class
      size_t j = i + 1;
      if (j < re.size() && re[j] == '^') ++j;
      if (j < re.size() && re[j] == ']') ++j;
      while (j < re.size() && re[j] != ']') j += re[j] == '\\' ? 2 : 1;
      i = j;
      run = 0;
      prev = prev2 = 0;
      continue;
    }
    if (c == '{' && i + 1 < re.size() && is_digit(re[i + 1])) return "a counted repetition";
    if (is_digit(c)) {
      if (prev == '.') return "a literal digit after a literal dot";
      if (++run >= 4) return "a literal number of four digits or more";
    } else {
      run = 0;
    }
    if (prev2 == '0' && prev == 'x' && is_hex(c)) return "a literal hex value";
    prev2 = prev;
    prev = c;
  }
  return {};
}

}  // namespace

void Tokenizer::check_template(int i, const NormalizedHead& head, const std::string& shown,
                               std::vector<PatternProblem>& problems) {
  const Pattern& p = set_.at(i);
  auto off = [&](const std::string& why) {
    templates_ok_ = false;
    problems.push_back({p.file, p.id,
                        fmt::format("{}: the pattern depends on the value of an address or number, so the "
                                    "template cache is off (same results, slower on captures with many peers)",
                                    why),
                        false});
  };
  std::string prefix = head.level + '\0';
  Skeleton sk, vsk;
  if (!build_skeleton(prefix, head.text, sk) || sk.n == 0) return;
  Event full;
  Template tpl;
  if (!derive(head, i, full, &sk, &tpl)) return;  // not templatable: the cache computes it
  NormalizedHead varied = head;
  varied.text = vary_tokens(head.text);
  if (!build_skeleton(prefix, varied.text, vsk) || vsk.key != sk.key) return;
  Event computed, templated;
  int idx = set_.classify(varied.text);
  if (idx >= 0) derive(varied, idx, computed, nullptr, nullptr);
  bool same = idx == i && derive_from(varied, tpl, vsk, templated) && computed.fields == templated.fields;
  if (!same) off(fmt::format("sample \"{}\" with other addresses/numbers (\"{}\") comes out differently", shown, varied.text));
}

void Tokenizer::check_samples(std::vector<PatternProblem>& problems) {
  for (size_t i = 0; i < set_.size(); ++i) {
    std::string why = value_dependent(set_.at(static_cast<int>(i)).regex);
    if (!why.empty() && templates_ok_) {
      templates_ok_ = false;
      problems.push_back({set_.at(static_cast<int>(i)).file, set_.at(static_cast<int>(i)).id,
                          why + " in the regex: the pattern may depend on the value of an address or number, so "
                                "the template cache is off (same results, slower on captures with many peers)",
                          false});
    }
  }
  for (size_t i = 0; i < set_.size(); ++i) {
    const Pattern& p = set_.at(static_cast<int>(i));
    for (const auto& s : p.samples) {
      std::vector<std::string> lines;
      nlohmann::json fields = nlohmann::json::object();
      if (s.is_string()) {
        lines.push_back(s.get<std::string>());
      } else if (s.is_object()) {
        for (const auto& l : s.value("lines", nlohmann::json::array())) lines.push_back(l.get<std::string>());
        fields = s.value("fields", nlohmann::json::object());
      }
      Event ev;
      std::string shown = lines.empty() ? "" : lines[0];
      if (!tokenize_lines(lines, ev)) {
        problems.push_back({p.file, p.id, "sample matches no pattern: " + shown});
        continue;
      }
      if (ev.pattern != static_cast<int>(i)) {
        problems.push_back({p.file, p.id,
                            fmt::format("sample is taken by earlier pattern {}: {}", set_.at(ev.pattern).id, shown)});
        continue;
      }
      for (const auto& [k, v] : fields.items()) {
        std::string want = v.is_string() ? v.get<std::string>() : v.dump();
        if (ev.get(k) != want)
          problems.push_back({p.file, p.id,
                              fmt::format("sample field {} is \"{}\", expected \"{}\": {}", k, ev.get(k), want, shown)});
      }
      // Collisions: another (later) pattern would also match this sample.
      NormalizedHead head;
      Record r;
      r.body = ev.text;
      if (normalize_head(r.body, head)) {
        if (templates_ok_) check_template(static_cast<int>(i), head, shown, problems);
        for (size_t j = i + 1; j < set_.size(); ++j) {
          const Pattern& q = set_.at(static_cast<int>(j));
          if (RE2::PartialMatch(head.text, *q.re))
            collisions_.push_back(fmt::format("{} sample \"{}\" also matches {} (resolved by order)", p.id, shown, q.id));
        }
      }
    }
  }
}

}  // namespace ipsecdoc
