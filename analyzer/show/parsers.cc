#include "show/parsers.h"

#include <algorithm>
#include <charconv>
#include <string>

#include <re2/re2.h>

#include "core/ip.h"
#include "core/transform.h"

namespace ipsecdoc::show::detail {

using nlohmann::json;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

namespace {

// Pieces of one line are separated by ", " in every layout handled here.
std::vector<std::string_view> split_items(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t i = s.find(',', start);
    std::string_view part = trim(s.substr(start, i == std::string_view::npos ? std::string_view::npos : i - start));
    if (!part.empty()) out.push_back(part);
    if (i == std::string_view::npos) break;
    start = i + 1;
  }
  return out;
}

// Digits only (guaranteed by the caller's regex); saturates instead of throwing.
long long num(std::string_view s) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) return INT64_MAX;
  return v;
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool sp = false;
  for (char c : s) {
    if (c == ' ' || c == '\t') { sp = true; continue; }
    if (sp && !out.empty()) out += ' ';
    sp = false;
    out += c;
  }
  return out;
}

// "no sa (send)" -> "no_sa_send", "compr. failed" -> "compr_failed".
std::string counter_key(std::string_view label) {
  std::string k;
  bool us = false;
  for (char c : label) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) {
      if (us && !k.empty()) k += '_';
      us = false;
      k += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else {
      us = true;
    }
  }
  return k;
}

// IOS-XE prints esp-256-aes where IOS prints "esp-aes 256"; core/transform.h knows the latter.
std::string normalize_transform_words(std::string_view t) {
  std::string s(t);
  for (const char* bits : {"128", "192", "256"}) {
    std::string from = std::string("esp-") + bits + "-aes";
    size_t i = s.find(from);
    if (i != std::string::npos) s.replace(i, from.size(), std::string("esp-aes ") + bits);
  }
  return s;
}

json transform_json(const Transform& t) {
  json j{{"esp_enc", t.esp_enc}, {"key_bits", t.effective_key_bits()}, {"esp_auth", t.esp_auth},
         {"ah", t.ah}, {"comp", t.comp}, {"canonical", t.str()}};
  return j;
}

// An ident as printed: IPv4 through core parse_proxy, IPv6 kept as strings.
json ident_json(std::string_view text) {
  json j{{"text", std::string(text)}};
  if (auto p = parse_proxy(text)) {
    j["family"] = "ipv4";
    j["addr"] = format_ipv4(p->addr);
    j["mask"] = format_ipv4(p->mask);
    j["prot"] = p->proto_raw ? p->proto_raw : p->proto;
    j["port"] = p->port;
    j["prefix"] = p->str();
    return j;
  }
  // IPv6: addr/prefixlen/prot/port - the address itself has no '/'.
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t i = text.find('/', start);
    parts.emplace_back(text.substr(start, i == std::string_view::npos ? std::string_view::npos : i - start));
    if (i == std::string_view::npos) break;
    start = i + 1;
  }
  j["family"] = "ipv6";
  if (parts.size() == 4) {
    j["addr"] = parts[0];
    j["mask"] = parts[1];
    j["prot"] = num(parts[2]);
    j["port"] = num(parts[3]);
    j["prefix"] = parts[0] + "/" + parts[1];
  }
  return j;
}

json spi_json(std::string_view hex, std::string_view dec) {
  json j{{"hex", std::string(hex)}};
  if (!dec.empty()) j["value"] = num(dec);
  else {
    unsigned long long v = 0;
    std::from_chars(hex.data() + 2, hex.data() + hex.size(), v, 16);
    j["value"] = v;
  }
  return j;
}

}  // namespace

bool is_prompt_line(std::string_view t) {
  static const RE2 re(R"(^[A-Za-z0-9_.\-:/()]+[#>]\s*(?:sh|sho|show|do sh\S*)\s.*$)");
  return RE2::FullMatch(t, re);
}

// ---------------------------------------------------------------- show crypto ipsec sa

