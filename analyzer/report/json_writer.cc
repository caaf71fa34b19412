#include "report/json_writer.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace ipsecdoc {
namespace {

// Bytes dump() copies unchanged whatever surrounds them: printable ASCII and DEL (it
// escapes only below 0x20 with ensure_ascii off), except the quote and the backslash.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

// A string is plain when no byte of it is >= 0x80, < 0x20, '"' or '\\'. Sixteen bytes at a
// time with SSE2 (as signed bytes, those >= 0x80 are negative: one "less than 0x20" finds
// them and the control characters), else eight at a time in a word (each test in word_plain
// is exact as a whole, as the zero-byte trick is). The last block or word of a string is
// read ending at its end, overlapping the one before: no byte-by-byte tail but for strings
// shorter than four bytes (most strings and keys are short).
constexpr uint64_t kOnes = ~uint64_t{0} / 255, kHigh = kOnes * 0x80;

bool word_plain(uint64_t x) {
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  return !((x & kHigh) | ((x - kOnes * 0x20) & ~x & kHigh) | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\')));
}

bool plain(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  if (n < 4) {
    for (size_t i = 0; i < n; ++i)
      if (!kPlain[static_cast<unsigned char>(p[i])]) return false;
    return true;
  }
  if (n < 8) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return word_plain(a | uint64_t{b} << 32);
  }
#ifdef __SSE2__
  if (n >= 16) {
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    auto block_plain = [&](const char* at) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
      return !_mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(x, space),
                                             _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash))));
    };
    for (size_t i = 0; i + 16 < n; i += 16)
      if (!block_plain(p + i)) return false;
    return block_plain(p + n - 16);
  }
#endif
  uint64_t x;
  for (size_t i = 0; i + 8 < n; i += 8) {
    std::memcpy(&x, p + i, 8);
    if (!word_plain(x)) return false;
  }
  std::memcpy(&x, p + n - 8, 8);
  return word_plain(x);
}

}  // namespace

void append_json(std::string& out, const nlohmann::json& j, int depth) { JsonText(out, depth).value(j); }

// Room for this piece and ~512 bytes more: the string's capacity grows geometrically as ever,
// and only the room resized (zeroed) is touched, not the whole of a long string's slack.
void JsonText::more(size_t n) { out_.resize(len_ + n + 512); }

void JsonText::put(std::string_view s) {
  if (!s.empty()) std::memcpy(room(s.size()), s.data(), s.size());
}

// Where a member or element starts: ",\n" ("\n" before a container's first) and the
// indentation, `extra` bytes more of room; returns where those start.
char* JsonText::lead(size_t extra) {
  const size_t pad = static_cast<size_t>(2 * depth_);
  char* p = room((first_ ? 1 : 2) + pad + extra);
  if (!first_) *p++ = ',';
  *p++ = '\n';
  std::memset(p, ' ', pad);
  first_ = false;
  return p + pad;
}

void JsonText::key(std::string_view k) {
  if (plain(k)) {  // "k": in one piece
    char* p = lead(k.size() + 4);
    *p = '"';
    if (!k.empty()) std::memcpy(p + 1, k.data(), k.size());
    std::memcpy(p + 1 + k.size(), "\": ", 3);
  } else {
    lead(0);
    value(k);
    put(": ");
  }
}

void JsonText::item() { lead(0); }

void JsonText::close(char c) {
  --depth_;
  if (first_) {  // empty: "{}", "[]"
    *room(1) = c;
  } else {  // the closing on its own line
    const size_t pad = static_cast<size_t>(2 * depth_);
    char* p = room(pad + 2);
    *p = '\n';
    std::memset(p + 1, ' ', pad);
    p[pad + 1] = c;
  }
  first_ = false;
}

void JsonText::value(std::string_view s) {
  if (plain(s)) {
    char* p = room(s.size() + 2);
    *p = '"';
    if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    return;
  }
  put(nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// As dump() writes a double: its own to_chars (shortest round trip, ".0" on whole numbers),
// "null" for NaN and infinity.
void JsonText::value(double d) {
  if (!std::isfinite(d)) {
    put("null");
    return;
  }
  std::array<char, 64> buf;  // the size of dump()'s number buffer
  put({buf.data(), static_cast<size_t>(nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), d) - buf.data())});
}

void JsonText::value(const nlohmann::json& j) {
  using V = nlohmann::json::value_t;
  switch (j.type()) {
    case V::object:
      begin_object();
      for (auto it = j.begin(); it != j.end(); ++it) {
        key(it.key());
        value(it.value());
      }
      end_object();
      return;
    case V::array:
      begin_array();
      for (const auto& v : j) {
        item();
        value(v);
      }
      end_array();
      return;
    case V::string: return value(std::string_view(j.get_ref<const std::string&>()));
    case V::boolean: return value(j.get<bool>());
    case V::null: return value(nullptr);
    case V::number_integer: return value(j.get<int64_t>());
    case V::number_unsigned: return value(j.get<uint64_t>());
    case V::number_float: return value(j.get<double>());
    default: {  // binary, which reports never hold (nor anything else left): nlohmann's own text
      std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
      for (char c : text) {  // a binary value spans lines: keep them at this depth
        *room(1) = c;
        if (c == '\n') std::memset(room(static_cast<size_t>(2 * depth_)), ' ', static_cast<size_t>(2 * depth_));
      }
      return;
    }
  }
}

}  // namespace ipsecdoc
