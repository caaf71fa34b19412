// append_json against nlohmann's own dump(2, ' ', false, replace), the text it replaces,
// on generated trees: strings of every byte (quotes, backslashes, control characters, DEL,
// valid and invalid UTF-8), empty and nested containers, every kind of number, and nesting
// depths; plus the corpus's golden reports.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "report/json_writer.h"
#include "report/report.h"
#include "test_json_random.h"

using namespace ipsecdoc;
using namespace ipsecdoc::testing;
using nlohmann::json;

TEST_CASE("json writer: generated trees come out as nlohmann's dump(2) writes them, at any depth") {
  int non_plain = 0;
  for_random_trees(20261127, 20000, [&](const json& j, int depth) {
    std::string out = "prefix ";
    append_json(out, j, depth);
    std::string want = "prefix " + reference_at(j, depth);
    if (out != want) {
      INFO("tree: " << reference(j));
      INFO("depth: " << depth);
      REQUIRE(out == want);
    }
    if (reference(j).find('\\') != std::string::npos) ++non_plain;
  });
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

TEST_CASE("json writer: a byte to escape is found at any place of a string of any length") {
  // the scan reads blocks of 16 and words of 8 bytes, the last of each overlapping the one
  // before, and shorter strings in pieces: each place of each length is a different path
  for (char bad : {'\0', '\x1f', '"', '\\', '\x80', '\xff', '\x7f'}) {
    for (size_t n = 1; n <= 48; ++n) {
      for (size_t at = 0; at < n; ++at) {
        std::string s(n, 'a');
        s[at] = bad;
        json j = {{s, s}};
        INFO("byte " << static_cast<int>(static_cast<unsigned char>(bad)) << " at " << at << " of " << n);
        REQUIRE(json_text(j) == reference(j));
      }
    }
  }
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