void parse_ipsec_sa(const TextSection& s, Parsed& out) {
  static const RE2 re_intf(R"(^interface: (\S+)$)");
  static const RE2 re_maptag(R"(^Crypto map tag: (.+?), local addr\.? (\S+)$)");
  static const RE2 re_v6pol(R"(^IPsecv6 policy name: (.+)$)");
  static const RE2 re_pvrf(R"(^protected vrf: ?(.*)$)");
  static const RE2 re_ident(R"(^(local|remote)\s+ident \(addr/mask/prot/port\): \((.*)\)$)");
  static const RE2 re_peer_port(R"(^current_peer:? (\S+) port (\d+)$)");
  static const RE2 re_peer_colon(R"(^current_peer:? (\d+\.\d+\.\d+\.\d+)(?::(\d+))?$)");
  static const RE2 re_flags(R"(^(PERMIT|DENY|BYPASS)(?:, flags=\{(.*)\})?$)");
  static const RE2 re_counter(R"((#+(?:pkts )?([A-Za-z][A-Za-z .()]*?):? (\d+)))");
  static const RE2 re_endpt(R"(^(local|remote) crypto endpt\.?: ([^,]+?)(?:,\s*(?:remote crypto endpt\.?: (\S+))?)?$)");
  static const RE2 re_mtu(R"(^(plaintext mtu|path mtu|ip mtu|ipv6 mtu|media mtu) (\d+)$)");
  static const RE2 re_mtu_idb(R"(^(?:ip|ipv6) mtu idb (\S+)$)");
  // 12.2 prints the hex digits without "0x" ("current outbound spi: 20890A6F", "...: 0").
  static const RE2 re_outspi(R"(^current outbound spi: (?:0x)?([0-9A-Fa-f]+)(?:\((\d+)\))?$)");
  static const RE2 re_pfs(R"(^PFS \(Y/N\): ([YN])$)");
  static const RE2 re_kv(R"(^([A-Za-z][A-Za-z ]*?) ?: ?(.+)$)");
  static const RE2 re_sect(R"(^(inbound|outbound) (esp|ah|pcp) sas:?$)");
  static const RE2 re_spi(R"(^spi: (?:(0x[0-9A-Fa-f]+)(?:\((\d+)\))?|(\[Not Available\]))$)");
  static const RE2 re_transform(R"(^transform: (.*?)\s*,?$)");
  static const RE2 re_inuse(R"(^in use settings ?= ?\{(.*)\}\s*,?$)");
  static const RE2 re_lt_ksec(R"(^sa timing: remaining key lifetime \(k/sec\): \((\d+)/(\d+)\)$)");
  static const RE2 re_lt_sec(R"(^sa timing: remaining key lifetime \(sec\): \(?(\d+)\)?$)");
  static const RE2 re_lt_hm(R"(^sa timing: remaining key lifetime (?:(\d+) hours?,? ?)?(?:(\d+) mins?)?(?:,? ?(\d+) secs?)?$)");
  static const RE2 re_lt_na(R"(^sa timing: remaining key lifetime is not applicable$)");
  static const RE2 re_kbrekey(R"(^Kilobyte Volume Rekey has been disabled$)");
  static const RE2 re_iv(R"(^IV size: (\d+) bytes$)");
  static const RE2 re_replay(R"(^replay detection support: ([YN])(?:\s+replay window size: (\d+))?$)");
  static const RE2 re_status(R"(^Status: (\S+)$)");
  static const RE2 re_slot_conn(R"(^(?:slot: \d+, )?conn id: .*$)");

  json& data = out.data;
  data["interfaces"] = json::array();
  json* intf = nullptr;
  json* ident = nullptr;
  json* sa = nullptr;
  std::string dir, proto;
  bool vrf_pending = false;
  std::string pending_vrf;
  uint32_t pending_vrf_line = 0;

  auto ensure_intf = [&](uint32_t line) {
    if (!intf) {
      data["interfaces"].push_back({{"name", ""}, {"line", line}, {"idents", json::array()}});
      intf = &data["interfaces"].back();
    }
  };
  auto new_ident = [&](uint32_t line) {
    ensure_intf(line);
    (*intf)["idents"].push_back({{"line", line}, {"counters", json::object()}, {"lines", json::object()},
                                 {"sas", json::array()}});
    ident = &(*intf)["idents"].back();
    sa = nullptr;
    dir.clear();
    if (vrf_pending) {
      (*ident)["protected_vrf"] = pending_vrf;
      (*ident)["line"] = pending_vrf_line;
      vrf_pending = false;
    }
  };

  for (const auto& sl : s.lines) {
    std::string_view t = trim(sl.text);
    if (t.empty()) continue;
    std::string a, b, c, d;
    const uint32_t ln = sl.line;
    bool ok = true;
    if (is_prompt_line(t)) {
    } else if (RE2::FullMatch(t, re_intf, &a)) {
      data["interfaces"].push_back({{"name", a}, {"line", ln}, {"idents", json::array()}});
      intf = &data["interfaces"].back();
      ident = nullptr;
      sa = nullptr;
    } else if (RE2::FullMatch(t, re_maptag, &a, &b)) {
      ensure_intf(ln);
      (*intf)["crypto_map_tag"] = a;
      (*intf)["local_addr"] = b;
    } else if (RE2::FullMatch(t, re_v6pol, &a)) {
      ensure_intf(ln);
      (*intf)["ipsecv6_policy_name"] = a;
    } else if (RE2::FullMatch(t, re_pvrf, &a)) {
      vrf_pending = true;
      pending_vrf = a;
      pending_vrf_line = ln;
    } else if (RE2::FullMatch(t, re_ident, &a, &b)) {
      // "local ident" opens an ident block (12.x prints no "protected vrf" line).
      if (a == "local" || !ident) new_ident(ln);
      (*ident)[a + "_ident"] = ident_json(b);
      (*ident)["lines"][a + "_ident"] = ln;
    } else if (RE2::FullMatch(t, re_peer_port, &a, &b) || RE2::FullMatch(t, re_peer_colon, &a, &b)) {
      // Output filtered with "| include peer|pkts" has no ident lines: a peer without an open
      // ident, or a second peer in one, starts the next block.
      if (!ident || ident->contains("current_peer")) new_ident(ln);
      (*ident)["current_peer"] = a;
      if (!b.empty()) (*ident)["peer_port"] = num(b);
      (*ident)["lines"]["current_peer"] = ln;
    } else if (ident && RE2::FullMatch(t, re_flags, &a, &b)) {
      (*ident)["action"] = a;
      (*ident)["flags"] = b;
    } else if (!t.empty() && t[0] == '#') {
      // "#pkts encaps: 5, #pkts encrypt: 5", "#send errors 0", "##pkts replay failed (rcv): 0"
      re2::StringPiece rest(t.data(), t.size());
      std::string whole, label, value;
      size_t consumed_items = 0;
      while (RE2::FindAndConsume(&rest, re_counter, &whole, &label, &value)) {
        std::string key = counter_key(label);
        // Filtered output ("| include pkts"): a counter printed again belongs to the next block.
        if (consumed_items == 0 && (!ident || (*ident)["counters"].contains(key))) new_ident(ln);
        (*ident)["counters"][key] = num(value);
        (*ident)["lines"][key] = ln;
        ++consumed_items;
      }
      ok = consumed_items > 0 && consumed_items == split_items(t).size();
    } else if (ident && RE2::FullMatch(t, re_endpt, &a, &b, &c)) {
      (*ident)[a + "_crypto_endpt"] = b;
      if (!c.empty()) (*ident)["remote_crypto_endpt"] = c;
    } else if (ident && t.find(" mtu ") != std::string_view::npos) {
      for (auto item : split_items(t)) {
        if (RE2::FullMatch(item, re_mtu, &a, &b)) (*ident)[counter_key(a)] = num(b);
        else if (RE2::FullMatch(item, re_mtu_idb, &a)) (*ident)["mtu_idb"] = a;
        else ok = false;
      }
    } else if (ident && RE2::FullMatch(t, re_outspi, &a, &b)) {
      (*ident)["current_outbound_spi"] = spi_json("0x" + a, b);
      (*ident)["lines"]["current_outbound_spi"] = ln;
    } else if (ident && t.rfind("PFS (Y/N):", 0) == 0) {
      for (auto item : split_items(t)) {
        if (RE2::FullMatch(item, re_pfs, &a)) { (*ident)["pfs"] = a == "Y"; continue; }
        if (!RE2::FullMatch(item, re_kv, &a, &b)) { ok = false; continue; }
        if (a == "DH group") (*ident)["dh_group"] = b;
        else if (a == "PQC Key Exchange") (*ident)["pqc"] = b;
        else if (a == "AKE group") (*ident)["ake_group"] = b;  // "AKE1: MLKEM512"
        else ok = false;
      }
    } else if (ident && RE2::FullMatch(t, re_sect, &a, &b)) {
      dir = a;
      proto = b;
      sa = nullptr;
    } else if (ident && !dir.empty() && RE2::FullMatch(t, re_spi, &a, &b, &c)) {
      json j{{"direction", dir}, {"protocol", proto}, {"line", ln}};
      if (!a.empty()) j["spi"] = spi_json(a, b);
      else j["spi"] = nullptr;  // "[Not Available]"
      (*ident)["sas"].push_back(std::move(j));
      sa = &(*ident)["sas"].back();
    } else if (sa && RE2::FullMatch(t, re_transform, &a)) {
      (*sa)["transform"] = a;
      if (auto tr = parse_transform(normalize_transform_words(a))) (*sa)["transform_parsed"] = transform_json(*tr);
    } else if (sa && RE2::FullMatch(t, re_inuse, &a)) {
      (*sa)["in_use_settings"] = a;
      json flags = json::array();
      for (auto item : split_items(a)) flags.push_back(std::string(item));
      (*sa)["in_use"] = flags;
    } else if (sa && RE2::FullMatch(t, re_slot_conn)) {
      for (auto item : split_items(t)) {
        if (RE2::FullMatch(item, R"(conn id: (\d+))", &a)) (*sa)["conn_id"] = num(a);
        else if (RE2::FullMatch(item, R"(flow_id: (.+))", &a)) {
          (*sa)["flow_id"] = a;
          if (RE2::FullMatch(a, R"((.*):(\d+))", &b, &c)) { (*sa)["flow_engine"] = b; (*sa)["flow_num"] = num(c); }
          else if (RE2::FullMatch(a, R"((\d+))", &c)) (*sa)["flow_num"] = num(c);
        } else if (RE2::FullMatch(item, R"(sibling_flags (\S+))", &a)) (*sa)["sibling_flags"] = a;
        else if (RE2::FullMatch(item, R"(crypto map: (.+))", &a)) (*sa)["crypto_map"] = a;
        else if (RE2::FullMatch(item, R"(initiator ?: ?(True|False))", &a)) (*sa)["initiator"] = a == "True";
        else if (RE2::FullMatch(item, R"(slot: (\d+))", &a)) (*sa)["slot"] = num(a);
        else ok = false;
      }
    } else if (sa && RE2::FullMatch(t, re_lt_ksec, &a, &b)) {
      (*sa)["lifetime"] = {{"kb", num(a)}, {"sec", num(b)}, {"line", ln}};
    } else if (sa && RE2::FullMatch(t, re_lt_sec, &a)) {
      (*sa)["lifetime"] = {{"sec", num(a)}, {"line", ln}};
    } else if (sa && RE2::FullMatch(t, re_lt_na)) {
      (*sa)["lifetime"] = {{"not_applicable", true}, {"line", ln}};
    } else if (sa && t.size() > 38 && RE2::FullMatch(t, re_lt_hm, &a, &b, &c) && !(a.empty() && b.empty() && c.empty())) {
      long long sec = num(a) * 3600 + num(b) * 60 + num(c);
      // Printed to the minute: the true value is up to 59 s higher.
      (*sa)["lifetime"] = {{"sec", sec}, {"rounded_to_minute", c.empty()}, {"line", ln}};
    } else if (sa && RE2::FullMatch(t, re_kbrekey)) {
      (*sa)["kb_rekey_disabled"] = true;
    } else if (sa && RE2::FullMatch(t, re_iv, &a)) {
      (*sa)["iv_size"] = num(a);
    } else if (sa && RE2::FullMatch(t, re_replay, &a, &b)) {
      (*sa)["replay_detection"] = a == "Y";
      if (!b.empty()) (*sa)["replay_window"] = num(b);
    } else if (sa && RE2::FullMatch(t, re_status, &a)) {
      (*sa)["status"] = a;
    } else {
      ok = false;
    }
    if (!ok) out.unrecognized.push_back(ln);
  }
}

