// append_json against nlohmann's own dump(2, ' ', false, replace), the text it replaces,
// on generated trees: strings of every byte (quotes, backslashes, control characters, DEL,
// valid and invalid UTF-8), empty and nested containers, every kind of number, and nesting
// depths; plus the corpus's golden reports.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "report/json_writer.h"
#include "report/report.h"

using namespace ipsecdoc;
using nlohmann::json;

namespace {

std::string reference(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

// What append_json(out, j, depth) must append: the reference text with every line after the
// first indented by 2*depth more spaces.
std::string reference_at(const json& j, int depth) {
  std::string text = reference(j), out;
  for (char c : text) {
    out += c;
    if (c == '\n') out.append(static_cast<size_t>(2 * depth), ' ');
  }
  return out;
}

std::string random_string(std::mt19937& rng) {
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

json random_tree(std::mt19937& rng, int depth) {
  switch (rng() % (depth > 3 ? 7 : 9)) {
    case 0: return random_string(rng);
    case 1: return static_cast<int64_t>(rng()) - (int64_t{1} << 31);
    case 2: return static_cast<uint64_t>(rng()) * 1000003u;
    case 3: {
      static const double doubles[] = {0.0, -0.0, 0.1, 1.0, 1e300, -2.5e-8, 3.0, 123.456,
                                       std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()};
      return doubles[rng() % std::size(doubles)];
    }
    case 4: return rng() % 2 == 0;
    case 5: return nullptr;
    case 6: return json::binary({1, 2, static_cast<uint8_t>(rng() % 256)});
    case 7: {
      json a = json::array();
      int n = static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) a.push_back(random_tree(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      int n = static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) o[random_string(rng)] = random_tree(rng, depth + 1);
      return o;
    }
  }
}

}  // namespace

TEST_CASE("json writer: generated trees come out as nlohmann's dump(2) writes them, at any depth") {
  std::mt19937 rng(20261127);
  int non_plain = 0;
  for (int i = 0; i < 20000; ++i) {
    json j = random_tree(rng, 0);
    int depth = static_cast<int>(rng() % 4);
    std::string out = "prefix ";
    append_json(out, j, depth);
    std::string want = "prefix " + reference_at(j, depth);
    if (out != want) {
      INFO("tree: " << reference(j));
      INFO("depth: " << depth);
      REQUIRE(out == want);
    }
    if (reference(j).find('\\') != std::string::npos) ++non_plain;
  }
  CHECK(non_plain > 1000);  // the generator reaches the escaping path often
}

TEST_CASE("json writer: json_text is the reference text, every byte alone as a string and as a key") {
  for (int b = 0; b < 256; ++b) {
    std::string s(1, static_cast<char>(b));
    json j = {{"v", s}, {s, {1, s}}};
    CHECK(json_text(j) == reference(j));
  }
  json empties = {{"a", json::array()}, {"o", json::object()}, {"n", {json::object(), json::array()}}};
  CHECK(json_text(empties) == reference(empties));
}

TEST_CASE("json writer: the corpus's golden reports come out the same") {
  int seen = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(std::string(CORPUS_DIR) + "/golden")) {
    if (f.path().extension() != ".json") continue;
    std::ifstream in(f.path());
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded()) continue;
    CHECK(json_text(j) == reference(j));
    ++seen;
  }
  CHECK(seen > 10);
}
