// Benchmark input generator (not part of the analyzer). Seeded and deterministic: the same
// flags give the same bytes on every platform (own PRNG, no <random> distributions).
//
//   gen_logs --mode mixed --mb 200 --seed 1 -o archive.log
//       A syslog server's archive: many devices, mostly unrelated messages (%LINK, %LINEPROTO,
//       %SYS, %SEC, %OSPF, %DHCPD, %SSH...), ~4% of lines crypto debug/syslog interleaved from
//       several devices. Prefix = server receive time + sender (IP or host) + [seq:] +
//       [origin-id:] + device timestamp in the device's `service timestamps` style.
//   gen_logs --mode debug --mb 100 --seed 2 -o capture.log
//       Pure `debug crypto isakmp` / `debug crypto ipsec` captures, one device after the other,
//       each with many concurrent negotiations (successes and the classic failures).
//   gen_logs --mode junk --mb 100 --seed 3 -o junk.log
//       Hostile input for the memory goal: lines from a few bytes to 3 MB (some past the
//       reader's 1 MiB cut), a third of them crypto messages padded to that length (an
//       export with every message on one line), a third binary bytes (NULs, control bytes,
//       invalid UTF-8), the rest text without a crypto keyword.
//   --truth FILE (mixed and debug modes): also writes what was generated, one JSON object per negotiation
//       (device, dialect, local, peer, role, outcome, conn_id, mid, proxies, transform, offered,
//       and the line numbers of its records), to check the analyzer's grouping against. The log
//       itself is the same bytes with or without it.
//
// Interleaving follows IOS: the ISAKMP process prints one message's processing in one run
// (other negotiations' lines only between runs); the IPsec key engine's lines interleave freely.
//
// Line formats follow rules/patterns/*.json samples and reference §5 (12.x, 15.x, IOS-XE).
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

