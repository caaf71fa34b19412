// DeviceConfig lookups, type 7 decoding and secret redaction. The parser is parse_config.cc.
#include "config/config.h"
#include "config/words.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <fmt/format.h>

namespace ipsecdoc {

std::optional<uint32_t> Interface::primary_address() const {
  for (auto& a : addresses) if (!a.secondary) return a.addr;
  return std::nullopt;
}

bool Interface::has_address(uint32_t a) const {
  for (auto& x : addresses) if (x.addr == a) return true;
  return false;
}

std::optional<std::string> PresharedKey::clear() const {
  if (type == 0) return secret;
  if (type == 7) return decode_type7(secret);
  return std::nullopt;
}

bool IsakmpProfile::matches_identity(uint32_t peer) const {
  for (auto& m : match_identities) if ((peer & m.mask) == (m.addr & m.mask)) return true;
  return false;
}

std::string PeerAddr::str() const { return addr ? format_ipv4(*addr) : hostname; }

std::string CryptoMapEntry::label() const { return fmt::format("{} {}", map, seq); }

const CryptoMapEntry* CryptoMap::entry(uint32_t seq) const {
  for (auto& e : entries) if (e.seq == seq) return &e;
  return nullptr;
}

namespace {
std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}
// "Gi0/0" vs "GigabitEthernet0/0": same when the alphabetic prefix of one starts the other's
// and the numeric suffix is equal.
bool same_interface_name(std::string_view a, std::string_view b) {
  auto split = [](std::string_view s) {
    size_t i = 0;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    return std::make_pair(lower(s.substr(0, i)), lower(s.substr(i)));
  };
  auto [pa, sa] = split(a);
  auto [pb, sb] = split(b);
  if (sa != sb || pa.empty() || pb.empty()) return false;
  return pa.rfind(pb, 0) == 0 || pb.rfind(pa, 0) == 0;
}
}  // namespace

const Interface* DeviceConfig::interface(std::string_view name) const {
  for (auto& i : interfaces) if (i.name == name) return &i;
  for (auto& i : interfaces) if (same_interface_name(i.name, name)) return &i;
  return nullptr;
}

const Acl* DeviceConfig::acl(std::string_view name) const {
  auto it = acls.find(name);
  return it == acls.end() ? nullptr : &it->second;
}
const TransformSet* DeviceConfig::transform_set(std::string_view name) const {
  auto it = transform_sets.find(name);
  return it == transform_sets.end() ? nullptr : &it->second;
}
const CryptoMap* DeviceConfig::crypto_map(std::string_view name) const {
  auto it = crypto_maps.find(name);
  return it == crypto_maps.end() ? nullptr : &it->second;
}
const CryptoMap* DeviceConfig::dynamic_map(std::string_view name) const {
  auto it = dynamic_maps.find(name);
  return it == dynamic_maps.end() ? nullptr : &it->second;
}
const IsakmpProfile* DeviceConfig::isakmp_profile(std::string_view name) const {
  auto it = isakmp_profiles.find(name);
  return it == isakmp_profiles.end() ? nullptr : &it->second;
}

std::vector<IkePolicy> DeviceConfig::ike_policies() const {
  std::vector<IkePolicy> out;
  for (auto& p : isakmp_policies) out.push_back(p.policy);
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.priority < b.priority; });
  if (out.empty()) {
    IkePolicy d;
    d.is_default = true;
    out.push_back(d);
  }
  return out;
}

uint64_t DeviceConfig::sa_lifetime_seconds(const CryptoMapEntry& e) const {
  if (e.lifetime_seconds) return *e.lifetime_seconds;
  return global_sa_lifetime_seconds.value_or(3600);
}
uint64_t DeviceConfig::sa_lifetime_kb(const CryptoMapEntry& e) const {
  if (e.lifetime_kb) return *e.lifetime_kb;
  return global_sa_lifetime_kb.value_or(4608000);
}

std::vector<const Interface*> DeviceConfig::map_interfaces(std::string_view map) const {
  std::vector<const Interface*> out;
  for (auto& i : interfaces) if (i.crypto_map == map) out.push_back(&i);
  return out;
}