void parse_ipsec_sa_count(const TextSection& s, Parsed& out) {
  static const RE2 re(R"(^IPsec SA total: (\d+), active: (\d+), rekeying: (\d+), unused: (\d+), invalid: (\d+)$)");
  for (const auto& sl : s.lines) {
    std::string_view t = trim(sl.text);
    if (t.empty() || is_prompt_line(t)) continue;
    std::string a, b, c, d, e;
    if (RE2::FullMatch(t, re, &a, &b, &c, &d, &e)) {
      out.data = {{"total", num(a)}, {"active", num(b)}, {"rekeying", num(c)}, {"unused", num(d)},
                  {"invalid", num(e)}, {"line", sl.line}};
    } else {
      out.unrecognized.push_back(sl.line);
    }
  }
}

// ---------------------------------------------------------------- show crypto engine connections active

void parse_engine_connections(const TextSection& s, Parsed& out) {
  // Columns are taken from the header: 12.x "ID Interface IP-Address State Algorithm Encrypt
  // Decrypt", 12.4T/15.x "ID Type Algorithm Encrypt Decrypt LastSeqN IP-Address".
  std::vector<std::string> cols;
  out.data["connections"] = json::array();
  for (const auto& sl : s.lines) {
    std::string_view t = trim(sl.text);
    if (t.empty() || is_prompt_line(t)) continue;
    std::vector<std::string> tok;
    {
      std::string cur;
      for (char ch : t) {
        if (ch == ' ' || ch == '\t') { if (!cur.empty()) tok.push_back(cur), cur.clear(); }
        else cur += ch;
      }
      if (!cur.empty()) tok.push_back(cur);
    }
    if (t == "Crypto Engine Connections") continue;  // title line of the typed layout
    if (tok.size() >= 4 && tok[0] == "ID" && (tok[1] == "Interface" || tok[1] == "Type")) {
      cols = tok;
      out.data["layout"] = tok[1] == "Type" ? "typed" : "12.x";
      continue;
    }
    bool ok = !cols.empty() && tok.size() == cols.size() && RE2::FullMatch(tok[0], R"(\d+)");
    if (ok) {
      json row{{"line", sl.line}};
      for (size_t i = 0; i < cols.size() && ok; ++i) {
        const std::string& col = cols[i];
        const std::string& v = tok[i];
        auto need_num = [&](const char* key) {
          if (!RE2::FullMatch(v, R"(\d+)")) ok = false;
          else row[key] = num(v);
        };
        if (col == "ID") need_num("id");
        else if (col == "Encrypt") need_num("encrypt");
        else if (col == "Decrypt") need_num("decrypt");
        else if (col == "LastSeqN") need_num("last_seq");
        else if (col == "Interface") row["interface"] = v;
        else if (col == "IP-Address") row["ip"] = v;
        else if (col == "State") row["state"] = v;
        else if (col == "Algorithm") row["algorithm"] = v;
        else if (col == "Type") row["type"] = v;
        else row[counter_key(col)] = v;
      }
      if (ok) {
        // Which connections are IKE (management) and which IPsec (data): the Type column when
        // printed; otherwise the 12.x convention - software IPsec rows are numbered from 2000 up
        // (the number decides: 12.2 prints HMAC_MD5+DES_56_CB on IPsec rows too), IKE rows below
        // that name the hash first as HMAC_x+ENC_CBC; the seed's IPsec rows print ENC+HASH.
        std::string role = "unknown";
        if (row.contains("type")) {
          std::string ty = row["type"];
          if (ty.find("IKE") != std::string::npos) role = "ike";
          else if (ty.find("IPsec") != std::string::npos || ty.find("IPSEC") != std::string::npos) role = "ipsec";
        } else {
          std::string alg = row.value("algorithm", "");
          if (row["id"].get<long long>() >= 2000) role = "ipsec";
          else if (alg.rfind("HMAC_", 0) == 0) role = "ike";
        }
        row["role"] = role;
        out.data["connections"].push_back(std::move(row));
        continue;
      }
    }
    out.unrecognized.push_back(sl.line);
  }
}

