#include "report/json_writer.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ipsecdoc {
namespace {

// Bytes dump() copies unchanged whatever surrounds them: printable ASCII and DEL (it
// escapes only below 0x20 with ensure_ascii off), except the quote and the backslash.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

// Eight bytes at a time: a word holds a byte that is not plain iff one is >= 0x80, < 0x20,
// '"' or '\\' (each test below is exact as a whole, as the zero-byte trick is); the tail
// goes through the table.
bool plain(std::string_view s) {
  constexpr uint64_t kOnes = ~uint64_t{0} / 255, kHigh = kOnes * 0x80;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const char* p = s.data();
  size_t n = s.size(), i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    if ((x & kHigh) | ((x - kOnes * 0x20) & ~x & kHigh) | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\')))
      return false;
  }
  for (; i < n; ++i)
    if (!kPlain[static_cast<unsigned char>(p[i])]) return false;
  return true;
}

void put_string(std::string& out, std::string_view s) {
  if (plain(s)) {
    out += '"';
    out.append(s);
    out += '"';
    return;
  }
  out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// As dump() writes a double: its own to_chars (shortest round trip, ".0" on whole numbers),
// "null" for NaN and infinity.
void put_double(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  std::array<char, 64> buf;  // the size of dump()'s number buffer
  out.append(buf.data(), static_cast<size_t>(nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), d) - buf.data()));
}

void put_pad(std::string& out, int depth) { out.append(static_cast<size_t>(2 * depth), ' '); }

void put(std::string& out, const nlohmann::json& j, int depth) {
  using V = nlohmann::json::value_t;
  switch (j.type()) {
    case V::object: {
      if (j.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ",\n";
        first = false;
        put_pad(out, depth + 1);
        put_string(out, it.key());
        out += ": ";
        put(out, it.value(), depth + 1);
      }
      out += '\n';
      put_pad(out, depth);
      out += '}';
      return;
    }
    case V::array: {
      if (j.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const auto& v : j) {
        if (!first) out += ",\n";
        first = false;
        put_pad(out, depth + 1);
        put(out, v, depth + 1);
      }
      out += '\n';
      put_pad(out, depth);
      out += ']';
      return;
    }
    case V::string:
      put_string(out, j.get_ref<const std::string&>());
      return;
    case V::boolean:
      out += j.get<bool>() ? "true" : "false";
      return;
    case V::null:
      out += "null";
      return;
    case V::number_integer:
      JsonText(out, depth).value(j.get<int64_t>());
      return;
    case V::number_unsigned:
      JsonText(out, depth).value(j.get<uint64_t>());
      return;
    case V::number_float:
      put_double(out, j.get<double>());
      return;
    default: {  // binary, which reports never hold (nor anything else left): nlohmann's own text
      std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
      for (char c : text) {  // a binary value spans lines: keep them at this depth
        out += c;
        if (c == '\n') put_pad(out, depth);
      }
      return;
    }
  }
}

}  // namespace

void append_json(std::string& out, const nlohmann::json& j, int depth) { put(out, j, depth); }

void JsonText::value(std::string_view s) { put_string(out_, s); }

void JsonText::value(double d) { put_double(out_, d); }

}  // namespace ipsecdoc
