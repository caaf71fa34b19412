#include "show/show.h"

#include <string>

#include <re2/re2.h>

#include "show/parsers.h"

namespace ipsecdoc::show {

std::string_view command_name(Command c) {
  switch (c) {
    case Command::IpsecSa: return "show crypto ipsec sa";
    case Command::IpsecSaCount: return "show crypto ipsec sa count";
    case Command::EngineConnections: return "show crypto engine connections active";
    case Command::IsakmpSa: return "show crypto isakmp sa";
    case Command::IsakmpSaDetail: return "show crypto isakmp sa detail";
    case Command::IsakmpSaCount: return "show crypto isakmp sa count";
    case Command::CryptoMap: return "show crypto map";
    case Command::TransformSet: return "show crypto ipsec transform-set";
    case Command::Session: return "show crypto session";
    case Command::SessionDetail: return "show crypto session detail";
    case Command::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> w;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) w.push_back(cur), cur.clear();
    } else {
      cur += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
  }
  if (!cur.empty()) w.push_back(cur);
  return w;
}

// IOS accepts any unambiguous prefix; `min` is the shortest prefix that is unambiguous
// at that position of the command tree.
bool kw(const std::string& w, std::string_view full, size_t min) {
  return w.size() >= min && w.size() <= full.size() && full.substr(0, w.size()) == w;
}

bool has_word(const std::vector<std::string>& w, size_t from, std::string_view full, size_t min) {
  for (size_t i = from; i < w.size(); ++i)
    if (kw(w[i], full, min)) return true;
  return false;
}

}  // namespace

Command command_from_cli(std::string_view cli) {
  auto w = words(cli);
  size_t i = 0;
  if (i < w.size() && w[i] == "do") ++i;  // "do show ..." from config mode
  if (i >= w.size()) return Command::Unknown;
  if (!kw(w[i], "show", 2)) return Command::Unknown;
  ++i;
  if (i >= w.size() || !kw(w[i], "crypto", 2)) return Command::Unknown;
  ++i;
  if (i >= w.size()) return Command::Unknown;
  const std::string& sub = w[i++];
  auto rest_has = [&](std::string_view full, size_t min) { return has_word(w, i, full, min); };
  if (kw(sub, "ipsec", 2)) {
    if (i >= w.size()) return Command::Unknown;
    if (kw(w[i], "sa", 2)) {
      ++i;
      // "count" must not be mistaken for a prefix of another word; "co" is unambiguous here.
      if (i < w.size() && kw(w[i], "count", 2)) return Command::IpsecSaCount;
      return Command::IpsecSa;
    }
    if (kw(w[i], "transform-set", 2)) return Command::TransformSet;
    return Command::Unknown;
  }
  if (kw(sub, "isakmp", 2)) {
    if (i >= w.size() || !kw(w[i], "sa", 2)) return Command::Unknown;
    ++i;
    if (rest_has("count", 2)) return Command::IsakmpSaCount;
    if (rest_has("detail", 3)) return Command::IsakmpSaDetail;
    return Command::IsakmpSa;
  }
  if (kw(sub, "engine", 2)) {
    if (i < w.size() && (kw(w[i], "connections", 4) || w[i] == "connection")) return Command::EngineConnections;
    return Command::Unknown;
  }
  if (kw(sub, "map", 2)) return Command::CryptoMap;
  if (kw(sub, "session", 2)) return rest_has("detail", 3) ? Command::SessionDetail : Command::Session;
  return Command::Unknown;
}

