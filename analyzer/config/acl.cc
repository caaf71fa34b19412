#include "config/acl.h"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

namespace ipsecdoc {
namespace {

struct NameNum { const char* name; int num; };

constexpr NameNum kProtocols[] = {
    {"ip", 0}, {"icmp", 1}, {"igmp", 2}, {"ipinip", 4}, {"tcp", 6}, {"udp", 17}, {"gre", 47},
    {"esp", 50}, {"ahp", 51}, {"eigrp", 88}, {"ospf", 89}, {"nos", 94}, {"pim", 103},
    {"pcp", 108}, {"sctp", 132}, {"ah", 51}};

// IOS keyword -> port. Which protocol accepts which name follows the IOS CLI help lists.
struct PortName { const char* name; int port; bool tcp; bool udp; };
constexpr PortName kPorts[] = {
    {"bgp", 179, true, false},       {"chargen", 19, true, false},   {"cmd", 514, true, false},
    {"daytime", 13, true, false},    {"discard", 9, true, true},     {"domain", 53, true, true},
    {"echo", 7, true, true},         {"exec", 512, true, false},     {"finger", 79, true, false},
    {"ftp", 21, true, false},        {"ftp-data", 20, true, false},  {"gopher", 70, true, false},
    {"hostname", 101, true, false},  {"ident", 113, true, false},    {"irc", 194, true, false},
    {"klogin", 543, true, false},    {"kshell", 544, true, false},   {"login", 513, true, false},
    {"lpd", 515, true, false},       {"nntp", 119, true, false},     {"pim-auto-rp", 496, true, true},
    {"pop2", 109, true, false},      {"pop3", 110, true, false},     {"smtp", 25, true, false},
    {"sunrpc", 111, true, true},     {"tacacs", 49, true, true},     {"talk", 517, true, true},
    {"telnet", 23, true, false},     {"time", 37, true, true},       {"uucp", 540, true, false},
    {"whois", 43, true, false},      {"www", 80, true, false},       {"ssh", 22, true, false},
    {"https", 443, true, false},     {"biff", 512, false, true},     {"bootpc", 68, false, true},
    {"bootps", 67, false, true},     {"dnsix", 195, false, true},    {"isakmp", 500, false, true},
    {"mobile-ip", 434, false, true}, {"nameserver", 42, false, true}, {"netbios-dgm", 138, false, true},
    {"netbios-ns", 137, false, true}, {"netbios-ss", 139, false, true}, {"non500-isakmp", 4500, false, true},
    {"ntp", 123, false, true},       {"rip", 520, false, true},      {"snmp", 161, false, true},
    {"snmptrap", 162, false, true},  {"syslog", 514, false, true},   {"tftp", 69, false, true},
    {"who", 513, false, true},       {"xdmcp", 177, false, true},    {"radius", 1645, false, true},
    {"radius-acct", 1646, false, true}, {"kerberos", 88, true, true}, {"ldap", 389, true, true},
    {"onep-plain", 15001, true, false}};

std::optional<int> to_int(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string render_ports(const IntervalSet& s, int proto) {
  if (s.is_all(kMaxPort)) return "";
  if (proto == 1) {  // icmp type/code in the dport dimension
    if (s.iv.size() == 1) {
      auto [lo, hi] = s.iv[0];
      if ((lo & 255) == 0 && (hi & 255) == 255 && (lo >> 8) == (hi >> 8)) return std::to_string(lo >> 8);
      if (lo == hi) return fmt::format("{} {}", lo >> 8, lo & 255);
    }
    return "<icmp-types>";
  }
  auto pn = [&](uint32_t p) { return port_name(static_cast<int>(p), proto); };
  if (s.iv.size() == 1) {
    auto [lo, hi] = s.iv[0];
    if (lo == hi) return "eq " + pn(lo);
    if (lo == 0) return "lt " + pn(hi + 1);
    if (hi == kMaxPort) return "gt " + pn(lo - 1);
    return "range " + pn(lo) + " " + pn(hi);
  }
  if (s.iv.size() == 2 && s.iv[0].first == 0 && s.iv[1].second == kMaxPort && s.iv[0].second + 2 == s.iv[1].first)
    return "neq " + pn(s.iv[0].second + 1);
  bool singles = true;
  for (auto& [lo, hi] : s.iv) singles = singles && lo == hi;
  if (singles) {
    std::string out = "eq";
    for (auto& [lo, hi] : s.iv) out += " " + pn(lo);
    return out;
  }
  std::string out;
  for (auto& [lo, hi] : s.iv) out += fmt::format("{}{}-{}", out.empty() ? "" : ",", lo, hi);
  return "ports " + out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
int AddrMatch::leading_len() const {
  int n = 0;
  while (n < 32 && (care & (0x80000000u >> n))) ++n;
  return n;
}

std::string AddrMatch::ios() const {
  if (is_any()) return "any";
  if (is_host()) return "host " + format_ipv4(value);
  return format_ipv4(value) + " " + format_ipv4(~care);
}

std::string AddrMatch::str() const {
  int len = prefix_len();
  if (len >= 0) return fmt::format("{}/{}", format_ipv4(value), len);
  return fmt::format("{} wildcard {}", format_ipv4(value), format_ipv4(~care));
}

// ---------------------------------------------------------------------------------------------
bool IntervalSet::contains(uint32_t v) const {
  auto it = std::upper_bound(iv.begin(), iv.end(), std::make_pair(v, UINT32_MAX));
  if (it == iv.begin()) return false;
  --it;
  return it->first <= v && v <= it->second;
}

bool IntervalSet::contains(const IntervalSet& o) const { return o.minus(*this).empty(); }

bool IntervalSet::intersects(const IntervalSet& o) const {
  size_t i = 0, j = 0;
  while (i < iv.size() && j < o.iv.size()) {
    if (iv[i].second < o.iv[j].first) ++i;
    else if (o.iv[j].second < iv[i].first) ++j;
    else return true;
  }
  return false;
}

IntervalSet IntervalSet::intersect(const IntervalSet& o) const {
  IntervalSet r;
  size_t i = 0, j = 0;
  while (i < iv.size() && j < o.iv.size()) {
    uint32_t lo = std::max(iv[i].first, o.iv[j].first), hi = std::min(iv[i].second, o.iv[j].second);
    if (lo <= hi) r.iv.emplace_back(lo, hi);
    if (iv[i].second < o.iv[j].second) ++i; else ++j;
  }
  return r;
}

IntervalSet IntervalSet::unite(const IntervalSet& o) const {
  std::vector<std::pair<uint32_t, uint32_t>> all = iv;
  all.insert(all.end(), o.iv.begin(), o.iv.end());
  std::sort(all.begin(), all.end());
  IntervalSet r;
  for (auto& x : all) {
    if (!r.iv.empty() && (r.iv.back().second == UINT32_MAX || x.first <= r.iv.back().second + 1))
      r.iv.back().second = std::max(r.iv.back().second, x.second);
    else r.iv.push_back(x);
  }
  return r;
}

IntervalSet IntervalSet::minus(const IntervalSet& o) const {
  IntervalSet r;
  size_t j = 0;
  for (auto [lo, hi] : iv) {
    uint64_t cur = lo;
    while (j < o.iv.size() && o.iv[j].second < cur) ++j;
    size_t k = j;
    while (k < o.iv.size() && o.iv[k].first <= hi && cur <= hi) {
      if (o.iv[k].first > cur) r.iv.emplace_back(static_cast<uint32_t>(cur), o.iv[k].first - 1);
      cur = static_cast<uint64_t>(o.iv[k].second) + 1;
      ++k;
    }
    if (cur <= hi) r.iv.emplace_back(static_cast<uint32_t>(cur), hi);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
namespace {
bool quals_subset(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}
}  // namespace

bool Region::contains(const Region& o) const {
  return quals_subset(qualifiers, o.qualifiers) && proto.contains(o.proto) && src.contains(o.src) &&
         dst.contains(o.dst) && sport.contains(o.sport) && dport.contains(o.dport);
}

bool Region::intersects(const Region& o) const {
  return src.intersects(o.src) && dst.intersects(o.dst) && proto.intersects(o.proto) && sport.intersects(o.sport) &&
         dport.intersects(o.dport);
}

std::optional<Region> Region::intersect(const Region& o) const {
  if (!intersects(o)) return std::nullopt;
  Region r;
  r.proto = proto.intersect(o.proto);
  r.src = src.intersect(o.src);
  r.dst = dst.intersect(o.dst);
  r.sport = sport.intersect(o.sport);
  r.dport = dport.intersect(o.dport);
  std::set_union(qualifiers.begin(), qualifiers.end(), o.qualifiers.begin(), o.qualifiers.end(),
                 std::back_inserter(r.qualifiers));
  return r;
}

Region Region::mirror() const {
  Region r = *this;
  std::swap(r.src, r.dst);
  // ICMP type/code lives in dport and has no source counterpart: keep it where it is.
  if (!(proto.single() && proto.iv[0].first == 1)) std::swap(r.sport, r.dport);
  return r;
}

bool Region::operator==(const Region& o) const {
  return proto == o.proto && src == o.src && dst == o.dst && sport == o.sport && dport == o.dport &&
         qualifiers == o.qualifiers;
}

std::optional<std::vector<Region>> Region::minus(const Region& o, size_t budget) const {
  std::vector<Region> out;
  if (!intersects(o) || !quals_subset(o.qualifiers, qualifiers)) {
    out.push_back(*this);
    return out;
  }
  Region rest = *this;
  auto push = [&](Region piece) { if (!piece.empty()) out.push_back(std::move(piece)); };
  {  // protocol
    Region p = rest;
    p.proto = rest.proto.minus(o.proto);
    push(std::move(p));
    rest.proto = rest.proto.intersect(o.proto);
  }
  auto split_addr = [&](AddrMatch Region::*field) {
    AddrMatch& r = rest.*field;
    const AddrMatch& b = o.*field;
    uint32_t extra = b.care & ~r.care;  // bits o fixes and rest leaves free
    for (uint32_t bit = 0x80000000u; bit; bit >>= 1) {
      if (!(extra & bit)) continue;
      Region p = rest;
      (p.*field).care |= bit;
      (p.*field).value = ((p.*field).value & ~bit) | (~b.value & bit);
      out.push_back(std::move(p));
      r.care |= bit;
      r.value = (r.value & ~bit) | (b.value & bit);
    }
  };
  split_addr(&Region::src);
  split_addr(&Region::dst);
  {
    Region p = rest;
    p.sport = rest.sport.minus(o.sport);
    push(std::move(p));
    rest.sport = rest.sport.intersect(o.sport);
  }
  {
    Region p = rest;
    p.dport = rest.dport.minus(o.dport);
    push(std::move(p));
  }
  if (out.size() > budget) return std::nullopt;
  return out;
}

std::string Region::str() const {
  std::string p;
  if (proto.is_all(kMaxProto)) p = "ip";
  else if (proto.single()) p = protocol_name(static_cast<int>(proto.iv[0].first));
  else p = "proto-set";
  std::string s = fmt::format("{} {}", p, src.str());
  int pn = proto.single() ? static_cast<int>(proto.iv[0].first) : 6;
  if (!sport.is_all(kMaxPort)) s += " " + render_ports(sport, pn);
  s += " -> " + dst.str();
  if (!dport.is_all(kMaxPort)) s += " " + render_ports(dport, pn);
  for (auto& q : qualifiers) s += " " + q;
  return s;
}

// ---------------------------------------------------------------------------------------------
bool Ace::matches(const Packet& p) const {
  for (auto& r : regions) {
    if (!r.proto.contains(p.proto) || !r.src.matches(p.src) || !r.dst.matches(p.dst)) continue;
    if (p.proto == 1) {
      if (!r.dport.is_all(kMaxPort) && !r.dport.contains(static_cast<uint32_t>(p.dport))) continue;
    } else {
      if (!r.sport.contains(p.sport) || !r.dport.contains(p.dport)) continue;
    }
    return true;
  }
  return false;
}

bool Ace::contains(const Ace& o) const {
  for (auto& r : o.regions) {
    bool in = false;
    for (auto& mine : regions) if (mine.contains(r)) { in = true; break; }
    if (!in) return false;
  }
  return !o.regions.empty();
}

bool Ace::intersects(const Ace& o) const {
  for (auto& a : regions)
    for (auto& b : o.regions)
      if (a.intersects(b)) return true;
  return false;
}

std::optional<std::pair<Proxy, Proxy>> Ace::proxies() const {
  if (regions.size() != 1) return std::nullopt;
  const Region& r = regions[0];
  if (!r.qualifiers.empty()) return std::nullopt;
  uint16_t proto = 0;
  if (!r.proto.is_all(kMaxProto)) {
    if (!r.proto.single()) return std::nullopt;
    proto = static_cast<uint16_t>(r.proto.iv[0].first);
  }
  if (r.src.prefix_len() < 0 || r.dst.prefix_len() < 0) return std::nullopt;
  auto port_of = [&](const IntervalSet& s, uint16_t& out) {
    if (s.is_all(kMaxPort)) { out = 0; return true; }
    if (proto == 1) { out = 0; return true; }  // ICMP type is not carried in the ID payload port
    if (!s.single()) return false;
    out = static_cast<uint16_t>(s.iv[0].first);
    return true;
  };
  Proxy l, rm;
  if (!port_of(r.sport, l.port) || !port_of(r.dport, rm.port)) return std::nullopt;
  l.addr = r.src.value; l.mask = r.src.care; l.proto = l.proto_raw = proto; l.valid = true;
  rm.addr = r.dst.value; rm.mask = r.dst.care; rm.proto = rm.proto_raw = proto; rm.valid = true;
  l.id_type = l.is_host() ? 1 : 4;
  rm.id_type = rm.is_host() ? 1 : 4;
  return std::make_pair(l, rm);
}

std::string Ace::ios(size_t i) const {
  if (i >= regions.size()) return "";
  const Region& r = regions[i];
  std::string proto = "ip";
  int pn = 0;
  if (!r.proto.is_all(kMaxProto)) {
    pn = static_cast<int>(r.proto.iv.empty() ? 0 : r.proto.iv[0].first);
    proto = protocol_name(pn);
  }
  std::string s = fmt::format("{} {} {}", permit() ? "permit" : "deny", proto, r.src.ios());
  if (pn != 1 && !r.sport.is_all(kMaxPort)) s += " " + render_ports(r.sport, pn);
  s += " " + r.dst.ios();
  if (!r.dport.is_all(kMaxPort)) s += " " + render_ports(r.dport, pn);
  for (auto& q : r.qualifiers) s += " " + q;
  return s;
}

// ---------------------------------------------------------------------------------------------
const Ace* Acl::first_match(const Packet& p) const {
  for (auto& a : aces)
    if (a.matches(p)) return &a;
  return nullptr;
}

std::vector<const Ace*> Acl::permits() const {
  std::vector<const Ace*> out;
  for (auto& a : aces) if (a.permit()) out.push_back(&a);
  return out;
}

std::optional<std::vector<Acl::Decision>> Acl::decide(const Region& r, size_t budget) const {
  std::vector<Decision> out;
  std::vector<Region> todo{r};
  for (size_t i = 0; i < aces.size() && !todo.empty(); ++i) {
    const Ace& a = aces[i];
    if (a.inactive) continue;
    for (auto& g : a.regions) {
      if (!g.qualifiers.empty()) continue;  // matches an unknown subset: decides nothing for sure
      std::vector<Region> next;
      for (auto& q : todo) {
        if (!q.intersects(g)) { next.push_back(std::move(q)); continue; }
        out.push_back({*q.intersect(g), static_cast<int>(i)});
        auto rest = q.minus(g, budget);
        if (!rest) return std::nullopt;
        for (auto& x : *rest) next.push_back(std::move(x));
      }
      todo = std::move(next);
      if (todo.size() + out.size() > budget) return std::nullopt;
    }
  }
  for (auto& q : todo) out.push_back({std::move(q), -1});
  return out;
}

std::optional<std::vector<Acl::Decision>> Acl::permitted(size_t budget) const {
  auto d = decide(Region{}, budget);
  if (!d) return std::nullopt;
  std::vector<Decision> out;
  for (auto& x : *d)
    if (x.ace >= 0 && aces[static_cast<size_t>(x.ace)].permit()) out.push_back(std::move(x));
  return out;
}

// ---------------------------------------------------------------------------------------------
std::string_view set_relation_name(SetRelation r) {
  switch (r) {
    case SetRelation::Equal: return "equal";
    case SetRelation::Subset: return "subset";
    case SetRelation::Superset: return "superset";
    case SetRelation::Overlap: return "overlap";
    case SetRelation::Disjoint: return "disjoint";
    case SetRelation::Unknown: return "unknown";
  }
  return "unknown";
}

std::optional<bool> covered_by(const Region& r, const std::vector<const Region*>& cover, size_t budget) {
  std::vector<Region> todo{r};
  for (const Region* c : cover) {
    std::vector<Region> next;
    for (auto& q : todo) {
      auto rest = q.minus(*c, budget);
      if (!rest) return std::nullopt;
      for (auto& x : *rest) next.push_back(std::move(x));
    }
    todo = std::move(next);
    if (todo.empty()) return true;
    if (todo.size() > budget) return std::nullopt;
  }
  return todo.empty();
}

namespace {
std::optional<bool> union_subset(const std::vector<Region>& a, const std::vector<Region>& b, size_t budget) {
  std::vector<const Region*> cover;
  for (auto& x : b) cover.push_back(&x);
  for (auto& x : a) {
    std::vector<const Region*> relevant;
    for (auto* c : cover) if (c->intersects(x)) relevant.push_back(c);
    auto r = covered_by(x, relevant, budget);
    if (!r) return std::nullopt;
    if (!*r) return false;
  }
  return true;
}
}  // namespace

SetRelation compare_regions(const std::vector<Region>& a, const std::vector<Region>& b, size_t budget) {
  bool meet = false;
  for (auto& x : a) {
    for (auto& y : b) if (x.intersects(y)) { meet = true; break; }
    if (meet) break;
  }
  if (!meet) return (a.empty() && b.empty()) ? SetRelation::Equal : SetRelation::Disjoint;
  auto ab = union_subset(a, b, budget);
  auto ba = union_subset(b, a, budget);
  if (!ab || !ba) return SetRelation::Unknown;
  if (*ab && *ba) return SetRelation::Equal;
  if (*ab) return SetRelation::Subset;
  if (*ba) return SetRelation::Superset;
  return SetRelation::Overlap;
}

SetRelation compare_mirror(const Acl& a, const Acl& b) {
  auto pa = a.permitted();
  auto pb = b.permitted();
  if (!pa || !pb) return SetRelation::Unknown;
  std::vector<Region> ra, rb;
  for (auto& d : *pa) ra.push_back(d.piece);
  for (auto& d : *pb) rb.push_back(d.piece.mirror());
  return compare_regions(ra, rb);
}

std::vector<DeadLine> dead_lines(const Acl& acl, bool only_permits) {
  std::vector<DeadLine> out;
  // Index every region of every active line, then for each line look only at earlier lines
  // whose address blocks can meet it (see RegionIndex).
  RegionIndex idx;
  std::vector<std::pair<size_t, size_t>> owner;  // index id -> (ace, region)
  for (size_t i = 0; i < acl.aces.size(); ++i) {
    if (acl.aces[i].inactive) continue;
    for (size_t k = 0; k < acl.aces[i].regions.size(); ++k) {
      const Region& g = acl.aces[i].regions[k];
      if (!g.qualifiers.empty()) continue;
      idx.add(g.src, g.dst, static_cast<uint32_t>(owner.size()));
      owner.emplace_back(i, k);
    }
  }
  idx.build();
  std::vector<uint32_t> cand;
  for (size_t i = 0; i < acl.aces.size(); ++i) {
    const Ace& a = acl.aces[i];
    if (only_permits && !a.permit()) continue;
    if (a.regions.empty()) continue;
    bool dead = true;
    std::vector<size_t> by;
    for (auto& g : a.regions) {
      cand.clear();
      idx.query(g.src, g.dst, cand);
      std::sort(cand.begin(), cand.end());
      std::vector<const Region*> cover;
      std::vector<size_t> lines;
      for (uint32_t id : cand) {
        auto [ai, rk] = owner[id];
        if (ai >= i) continue;
        const Region& c = acl.aces[ai].regions[rk];
        if (!c.intersects(g)) continue;
        cover.push_back(&c);
        lines.push_back(ai);
      }
      // Subtract the earlier lines in order; the ones that remove something are the lines
      // that take this line's traffic under first match.
      std::vector<Region> todo{g};
      bool budget_ok = true;
      for (size_t c = 0; c < cover.size() && !todo.empty() && budget_ok; ++c) {
        std::vector<Region> next;
        bool took = false;
        for (auto& q : todo) {
          if (!q.intersects(*cover[c])) { next.push_back(std::move(q)); continue; }
          auto rest = q.minus(*cover[c]);
          if (!rest) { budget_ok = false; break; }
          took = true;
          for (auto& x : *rest) next.push_back(std::move(x));
        }
        if (took) by.push_back(lines[c]);
        todo = std::move(next);
        if (todo.size() > 4096) budget_ok = false;
      }
      if (!budget_ok || !todo.empty()) { dead = false; break; }
    }
    if (!dead) continue;
    std::sort(by.begin(), by.end());
    by.erase(std::unique(by.begin(), by.end()), by.end());
    out.push_back({i, std::move(by)});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
void RegionIndex::add(const AddrMatch& src, const AddrMatch& dst, uint32_t id) {
  int ls = src.leading_len(), ld = dst.leading_len();
  src_.by_len[ls].emplace_back(src.value & prefix_mask(ls), id);
  dst_.by_len[ld].emplace_back(dst.value & prefix_mask(ld), id);
  ++n_;
}

void RegionIndex::build() {
  for (auto* d : {&src_, &dst_})
    for (auto& v : d->by_len) std::sort(v.begin(), v.end());
}

size_t RegionIndex::Dim::count(const AddrMatch& q) const {
  int ql = q.leading_len();
  uint32_t qv = q.value & prefix_mask(ql);
  size_t n = 0;
  for (int L = 0; L <= 32; ++L) {
    auto& v = by_len[L];
    if (v.empty()) continue;
    uint32_t lo, hi;
    if (L <= ql) { lo = hi = qv & prefix_mask(L); }
    else { lo = qv; hi = qv | ~prefix_mask(ql); }
    auto b = std::lower_bound(v.begin(), v.end(), std::make_pair(lo, 0u));
    auto e = std::upper_bound(v.begin(), v.end(), std::make_pair(hi, UINT32_MAX));
    n += static_cast<size_t>(e - b);
  }
  return n;
}

void RegionIndex::Dim::collect(const AddrMatch& q, std::vector<uint32_t>& out) const {
  int ql = q.leading_len();
  uint32_t qv = q.value & prefix_mask(ql);
  for (int L = 0; L <= 32; ++L) {
    auto& v = by_len[L];
    if (v.empty()) continue;
    uint32_t lo, hi;
    if (L <= ql) { lo = hi = qv & prefix_mask(L); }
    else { lo = qv; hi = qv | ~prefix_mask(ql); }
    auto b = std::lower_bound(v.begin(), v.end(), std::make_pair(lo, 0u));
    auto e = std::upper_bound(v.begin(), v.end(), std::make_pair(hi, UINT32_MAX));
    for (auto it = b; it != e; ++it) out.push_back(it->second);
  }
}

void RegionIndex::query(const AddrMatch& src, const AddrMatch& dst, std::vector<uint32_t>& out) const {
  if (src_.count(src) <= dst_.count(dst)) src_.collect(src, out);
  else dst_.collect(dst, out);
}

// ---------------------------------------------------------------------------------------------
int protocol_number(std::string_view name) {
  for (auto& p : kProtocols) if (name == p.name) return p.num;
  if (auto v = to_int(name); v && *v >= 0 && *v <= 255) return *v;
  return -1;
}

std::string protocol_name(int number) {
  for (auto& p : kProtocols) if (p.num == number) return p.name;
  return std::to_string(number);
}

std::string acl_entry(const Proxy& src, const Proxy& dst) {
  int proto = src.proto ? src.proto : dst.proto;
  std::string s = protocol_name(proto);
  for (const Proxy* p : {&src, &dst}) {
    s += ' ';
    s += p->acl_operand();
    if (p->port && (proto == 6 || proto == 17)) s += " eq " + std::to_string(p->port);
  }
  return s;
}

int port_number(std::string_view name, int proto) {
  if (auto v = to_int(name); v && *v >= 0 && *v <= 65535) return *v;
  bool tcp = proto == 6 || proto == 132 || proto < 0;
  bool udp = proto == 17 || proto < 0;
  for (auto& p : kPorts)
    if (name == p.name && ((tcp && p.tcp) || (udp && p.udp))) return p.port;
  return -1;
}

std::string port_name(int port, int proto) {
  for (auto& p : kPorts) {
    if (p.port != port) continue;
    if (std::string_view(p.name) == "ssh" || std::string_view(p.name) == "https") continue;  // IOS prints numbers
    if ((proto == 6 && p.tcp) || (proto == 17 && p.udp)) return p.name;
  }
  return std::to_string(port);
}

}  // namespace ipsecdoc
