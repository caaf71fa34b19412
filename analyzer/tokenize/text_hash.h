// A fast non-cryptographic hash of short texts for the tokenizer's caches (record heads,
// skeletons, proxies and transforms). Every cache compares the full key after the hash, so
// a collision only costs a miss; what matters is speed (16 bytes per multiply, where
// std::hash<std::string_view> costs about three times as many instructions on a log line)
// and that the low bits, which pick a cache slot, depend on every byte.
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
constexpr uint64_t kK0 = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kK1 = 0xD6E8FEB86659FD93ull;
}  // namespace text_hash_detail

inline uint64_t text_hash(std::string_view s, uint64_t seed = 0) {
  using namespace text_hash_detail;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = seed ^ (n * kK0);
  for (; n >= 16; p += 16, n -= 16) {  // 16 bytes per multiply, as wyhash does
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    h = mix(a ^ kK1, b ^ h);
  }
  if (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = mix(h ^ w, kK1);
    p += 8;
    n -= 8;
  }
  if (n > 0) {  // the last 1-7 bytes, zero-padded (the length is already in `h`)
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = mix(h ^ w, kK1);
  }
  return mix(h ^ (h >> 29), kK0);
}

}  // namespace ipsecdoc
