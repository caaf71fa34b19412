#include "ingest/line_clean.h"

#include <cstring>

namespace ipsecdoc {

std::string_view clean_line(std::string_view in, std::string& scratch, CleanStats& stats) {
  if (!in.empty() && in.back() == '\r') {
    in.remove_suffix(1);
    ++stats.cr;
  }
  // Fast path: no control bytes and no pager prompt.
  bool dirty = false;
  for (unsigned char c : in) {
    if (c < 0x20 || c == 0x7f) { dirty = true; break; }
  }
  bool pager = in.find("-More-") != std::string_view::npos;
  if (!dirty && !pager) return in;

  scratch.clear();
  scratch.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == 0x1b) {  // ESC [ params final
      ++stats.ansi;
      if (i + 1 < in.size() && in[i + 1] == '[') {
        i += 2;
        while (i < in.size() && !(in[i] >= '@' && in[i] <= '~')) ++i;
      } else {
        ++i;  // two-byte escape
      }
      continue;
    }
    if (c == '\b') {
      ++stats.backspaces;
      if (!scratch.empty()) scratch.pop_back();
      continue;
    }
    if (c == '\t') { scratch.push_back(' '); continue; }
    if (c == '\r') {  // carriage return inside a line: the terminal overwrote from column 0
      ++stats.cr;
      scratch.clear();
      continue;
    }
    if (c < 0x20 || c == 0x7f) { ++stats.control; continue; }
    scratch.push_back(static_cast<char>(c));
  }
  // Pager debris: " --More-- " (IOS) or "<--- More --->" (ASA) followed by blanks.
  for (const char* tag : {" --More-- ", "--More--", "<--- More --->"}) {
    size_t p;
    while ((p = scratch.find(tag)) != std::string::npos) {
      ++stats.pager;
      size_t e = p + std::strlen(tag);
      while (e < scratch.size() && scratch[e] == ' ') ++e;
      scratch.erase(p, e - p);
    }
  }
  return scratch;
}

std::string_view strip_note(std::string_view line, std::string_view& note) {
  note = {};
  size_t arrow = line.find("<--");
  if (arrow == std::string_view::npos) arrow = line.find("<==");
  if (arrow != std::string_view::npos && arrow > 0 && line[arrow - 1] == ' ') {
    note = line.substr(arrow);
    line = line.substr(0, arrow);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  }
  // trailing " (N)" reference marker, N = 1..99
  size_t n = line.size();
  if (n >= 4 && line[n - 1] == ')') {
    size_t open = line.rfind('(');
    if (open != std::string_view::npos && open > 0 && line[open - 1] == ' ' && n - open - 2 >= 1 && n - open - 2 <= 2) {
      bool digits = true;
      for (size_t i = open + 1; i < n - 1; ++i) digits &= line[i] >= '0' && line[i] <= '9';
      if (digits) {
        note = line.substr(open);
        line = line.substr(0, open - 1);
        while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
      }
    }
  }
  return line;
}

}  // namespace ipsecdoc
