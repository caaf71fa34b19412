// Splitting a config command into words without copying them.
#pragma once
#include <string_view>
#include <vector>

namespace ipsecdoc {

// isspace() of the "C" locale (the parsers never set another): space, \t \n \v \f \r.
inline bool config_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Fills `w` with the whitespace-separated words of `s`, as views into `s` (the same words as
// `istream >> std::string` reads); `w`'s storage is reused from one command to the next.
inline void split_words(std::string_view s, std::vector<std::string_view>& w) {
  w.clear();
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && config_space(s[i])) ++i;
    size_t j = i;
    // (A word's characters are nearly all above ' ': one compare each; config_space decides
    // only the others. Unsigned: bytes >= 128 are word characters, as in config_space.)
    while (j < s.size() && (static_cast<unsigned char>(s[j]) > ' ' || !config_space(s[j]))) ++j;
    if (j > i) w.push_back(s.substr(i, j - i));
    i = j;
  }
}

}  // namespace ipsecdoc
