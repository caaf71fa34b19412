// Which of a two-thread run's records the analysis thread tokenizes when it is neither idle
// nor far behind (app/analysis.cc, Pipeline::on_record): a third of them, decided by the
// message rather than by its values, so that repeats of one message meet the same thread's
// tokenizer caches. Outputs do not depend on it; only which thread does the work does.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ipsecdoc {

// A third of the records, decided by their first 32 bytes with every digit read as '0'
// ("ISAKMP:(1001): x" and "ISAKMP:(1002): x" agree), mixed eight bytes at a time: this runs
// for every record of the reading thread (a byte loop over the first 64 non-digits cost
// ~450 instructions a record, a tenth of that thread's work on a debug capture). The digits
// are replaced sixteen bytes at a time (SSE2; byte by byte without it), in a copy padded
// with zeros to 32 bytes - the same words as mixing the record's bytes directly, a last
// partial word read as if zero-padded (tests/unit/test_share.cc holds it to that reference).
inline bool analysis_share(std::string_view body) {
  const size_t n = body.size() < 32 ? body.size() : 32;
  alignas(16) unsigned char b[32] = {};
  if (n) std::memcpy(b, body.data(), n);
#if defined(__SSE2__)
  const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
  for (int k = 0; k < 32; k += 16) {
    __m128i x = _mm_load_si128(reinterpret_cast<const __m128i*>(b + k));
    __m128i d = _mm_sub_epi8(x, zero);
    __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);  // b - '0' <= 9, unsigned
    x = _mm_or_si128(_mm_andnot_si128(is_digit, x), _mm_and_si128(is_digit, zero));
    _mm_store_si128(reinterpret_cast<__m128i*>(b + k), x);
  }
#else
  for (auto& c : b)
    if (c >= '0' && c <= '9') c = '0';
#endif
  uint64_t h = n;
  for (size_t i = 0; i < n; i += 8) {
    uint64_t x;
    std::memcpy(&x, b + i, 8);
    h = (h ^ x) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  return (h >> 32) % 3 == 0;  // a third: the analysis thread also builds the timelines
}

}  // namespace ipsecdoc