// ---------- deterministic PRNG (splitmix64) ----------
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 0x1234567ull) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>((next() >> 11) % n); }  // n small: bias negligible
  int range(int lo, int hi) { return lo + static_cast<int>(below(static_cast<uint32_t>(hi - lo + 1))); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  template <class T, size_t N>
  const T& pick(const T (&a)[N]) { return a[below(N)]; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(static_cast<uint32_t>(v.size()))]; }
};

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr int kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// Milliseconds since Jan 1 00:00 -> "Mon DD HH:MM:SS" (day right-aligned, width 2).
void put_date(std::string& o, int64_t ms, bool msec, bool year) {
  int64_t secs = ms / 1000;
  int64_t day = secs / 86400 % 365;
  int mon = 0;
  while (day >= kDaysIn[mon]) day -= kDaysIn[mon++];
  int64_t t = secs % 86400;
  fmt::format_to(std::back_inserter(o), "{} {:>2} ", kMonths[mon], day + 1);
  if (year) fmt::format_to(std::back_inserter(o), "2026 ");
  fmt::format_to(std::back_inserter(o), "{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
  if (msec) fmt::format_to(std::back_inserter(o), ".{:03}", ms % 1000);
}

// ---------- devices ----------
enum class Dialect { V12, V15, XE };
enum class StampStyle { StarBoot, UtcMsec, LostSyncTz, PlainNoMsec, WithYear, Uptime, None };

struct Device {
  std::string name;      // hostname (origin-id)
  std::string addr;      // source address of its syslog packets
  std::string sender;    // what the server writes: IP or FQDN
  Dialect dialect;
  StampStyle stamp;
  bool seq_numbers;      // service sequence-numbers
  bool origin_id;        // logging origin-id hostname
  int64_t boot_ms;       // for uptime and non-authoritative (*Mar 1) clocks
  int64_t skew_ms;
  const char* tz;
  uint64_t seq = 1;
  int next_conn = 1001;
  std::string wan_ip;
  std::string lan_net;   // "192.168.N.0"
  std::vector<std::string> ifaces;
};

std::string ip(int a, int b, int c, int d) { return fmt::format("{}.{}.{}.{}", a, b, c, d); }

// Device timestamp (without the trailing ':'), appended to o. Returns false for none.
bool put_device_stamp(std::string& o, const Device& d, int64_t now_ms) {
  int64_t t = now_ms + d.skew_ms;
  switch (d.stamp) {
    case StampStyle::StarBoot:  // clock never set: counts from Mar 1 00:00 at boot
      o.push_back('*');
      put_date(o, (31 + 28) * 86400000ll + (now_ms - d.boot_ms), true, false);
      return true;
    case StampStyle::UtcMsec:
      put_date(o, t, true, false);
      o += " UTC";
      return true;
    case StampStyle::LostSyncTz:
      o.push_back('.');
      put_date(o, t + 3600000, true, false);
      o.push_back(' ');
      o += d.tz;
      return true;
    case StampStyle::PlainNoMsec:
      put_date(o, t, false, false);
      return true;
    case StampStyle::WithYear:
      put_date(o, t, true, true);
      o += " UTC";
      return true;
    case StampStyle::Uptime: {
      int64_t up = (now_ms - d.boot_ms) / 1000;
      if (up < 86400) fmt::format_to(std::back_inserter(o), "{:02}:{:02}:{:02}", up / 3600, up / 60 % 60, up % 60);
      else if (up < 7 * 86400) fmt::format_to(std::back_inserter(o), "{}d{:02}h", up / 86400, up / 3600 % 24);
      else fmt::format_to(std::back_inserter(o), "{}w{}d", up / 604800, up / 86400 % 7);
      return true;
    }
    case StampStyle::None:
      return false;
  }
  return false;
}

// ---------- crypto negotiations ----------
// One record = head line (gets a prefix) + continuation lines (emitted verbatim).
struct Rec {
  std::string head;
  std::vector<std::string> cont;
  bool glue = false;  // printed right after the previous record of its negotiation (see NegBuilder::prev_ikmp_)
};

enum class Outcome { Success, TransformMismatch, ProxyMismatch, P1PolicyMismatch, PskMissing, PskMismatch, PeerDown, DataPlane };

struct Neg {
  const Device* dev;
  std::deque<Rec> recs;
  size_t truth = SIZE_MAX;  // index into Truth::negs (only with --truth)
};

// --truth FILE: what each generated negotiation is (device, peer, role, proxies, transform,
// outcome) and the line numbers of its records, one JSON object per line, so the analyzer's
// grouping can be checked against it. Reads the builder's state only: the RNG sequence and
// thus the log bytes are the same with or without it.
struct Truth {
  bool on = false;
  struct Entry {
    std::string head;  // JSON members without the braces and without "lines"
    std::vector<uint64_t> lines;
  };
  std::vector<Entry> negs;
  void record(Neg& n, uint64_t line) {
    if (n.truth < negs.size()) negs[n.truth].lines.push_back(line);
  }
};

struct Transform {
  const char* ios;      // "esp-aes 256 esp-sha-hmac"
  const char* esp_id;   // "ESP_AES"
  int trans;            // IPsec DOI transform id
  int hmac;             // auth alg number
  int keylen;           // 0: none
  const char* auth;     // "HMAC-SHA"
};
constexpr Transform kTransforms[] = {
    {"esp-aes esp-sha-hmac", "ESP_AES", 12, 2, 128, "HMAC-SHA"},
    {"esp-aes 256 esp-sha-hmac", "ESP_AES", 12, 2, 256, "HMAC-SHA"},
    {"esp-aes 256 esp-sha256-hmac", "ESP_AES", 12, 5, 256, "HMAC-SHA256"},
    {"esp-aes 256 esp-sha512-hmac", "ESP_AES", 12, 7, 256, "HMAC-SHA512"},
    {"esp-3des esp-sha-hmac", "ESP_3DES", 3, 2, 0, "HMAC-SHA"},
    {"esp-3des esp-md5-hmac", "ESP_3DES", 3, 1, 0, "HMAC-MD5"},
    {"esp-des esp-sha-hmac", "ESP_DES", 2, 2, 0, "HMAC-SHA"},
    {"esp-des esp-md5-hmac", "ESP_DES", 2, 1, 0, "HMAC-MD5"},
};
struct P1Policy {
  const char* enc;   // "AES-CBC"
  int keylen;        // 0: none
  const char* hash;  // "SHA"
  int group;
};
constexpr P1Policy kP1[] = {{"AES-CBC", 256, "SHA256", 14}, {"AES-CBC", 128, "SHA", 14}, {"AES-CBC", 256, "SHA", 5},
                            {"3DES-CBC", 0, "SHA", 2},      {"DES-CBC", 0, "MD5", 1}};
constexpr const char* kMaps[] = {"CMAP", "VPN", "OUTSIDE_MAP", "crypto-map-1", "SDM_CMAP_1"};

class NegBuilder {
 public:
  NegBuilder(Rng& r, const Device& d, std::string peer, Outcome oc, bool initiator)
      : r_(r), d_(d), peer_(std::move(peer)), oc_(oc), init_(initiator) {
    // IKE SA connection ids are unique per router: 12.x counts from 1, 12.4T/15.x/XE from 1001.
    // (The 12.x id used to be drawn from 1..40, so concurrent SAs shared ids; the draw is kept
    // so the rest of the random sequence stays as it was.)
    int drawn = d.dialect == Dialect::V12 ? r.range(1, 40) : 0;
    (void)drawn;
    conn_ = const_cast<Device&>(d).next_conn++;
    if (d.dialect == Dialect::V12) conn_ -= 1000;
    if (d.next_conn > 32000) const_cast<Device&>(d).next_conn = 1001;
    local_net_ = d.lan_net;
    remote_net_ = fmt::format("10.{}.{}.0", r.range(1, 250), r.range(0, 255));
    tr_ = &kTransforms[r.below(4)];
    p1_ = &kP1[r.below(3)];
    mid_ = static_cast<int64_t>(r.next() % 4000000000ull) - 2000000000;
    spi_in_ = static_cast<uint32_t>(r.next());
    spi_out_ = static_cast<uint32_t>(r.next());
    map_ = kMaps[r.below(5)];
    map_seq_ = 10 * r.range(1, 9);
  }

  // The truth about this negotiation (see Truth), valid after build().
  std::string truth_json() const {
    static const char* const kOutcome[] = {"success", "transform-mismatch", "proxy-mismatch", "p1-policy-mismatch",
                                           "psk-missing", "psk-mismatch", "peer-down", "data-plane"};
    static const char* const kDialect[] = {"12.x", "15.x", "IOS-XE"};
    return fmt::format(
        R"("device":"{}","dialect":"{}","local":"{}","peer":"{}","role":"{}","outcome":"{}","conn_id":{},"mid":{},)"
        R"("local_proxy":"{}/255.255.255.0/0/0","remote_proxy":"{}/255.255.255.0/0/0","transform":"{}","offered":"{}")",
        d_.name, kDialect[static_cast<int>(d_.dialect)], d_.wan_ip, peer_,
        oc_ == Outcome::PskMissing ? "responder" : oc_ == Outcome::PeerDown || init_ ? "initiator" : "responder",
        kOutcome[static_cast<int>(oc_)], conn_, mid_, local_net_, remote_net_, tr_->ios,
        offered_ ? offered_->ios : tr_->ios);
  }

  std::deque<Rec> build() {
    switch (oc_) {
      case Outcome::PeerDown: peer_down(); break;
      case Outcome::PskMissing: psk_missing(); break;
      case Outcome::DataPlane: data_plane(); break;
      default:
        main_mode();
        if (oc_ == Outcome::P1PolicyMismatch || oc_ == Outcome::PskMismatch) break;
        quick_mode();
    }
    return std::move(out_);
  }

 private:
  // ISAKMP head in the device's dialect, with or without the connection id.
  std::string isk(std::string_view msg, int conn, const char* level = nullptr) const {
    switch (d_.dialect) {
      case Dialect::V12:  // 12.x: "ISAKMP (0:1): sending packet ..." (one space after the colon)
        while (!msg.empty() && msg.front() == ' ') msg.remove_prefix(1);
        return fmt::format("ISAKMP (0:{}): {}", conn, msg);
      case Dialect::V15: return fmt::format("ISAKMP:({}):{}", conn, msg);
      case Dialect::XE:
        return level ? fmt::format("ISAKMP-{}: ({}):{}", level, conn, msg) : fmt::format("ISAKMP: ({}):{}", conn, msg);
    }
    return {};
  }
  std::string isk(std::string_view msg) { return isk(msg, conn_); }
  // 15.x/XE print "(0)" until the SA has its id; 12.x numbers the SA as soon as it exists.
  std::string isk0(std::string_view msg) { return isk(msg, d_.dialect == Dialect::V12 ? conn_ : 0); }
  static std::string attr(std::string_view msg) { return fmt::format("ISAKMP:      {}", msg); }
  void add(std::string head, std::vector<std::string> cont = {}) {
    bool ikmp = ikmp_context(head);
    bool glue = ikmp && prev_ikmp_ && !starts_burst(head);
    prev_ikmp_ = ikmp;
    out_.push_back({std::move(head), std::move(cont), glue});
  }
  // Printed by the ISAKMP process (or by IPsec code it calls synchronously while processing
  // a message), not by the IPsec key engine process.
  static bool ikmp_context(std::string_view h) {
    if (h.substr(0, 6) != "IPSEC(") return true;  // ISAKMP..., %CRYPTO-..., CryptoEngine0, continuation lines
    for (std::string_view f : {"IPSEC(validate_proposal", "IPSEC(validate_transform_proposal)",
                               "IPSEC(ipsec_process_proposal)", "IPSEC(map_db_find_best)"})
      if (h.substr(0, f.size()) == f) return true;
    return false;
  }
  // What the ISAKMP process does on its own account (a packet received, a timer, a request
  // from the key engine) starts a new run of lines; everything else continues the current one.
  static bool starts_burst(std::string_view h) {
    for (std::string_view w : {"received packet from", "retransmitting phase", "beginning Main Mode",
                               "beginning Quick Mode", "Death by retransmission"})
      if (h.find(w) != std::string_view::npos) return true;
    return false;
  }

  const char* role() const { return init_ ? "I" : "R"; }
  std::string sending(const char* st) {
    return isk(fmt::format(" sending packet to {} my_port 500 peer_port 500 ({}) {}", peer_, role(), st));
  }
  std::string received(const char* st, int conn) {
    // A NEW SA (Main Mode offer) is always received as responder, whatever the outcome says.
    const char* r = std::strcmp(st, "NEW SA") == 0 ? "R" : role();
    if (d_.dialect == Dialect::XE)
      return fmt::format("ISAKMP-PAK: ({}):received packet from {} dport 500 sport 500 Global ({}) {}", conn, peer_,
                         r, st);
    return isk(fmt::format(" received packet from {} dport 500 sport 500 Global ({}) {}", peer_, r, st), conn);
  }
  std::string state(const char* o, const char* n) { return isk(fmt::format("Old State = {}  New State = {}", o, n)); }
  std::string input(const char* a, const char* b) { return isk(fmt::format("Input = {}, {}", a, b)); }

  void p1_attrs(const P1Policy& p) {
    add(attr(fmt::format("encryption {}", p.enc)));
    if (p.keylen) add(attr(fmt::format("keylength of {}", p.keylen)));
    add(attr(fmt::format("hash {}", p.hash)));
    add(attr(fmt::format("default group {}", p.group)));
    add(attr("auth pre-share"));
    add(attr("life type in seconds"));
    add(attr("life duration (VPI) of  0x0 0x1 0x51 0x80"));
  }

  void main_mode() {
    if (init_) {
      add(isk0("beginning Main Mode exchange"));
      add(fmt::format("ISAKMP: Created a peer struct for {}, peer port 500", peer_));
      add(fmt::format("ISAKMP: Locking peer struct 0x{:X}, refcount 1 for isakmp_initiator", r_.next() & 0xFFFFFFF));
      add(isk0("found peer pre-shared key matching ") + peer_);
      add(isk0(" sending packet to ") + peer_ + " my_port 500 peer_port 500 (I) MM_NO_STATE");
      add(received("MM_NO_STATE", d_.dialect == Dialect::V12 ? conn_ : 0));
      add(isk0(" processing SA payload. message ID = 0"));
      add(isk0(" processing vendor id payload"));
      add(isk0(" vendor ID is NAT-T RFC 3947"));
    } else {
      add(received("NEW SA", 0));
      add(fmt::format("ISAKMP: Created a peer struct for {}, peer port 500", peer_));
      add(fmt::format("ISAKMP: local port 500, remote port 500"));
      add(isk0(fmt::format("insert sa successfully sa = {:X}", r_.next() & 0xFFFFFFFF)));
      add(isk0(" processing SA payload. message ID = 0"));
      add(isk0(" processing vendor id payload"));
      add(isk0(" vendor ID is DPD"));
      add(isk0("found peer pre-shared key matching ") + peer_);
      // Responder checks the offer against its policies.
      int prio = 10;
      if (oc_ == Outcome::P1PolicyMismatch || r_.chance(0.3)) {
        const P1Policy& other = kP1[3 + r_.below(2)];
        add(isk0(fmt::format("Checking ISAKMP transform 1 against priority {} policy", prio)));
        p1_attrs(*p1_);
        add(isk0(r_.chance(0.5) ? "Encryption algorithm offered does not match policy!"
                                : "Hash algorithm offered does not match policy!"));
        add(isk0(oc_ == Outcome::P1PolicyMismatch ? "atts are not acceptable. Next payload is 0"
                                                  : "atts are not acceptable. Next payload is 3"));
        (void)other;
        prio = 20;
      }
      if (oc_ == Outcome::P1PolicyMismatch) {
        add(isk0(fmt::format("phase 1 SA policy not acceptable! (local {} remote {})", d_.wan_ip, peer_)));
        add(isk0("no offers accepted!"));
        add(isk0(fmt::format("Sending NOTIFY NO_PROPOSAL_CHOSEN protocol 1")));
        add(fmt::format("%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at {}", peer_));
        add(isk0("deleting SA reason \"Phase1 SA policy proposal not accepted\" state (R) MM_NO_STATE (peer ") + peer_ +
            ")");
        return;
      }
      add(isk0(fmt::format("Checking ISAKMP transform 1 against priority {} policy", prio)));
      p1_attrs(*p1_);
      add(isk0("atts are acceptable. Next payload is 0"));
      add(isk0("Acceptable atts:actual life: 0"));
      add(isk0("Returning Actual lifetime: 86400"));
      add(input("IKE_MESG_INTERNAL", "IKE_PROCESS_COMPLETE"));
      add(state("IKE_R_MM1", "IKE_R_MM1"));
      add(sending("MM_SA_SETUP"));
    }
    // MM3/MM4: key exchange
    add(state(init_ ? "IKE_I_MM1" : "IKE_R_MM2", init_ ? "IKE_I_MM2" : "IKE_R_MM3"));
    add(received(init_ ? "MM_SA_SETUP" : "MM_SA_SETUP", conn0()));
    add(input("IKE_MESG_FROM_PEER", "IKE_MM_EXCH"));
    add(isk(" processing KE payload. message ID = 0", conn0()));
    add(isk(" processing NONCE payload. message ID = 0", conn0()));
    add(isk("SKEYID state generated", conn0()));
    add(isk(" processing vendor id payload", conn0()));
    add(isk(" vendor ID is NAT-T RFC 3947", conn0()));
    if (r_.chance(0.7)) {
      add(isk("received payload type 20", conn0()));
      add(isk("No NAT Found for self or peer", conn0()));
    }
    if (d_.dialect != Dialect::V12 && r_.chance(0.5)) add("CryptoEngine0: generate alg parameter");
    add(sending(init_ ? "MM_KEY_EXCH" : "MM_KEY_EXCH"));
    if (oc_ == Outcome::PskMismatch) {
      // Wrong key: the peer cannot decrypt MM5 and says so; the initiator keeps resending.
      if (init_) {
        for (int i = 0; i < 5; ++i) add(isk(" retransmitting phase 1 MM_KEY_EXCH..."));
        add(isk("deleting SA reason \"Death by retransmission P1\" state (I) MM_KEY_EXCH (peer ") + peer_ + ")");
      } else {
        add(fmt::format("%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from {} failed its sanity check or is malformed", peer_));
        add(isk("deleting SA reason \"No reason\" state (R) MM_KEY_EXCH (peer ") + peer_ + ")");
      }
      return;
    }
    add(received("MM_KEY_EXCH", conn_));
    add(isk(" processing ID payload. message ID = 0"));
    add(isk("SA is doing pre-shared key authentication using id type ID_IPV4_ADDR"));
    add(isk(" processing HASH payload. message ID = 0"));
    add(isk("SA authentication status:"), {"        authenticated"});
    add(isk("SA has been authenticated with ") + peer_);
    if (init_) add(isk("Old State = IKE_I_MM5  New State = IKE_I_MM6"));  // (a responder has no IKE_I_ states)
    add(state(init_ ? "IKE_I_MM6" : "IKE_R_MM5", "IKE_P1_COMPLETE"));
  }
  int conn0() const { return d_.dialect == Dialect::V12 ? conn_ : conn_; }

  std::vector<std::string> kem(const char* dir, bool local_first) {
    // key-engine continuation lines in the dialect's layout
    std::string lp = fmt::format("{}/255.255.255.0", local_net_), rp = fmt::format("{}/255.255.255.0", remote_net_);
    std::vector<std::string> c;
    if (d_.dialect == Dialect::XE) {
      c.push_back(fmt::format("  (key eng. msg.) {} local= {}:0, remote= {}:0,", dir, d_.wan_ip, peer_));
      c.push_back(fmt::format("    local_proxy= {}/256/0,", lp));
      c.push_back(fmt::format("    remote_proxy= {}/256/0,", rp));
      c.push_back(fmt::format("    protocol= ESP, transform= {}  (Tunnel),", tr_->ios));
    } else {
      c.push_back(fmt::format("  (key eng. msg.) {} local= {}, remote= {},", dir, d_.wan_ip, peer_));
      c.push_back(fmt::format("    local_proxy= {}/0/0 (type=4),", lp));
      c.push_back(fmt::format("    remote_proxy= {}/0/0 (type=4),", rp));
      c.push_back(fmt::format("    protocol= ESP, transform= {} (Tunnel),", tr_->ios));
    }
    (void)local_first;
    c.push_back(local_first ? "    lifedur= 3600s and 4608000kb," : "    lifedur= 0s and 0kb,");
    c.push_back(fmt::format("    spi= 0x0(0), conn_id= 0, keysize= {}, flags= 0x{}", tr_->keylen, local_first ? 0 : 2));
    return c;
  }

  void p2_attrs(const Transform& t) {
    add(isk("Checking IPSec proposal 1"));
    add(fmt::format("ISAKMP: transform 1, {}", t.esp_id));
    add(attr("attributes in transform:"));
    add(attr("encaps is 1 (Tunnel)"));
    add(attr("SA life type in seconds"));
    add(attr("SA life duration (basic) of 3600"));
    add(attr("SA life type in kilobytes"));
    add(attr("SA life duration (VPI) of  0x0 0x46 0x50 0x0"));
    add(attr(fmt::format("authenticator is {}", t.auth)));
    if (t.keylen) add(attr(fmt::format("key length is {}", t.keylen)));
  }

  void quick_mode() {
    if (init_) {
      add(isk(fmt::format("beginning Quick Mode exchange, M-ID of {}", mid_)));
      add("IPSEC(sa_request): ,", kem("OUTBOUND", true));
      add(isk(fmt::format("Node {}, Input = IKE_MESG_INTERNAL, IKE_INIT_QM", mid_)));
      add(isk(fmt::format(" sending packet to {} my_port 500 peer_port 500 (I) QM_IDLE      ", peer_)));
      if (oc_ == Outcome::TransformMismatch || oc_ == Outcome::ProxyMismatch) {
        add(received("QM_IDLE", conn_));
        add(isk(" processing HASH payload. message ID = 0"));
        add(isk(" processing NOTIFY PROPOSAL_NOT_CHOSEN protocol 3"));
        add(isk(fmt::format("deleting node {} error TRUE reason \"Delete Larval\"", mid_)));
        if (r_.chance(0.5)) add(isk(" retransmitting phase 2 QM_IDLE       ") + std::to_string(mid_) + " ...");
        return;
      }
      add(received("QM_IDLE", conn_));
      p2_attrs(*tr_);
      add(isk("atts are acceptable."));
      add_proposal_request();
      add_ipsec_success();
      add(isk(fmt::format("Node {}, Old State = IKE_QM_I_QM1  New State = IKE_QM_PHASE2_COMPLETE", mid_)));
      return;
    }
    // responder
    add(received("QM_IDLE", conn_));
    add(isk(fmt::format("set new node {} to QM_IDLE      ", mid_)));
    add(isk(fmt::format(" processing HASH payload. message ID = {}", mid_)));
    add(isk(fmt::format(" processing SA payload. message ID = {}", mid_)));
    const Transform& offered = oc_ == Outcome::TransformMismatch ? kTransforms[4 + r_.below(4)] : *tr_;
    offered_ = &offered;
    p2_attrs(offered);
    if (oc_ == Outcome::TransformMismatch) {
      if (d_.dialect == Dialect::V12) {
        add(fmt::format("IPSEC(validate_proposal): transform proposal (port 3, trans {}, hmac_alg {}) not supported",
                        offered.trans, offered.hmac));
        add(fmt::format("ISAKMP (0:{}): atts not acceptable. Next payload is 0", conn_));
        add(fmt::format("ISAKMP (0:{}): SA not acceptable!", conn_));
        add(fmt::format("%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Quick mode failed with peer at {}", peer_));
      } else {
        add(isk("atts are acceptable."));
        add(fmt::format("IPSEC(ipsec_process_proposal): transform proposal not supported for identity: {{{} }}",
                        offered.ios));
        add(isk(" IPSec policy invalidated proposal with error 256", conn_, "ERROR"));
        add(isk(fmt::format(" phase 2 SA policy not acceptable! (local {} remote {})", d_.wan_ip, peer_), conn_,
                "ERROR"));
        add(isk("Sending NOTIFY PROPOSAL_NOT_CHOSEN protocol 3"));
        add(isk(fmt::format("deleting node {} error TRUE reason \"QM rejected\"", mid_)));
      }
      return;
    }
    add(isk("atts are acceptable."));
    add_proposal_request();
    if (d_.dialect != Dialect::V12)
      add("Crypto mapdb : proxy_match", {fmt::format("        src addr     : {}", local_net_),
                                         fmt::format("        dst addr     : {}", remote_net_),
                                         "        protocol     : 0", "        src port     : 0",
                                         "        dst port     : 0"});
    if (oc_ == Outcome::ProxyMismatch) {
      if (d_.dialect == Dialect::V12) {
        add("IPSEC(validate_transform_proposal): proxy identities not supported");
        add(fmt::format("ISAKMP (0:{}): IPSec policy invalidated proposal", conn_));
        add(fmt::format("ISAKMP (0:{}): SA not acceptable!", conn_));
      } else {
        if (r_.chance(0.3)) add("IPSEC(map_db_find_best): map_db_find_best did not find matching map");
        add("IPSEC(ipsec_process_proposal): proxy identities not supported");
        add(isk(" IPSec policy invalidated proposal with error 32", conn_, "ERROR"));
        add(isk(fmt::format(" phase 2 SA policy not acceptable! (local {} remote {})", d_.wan_ip, peer_), conn_,
                "ERROR"));
        add(isk("Sending NOTIFY PROPOSAL_NOT_CHOSEN protocol 3"));
      }
      add(fmt::format("%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Quick mode failed with peer at {}", peer_));
      return;
    }
    if (d_.dialect == Dialect::XE) {
      add(fmt::format("(ipsec_process_proposal)Map Accepted: {}, {}", map_, map_seq_));
      add("IPSEC(key_engine): got a queue event with 1 KMI message(s)");
      add(fmt::format("IPSEC(crypto_ipsec_create_ipsec_sas): Map found {}, {}", map_, map_seq_));
    } else {
      add(isk("QM Responder gets spi"));
      add(fmt::format("IPSEC(key_engine): got a queue event with 1 kei messages"));
      add(fmt::format("IPSEC(spi_response): getting spi {} for SA ", spi_in_),
          {fmt::format("        from {} to {} for prot 3", d_.wan_ip, peer_)});
    }
    add_ipsec_success();
    add(isk(fmt::format("Node {}, Old State = IKE_QM_R_QM2  New State = IKE_QM_PHASE2_COMPLETE", mid_)));
  }

  void add_proposal_request() {
    if (d_.dialect == Dialect::XE) add("IPSEC(validate_proposal_request): proposal part #1");
    if (d_.dialect == Dialect::V12 && r_.chance(0.3)) {
      // 12.2: old src=/dest= wording, continuation lines not indented
      add("IPSEC(validate_proposal_request): proposal part #1,",
          {fmt::format("(key eng. msg.) dest= {}, src= {},", d_.wan_ip, peer_),
           fmt::format("dest_proxy= {}/255.255.255.0/0/0 (type=4),", local_net_),
           fmt::format("src_proxy= {}/255.255.255.0/0/0 (type=4),", remote_net_),
           fmt::format("protocol= ESP, transform= {} ,", tr_->ios), "lifedur= 0s and 0kb,",
           fmt::format("spi= 0x0(0), conn_id= 0, keysize= {}, flags= 0x4", tr_->keylen)});
      return;
    }
    add("IPSEC(validate_proposal_request): proposal part #1,", kem("INBOUND", false));
  }

  void add_ipsec_success() {
    add(isk("Creating IPSec SAs"));
    add(fmt::format("        inbound SA from {} to {} (f/i)  0/ 0", peer_, d_.wan_ip));
    add(fmt::format("        (proxy {} to {})", remote_net_, local_net_));
    add(fmt::format("        has spi 0x{:X} and conn_id 0", spi_in_));
    add("IPSEC(initialize_sas): ,", kem("INBOUND", true));
    add("IPSEC(initialize_sas): ,", kem("OUTBOUND", true));
    for (uint32_t spi : {spi_in_, spi_out_}) {
      std::vector<std::string> c{
          fmt::format("  (sa) sa_dest= {}, sa_proto= 50, ", spi == spi_in_ ? d_.wan_ip : peer_),
          fmt::format("    sa_spi= 0x{:X}({}),", spi, spi),
          fmt::format("    sa_trans= {} , sa_conn_id= {}", tr_->ios, 2000 + (conn_ % 1000))};
      if (d_.dialect != Dialect::V12) c.push_back("    sa_lifetime(k/sec)= (4608000/3600),");
      else c[0] = fmt::format("  (sa) sa_dest= {}, sa_prot= 50, ", spi == spi_in_ ? d_.wan_ip : peer_);
      add("IPSEC(create_sa): sa created,", std::move(c));
    }
    if (d_.dialect == Dialect::XE)
      add(fmt::format("ISAKMP: ({}):Successfully installed IPSEC SA (SPI:0x{:X}) on {}", conn_, spi_out_,
                      d_.ifaces[0]));
    add("IPSEC(key_engine_enable_outbound): rec'd enable notify from ISAKMP");
    add(fmt::format("IPSEC(key_engine_enable_outbound): enable SA with spi {}/50", spi_out_));
    if (r_.chance(0.4)) add(fmt::format("IPSEC(update_current_outbound_sa): updated peer {} current outbound sa to SPI {:X}", peer_, spi_out_));
    if (r_.chance(0.5))
      add(fmt::format("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP  .  Peer {}:500       Id: {}", peer_, peer_));
  }

  void peer_down() {
    add(isk0("beginning Main Mode exchange"));
    add(isk0(" sending packet to ") + peer_ + " my_port 500 peer_port 500 (I) MM_NO_STATE");
    for (int i = 0; i < 5; ++i) add(isk(" retransmitting phase 1 MM_NO_STATE..."));
    add(isk("deleting SA reason \"Death by retransmission P1\" state (I) MM_NO_STATE (peer ") + peer_ + ")");
  }

  void psk_missing() {
    add(received("NEW SA", 0));
    add(isk0(" processing SA payload. message ID = 0"));
    if (d_.dialect == Dialect::XE) add(fmt::format("ISAKMP-ERROR: (0):No pre-shared key with {}!", peer_));
    else add(fmt::format("ISAKMP: No cert, and no keys (public or pre-shared) with remote peer {}", peer_));
    add(isk0("Checking ISAKMP transform 1 against priority 10 policy"));
    p1_attrs(*p1_);
    add(isk0("Preshared authentication offered but does not match policy!"));
    add(isk0("atts are not acceptable. Next payload is 0"));
    add(isk0(fmt::format("phase 1 SA policy not acceptable! (local {} remote {})", d_.wan_ip, peer_)));
    add(fmt::format("%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at {}", peer_));
  }

  void data_plane() {
    switch (r_.below(4)) {
      case 0:
        add(fmt::format("%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr={}, "
                        "prot=50, spi=0x{:X}({}), srcaddr={}, input interface={}",
                        d_.wan_ip, spi_in_, spi_in_, peer_, d_.ifaces[0]));
        break;
      case 1:
        add(fmt::format("%CRYPTO-4-RECVD_PKT_INV_IDENTITY_ACL: ipsec check access: identity not allowed by ACL (ip) "
                        "vrf/dest_addr= /{}, src_addr= {}, prot= 6",
                        local_net_, remote_net_));
        break;
      case 2:
        add(fmt::format("%CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed connection id={}, sequence number={}",
                        r_.range(1, 3000), r_.range(1, 100000)));
        break;
      default:
        add(fmt::format("%CRYPTO-4-IKMP_NO_SA: IKE message from {} has no SA and is not an initialization offer.",
                        peer_));
    }
  }

  Rng& r_;
  const Device& d_;
  std::string peer_;
  Outcome oc_;
  bool init_;
  int conn_;
  std::string local_net_, remote_net_;
  const Transform* tr_;
  const Transform* offered_ = nullptr;  // what a responder was offered (truth only)
  const P1Policy* p1_;
  int64_t mid_;
  uint32_t spi_in_, spi_out_;
  const char* map_;
  int map_seq_;
  std::deque<Rec> out_;
  // IOS's ISAKMP process handles one message (or timer, or key-engine request) at a time and
  // does not yield while it prints what that takes: its lines for one negotiation come in one
  // run, and other negotiations' ISAKMP lines never come in between (the IPsec key engine is
  // another process: its lines may). The generator used to interleave line by line, which no
  // router prints (e.g. the attribute lines of two proposals mixed).
  bool prev_ikmp_ = false;
};

Outcome pick_outcome(Rng& r) {
  uint32_t x = r.below(100);
  if (x < 55) return Outcome::Success;
  if (x < 67) return Outcome::TransformMismatch;
  if (x < 77) return Outcome::ProxyMismatch;
  if (x < 83) return Outcome::P1PolicyMismatch;
  if (x < 87) return Outcome::PskMissing;
  if (x < 91) return Outcome::PskMismatch;
  if (x < 95) return Outcome::PeerDown;
  return Outcome::DataPlane;
}

// ---------- unrelated syslog traffic ----------
void unrelated(Rng& r, const Device& d, std::string& o) {
  const std::string& ifc = r.pick(d.ifaces);
  uint32_t x = r.below(1000);
  auto host = [&] { return fmt::format("10.{}.{}.{}", r.range(0, 40), r.range(0, 255), r.range(1, 254)); };
  if (x < 220) {
    int n = r.chance(0.6) ? 1 : r.range(2, 40);
    fmt::format_to(std::back_inserter(o), "%SEC-6-IPACCESSLOGP: list {} {} {} {}({}) -> {}({}), {} packet{}",
                   r.chance(0.5) ? "101" : "OUTSIDE_IN", r.chance(0.8) ? "denied" : "permitted",
                   r.chance(0.7) ? "tcp" : "udp", host(), r.range(1024, 65535), host(),
                   r.pick({22, 23, 80, 443, 445, 3389, 161}), n, n == 1 ? "" : "s");
  } else if (x < 340) {
    fmt::format_to(std::back_inserter(o), "%LINEPROTO-5-UPDOWN: Line protocol on Interface {}, changed state to {}",
                   ifc, r.chance(0.5) ? "up" : "down");
  } else if (x < 430) {
    fmt::format_to(std::back_inserter(o), "%LINK-3-UPDOWN: Interface {}, changed state to {}", ifc,
                   r.chance(0.5) ? "up" : "down");
  } else if (x < 470) {
    fmt::format_to(std::back_inserter(o), "%LINK-5-CHANGED: Interface {}, changed state to administratively down", ifc);
  } else if (x < 540) {
    fmt::format_to(std::back_inserter(o), "%SYS-5-CONFIG_I: Configured from console by {} on vty{} ({})",
                   r.pick({"admin", "netops", "jdoe", "backup"}), r.range(0, 4), host());
  } else if (x < 610) {
    static const char* const kTrans[][2] = {{"LOADING", "FULL"}, {"FULL", "DOWN"}, {"INIT", "DOWN"}, {"EXSTART", "EXCHANGE"}};
    const auto& t = kTrans[r.below(4)];
    fmt::format_to(std::back_inserter(o), "%OSPF-5-ADJCHG: Process {}, Nbr {} on {} from {} to {}, {}", r.range(1, 10),
                   host(), ifc, t[0], t[1],
                   t[1][0] == 'D' ? "Neighbor Down: Dead timer expired" : "Loading Done");
  } else if (x < 660) {
    fmt::format_to(std::back_inserter(o), "%DHCPD-4-PING_CONFLICT: DHCP address conflict:  server pinged {}.", host());
  } else if (x < 690) {
    fmt::format_to(std::back_inserter(o), "%DHCPD-4-DECLINE_CONFLICT: DHCP address conflict:  client {} declined {}.",
                   fmt::format("0100.{:04x}.{:04x}.{:02x}", r.below(65536), r.below(65536), r.below(256)), host());
  } else if (x < 730) {
    fmt::format_to(std::back_inserter(o), "%SSH-5-SSH2_USERAUTH: User '{}' authentication for SSH2 Session from {} (tty = {}) using crypto cipher 'aes256-ctr', hmac 'hmac-sha2-256' {}",
                   r.pick({"admin", "netops", "jdoe"}), host(), r.range(0, 4), r.chance(0.9) ? "Succeeded" : "Failed");
  } else if (x < 760) {
    fmt::format_to(std::back_inserter(o), "%SSH-5-SSH2_SESSION: SSH2 Session request from {} (tty = {}) using crypto cipher 'aes256-ctr', hmac 'hmac-sha2-256' Succeeded",
                   host(), r.range(0, 4));
  } else if (x < 800) {
    fmt::format_to(std::back_inserter(o), "%SSH-5-SSH2_CLOSE: SSH2 Session from {} (tty = {}) for user '{}' using crypto cipher 'aes256-ctr', hmac 'hmac-sha2-256' closed",
                   host(), r.range(0, 4), r.pick({"admin", "netops"}));
  } else if (x < 850) {
    fmt::format_to(std::back_inserter(o), "%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: {}] [Source: {}] [localport: 22] at {}",
                   r.pick({"admin", "netops", "jdoe"}), host(), "10:11:12 UTC Thu Nov 26 2026");
  } else if (x < 880) {
    fmt::format_to(std::back_inserter(o), "%BGP-5-ADJCHANGE: neighbor {} {}", host(), r.chance(0.5) ? "Up " : "Down BGP Notification sent");
  } else if (x < 910) {
    fmt::format_to(std::back_inserter(o), "%CDP-4-DUPLEX_MISMATCH: duplex mismatch discovered on {} (not full duplex), with sw{} GigabitEthernet1/0/{} (full duplex).",
                   ifc, r.range(1, 40), r.range(1, 48));
  } else if (x < 930) {
    fmt::format_to(std::back_inserter(o), "%SNMP-3-AUTHFAIL: Authentication failure for SNMP req from host {}", host());
  } else if (x < 950) {
    fmt::format_to(std::back_inserter(o), "%PARSER-5-CFGLOG_LOGGEDCMD: User:{}  logged command:interface {}",
                   r.pick({"admin", "netops"}), ifc);
  } else if (x < 965) {
    fmt::format_to(std::back_inserter(o), "%IP-4-DUPADDR: Duplicate address {} on {}, sourced by {:04x}.{:04x}.{:04x}",
                   host(), ifc, r.below(65536), r.below(65536), r.below(65536));
  } else if (x < 980) {
    fmt::format_to(std::back_inserter(o), "%SYS-6-LOGGINGHOST_STARTSTOP: Logging to host {} port 514 started - CLI initiated", host());
  } else if (x < 990) {
    fmt::format_to(std::back_inserter(o), "%NTP-5-PEERSYNC: NTP synced to peer {}", host());
  } else {
    fmt::format_to(std::back_inserter(o), "%ENVMON-4-FAN_LOW_RPM: Fan {} service recommended", r.range(1, 4));
  }
}

// ---------- output ----------
class Out {
 public:
  explicit Out(FILE* f) : f_(f) { buf_.reserve(1 << 20); }
  ~Out() { flush(); }
  std::string& buf() { return buf_; }
  void end_line() {
    buf_.push_back('\n');
    if (buf_.size() >= (1 << 20)) flush();
  }
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) {
      std::perror("gen_logs: write");
      std::exit(1);
    }
    written_ += buf_.size();
    buf_.clear();
  }
  uint64_t size() const { return written_ + buf_.size(); }
  uint64_t lines = 0;

 private:
  FILE* f_;
  std::string buf_;
  uint64_t written_ = 0;
};

