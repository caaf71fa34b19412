// The reference text and random JSON for the writer tests (test_json_writer.cc, test_json_emit.cc): strings of any
// bytes (quotes, backslashes, control characters, DEL, valid and invalid UTF-8, empty), every
// kind of number, empty and nested containers.
#pragma once
#include <cstdint>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ipsecdoc::testing {

// The text every writer must give: nlohmann's dump(2, ' ', false, replace).
inline std::string reference(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What append_json(out, j, depth) must append: the reference text with every line after the
// first indented by 2*depth more spaces.
inline std::string reference_at(const nlohmann::json& j, int depth) {
  std::string text = reference(j), out;
  for (char c : text) {
    out += c;
    if (c == '\n') out.append(static_cast<size_t>(2 * depth), ' ');
  }
  return out;
}

inline std::string random_string(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      "a", "ISAKMP:(1001): ", "\"", "\\", "\n", "\t", "\r", "\b", "\f", std::string(1, '\0'), "\x01", "\x1f",
      "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3", "\xff", "\x80", "\xed\xa0\x80", " ", "/", "{}[]:,"};
  std::string s;
  int n = static_cast<int>(rng() % 6);
  for (int i = 0; i < n; ++i) {
    if (rng() % 3 == 0) {
      s += static_cast<char>(rng() % 256);  // any byte at all
    } else {
      s += pieces[rng() % pieces.size()];
    }
  }
  return s;
}

inline nlohmann::json random_tree(std::mt19937& rng, int depth) {
  switch (rng() % (depth > 3 ? 7 : 9)) {
    case 0: return random_string(rng);
    case 1: return static_cast<int64_t>(rng()) - (int64_t{1} << 31);
    case 2: return static_cast<uint64_t>(rng()) * 1000003u;
    case 3: {
      static const double doubles[] = {0.0, -0.0, 0.1, 1.0, 1e300, -2.5e-8, 3.0, 123.456, 1e15, 1e16, 1e-4, 1e-5,
                                       12.345, -0.001, 5e-324, 1.7976931348623157e308,
                                       std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()};
      return doubles[rng() % std::size(doubles)];
    }
    case 4: return rng() % 2 == 0;
    case 5: return nullptr;
    case 6: return nlohmann::json::binary({1, 2, static_cast<uint8_t>(rng() % 256)});
    case 7: {
      nlohmann::json a = nlohmann::json::array();
      int n = static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) a.push_back(random_tree(rng, depth + 1));
      return a;
    }
    default: {
      nlohmann::json o = nlohmann::json::object();
      int n = static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) o[random_string(rng)] = random_tree(rng, depth + 1);
      return o;
    }
  }
}

// Calls check(tree, depth) on `n` random trees, each with a nesting depth from 0 to 3.
template <class F>
void for_random_trees(uint32_t seed, int n, F check) {
  std::mt19937 rng(seed);
  for (int i = 0; i < n; ++i) {
    nlohmann::json j = random_tree(rng, 0);
    check(j, static_cast<int>(rng() % 4));
  }
}

}  // namespace ipsecdoc::testing
