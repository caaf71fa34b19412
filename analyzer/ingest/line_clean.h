// Clean-up of one physical line before anything looks at it: trailing CR, ANSI escape
// sequences, backspace erasures, pager debris (`--More--`), NULs and other control bytes,
// tabs (become spaces). What was removed is counted, never silently.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace ipsecdoc {

struct CleanStats {
  uint64_t cr = 0, ansi = 0, backspaces = 0, pager = 0, control = 0;
};

// Returns the cleaned line: either a view of `in` (nothing to do) or of `scratch`.
std::string_view clean_line(std::string_view in, std::string& scratch, CleanStats& stats);
// clean_line for a line known to need nothing but the removal of a final CR, if it has one:
// no control character before that and no "-M" (LineReader::next's hints). Same result.
inline std::string_view clean_plain_line(std::string_view in, CleanStats& stats) {
  if (!in.empty() && in.back() == '\r') {
    in.remove_suffix(1);
    ++stats.cr;
  }
  return in;
}

// Notes people paste into logs: a trailing "(1)".."(99)" reference marker (as in the seed
// chapter) or "<-- this is the error" / "<== here". Returns the line without the note and
// puts the note (without decoration) into `note`. arrows=false: the caller knows the line has
// no '<' (LineReader::next's hints), so only the marker is looked for; same result.
std::string_view strip_note(std::string_view line, std::string_view& note, bool arrows = true);

}  // namespace ipsecdoc