std::vector<Device> make_devices(Rng& r, int n, bool syslog) {
  std::vector<Device> v;
  static const char* const kSites[] = {"hq", "br", "dc", "edge", "wan", "vpn"};
  for (int i = 0; i < n; ++i) {
    Device d;
    d.name = fmt::format("{}-{}-rtr{:02}", kSites[i % 6], r.pick({"fra", "nyc", "sin", "lon", "par", "sfo"}), i + 1);
    d.addr = ip(10, 0, r.range(0, 255), i + 1);
    d.sender = r.chance(0.6) ? d.addr : d.name + ".corp.example.net";
    d.dialect = static_cast<Dialect>(r.below(3));
    static const StampStyle kStyles[] = {StampStyle::StarBoot,  StampStyle::UtcMsec, StampStyle::UtcMsec,
                                         StampStyle::LostSyncTz, StampStyle::PlainNoMsec, StampStyle::WithYear,
                                         StampStyle::Uptime,    StampStyle::None};
    d.stamp = kStyles[r.below(syslog ? 8 : 7)];
    d.seq_numbers = r.chance(0.4);
    d.origin_id = syslog ? r.chance(0.5) : false;
    d.boot_ms = (329ll * 86400 - r.range(0, 60 * 86400)) * 1000;
    d.skew_ms = r.range(-2000, 2000);
    d.tz = r.pick({"CET", "EDT", "KST", "PST"});
    d.seq = r.range(1, 90000);
    d.next_conn = 1001 + r.range(0, 5000);
    d.wan_ip = ip(r.range(80, 220), r.range(0, 255), r.range(0, 255), r.range(1, 254));
    d.lan_net = ip(192, 168, r.range(0, 255), 0);
    const char* fam = r.pick({"GigabitEthernet0/", "GigabitEthernet0/0/", "TenGigabitEthernet1/0/", "FastEthernet0/"});
    for (int k = 0; k < 4; ++k) d.ifaces.push_back(fmt::format("{}{}", fam, k));
    d.ifaces.push_back(fmt::format("Tunnel{}", r.range(0, 99)));
    v.push_back(std::move(d));
  }
  return v;
}

