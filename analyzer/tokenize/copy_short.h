// A copy of a few bytes without a call: the tokenizer writes field names, values and
// skeleton literals of a handful of bytes each, many per record, and a call to memcpy for
// each cost more than the copy.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ipsecdoc {

// n bytes from s to d (not overlapping), reading and writing only those: up to 32 bytes
// as overlapping loads from each end (the way text_hash reads a short text), memcpy
// beyond.
inline void copy_short(char* d, const char* s, size_t n) {
  if (n >= 8) {
    if (n > 16) {
      if (n > 32) {
        std::memcpy(d, s, n);
        return;
      }
      uint64_t a[4];
      std::memcpy(a, s, 16);
      std::memcpy(a + 2, s + n - 16, 16);
      std::memcpy(d, a, 16);
      std::memcpy(d + n - 16, a + 2, 16);
      return;
    }
    uint64_t a, b;
    std::memcpy(&a, s, 8);
    std::memcpy(&b, s + n - 8, 8);
    std::memcpy(d, &a, 8);
    std::memcpy(d + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, s, 4);
    std::memcpy(&b, s + n - 4, 4);
    std::memcpy(d, &a, 4);
    std::memcpy(d + n - 4, &b, 4);
  } else if (n > 0) {  // 1-3 bytes: first, middle, last
    char a = s[0], m = s[n >> 1], z = s[n - 1];
    d[0] = a;
    d[n >> 1] = m;
    d[n - 1] = z;
  }
}

}  // namespace ipsecdoc