// ---------------------------------------------------------------- show crypto isakmp sa [detail]

void parse_isakmp_sa(const TextSection& s, Parsed& out) {
  static const RE2 re_family(R"(^(IPv4|IPv6) Crypto ISAKMP SA$)");
  static const RE2 re_hdr(R"(^dst\s+src\s+state\s+conn-id(?:\s+slot)?(?:\s+status)?$)");
  static const RE2 re_row(R"(^(\S+)\s+(\S+)\s+([A-Z][A-Z0-9_]*)\s+(\d+)(?:\s+(\d+))?(?:\s+([A-Z]+))?(?:\s*\((\w+)\))?$)");
  static const RE2 re_v6_dst(R"(^dst: (\S+)$)");
  static const RE2 re_v6_src(R"(^src: (\S+)$)");
  static const RE2 re_v6_state(R"(^state: ([A-Z][A-Z0-9_]*)\s+conn-id:\s*(\d+)(?:\s+slot:\s*(\d+))?(?:\s+status: ([A-Z]+))?(?:\s*\((\w+)\))?$)");
  static const RE2 re_dhdr(R"(^C-id\s+Local\s+Remote\s+I-VRF\s+Status\s+Encr\s+Hash\s+Auth\s+DH\s+Lifetime\s+Cap\.?$)");
  static const RE2 re_drow(R"(^(\d+)\s+(\S+)\s+(\S+)\s+(?:(\S+)\s+)?([A-Z]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+:\d+:\d+|\d+)\s*(\S*)$)");
  static const RE2 re_engine(R"(^Engine-id:Conn-id =\s*(?:(\S+?):(\d+)|(\?+))$)");
  static const RE2 re_legend(R"(^(?:Codes?: ?)?[A-Za-z]+ - [^,]+(?:, ?[A-Za-z]+ - [^,]+)*,?$)");

  std::string family = "IPv4";
  out.data["sas"] = json::array();
  std::string v6dst, v6src;
  uint32_t v6line = 0;
  for (const auto& sl : s.lines) {
    std::string_view t = trim(sl.text);
    if (t.empty() || is_prompt_line(t)) continue;
    std::string a, b, c, d, e, f, g, h, i, j, k;
    if (RE2::FullMatch(t, re_family, &a)) {
      family = a;
      out.data["families_printed"].push_back(a);
    } else if (RE2::FullMatch(t, re_hdr)) {
      if (t.find("slot") != std::string_view::npos) out.data["slot_column"] = true;
    } else if (RE2::FullMatch(t, re_dhdr) || RE2::FullMatch(t, re_legend)) {
    } else if (RE2::FullMatch(t, re_row, &a, &b, &c, &d, &e, &f, &g)) {
      json r{{"family", family}, {"dst", a}, {"src", b}, {"state", c}, {"conn_id", num(d)}, {"line", sl.line}};
      if (!e.empty()) r["slot"] = num(e);
      if (!f.empty()) r["status"] = f;
      if (!g.empty()) r["current_status"] = g;
      out.data["sas"].push_back(std::move(r));
    } else if (RE2::FullMatch(t, re_v6_dst, &a)) {
      v6dst = a;
      v6line = sl.line;
    } else if (RE2::FullMatch(t, re_v6_src, &a)) {
      v6src = a;
    } else if (!v6dst.empty() && RE2::FullMatch(t, re_v6_state, &a, &b, &c, &d, &e)) {
      json r{{"family", family}, {"dst", v6dst}, {"src", v6src}, {"state", a}, {"conn_id", num(b)}, {"line", v6line}};
      if (!c.empty()) r["slot"] = num(c);
      if (!d.empty()) r["status"] = d;
      if (!e.empty()) r["current_status"] = e;
      out.data["sas"].push_back(std::move(r));
      v6dst.clear();
      v6src.clear();
    } else if (RE2::FullMatch(t, re_drow, &a, &b, &c, &d, &e, &f, &g, &h, &i, &j, &k)) {
      json r{{"family", family}, {"c_id", num(a)}, {"local", b}, {"remote", c}, {"status", e},
             {"encr", f}, {"hash", g}, {"auth", h}, {"dh_group", num(i)}, {"lifetime", j}, {"line", sl.line}};
      if (!d.empty()) r["ivrf"] = d;
      if (!k.empty()) r["capabilities"] = k;
      // Detail rows: dst/src in the plain form are the peer addresses, Local/Remote here.
      r["dst"] = c;
      r["src"] = b;
      out.data["sas"].push_back(std::move(r));
    } else if (!out.data["sas"].empty() && out.data["sas"].back().contains("c_id") &&
               RE2::FullMatch(t, re_engine, &a, &b, &c)) {
      if (!a.empty()) {
        out.data["sas"].back()["engine_id"] = a;
        out.data["sas"].back()["engine_conn_id"] = num(b);
      }
    } else {
      out.unrecognized.push_back(sl.line);
    }
  }
}