std::vector<uint32_t> DeviceConfig::map_local_addresses(std::string_view map) const {
  std::vector<uint32_t> out;
  const CryptoMap* m = crypto_map(map);
  if (m && !m->local_address.empty()) {
    if (const Interface* i = interface(m->local_address))
      if (auto a = i->primary_address()) out.push_back(*a);
    return out;
  }
  for (auto* i : map_interfaces(map))
    if (auto a = i->primary_address()) out.push_back(*a);
  return out;
}

bool DeviceConfig::owns_address(uint32_t a) const { return interface_with_address(a) != nullptr; }

const Interface* DeviceConfig::interface_with_address(uint32_t a) const {
  for (auto& i : interfaces) if (i.has_address(a)) return &i;
  return nullptr;
}

const PresharedKey* DeviceConfig::key_for(uint32_t peer, uint32_t local, const IsakmpProfile* profile) const {
  auto keyring_allows = [&](const std::string& kr) {
    if (profile) return std::find(profile->keyrings.begin(), profile->keyrings.end(), kr) != profile->keyrings.end();
    if (kr.empty()) return true;
    auto it = keyrings.find(kr);
    if (it == keyrings.end() || it->second.local_address.empty() || local == 0) return true;
    const std::string& la = it->second.local_address;
    if (auto ip = parse_ipv4(la)) return *ip == local;
    if (const Interface* i = interface(la)) return i->has_address(local);
    return true;
  };
  // Most specific address wins; on a tie a keyring bound to this local address beats an
  // unbound one, then the first configured.
  auto bound = [&](const std::string& kr) {
    auto it = keyrings.find(kr);
    return it != keyrings.end() && !it->second.local_address.empty() && local != 0;
  };
  const PresharedKey* best = nullptr;
  for (auto& k : keys) {
    if (!k.matches(peer) || !keyring_allows(k.keyring)) continue;
    if (!best) { best = &k; continue; }
    int lk = mask_prefix_len(k.mask), lb = mask_prefix_len(best->mask);
    if (lk > lb || (lk == lb && bound(k.keyring) && !bound(best->keyring))) best = &k;
  }
  return best;
}

const IsakmpProfile* DeviceConfig::profile_for_identity(uint32_t peer) const {
  const IsakmpProfile* best = nullptr;
  int best_len = -1;
  for (auto& [n, p] : isakmp_profiles)
    for (auto& m : p.match_identities)
      if ((peer & m.mask) == (m.addr & m.mask) && mask_prefix_len(m.mask) > best_len) {
        best = &p;
        best_len = mask_prefix_len(m.mask);
      }
  return best;
}

// Cisco type 7: two decimal digits give the start offset into a fixed 53-byte key; each
// following hex byte is XORed with the next key byte.
std::optional<std::string> decode_type7(std::string_view enc) {
  static constexpr std::string_view kXlat = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";
  if (enc.size() < 4 || enc.size() % 2 != 0) return std::nullopt;
  if (!std::isdigit(static_cast<unsigned char>(enc[0])) || !std::isdigit(static_cast<unsigned char>(enc[1])))
    return std::nullopt;
  size_t seed = static_cast<size_t>((enc[0] - '0') * 10 + (enc[1] - '0'));
  if (seed > 15) return std::nullopt;
  std::string out;
  for (size_t i = 2; i < enc.size(); i += 2) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = hex(enc[i]), lo = hex(enc[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi * 16 + lo) ^ kXlat[(seed + (i - 2) / 2) % kXlat.size()]));
  }
  return out;
}

