// Helpers shared by test_show*.cc: load a corpus file as ingest would hand it over.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

#include <re2/re2.h>

#include "core/source_line.h"

namespace show_test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Splits text into numbered lines. A leading "host# show ..." prompt line becomes the
// section's device/command and is not part of the lines (ingest does the same).
inline ipsecdoc::TextSection section_from_text(const std::string& text, const std::string& path = "test.txt") {
  ipsecdoc::TextSection s;
  s.path = path;
  uint32_t n = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t i = text.find('\n', start);
    std::string line = text.substr(start, i == std::string::npos ? std::string::npos : i - start);
    ++n;
    std::string host, cmd;
    if (n == 1 && RE2::FullMatch(line, R"(([A-Za-z0-9_.\-]+)#\s*(show .*))", &host, &cmd)) {
      s.device = host;
      s.command = cmd;
    } else if (!(i == std::string::npos && line.empty())) {
      s.lines.push_back({n, line});
    }
    if (i == std::string::npos) break;
    start = i + 1;
  }
  return s;
}

inline ipsecdoc::TextSection load(const std::string& rel) {
  std::string path = std::string(CORPUS_DIR) + "/" + rel;
  return section_from_text(read_file(path), "corpus/" + rel);
}

}  // namespace show_test
