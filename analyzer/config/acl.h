// IOS access lists as sets of packets, with IOS-exact first-match semantics.
//
// An ACE is a union of "cubes" (Region): protocol set x source block x destination block
// x source-port set x destination-port set. Address blocks are value/care-mask pairs, so
// non-contiguous wildcards ("10.0.0.1 0.0.255.0") are exact: intersection of two blocks is a
// block, containment and emptiness are bit tests. Ports (and the protocol) are interval sets,
// which are exact for eq/neq/lt/gt/range. Object groups expand to several cubes per ACE.
//
// Ports only exist for tcp/udp/sctp; an ICMP type/code is carried in the destination-port
// dimension as (type << 8 | code) because it is only ever compared for protocol 1. For every
// other protocol the port dimensions are "all", which is what IOS does (the fields do not
// exist, so no port qualifier can be written on such an ACE).
//
// Questions answered exactly (no sampling): first match of a packet; containment/intersection
// of ACEs; set difference (Region minus Region -> disjoint cubes), hence "is this line covered
// by the union of the earlier ones", "is the permitted set of A the mirror of B's", subset and
// superset between crypto ACLs. Difference can blow up for pathological wildcards, so the
// operations that use it take a piece budget and answer Unknown rather than guess.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ip.h"

namespace ipsecdoc {

// Where a modelled object came from: first/last physical line (a transcript command may wrap
// onto continuation lines) and the command text as read (continuations joined by one space).
struct ConfigRef {
  uint32_t line = 0;
  uint32_t last_line = 0;
  std::string text;
  bool present() const { return line != 0; }
};

// One address operand: addresses a with (a & care) == value. any = {0,0}; host = care all ones.
// An IOS wildcard mask is ~care.
struct AddrMatch {
  uint32_t value = 0;
  uint32_t care = 0;

  static AddrMatch any() { return {}; }
  static AddrMatch host(uint32_t a) { return {a, 0xFFFFFFFFu}; }
  static AddrMatch wildcard(uint32_t a, uint32_t wild) { return {a & ~wild, ~wild}; }
  static AddrMatch prefix(uint32_t a, int len) { uint32_t m = prefix_mask(len); return {a & m, m}; }

  bool matches(uint32_t a) const { return (a & care) == value; }
  bool contains(const AddrMatch& o) const { return (care & o.care) == care && (o.value & care) == value; }
  bool intersects(const AddrMatch& o) const {
    uint32_t c = care & o.care;
    return (value & c) == (o.value & c);
  }
  AddrMatch intersect(const AddrMatch& o) const { return {value | o.value, care | o.care}; }  // only if intersects()
  bool operator==(const AddrMatch& o) const { return value == o.value && care == o.care; }
  bool is_any() const { return care == 0; }
  bool is_host() const { return care == 0xFFFFFFFFu; }
  int prefix_len() const { return mask_prefix_len(care); }  // -1 when non-contiguous
  // Leading run of cared bits: the widest prefix this block is guaranteed to lie in (index key).
  int leading_len() const;
  // ACL operand as IOS prints it: "any", "host 1.2.3.4", "10.0.0.0 0.0.0.255".
  std::string ios() const;
  std::string str() const;  // "10.0.0.0/24", "1.2.3.4/32", "0.0.0.0/0", "10.0.1.0 wildcard 0.0.254.255"
};

// Sorted, disjoint, non-adjacent closed intervals over [0, max].
struct IntervalSet {
  std::vector<std::pair<uint32_t, uint32_t>> iv;