namespace {

// Does a secret keyword that redact_line looks for contain the text at line[i]'s start: key
// (key-string, pre-shared-key), password, secret, community, md5?
bool keyword_at(std::string_view line, size_t i) {
  std::string_view rest = line.substr(i);
  switch (line[i]) {
    case 'k': return rest.starts_with("key");
    case 'p': return rest.starts_with("password");
    case 's': return rest.starts_with("secret");
    case 'c': return rest.starts_with("community");
    case 'm': return rest.starts_with("md5");
    default: return false;
  }
}

// Does one of those keywords stand anywhere in `line`? With SSE2, 16 positions at a time are
// tested for the keywords' first two letters (ke pa se co md) and only the few that have them are
// compared: most lines have many c, s, p ("crypto isakmp policy") but hardly a "ke" or "pa".
bool may_hold_secret(std::string_view line) {
  const size_t n = line.size();
  size_t i = 0;
#ifdef __SSE2__
  // p[0..16] readable; the positions base + 0..15 of `line` are p[0..15].
  auto block = [&](const char* p, size_t base) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
    auto pair = [&](char x, char y) {
      return _mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8(x)), _mm_cmpeq_epi8(b, _mm_set1_epi8(y)));
    };
    const __m128i m = _mm_or_si128(_mm_or_si128(pair('k', 'e'), pair('p', 'a')),
                                   _mm_or_si128(_mm_or_si128(pair('s', 'e'), pair('c', 'o')), pair('m', 'd')));
    for (auto bits = static_cast<unsigned>(_mm_movemask_epi8(m)); bits; bits &= bits - 1)
      if (keyword_at(line, base + static_cast<size_t>(__builtin_ctz(bits)))) return true;
    return false;
  };
  for (; i + 17 <= n; i += 16)
    if (block(line.data() + i, i)) return true;
  if (i == n) return false;
  // The last 1-16 characters, copied before zeros (a zero matches no letter: no position past
  // the end is compared).
  char tail[32] = {};
  std::memcpy(tail, line.data() + i, n - i);
  return block(tail, i);
#else
  for (; i < n; ++i)
    if (keyword_at(line, i)) return true;
  return false;
#endif
}

}  // namespace

bool line_may_hold_secret(std::string_view line) { return may_hold_secret(line); }

std::string redact_line(std::string_view line) {
  // Every secret keyword below contains one of these: a line without them is kept as is
  // (most lines; the word split is the costly part).
  if (!may_hold_secret(line)) return std::string(line);
  // Tokenise keeping the leading indentation; replace the token after a secret keyword.
  size_t indent = 0;
  while (indent < line.size() && (line[indent] == ' ' || line[indent] == '\t')) ++indent;
  // Whitespace-separated words (as `istream >> std::string` reads them in the "C" locale), as
  // views into `line`; a replaced one views the literal "<redacted>".
  std::vector<std::string_view> w;
  w.reserve(16);  // (one allocation: growing 1, 2, 4, 8 words cost three more and their copies)
  split_words(line.substr(indent), w);
  if (w.empty()) return std::string(line);
  auto is_type = [](std::string_view t) { return t == "0" || t == "5" || t == "6" || t == "7" || t == "8" || t == "9"; };
  auto stop = [](std::string_view t) { return t == "address" || t == "hostname"; };
  bool changed = false;
  for (size_t i = 0; i < w.size(); ++i) {
    std::string_view k = w[i];
    bool secret_kw = k == "key" || k == "password" || k == "secret" || k == "key-string" || k == "community" ||
                     k == "pre-shared-key" || k == "md5";
    if (!secret_kw || i + 1 >= w.size()) continue;
    // `pre-shared-key address ...` / `crypto isakmp key` forms: the secret follows `key` later.
    if (k == "pre-shared-key" && (w[i + 1] == "address" || w[i + 1] == "hostname")) continue;
    if (k == "key" && i > 0 && (w[i - 1] == "crypto" || w[i - 1] == "tunnel")) continue;  // `crypto key generate`
    if (k == "key" && i + 1 < w.size() && (w[i + 1] == "chain" || w[i + 1] == "config-key")) continue;
    size_t j = i + 1;
    if (is_type(w[j]) && j + 1 < w.size() && !stop(w[j + 1])) ++j;
    if (stop(w[j])) continue;
    if (w[j] != "<redacted>") { w[j] = "<redacted>"; changed = true; }
    i = j;
  }
  if (!changed) return std::string(line);
  std::string out(line.substr(0, indent));
  for (size_t i = 0; i < w.size(); ++i) {
    if (i) out += ' ';
    out += w[i];
  }
  return out;
}

}  // namespace ipsecdoc