struct Args {
  std::string mode = "mixed";
  double mb = 10;
  uint64_t seed = 1;
  std::string out = "-";
  std::string server_stamp = "rfc3164";
  double crypto = 0.04;
  std::string truth;  // --truth FILE
};

// Mixed syslog archive.
// Writes the next record of active negotiation k and the records glued to it, each line
// after what `put_prefix` writes; a negotiation with nothing left leaves `active`.
template <class Prefix>
void write_records(std::vector<Neg>& active, size_t k, Out& out, Truth& truth, Prefix&& put_prefix) {
  Neg& n = active[k];
  do {
    Rec& rec = n.recs.front();
    truth.record(n, out.lines + 1);
    std::string& o = out.buf();
    put_prefix(o);
    o += rec.head;
    out.end_line();
    for (const auto& c : rec.cont) {
      out.buf() += c;
      out.end_line();
    }
    out.lines += 1 + rec.cont.size();
    n.recs.pop_front();
  } while (!n.recs.empty() && n.recs.front().glue);
  if (n.recs.empty()) active.erase(active.begin() + static_cast<long>(k));
}

void gen_mixed(const Args& a, Out& out, Truth& truth) {
  Rng r(a.seed);
  std::vector<Device> devs = make_devices(r, 60, true);
  std::vector<size_t> vpn;  // devices that run crypto debug (a few at a time)
  for (size_t i = 0; i < devs.size(); ++i)
    if (i % 4 == 0) vpn.push_back(i);
  std::vector<Neg> active;
  int64_t now = 329ll * 86400 * 1000;  // Nov 26
  const uint64_t target = static_cast<uint64_t>(a.mb * 1e6);
  auto prefix = [&](Device& d, std::string& o) {
    if (a.server_stamp == "iso") {
      int64_t s = now / 1000;
      int64_t day = s / 86400;
      int mon = 0;
      while (day >= kDaysIn[mon]) day -= kDaysIn[mon++];
      fmt::format_to(std::back_inserter(o), "2026-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+00:00 ", mon + 1, day + 1,
                     s % 86400 / 3600, s / 60 % 60, s % 60, now % 1000);
    } else {
      put_date(o, now, false, false);
      o.push_back(' ');
    }
    o += d.sender;
    o.push_back(' ');
    if (d.seq_numbers) fmt::format_to(std::back_inserter(o), "{:06}: ", d.seq++);
    if (d.origin_id) {
      o += d.name;
      o += ": ";
    }
    if (put_device_stamp(o, d, now)) o += ": ";
  };
  // --crypto is the share of the archive's lines that are crypto debug. A crypto turn writes a
  // whole run (one message's lines and the records glued to it, see write_records), so turns
  // are drawn with that chance only while the crypto lines are below their share: otherwise a
  // 4% chance per turn gave ~21% crypto lines.
  uint64_t crypto_lines = 0;
  while (out.size() < target) {
    now += r.range(0, 60);
    if (r.chance(a.crypto) && !vpn.empty() && static_cast<double>(crypto_lines) < a.crypto * static_cast<double>(out.lines + 1)) {
      uint64_t before = out.lines;
      if (active.size() < 3 || (active.size() < 8 && r.chance(0.02))) {
        Device& d = devs[r.pick(vpn)];
        std::string peer = ip(r.range(80, 220), r.range(0, 255), r.range(0, 255), r.range(1, 254));
        Outcome oc = pick_outcome(r);
        NegBuilder nb(r, d, peer, oc, r.chance(0.5));
        active.push_back({&d, nb.build()});
        if (truth.on) {
          active.back().truth = truth.negs.size();
          truth.negs.push_back({nb.truth_json(), {}});
        }
      }
      size_t k = r.below(static_cast<uint32_t>(active.size()));
      Device& d = const_cast<Device&>(*active[k].dev);
      write_records(active, k, out, truth, [&](std::string& o) { prefix(d, o); });
      crypto_lines += out.lines - before;
      continue;
    }
    Device& d = devs[r.below(static_cast<uint32_t>(devs.size()))];
    std::string& o = out.buf();
    prefix(d, o);
    unrelated(r, d, o);
    out.end_line();
    ++out.lines;
  }
}

