// Fields::get has a hand-written scan (length and first byte before a compare); it must
// answer what a plain walk over the entries answers, for keys that share lengths, first
// bytes and prefixes with others, for the empty key and for empty values.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "core/event.h"

using ipsecdoc::Fields;

namespace {

std::string_view walk_get(const Fields& f, std::string_view key) {
  for (const auto& [k, v] : f)
    if (k == key) return v;
  return {};
}

}  // namespace

TEST_CASE("Fields::get agrees with a walk over the entries") {
  const std::vector<std::string> keys = {"",      "s",       "spi",    "spi_dec", "sp",    "spx",   "local",
                                         "local_proxy", "locaL", "remote", "remote_proxy", "peer", "peer2",
                                         "p",     "transform", "tr",    "x"};
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    Fields f;
    std::vector<std::string> present;
    size_t n = rng() % 8;
    for (size_t i = 0; i < n; ++i) {
      const std::string& k = keys[rng() % keys.size()];
      std::string v = (rng() % 4 == 0) ? std::string() : std::string(rng() % 20 + 1, static_cast<char>('a' + rng() % 26));
      f.set(k, v);  // set keeps keys distinct
      present.push_back(k);
    }
    for (const auto& k : keys) {
      CHECK(f.get(k) == walk_get(f, k));
      CHECK(f.get(k).data() == walk_get(f, k).data());  // the same bytes, not an equal copy
    }
  }
}

TEST_CASE("Fields::get finds the key, not a key it is a prefix of") {
  Fields f;
  f.emplace_back("spi_dec", "1234");
  f.emplace_back("spi", "0x1A2B");
  f.emplace_back("", "empty key");
  CHECK(f.get("spi") == "0x1A2B");
  CHECK(f.get("spi_dec") == "1234");
  CHECK(f.get("sp").empty());
  CHECK(f.get("") == "empty key");
  CHECK(f.get("spi_de").empty());
  CHECK(Fields().get("spi").empty());
}

TEST_CASE("Fields::preferred answers the first of its keys that get() finds with a value") {
  // (The timeline's peer of an event: remote, else peer, else peer2, in one pass.)
  const std::vector<std::string> keys = {"", "p", "peer", "peer2", "remote", "remote_proxy", "rem", "local", "x"};
  std::mt19937 rng(11);
  for (int round = 0; round < 2000; ++round) {
    Fields f;
    size_t n = rng() % 8;
    for (size_t i = 0; i < n; ++i) {
      std::string v = (rng() % 3 == 0) ? std::string() : std::string(rng() % 20 + 1, static_cast<char>('a' + rng() % 26));
      f.set(keys[rng() % keys.size()], v);
    }
    std::string a = keys[rng() % keys.size()], b = keys[rng() % keys.size()], c = keys[rng() % keys.size()];
    std::string_view want;
    for (const std::string& k : {a, b, c})
      if (!f.get(k).empty()) {
        want = f.get(k);
        break;
      }
    std::string_view got = f.preferred({a, b, c});
    CHECK(got == want);
    CHECK(got.data() == want.data());  // the same bytes, not an equal copy
    CHECK(f.preferred({"remote", "peer", "peer2"}) ==
          (!f.get("remote").empty() ? f.get("remote") : !f.get("peer").empty() ? f.get("peer") : f.get("peer2")));
  }
  CHECK(Fields().preferred({"remote", "peer"}).empty());
}
