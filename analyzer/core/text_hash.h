// A fast non-cryptographic hash of short texts: the tokenizer's caches (record heads,
// skeletons, proxies and transforms) and ingest's per-line sender lookups. Every cache compares the full key after the hash, so
// a collision only costs a miss; what matters is speed (16 bytes per multiply and no loop
// or call for the last bytes, the structure of wyhash; std::hash<std::string_view> costs
// about three times as many instructions on a log line) and that the low bits, which pick
// a cache slot, depend on every byte.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ipsecdoc {

namespace text_hash_detail {
// Full 64x64->128 multiply folded to 64 bits: every input bit reaches the low bits.
inline uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
constexpr uint64_t kK0 = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kK1 = 0xD6E8FEB86659FD93ull;
}  // namespace text_hash_detail

// a == b without a call for texts of up to 16 bytes (device names, addresses): two
// overlapping loads from each end, the way text_hash reads them; memcmp beyond.
inline bool same_text(std::string_view a, std::string_view b) {
  using namespace text_hash_detail;
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char *p = a.data(), *q = b.data();
  if (n >= 8) {
    if (n > 16) return std::memcmp(p, q, n) == 0;
    return load64(p) == load64(q) && load64(p + n - 8) == load64(q + n - 8);
  }
  if (n >= 4) return load32(p) == load32(q) && load32(p + n - 4) == load32(q + n - 4);
  for (size_t i = 0; i < n; ++i)
    if (p[i] != q[i]) return false;
  return true;
}

inline uint64_t text_hash(std::string_view s, uint64_t seed = 0) {
  using namespace text_hash_detail;
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t h = seed ^ (n * kK0), a = 0, b = 0;
  if (n > 16) {
    size_t left = n;
    for (; left > 16; left -= 16, p += 16) h = mix(load64(p) ^ kK1, load64(p + 8) ^ h);
    a = load64(p + left - 16);  // the last 16 bytes (overlapping the last block)
    b = load64(p + left - 8);
  } else if (n >= 4) {  // [0, 8) and [n - 8, n) as two overlapping pairs of 4-byte loads
    size_t q = (n >> 3) << 2;
    a = (load32(p) << 32) | load32(p + q);
    b = (load32(p + n - 4) << 32) | load32(p + n - 4 - q);
  } else if (n > 0) {  // 1-3 bytes: first, middle, last
    a = (uint64_t{static_cast<unsigned char>(p[0])} << 16) | (uint64_t{static_cast<unsigned char>(p[n >> 1])} << 8) |
        static_cast<unsigned char>(p[n - 1]);
  }
  return mix(mix(a ^ kK1, b ^ h) ^ kK0, n ^ kK1);
}

}  // namespace ipsecdoc