  static IntervalSet all(uint32_t max) { return IntervalSet{{{0, max}}}; }
  static IntervalSet one(uint32_t v) { return IntervalSet{{{v, v}}}; }
  static IntervalSet range(uint32_t lo, uint32_t hi) { return lo > hi ? IntervalSet{} : IntervalSet{{{lo, hi}}}; }
  bool empty() const { return iv.empty(); }
  bool is_all(uint32_t max) const { return iv.size() == 1 && iv[0].first == 0 && iv[0].second == max; }
  bool contains(uint32_t v) const;
  bool contains(const IntervalSet& o) const;
  bool intersects(const IntervalSet& o) const;
  IntervalSet intersect(const IntervalSet& o) const;
  IntervalSet unite(const IntervalSet& o) const;
  IntervalSet minus(const IntervalSet& o) const;
  bool operator==(const IntervalSet& o) const { return iv == o.iv; }
  bool single() const { return iv.size() == 1 && iv[0].first == iv[0].second; }
};

constexpr uint32_t kMaxProto = 255;
constexpr uint32_t kMaxPort = 65535;

// One cube of packet space. `qualifiers` are match conditions the algebra does not split
// (established, fragments, dscp/precedence/tos values, time-range): a cube with qualifiers
// matches an unknown subset of its addresses, so it never covers anything for dead-line or
// containment answers unless the other side carries the same qualifiers.
struct Region {
  IntervalSet proto = IntervalSet::all(kMaxProto);
  AddrMatch src, dst;
  IntervalSet sport = IntervalSet::all(kMaxPort);
  IntervalSet dport = IntervalSet::all(kMaxPort);
  std::vector<std::string> qualifiers;  // sorted

  bool empty() const { return proto.empty() || sport.empty() || dport.empty(); }
  bool contains(const Region& o) const;    // every packet of o is in this
  bool intersects(const Region& o) const;  // some packet is in both (qualifiers ignored)
  std::optional<Region> intersect(const Region& o) const;
  Region mirror() const;  // swap source and destination (addresses and ports)
  bool operator==(const Region& o) const;
  // Disjoint cubes covering this minus o; nullopt when the result would exceed `budget` pieces.
  // When o has qualifiers not in this, o removes nothing (it may not match every packet).
  std::optional<std::vector<Region>> minus(const Region& o, size_t budget = 4096) const;
  std::string str() const;  // compact human form: "ip 10.0.0.0/24 -> 10.1.0.0/24"
};

// A concrete packet (what a ping or a session would be).
struct Packet {
  uint32_t src = 0, dst = 0;
  uint8_t proto = 0;  // 0 here means "protocol 0"; use a real number (1 icmp, 6 tcp, 17 udp, 47 gre)
  uint16_t sport = 0, dport = 0;
};

enum class AceAction { Permit, Deny };

struct Ace {
  AceAction action = AceAction::Deny;
  uint32_t seq = 0;                // IOS sequence number (explicit or implied 10, 20, ...)
  std::vector<Region> regions;     // union; one unless object groups were used
  ConfigRef src;
  bool inactive = false;           // e.g. time-range: the line matches only sometimes
  bool permit() const { return action == AceAction::Permit; }
  bool matches(const Packet& p) const;
  bool contains(const Ace& o) const;   // every region of o inside some region of this (sufficient, exact for 1x1)
  bool intersects(const Ace& o) const;
  // The proxies IOS sends for a permit line (reference §1.2.1): local = source side,
  // remote = destination side. nullopt when the line cannot be a single proxy pair (several
  // regions, port ranges, several protocols, non-contiguous wildcard).
  std::optional<std::pair<Proxy, Proxy>> proxies() const;
  // ACE text in IOS syntax for region i ("permit ip 192.168.1.0 0.0.0.255 host 10.1.1.1").
  std::string ios(size_t region = 0) const;
};

struct Acl {
  std::string name;           // "101" or "CRYPTO-ACL"
  bool named = false;
  bool standard = false;
  ConfigRef src;              // `ip access-list extended NAME`, or the first numbered line
  std::vector<Ace> aces;      // in evaluation order (sorted by seq for named lists)
  std::vector<ConfigRef> remarks;

