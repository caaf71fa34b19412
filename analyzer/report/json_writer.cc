#include "report/json_writer.h"

#include <array>
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

bool plain(std::string_view s) {
  for (unsigned char c : s)
    if (!kPlain[c]) return false;
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
    default: {  // numbers (and binary, which reports never hold): nlohmann's own text
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

}  // namespace ipsecdoc