Command command_from_content(std::string_view line) {
  std::string_view t = detail::trim(line);
  static const RE2 re_ipsec(R"(^interface: \S+$)");
  static const RE2 re_maptag(R"(^Crypto map tag: .+, local addr\.? \S+$)");
  static const RE2 re_isakmp_hdr(R"(^dst\s+src\s+state\s+conn-id.*$)");
  static const RE2 re_isakmp_fam(R"(^IPv[46] Crypto ISAKMP SA$)");
  static const RE2 re_isakmp_det(R"(^C-id\s+Local\s+Remote\s+I-VRF.*$)");
  static const RE2 re_isakmp_cnt(R"(^Active ISAKMP SA'?s: \d+$)");
  static const RE2 re_sa_cnt(R"(^IPsec SA total: \d+,.*$)");
  static const RE2 re_engine(R"(^ID\s+(?:Interface\s+IP-Address|Type\s+Algorithm).*$)");
  static const RE2 re_map(R"re(^Crypto Map(?: IPv[46])? "[^"]+" \d+ \S+.*$)re");
  static const RE2 re_map12(R"re(^Crypto Map: "[^"]+" idb: .*$)re");
  static const RE2 re_ts(R"(^Transform set \S+ \{.*\}$)");
  static const RE2 re_sess(R"(^Crypto session current status$)");
  static const RE2 re_engine_title(R"(^Crypto Engine Connections$)");  // typed layout, first line
  static const RE2 re_isakmp_codes(R"(^Codes: C - IKE configuration mode.*$)");  // isakmp sa detail
  if (RE2::FullMatch(t, re_ipsec) || RE2::FullMatch(t, re_maptag)) return Command::IpsecSa;
  if (RE2::FullMatch(t, re_sa_cnt)) return Command::IpsecSaCount;
  if (RE2::FullMatch(t, re_isakmp_det)) return Command::IsakmpSaDetail;
  if (RE2::FullMatch(t, re_isakmp_hdr) || RE2::FullMatch(t, re_isakmp_fam)) return Command::IsakmpSa;
  if (RE2::FullMatch(t, re_isakmp_cnt)) return Command::IsakmpSaCount;
  if (RE2::FullMatch(t, re_engine) || RE2::FullMatch(t, re_engine_title)) return Command::EngineConnections;
  if (RE2::FullMatch(t, re_isakmp_codes)) return Command::IsakmpSaDetail;
  if (RE2::FullMatch(t, re_map) || RE2::FullMatch(t, re_map12)) return Command::CryptoMap;
  if (RE2::FullMatch(t, re_ts)) return Command::TransformSet;
  if (RE2::FullMatch(t, re_sess)) return Command::Session;
  return Command::Unknown;
}

bool same_output(Command a, Command b) {
  auto plain = [](Command c) {
    if (c == Command::IsakmpSaDetail) return Command::IsakmpSa;
    if (c == Command::SessionDetail) return Command::Session;
    return c;
  };
  return a != Command::Unknown && plain(a) == plain(b);
}

bool is_body_line(std::string_view line) {
  static const RE2 re(R"(^(?:IPSEC FLOW: |ISAKMP Profile ?: ?|IPsecv6 policy name: ).*$)");
  return RE2::FullMatch(line, re);
}

Parsed parse(Command c, const TextSection& section) {
  Parsed p;
  p.command = c;
  try {
    switch (c) {
      case Command::IpsecSa: detail::parse_ipsec_sa(section, p); break;
      case Command::IpsecSaCount: detail::parse_ipsec_sa_count(section, p); break;
      case Command::EngineConnections: detail::parse_engine_connections(section, p); break;
      case Command::IsakmpSa:
      case Command::IsakmpSaDetail: detail::parse_isakmp_sa(section, p); break;
      case Command::IsakmpSaCount: detail::parse_isakmp_sa_count(section, p); break;
      case Command::CryptoMap: detail::parse_crypto_map(section, p); break;
      case Command::TransformSet: detail::parse_transform_set(section, p); break;
      case Command::Session:
      case Command::SessionDetail: detail::parse_session(section, p); break;
      case Command::Unknown:
        for (const auto& l : section.lines)
          if (!detail::trim(l.text).empty()) p.unrecognized.push_back(l.line);
        break;
    }
  } catch (const std::exception&) {
    // A JSON type error would be a parser bug; report every line rather than crash the run.
    p.data = nlohmann::json::object();
    p.unrecognized.clear();
    for (const auto& l : section.lines)
      if (!detail::trim(l.text).empty()) p.unrecognized.push_back(l.line);
  }
  return p;
}

}  // namespace ipsecdoc::show