  // First ACE that matches the packet; nullptr = implicit deny.
  const Ace* first_match(const Packet& p) const;
  // Index of the first ACE any packet of region `r` could hit, with the full first-match
  // outcome for r split into pieces: each piece of r and the ACE index deciding it (-1 =
  // implicit deny). nullopt when the piece budget is exceeded.
  struct Decision { Region piece; int ace = -1; };
  std::optional<std::vector<Decision>> decide(const Region& r, size_t budget = 4096) const;
  // The permitted set as disjoint cubes, each with the permit ACE that decides it.
  std::optional<std::vector<Decision>> permitted(size_t budget = 4096) const;
  std::vector<const Ace*> permits() const;
};

// --- Set-level questions ------------------------------------------------------------------------
enum class SetRelation { Equal, Subset, Superset, Overlap, Disjoint, Unknown };
std::string_view set_relation_name(SetRelation r);

// Relation between two unions of cubes (exact; Unknown when the piece budget is exceeded).
SetRelation compare_regions(const std::vector<Region>& a, const std::vector<Region>& b, size_t budget = 20000);
// Is the union of `cover` a superset of r? nullopt = budget exceeded.
std::optional<bool> covered_by(const Region& r, const std::vector<const Region*>& cover, size_t budget = 4096);

// Relation of permitted(a) to mirror(permitted(b)): Equal = A is the exact mirror of B;
// Subset = mirror of B contains A; etc.
SetRelation compare_mirror(const Acl& a, const Acl& b);

// Lines that can never match because the union of the earlier lines covers them (exact).
// `only_permits`: report only permit lines (crypto ACLs). Returns (index, indices of the earlier
// lines that take its traffic).
struct DeadLine { size_t index; std::vector<size_t> covered_by; };
std::vector<DeadLine> dead_lines(const Acl& acl, bool only_permits = false);

// --- Candidate index ---------------------------------------------------------------------------
// Finds the entries whose source AND destination blocks can intersect a query, without comparing
// against every entry. Each block is keyed by its leading run of cared bits (a prefix P/L that
// contains it). Two blocks can only intersect when one key is an ancestor of the other, so a
// query with key Q/l looks at, per prefix length L, either the single key Q&mask(L) (L <= l:
// ancestors, one binary search) or the key range inside Q/l (L > l: descendants, one range).
// That is 33 binary searches per dimension; the dimension with fewer candidates is used and the
// caller then checks the candidates exactly. A hub with 20,000 "10.0.0.0/8 -> spoke /24" lines
// gets the handful of lines whose destination can meet the query's, not 20,000.
class RegionIndex {
 public:
  void add(const AddrMatch& src, const AddrMatch& dst, uint32_t id);
  void build();  // call once after the adds (sorts)
  void query(const AddrMatch& src, const AddrMatch& dst, std::vector<uint32_t>& out) const;
  size_t size() const { return n_; }

 private:
  struct Dim {
    std::vector<std::pair<uint32_t, uint32_t>> by_len[33];  // (key value, id), sorted
    size_t count(const AddrMatch& q) const;
    void collect(const AddrMatch& q, std::vector<uint32_t>& out) const;
  };
  Dim src_, dst_;
  size_t n_ = 0;
};

// --- Parsing of ACE operands (used by the config parser; exposed for tests and the model) -------
int protocol_number(std::string_view name);          // "tcp" -> 6, "ip" -> 0 (all), "51" -> 51; -1 unknown
std::string protocol_name(int number);                // 6 -> "tcp", 0 -> "ip"
int port_number(std::string_view name, int proto);    // "www" -> 80, "isakmp" (udp) -> 500; -1 unknown
std::string port_name(int port, int proto);           // IOS display name or the number

// The crypto ACL entry, without its "permit ", whose proxies are `src` (this router's side)
// and `dst`: "ip 10.1.1.0 0.0.0.255 host 10.2.2.2", or with the proxies' protocol and, for TCP
// and UDP, their ports: "tcp 10.1.1.0 0.0.0.255 eq 23 host 10.2.2.2" (for fixes and
// reconstructed configs).
std::string acl_entry(const Proxy& src, const Proxy& dst);

}  // namespace ipsecdoc
