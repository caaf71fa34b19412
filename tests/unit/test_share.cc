// app/share.h: the two-thread run's split of the records. Outputs never depend on it (the
// pipeline tests compare one and two threads), so these tests hold it to what it promises:
// the same answer as the plain byte loop it replaced, digits ignored, about a third.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "app/share.h"

using namespace ipsecdoc;

namespace {
// The reference: the first 32 bytes, every digit read as '0', mixed as little-endian words
// of eight bytes, a last partial word zero-padded.
bool reference_share(std::string_view body) {
  const size_t n = body.size() < 32 ? body.size() : 32;
  uint64_t h = n;
  for (size_t i = 0; i < n; i += 8) {
    uint64_t x = 0;
    for (size_t j = 0; j < 8 && i + j < n; ++j) {
      unsigned char c = static_cast<unsigned char>(body[i + j]);
      if (c >= '0' && c <= '9') c = '0';
      x |= static_cast<uint64_t>(c) << (8 * j);
    }
    h = (h ^ x) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  return (h >> 32) % 3 == 0;
}
}  // namespace

TEST_CASE("analysis_share: equal to the byte-loop reference on every length and byte value") {
  std::mt19937_64 rng(20261127);
  // Bytes around the digit range (and the high half, where an unsigned compare matters).
  const std::string alphabet = std::string("/0123456789:;") + "\x80\xff\xb9\xc0" + "aZ (.)-_" + std::string(1, '\0');
  int mismatches = 0, checked = 0;
  for (size_t len = 0; len <= 48; ++len) {
    for (int k = 0; k < 400; ++k) {
      std::string s(len, ' ');
      for (auto& c : s) c = alphabet[rng() % alphabet.size()];
      ++checked;
      if (analysis_share(s) != reference_share(s)) ++mismatches;
    }
  }
  CHECK(checked == 49 * 400);
  CHECK(mismatches == 0);
}

TEST_CASE("analysis_share: digits do not matter, other bytes of the first 32 do") {
  CHECK(analysis_share("ISAKMP:(1001): atts are acceptable.") == analysis_share("ISAKMP:(2987): atts are acceptable."));
  CHECK(analysis_share("IPSEC(create_sa): sa created, (sa) sa_dest= 10.1.1.1") ==
        analysis_share("IPSEC(create_sa): sa created, (sa) sa_dest= 192.168.200.254"));
  // Past byte 32 nothing matters.
  std::string a(40, 'x'), b(40, 'x');
  b[35] = 'y';
  CHECK(analysis_share(a) == analysis_share(b));
  // Within the first 32 bytes a letter does: among 64 one-letter variants both answers occur.
  int yes = 0;
  for (int c = 'A'; c < 'A' + 64; ++c) {
    std::string v = "ISAKMP: received packet from peer";
    v[10] = static_cast<char>(c);
    yes += analysis_share(v);
  }
  CHECK(yes > 0);
  CHECK(yes < 64);
}

TEST_CASE("analysis_share: about a third of distinct messages") {
  std::mt19937_64 rng(7);
  int yes = 0;
  const int n = 30000;
  for (int i = 0; i < n; ++i) {
    std::string s = "ISAKMP: ";
    for (int j = 0; j < 24; ++j) s += static_cast<char>('a' + rng() % 26);
    yes += analysis_share(s);
  }
  CHECK(yes > n * 30 / 100);
  CHECK(yes < n * 37 / 100);
}