// Pure debug captures: one device after the other, several concurrent negotiations each.
void gen_debug(const Args& a, Out& out, Truth& truth) {
  Rng r(a.seed);
  std::vector<Device> devs = make_devices(r, 12, false);
  const uint64_t target = static_cast<uint64_t>(a.mb * 1e6);
  int64_t now = 329ll * 86400 * 1000;
  size_t di = 0;
  while (out.size() < target) {
    Device& d = devs[di++ % devs.size()];
    if (d.stamp == StampStyle::None) d.stamp = StampStyle::UtcMsec;
    out.buf() += d.name + "#debug crypto isakmp";
    out.end_line();
    out.buf() += "Crypto ISAKMP debugging is on";
    out.end_line();
    out.buf() += d.name + "#debug crypto ipsec";
    out.end_line();
    out.buf() += "Crypto IPSEC debugging is on";
    out.end_line();
    out.lines += 4;
    uint64_t seg_end = std::min<uint64_t>(target, out.size() + static_cast<uint64_t>(r.range(2, 6)) * 1000000);
    std::vector<Neg> active;
    while (out.size() < seg_end || !active.empty()) {
      if (out.size() < seg_end && (active.empty() || (active.size() < 6 && r.chance(0.05)))) {
        std::string peer = ip(r.range(80, 220), r.range(0, 255), r.range(0, 255), r.range(1, 254));
        NegBuilder nb(r, d, peer, pick_outcome(r), r.chance(0.5));
        active.push_back({&d, nb.build()});
        if (truth.on) {
          active.back().truth = truth.negs.size();
          truth.negs.push_back({nb.truth_json(), {}});
        }
      }
      now += r.range(0, 40);
      size_t k = r.below(static_cast<uint32_t>(active.size()));
      write_records(active, k, out, truth, [&](std::string& o) {
        if (d.seq_numbers) fmt::format_to(std::back_inserter(o), "{:06}: ", d.seq++);
        if (put_device_stamp(o, d, now)) o += ": ";
      });
    }
    out.buf() += d.name + "#undebug all";
    out.end_line();
    out.buf() += "All possible debugging has been turned off";
    out.end_line();
    out.lines += 2;
  }
}