void parse_isakmp_sa_count(const TextSection& s, Parsed& out) {
  static const RE2 re(R"(^(Active|Standby|Currently being negotiated|Dead) ISAKMP SA'?s: (\d+)$)");
  for (const auto& sl : s.lines) {
    std::string_view t = trim(sl.text);
    if (t.empty() || is_prompt_line(t)) continue;
    std::string a, b;
    if (RE2::FullMatch(t, re, &a, &b)) {
      std::string key = a == "Currently being negotiated" ? "negotiating" : counter_key(a);
      out.data[key] = num(b);
    } else {
      out.unrecognized.push_back(sl.line);
    }
  }
}

// ---------------------------------------------------------------- show crypto map

void parse_crypto_map(const TextSection& s, Parsed& out) {
  static const RE2 re_head(R"re(^Crypto Map(?: (IPv4|IPv6))? "([^"]+)" (\d+) (\S+)(?: \((.*)\))?$)re");
  static const RE2 re_head12(R"re(^Crypto Map: "([^"]+)" idb: (\S+) local address: (\S+)$)re");
  static const RE2 re_peer(R"(^Peer = (\S+)$)");
  static const RE2 re_acl(R"(^Extended IP(?:v6)? access list (\S+)$)");
  static const RE2 re_ace(R"(^access-list (\S+) .*$)");
  static const RE2 re_cur(R"(^Current peer: (\S+)$)");
  static const RE2 re_life(R"(^Security association lifetime: (\d+) kilobytes/(\d+) seconds$)");
  static const RE2 re_yn(R"(^(Dualstack|Responder-Only|PFS) \(Y/N\): ([YN])(?:,? DH group: (\S+))?$)");
  static const RE2 re_dh(R"(^DH group:\s+(\S+)$)");  // the line after "PFS (Y/N): Y"
  static const RE2 re_dyn(R"(^Dynamic map template tag: (\S+)$)");  // "set ... dynamic DYN" entry
  static const RE2 re_prof(R"(^(IKEv2 Profile|ISAKMP Profile|Mixed-mode|Access-List SS dynamic) ?: ?(.*)$)");
  static const RE2 re_ts_open(R"(^Transform sets\s*=\s*\{\s*(.*?)\s*$)");
  static const RE2 re_ts_entry(R"(^([^:{}]+):\s*\{\s*(.*?)\s*\}\s*,?$)");
  static const RE2 re_ifs(R"(^Interfaces using crypto map (.+?):$)");
  static const RE2 re_misc(R"(^(?:WARNING: This crypto map is in an incomplete state!|\(missing peer or access-list definitions\)|No matching address list set\.|Extended IP(?:v6)? access check IN list .*|Reverse Route Injection Enabled|QOS pre-classification.*|Interfaces using crypto map.*)$)");

  out.data["maps"] = json::array();
  json* cur = nullptr;
  bool in_ts = false;
  std::string ifs_for;
  json interfaces_by_tag = json::object();
  for (const auto& sl : s.lines) {
    std::string_view t = trim(sl.text);
    if (t.empty() || is_prompt_line(t)) continue;
    std::string a, b, c, d, e;
    bool ok = true;
    if (RE2::FullMatch(t, re_head, &a, &b, &c, &d, &e)) {
      out.data["maps"].push_back({{"tag", b}, {"seq", num(c)}, {"type", d}, {"line", sl.line},
                                  {"peers", json::array()}, {"transform_sets", json::array()},
                                  {"acl_entries", json::array()}});
      cur = &out.data["maps"].back();
      if (!a.empty()) (*cur)["family"] = a;
      if (!e.empty()) (*cur)["type_detail"] = e;  // "(dynamic)", "discover"...
      in_ts = false;
      ifs_for.clear();
    } else if (RE2::FullMatch(t, re_head12, &a, &b, &c)) {
      interfaces_by_tag[a].push_back(b);
      out.data["local_addresses"][a] = c;
    } else if (in_ts && t == "}") {
      in_ts = false;
    } else if (cur && in_ts && RE2::FullMatch(t, re_ts_entry, &a, &b)) {
      (*cur)["transform_sets"].push_back({{"name", std::string(trim(a))}, {"transforms", collapse_spaces(b)}});
    } else if (cur && RE2::FullMatch(t, re_ts_open, &a)) {
      // 12.x one-liner "Transform sets={ myset, }"; IOS-XE opens a block.
      if (!a.empty() && a.back() == '}') {
        a.pop_back();
        for (auto item : split_items(a)) (*cur)["transform_sets"].push_back({{"name", std::string(item)}});
      } else {
        in_ts = true;
      }
    } else if (cur && RE2::FullMatch(t, re_peer, &a)) {
      (*cur)["peers"].push_back(a);
    } else if (cur && RE2::FullMatch(t, re_acl, &a)) {
      (*cur)["acl"] = a;
      ifs_for.clear();
    } else if (cur && RE2::FullMatch(t, re_ace, &a)) {
      (*cur)["acl_entries"].push_back(std::string(t));
    } else if (cur && RE2::FullMatch(t, re_cur, &a)) {
      (*cur)["current_peer"] = a;
    } else if (cur && RE2::FullMatch(t, re_life, &a, &b)) {
      (*cur)["sa_lifetime_kb"] = num(a);
      (*cur)["sa_lifetime_sec"] = num(b);
    } else if (cur && RE2::FullMatch(t, re_yn, &a, &b, &c)) {
      (*cur)[counter_key(a)] = b == "Y";
      if (!c.empty()) (*cur)["pfs_group"] = c;
    } else if (cur && RE2::FullMatch(t, re_dh, &a)) {
      (*cur)["pfs_group"] = a;
    } else if (cur && RE2::FullMatch(t, re_dyn, &a)) {
      (*cur)["dynamic_map"] = a;
    } else if (cur && RE2::FullMatch(t, re_prof, &a, &b)) {
      (*cur)[counter_key(a)] = b;
    } else if (RE2::FullMatch(t, re_ifs, &a)) {
      ifs_for = a;
      if (!interfaces_by_tag.contains(a)) interfaces_by_tag[a] = json::array();
    } else if (cur && t.rfind("WARNING: This crypto map is in an incomplete state", 0) == 0) {
      (*cur)["incomplete"] = true;
    } else if (RE2::FullMatch(t, re_misc)) {
    } else if (!ifs_for.empty() && RE2::FullMatch(t, R"([A-Za-z][A-Za-z0-9\-]*[0-9][0-9/.:]*)")) {
      // Printed after every entry of the map: listed once.
      json& ifs = interfaces_by_tag[ifs_for];
      if (std::find(ifs.begin(), ifs.end(), std::string(t)) == ifs.end()) ifs.push_back(std::string(t));
    } else {
      ok = false;
    }
    if (!ok) out.unrecognized.push_back(sl.line);
  }
  for (auto& m : out.data["maps"]) {
    const std::string tag = m["tag"];
    m["interfaces"] = interfaces_by_tag.contains(tag) ? interfaces_by_tag[tag] : json::array();
  }
}

// ---------------------------------------------------------------- show crypto ipsec transform-set

void parse_transform_set(const TextSection& s, Parsed& out) {
  static const RE2 re_set(R"(^Transform set (\S+?):? \{\s*(.*?)\s*\}$)");
  static const RE2 re_more(R"(^\{\s*(.*?)\s*\}$)");
  static const RE2 re_neg(R"(^will negotiate = \{\s*(.*?)\s*\},?$)");
  out.data["transform_sets"] = json::array();
  json* cur = nullptr;
  for (const auto& sl : s.lines) {
    std::string_view t = trim(sl.text);
    if (t.empty() || is_prompt_line(t)) continue;
    std::string a, b;
    if (RE2::FullMatch(t, re_set, &a, &b)) {
      out.data["transform_sets"].push_back({{"name", a}, {"transforms", collapse_spaces(b)}, {"line", sl.line}});
      cur = &out.data["transform_sets"].back();
    } else if (cur && RE2::FullMatch(t, re_more, &a)) {
      std::string all = (*cur)["transforms"].get<std::string>() + " " + collapse_spaces(a);
      (*cur)["transforms"] = all;
    } else if (cur && RE2::FullMatch(t, re_neg, &a)) {
      std::string mode;
      for (auto item : split_items(a)) mode = item;
      (*cur)["mode"] = mode;
    } else {
      out.unrecognized.push_back(sl.line);
    }
  }
  for (auto& ts : out.data["transform_sets"]) {
    if (auto tr = parse_transform(normalize_transform_words(ts["transforms"].get<std::string>())))
      ts["transform_parsed"] = transform_json(*tr);
  }
}

// ---------------------------------------------------------------- show crypto session [detail]

void parse_session(const TextSection& s, Parsed& out) {
  static const RE2 re_banner(R"(^Crypto session current status$)");
  static const RE2 re_legend(R"(^(?:Code: ?)?[A-Z] - [^,]+(?:, ?[A-Z] - [^,]+)*,?$)");
  static const RE2 re_intf(R"(^Interface: (\S+)$)");
  static const RE2 re_field(R"(^(Uptime|Username|Profile|Group|Assigned address|Session status): ?(.*)$)");
  static const RE2 re_peer(R"(^Peer: (\S+) port (\d+)(?:\s+fvrf: (\S+) ivrf: (\S+))?$)");
  static const RE2 re_desc(R"(^Desc: ?(.*)$)");
  static const RE2 re_p1id(R"(^Phase1_id: ?(.*)$)");
  static const RE2 re_sysip(R"(^System IP: (\S+)\s+Interface: (\S+)$)");
  static const RE2 re_sid(R"(^Session ID: (\d+)$)");
  static const RE2 re_ike(R"(^(IKE|IKEv1|IKEv2) SA: local (\S+)/(\d+)(?:\s+remote (\S+)/(\d+) (\w+))?$)");
  static const RE2 re_ike_cont(R"(^remote (\S+)/(\d+) (\w+)$)");
  static const RE2 re_caps(R"(^Capabilities: ?(\S*) connid: ?(\d+) lifetime: ?(\S+)$)");
  static const RE2 re_flow(R"(^IPSEC FLOW: (.+)$)");
  static const RE2 re_active(R"(^Active SAs: (\d+), origin: (.+)$)");
  static const RE2 re_dir(R"(^(Inbound|Outbound):\s+#pkts (?:dec|enc)'ed (\d+) drop (\d+) life \(KB/Sec\) (.+)/(\d+)$)");

  out.data["sessions"] = json::array();
  json* sess = nullptr;
  json* ike = nullptr;
  json* flow = nullptr;
  long long pending_sid = -1;
  auto ensure = [&](uint32_t ln) {
    if (!sess) {
      out.data["sessions"].push_back({{"interface", ""}, {"line", ln}, {"ike_sas", json::array()}, {"flows", json::array()}});
      sess = &out.data["sessions"].back();
    }
  };
  for (const auto& sl : s.lines) {
    std::string_view t = trim(sl.text);
    if (t.empty() || is_prompt_line(t)) continue;
    std::string a, b, c, d, e, f;
    bool ok = true;
    if (RE2::FullMatch(t, re_banner) || RE2::FullMatch(t, re_legend)) {
    } else if (RE2::FullMatch(t, re_intf, &a)) {
      out.data["sessions"].push_back({{"interface", a}, {"line", sl.line}, {"ike_sas", json::array()}, {"flows", json::array()}});
      sess = &out.data["sessions"].back();
      ike = flow = nullptr;
      pending_sid = -1;
    } else if (RE2::FullMatch(t, re_field, &a, &b)) {
      ensure(sl.line);
      std::string key = a == "Session status" ? "status" : counter_key(a);
      (*sess)[key] = std::string(trim(b));
      if (key == "status") (*sess)["status_line"] = sl.line;
    } else if (RE2::FullMatch(t, re_peer, &a, &b, &c, &d)) {
      ensure(sl.line);
      (*sess)["peer"] = a;
      (*sess)["peer_port"] = num(b);
      (*sess)["peer_line"] = sl.line;
      if (!c.empty()) { (*sess)["fvrf"] = c; (*sess)["ivrf"] = d; }
    } else if (sess && RE2::FullMatch(t, re_desc, &a)) {
      (*sess)["desc"] = a;
    } else if (sess && RE2::FullMatch(t, re_p1id, &a)) {
      (*sess)["phase1_id"] = a;
    } else if (sess && RE2::FullMatch(t, re_sysip, &a, &b)) {
      (*sess)["system_ip"] = a;
      (*sess)["system_interface"] = b;
    } else if (sess && RE2::FullMatch(t, re_sid, &a)) {
      pending_sid = num(a);
    } else if (sess && RE2::FullMatch(t, re_ike, &a, &b, &c, &d, &e, &f)) {
      json j{{"version", a}, {"local", b}, {"local_port", num(c)}, {"line", sl.line}};
      if (!d.empty()) { j["remote"] = d; j["remote_port"] = num(e); j["status"] = f; }
      if (pending_sid >= 0) j["session_id"] = pending_sid;
      pending_sid = -1;
      (*sess)["ike_sas"].push_back(std::move(j));
      ike = &(*sess)["ike_sas"].back();
    } else if (ike && !ike->contains("remote") && RE2::FullMatch(t, re_ike_cont, &a, &b, &c)) {
      (*ike)["remote"] = a;
      (*ike)["remote_port"] = num(b);
      (*ike)["status"] = c;
    } else if (ike && RE2::FullMatch(t, re_caps, &a, &b, &c)) {
      (*ike)["capabilities"] = a;
      (*ike)["conn_id"] = num(b);
      (*ike)["lifetime"] = c;
    } else if (sess && RE2::FullMatch(t, re_flow, &a)) {
      json j{{"text", collapse_spaces(a)}, {"line", sl.line}};
      (*sess)["flows"].push_back(std::move(j));
      flow = &(*sess)["flows"].back();
    } else if (flow && RE2::FullMatch(t, re_active, &a, &b)) {
      (*flow)["active_sas"] = num(a);
      (*flow)["origin"] = b;
    } else if (flow && RE2::FullMatch(t, re_dir, &a, &b, &c, &d, &e)) {
      std::string p = a == "Inbound" ? "in" : "out";
      (*flow)[p + "_pkts"] = num(b);
      (*flow)[p + "_drop"] = num(c);
      if (RE2::FullMatch(d, R"(\d+)")) (*flow)[p + "_life_kb"] = num(d);
      else (*flow)[p + "_life_kb_text"] = d;  // "KB Vol Rekey Disabled"
      (*flow)[p + "_life_sec"] = num(e);
      (*flow)[p + "_line"] = sl.line;
    } else {
      ok = false;
    }
    if (!ok) out.unrecognized.push_back(sl.line);
  }
}

}  // namespace ipsecdoc::show::detail