// Hostile input (see the top of the file). Sizes are drawn so that most bytes are in long lines.
void gen_junk(const Args& a, Out& out) {
  Rng r(a.seed);
  const uint64_t target = static_cast<uint64_t>(a.mb * 1e6);
  constexpr const char* kHeads[] = {"%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 10.1.1.2 failed its sanity check ",
                                    "*Mar  1 00:42:09.431: ISAKMP:(1001): processing SA payload ",
                                    "IPSEC(validate_proposal_request): proposal part #1, (key eng. msg.) INBOUND local= "
                                    "10.1.1.1, remote= 10.1.1.2, "};
  while (out.size() < target) {
    std::string& o = out.buf();
    size_t len = r.chance(0.5) ? r.below(200) : r.below(3'000'000);
    switch (r.below(3)) {
      case 0:  // a crypto message padded with text
        o += r.pick(kHeads);
        while (o.size() < len) o += "spi=0xDEADBEEF ";
        break;
      case 1:  // binary: any byte but the newline
        for (size_t i = 0; i < len; ++i) {
          char c = static_cast<char>(r.below(256));
          o.push_back(c == '\n' ? '\0' : c);
        }
        break;
      default:  // text about nothing
        while (o.size() < len) o += "lorem ipsum dolor sit amet ";
    }
    out.end_line();
    out.flush();  // lines of megabytes: no point in buffering more than one
    ++out.lines;
  }
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: gen_logs [--mode mixed|debug|junk] [--mb N] [--seed N] [--crypto FRACTION] "
               "[--server-stamp rfc3164|iso] [-o FILE] [--truth FILE]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string_view k = argv[i];
    auto val = [&]() -> const char* {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (k == "--mode") a.mode = val();
    else if (k == "--mb") a.mb = std::atof(val());
    else if (k == "--seed") a.seed = std::strtoull(val(), nullptr, 10);
    else if (k == "--crypto") a.crypto = std::atof(val());
    else if (k == "--server-stamp") a.server_stamp = val();
    else if (k == "-o") a.out = val();
    else if (k == "--truth") a.truth = val();
    else usage();
  }
  if ((a.mode != "mixed" && a.mode != "debug" && a.mode != "junk") || a.mb <= 0) usage();
  FILE* f = a.out == "-" ? stdout : std::fopen(a.out.c_str(), "wb");
  if (!f) {
    std::perror(a.out.c_str());
    return 1;
  }
  Truth truth;
  truth.on = !a.truth.empty();
  {
    Out out(f);
    if (a.mode == "mixed") gen_mixed(a, out, truth);
    else if (a.mode == "junk") gen_junk(a, out);
    else gen_debug(a, out, truth);
    out.flush();
    std::fprintf(stderr, "gen_logs: %s %.1f MB, %" PRIu64 " lines (seed %" PRIu64 ")\n", a.mode.c_str(),
                 static_cast<double>(out.size()) / 1e6, out.lines, a.seed);
  }
  if (f != stdout && std::fclose(f) != 0) {
    std::perror(a.out.c_str());
    return 1;
  }
  if (truth.on) {
    FILE* t = std::fopen(a.truth.c_str(), "wb");
    if (!t) {
      std::perror(a.truth.c_str());
      return 1;
    }
    for (size_t i = 0; i < truth.negs.size(); ++i) {
      const auto& e = truth.negs[i];
      std::string line = fmt::format(R"({{"id":{},{},"lines":[{}]}})", i + 1, e.head, fmt::join(e.lines, ","));
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), t);
    }
    if (std::fclose(t) != 0) {
      std::perror(a.truth.c_str());
      return 1;
    }
  }
  return 0;
}
