// parse_config(): IOS running/startup configs, excerpts and config-mode transcripts -> DeviceConfig.
//
// Two passes. (1) Physical lines -> commands: prompts of a pasted config session are removed
// (`RTRA(config-crypto-m)# match address 101`), a terminal-wrapped continuation (an indented
// line without prompt right after a prompted command) is joined to its command, banners are
// skipped up to their delimiter, comments/blank/exec lines are skipped. (2) Commands -> model,
// with a section context (interface, named ACL, crypto map entry, ...). In a transcript the
// section is given by the prompt mode instead of indentation.
//
// Every physical line is counted exactly once as modelled, skipped (comments, banners,
// unrelated sections, known-but-unmodelled commands) or unrecognized (looks broken).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <deque>
#include <set>
#include <sstream>

#include <re2/re2.h>

#include "config/config.h"
#include "config/words.h"

namespace ipsecdoc {
namespace {

// Words of a command, as views into its text (which outlives them).
using Words = std::vector<std::string_view>;

// `s` without leading and trailing white space (a view into it).
std::string_view trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && config_space(s[a])) ++a;
  while (b > a && config_space(s[b - 1])) --b;
  return s.substr(a, b - a);
}

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// A command after pass 1.
struct Cmd {
  uint32_t line = 0, last_line = 0;
  size_t nphys = 1;          // physical lines it consumed
  // Without prompt, trimmed, continuations joined: a view into its physical line (no copy for
  // the usual command), or into the parser's `joined_` when a prompt was cut or lines joined.
  std::string_view text;
  bool sub = false;          // sub-command of the current section
  // Its physical lines, into the section being parsed (outlives the parse): the first, and the
  // continuations of a wrapped command (rare: no allocation for the usual one-line command).
  const SourceLine* first = nullptr;
  std::vector<const SourceLine*> more;
  // redact_line(text) when the text may hold a secret (line_may_hold_secret), computed on first
  // use: a command is referenced up to three times, and most hold no secret (no copy then).
  mutable bool redaction_checked = false;
  mutable std::optional<std::string> redacted;
};

// Top-level commands that are valid IOS but not modelled (skipped, sub-lines too).
const std::set<std::string, std::less<>> kKnownTop = {
    "version", "service", "boot-start-marker", "boot-end-marker", "boot", "logging", "aaa", "enable",
    "username", "ipv6", "no", "router", "line", "snmp-server", "snmp", "ntp", "clock", "control-plane",
    "end", "license", "archive", "redundancy", "spanning-tree", "vlan", "key", "class-map", "policy-map",
    "memory-size", "multilink", "voice", "voice-card", "dial-peer", "tftp-server", "alias", "privilege", "mpls",
    "vrf", "call", "track", "event", "scheduler", "cdp", "lldp", "errdisable", "vtp", "platform",
    "subscriber", "diagnostic", "hardware", "card", "security", "login", "parser", "file", "exception",
    "process", "virtual-profile", "netconf", "restconf", "wsma", "transceiver", "monitor", "system",
    "resource", "frame-relay", "isdn", "controller", "dot11", "chat-script", "ip", "crypto", "mac",
    "mac-address-table", "port-channel", "username", "power", "stack-mac", "switch", "authentication",
    "dot1x", "radius-server", "radius", "tacacs-server", "tacacs", "access-session", "mls", "qos",
    "macro", "zone", "zone-pair", "parameter-map", "template", "flow", "sampler", "performance",
    "cts", "policy", "srr-queue", "udld", "ethernet", "bfd", "pseudowire-class", "l2vpn", "xconnect",
    "hw-module", "service-template", "table-map", "object", "object-group", "username", "enable",
    "warm-reboot", "ipc", "telemetry", "gnmi-yang", "utd", "app-hosting", "iox", "dspfarm", "sccp",
    "telephony-service", "ephone", "ephone-dn", "sip-ua", "gatekeeper", "gateway", "application",
    "stcapp", "fax", "modemcap", "interface", "hostname", "access-list", "route-map", "banner",
    "domain", "nat64", "vpdn", "vpdn-group", "bba-group", "pppoe", "dialer", "dialer-list",
    "appfw", "ip-address", "default", "do", "exit", "ipx", "decnet", "appletalk", "bridge", "rmon",
    "wism", "coap", "crypto-engine", "pki", "mgcp", "voice-port", "ccm-manager", "cpp", "nbar",
    "fhrp", "standby", "vrrp", "glbp", "sla", "rtr", "kron", "menu", "exception", "upgrade",
    "management-interface", "onep", "lisp", "ospfv3", "segment-routing", "multicast", "pim",
    "storm-control", "psp", "lacp", "pagp", "port-security", "device-tracking", "device-sensor",
    "epm", "errdisable", "table", "vstack", "transport", "sdm", "energywise", "location", "nmsp"};

class Parser {
 public:
  explicit Parser(const TextSection& s) { d_.path = s.path; d_.stats.lines_total = s.lines.size(); in_ = &s; }

  DeviceConfig run() {
    build_commands();
    for (auto& c : cmds_) dispatch(c);
    finish();
    return std::move(d_);
  }

 private:
  enum class Ctx {
    None, Skip, Interface, NamedAcl, IsakmpPolicy, Keyring, IsakmpProfile, TransformSet, MapEntry,
    DynEntry, IpsecProfile, RouteMap, NetGroup, SvcGroup
  };

  const TextSection* in_;
  DeviceConfig d_;
  std::vector<Cmd> cmds_;
  Ctx ctx_ = Ctx::None;
  std::string ctx_name_;
  size_t ctx_index_ = 0;
  uint32_t ctx_seq_ = 0;
  std::string prompt_host_;
  std::deque<std::string> joined_;  // texts of the commands that are not a view of one line (stable)
  Words words_;  // the words of the command being dispatched (storage reused)

  // ---------------------------------------------------------------- pass 1
  void skip_lines(size_t n) { d_.stats.lines_skipped += n; }

  void build_commands() {
    static const RE2 kPrompt(R"(^\s*([A-Za-z0-9][\w.\-]*)\((config[^)]*)\)#\s?(.*)$)");
    static const RE2 kExec(R"(^\s*([A-Za-z0-9][\w.\-]*)[#>]\s*(.*)$)");
    std::string banner_delim;
    cmds_.reserve(in_->lines.size());
    bool last_prompted = false;  // previous command came from a config-mode prompt
    for (const SourceLine& sl : in_->lines) {
      std::string_view raw = sl.text;
      if (!banner_delim.empty()) {
        skip_lines(1);
        if (raw.find(banner_delim) != std::string_view::npos) banner_delim.clear();
        continue;
      }
      std::string host, mode, rest;
      bool prompted = false;
      std::string_view text;
      bool sub = false;
      // Both prompt forms need a '#' or '>': most configuration lines have neither and skip
      // the two capture matches.
      // (Two memchr: string_view::find_first_of calls memchr on "#>" for every character.)
      bool maybe_prompt = !raw.empty() && (std::memchr(raw.data(), '#', raw.size()) != nullptr ||
                                           std::memchr(raw.data(), '>', raw.size()) != nullptr);
      if (maybe_prompt && RE2::FullMatch(raw, kPrompt, &host, &mode, &rest)) {
        prompted = true;
        d_.transcript = true;
        if (prompt_host_.empty()) prompt_host_ = host;
        text = joined_.emplace_back(trim(rest));
        sub = mode != "config";
      } else if (last_prompted && !raw.empty() && config_space(raw[0]) && !trim(raw).empty() && !cmds_.empty()) {
        // Terminal-wrapped continuation of the previous prompted command (seed Example 19-15).
        Cmd& c = cmds_.back();
        std::string& t = joined_.emplace_back(c.text);
        t += ' ';
        t += trim(raw);
        c.text = t;
        c.last_line = sl.line;
        c.nphys++;
        c.more.push_back(&sl);
        continue;
      } else if (std::string eh, er; maybe_prompt && RE2::FullMatch(raw, kExec, &eh, &er) && raw.find(' ') != 0) {
        // Exec prompt ("RTRA#show run", "r1#"): not configuration.
        if (prompt_host_.empty()) prompt_host_ = eh;
        last_prompted = false;
        skip_lines(1);
        continue;
      } else {
        text = trim(raw);
        sub = !raw.empty() && config_space(raw[0]);
      }
      last_prompted = prompted;
      if (text.empty() || text[0] == '!' || text[0] == '#') { skip_lines(1); continue; }
      // (Each banner line of `show run` starts with one of these letters: the others skip the tests.)
      const char t0 = text[0];
      const bool maybe_banner = t0 == 'B' || t0 == 'C' || t0 == 'E' || t0 == 'L' || t0 == 'N';
      if ((maybe_banner &&
           (text.rfind("Building configuration", 0) == 0 || text.rfind("Current configuration", 0) == 0 ||
            text.rfind("Enter configuration commands", 0) == 0 || text.rfind("Last configuration change", 0) == 0 ||
            text.rfind("NVRAM config last", 0) == 0)) ||
          t0 == '%' || t0 == '^') {
        skip_lines(1);
        continue;
      }
      if (!sub && text.rfind("banner ", 0) == 0) {
        // banner TYPE <delim>text...<delim>; the delimiter is shown as ^C in show run.
        Words w;
        split_words(text, w);
        skip_lines(1);
        if (w.size() >= 3) {
          size_t pos = text.find(w[2]);
          std::string_view after = text.substr(pos);
          std::string delim = after.rfind("^C", 0) == 0 ? "^C" : std::string(1, after[0]);
          if (after.substr(delim.size()).find(delim) == std::string_view::npos) banner_delim = delim;
        }
        continue;
      }
      // (Made in place: building a Cmd and moving it in cost more than the rest of the line.)
      Cmd& c = cmds_.emplace_back();
      c.line = c.last_line = sl.line;
      c.text = text;
      c.sub = sub;
      c.first = &sl;
    }
  }

  // ---------------------------------------------------------------- helpers
  ConfigRef ref(const Cmd& c) const {
    if (!c.redaction_checked) {
      c.redaction_checked = true;
      if (line_may_hold_secret(c.text)) c.redacted = redact_line(c.text);
    }
    return ConfigRef{c.line, c.last_line, std::string(c.redacted ? std::string_view(*c.redacted) : c.text)};
  }
  void modelled(const Cmd& c) { d_.stats.lines_modelled += c.nphys; }
  void skipped(const Cmd& c) { d_.stats.lines_skipped += c.nphys; }
  void broken(const Cmd& c) {
    d_.stats.unrecognized.push_back({c.first->line, redact_line(c.first->text)});
    for (const SourceLine* p : c.more) d_.stats.unrecognized.push_back({p->line, redact_line(p->text)});
  }

  std::optional<uint32_t> ip(std::string_view s) const { return parse_ipv4(s); }

  // Address operand of an ACE: any | host A | A W | object-group N (expanded) | addrgroup.
  // Standard lists accept a bare address (= host).
  bool parse_addr(const Words& w, size_t& i, std::vector<AddrMatch>& out, bool standard) {
    if (i >= w.size()) return false;
    if (w[i] == "any") { out.push_back(AddrMatch::any()); ++i; return true; }
    if (w[i] == "host") {
      if (i + 1 >= w.size()) return false;
      auto a = ip(w[i + 1]);
      if (!a) return false;
      out.push_back(AddrMatch::host(*a));
      i += 2;
      return true;
    }
    if (w[i] == "object-group") {
      if (i + 1 >= w.size()) return false;
      auto it = d_.network_groups.find(w[i + 1]);
      if (it == d_.network_groups.end()) return false;
      out.insert(out.end(), it->second.begin(), it->second.end());
      i += 2;
      return true;
    }
    auto a = ip(w[i]);
    if (!a) return false;
    if (i + 1 < w.size()) {
      if (auto wild = ip(w[i + 1])) {
        out.push_back(AddrMatch::wildcard(*a, *wild));
        i += 2;
        return true;
      }
    }
    if (!standard) return false;
    out.push_back(AddrMatch::host(*a));
    ++i;
    return true;
  }

  // eq/neq/lt/gt/range port operand; returns false on syntax error, leaves `set` untouched when absent.
  bool parse_ports(const Words& w, size_t& i, int proto, IntervalSet& set) {
    if (i >= w.size()) return true;
    std::string_view op = w[i];
    auto num = [&](size_t k) { return k < w.size() ? port_number(w[k], proto) : -1; };
    if (op == "eq" || op == "neq") {
      IntervalSet s;
      size_t k = i + 1;
      while (k < w.size()) {
        int p = num(k);
        if (p < 0) break;
        s = s.unite(IntervalSet::one(static_cast<uint32_t>(p)));
        ++k;
      }
      if (s.empty()) return false;
      set = op == "eq" ? s : IntervalSet::all(kMaxPort).minus(s);
      i = k;
      return true;
    }
    if (op == "lt" || op == "gt") {
      int p = num(i + 1);
      if (p < 0) return false;
      set = op == "lt" ? (p == 0 ? IntervalSet{} : IntervalSet::range(0, static_cast<uint32_t>(p - 1)))
                       : IntervalSet::range(static_cast<uint32_t>(p + 1), kMaxPort);
      i += 2;
      return true;
    }
    if (op == "range") {
      int a = num(i + 1), b = num(i + 2);
      if (a < 0 || b < 0) return false;
      set = IntervalSet::range(static_cast<uint32_t>(a), static_cast<uint32_t>(b));
      i += 3;
      return true;
    }
    return true;
  }

  static int icmp_type(std::string_view n) {
    static const std::pair<const char*, int> kTypes[] = {
        {"echo-reply", 0}, {"unreachable", 3}, {"source-quench", 4}, {"redirect", 5}, {"echo", 8},
        {"router-advertisement", 9}, {"router-solicitation", 10}, {"time-exceeded", 11},
        {"parameter-problem", 12}, {"timestamp-request", 13}, {"timestamp-reply", 14},
        {"information-request", 15}, {"information-reply", 16}, {"mask-request", 17}, {"mask-reply", 18},
        {"traceroute", 30}};
    for (auto& [k, v] : kTypes) if (n == k) return v;
    return -1;
  }

  // [seq] permit|deny ... (extended or standard). `w` starts at the action word.
  std::optional<Ace> parse_ace(const Words& w, size_t i, bool standard) {
    Ace a;
    if (i >= w.size()) return std::nullopt;
    if (w[i] == "permit") a.action = AceAction::Permit;
    else if (w[i] == "deny") a.action = AceAction::Deny;
    else return std::nullopt;
    ++i;
    std::vector<Region> protos;  // protocol (+ service-group ports) alternatives
    if (standard) {
      protos.emplace_back();
    } else {
      if (i >= w.size()) return std::nullopt;
      if (w[i] == "object-group") {
        if (i + 1 >= w.size()) return std::nullopt;
        auto it = d_.service_groups.find(w[i + 1]);
        if (it == d_.service_groups.end()) return std::nullopt;
        protos = it->second;
        i += 2;
      } else {
        int p = protocol_number(w[i]);
        if (p < 0) return std::nullopt;
        Region r;
        if (p != 0) r.proto = IntervalSet::one(static_cast<uint32_t>(p));
        protos.push_back(r);
        ++i;
      }
    }
    int pnum = (protos.size() == 1 && protos[0].proto.single()) ? static_cast<int>(protos[0].proto.iv[0].first) : 0;
    bool ports_ok = pnum == 6 || pnum == 17 || pnum == 132;
    std::vector<AddrMatch> srcs, dsts;
    if (!parse_addr(w, i, srcs, standard)) return std::nullopt;
    IntervalSet sport = IntervalSet::all(kMaxPort), dport = IntervalSet::all(kMaxPort);
    if (!standard) {
      if (ports_ok && !parse_ports(w, i, pnum, sport)) return std::nullopt;
      if (!parse_addr(w, i, dsts, false)) return std::nullopt;
      if (ports_ok && !parse_ports(w, i, pnum, dport)) return std::nullopt;
    } else {
      dsts.push_back(AddrMatch::any());
    }
    std::vector<std::string> quals;
    if (pnum == 1 && i < w.size()) {  // icmp type [code] | message name
      if (auto t = to_u64(w[i]); t && *t <= 255) {
        uint32_t ty = static_cast<uint32_t>(*t);
        if (i + 1 < w.size()) {
          if (auto c = to_u64(w[i + 1]); c && *c <= 255) {
            dport = IntervalSet::one(ty << 8 | static_cast<uint32_t>(*c));
            i += 2;
          } else {
            dport = IntervalSet::range(ty << 8, ty << 8 | 255);
            ++i;
          }
        } else {
          dport = IntervalSet::range(ty << 8, ty << 8 | 255);
          ++i;
        }
      } else if (int t2 = icmp_type(w[i]); t2 >= 0) {
        uint32_t ty = static_cast<uint32_t>(t2);
        dport = IntervalSet::range(ty << 8, ty << 8 | 255);
        ++i;
      }
    }
    while (i < w.size()) {
      std::string_view q = w[i];
      if (q == "log" || q == "log-input") {
        ++i;
        if (i < w.size() && w[i] != "established" && w[i] != "fragments") ++i;  // optional log tag
        continue;
      }
      if (q == "established" || q == "fragments") { quals.emplace_back(q); ++i; continue; }
      if ((q == "dscp" || q == "precedence" || q == "tos" || q == "ttl" || q == "option") && i + 1 < w.size()) {
        std::string v = std::string(q) + " " + std::string(w[i + 1]);
        i += 2;
        if (q == "ttl" && i < w.size() && (w[i - 1] == "eq" || w[i - 1] == "gt" || w[i - 1] == "lt" || w[i - 1] == "neq")) {
          v += " " + std::string(w[i]);
          ++i;
        }
        quals.push_back(v);
        continue;
      }
      if (q == "time-range" && i + 1 < w.size()) {
        quals.push_back(std::string(q) + " " + std::string(w[i + 1]));
        a.inactive = false;
        i += 2;
        continue;
      }
      if (q == "match-any" || q == "match-all" || q == "ack" || q == "syn" || q == "fin" || q == "psh" ||
          q == "rst" || q == "urg" || q[0] == '+' || q[0] == '-') {
        quals.emplace_back(q);
        ++i;
        continue;
      }
      return std::nullopt;  // trailing garbage: the line looks broken
    }
    std::sort(quals.begin(), quals.end());
    for (auto& p : protos)
      for (auto& s : srcs)
        for (auto& d : dsts) {
          Region r = p;
          r.src = s;
          r.dst = d;
          if (protos.size() == 1 && !standard) {
            r.sport = sport;
            r.dport = dport;
          } else if (!standard) {
            // Service-group ports describe the destination unless they said `source`.
          }
          r.qualifiers = quals;
          a.regions.push_back(std::move(r));
        }
    return a;
  }

  Acl& acl_slot(std::string_view name, bool named, bool standard, const Cmd& c) {
    auto [it, inserted] = d_.acls.try_emplace(std::string(name));
    Acl& a = it->second;
    if (inserted) {
      a.name = name;
      a.named = named;
      a.standard = standard;
      a.src = ref(c);
    }
    return a;
  }

  void add_ace(Acl& acl, Ace ace) {
    if (ace.seq == 0) ace.seq = acl.aces.empty() ? 10 : acl.aces.back().seq + 10;
    acl.aces.push_back(std::move(ace));
  }

  static bool numbered_standard(std::string_view n) {
    auto v = to_u64(n);
    return v && ((*v >= 1 && *v <= 99) || (*v >= 1300 && *v <= 1999));
  }
  static bool numbered_extended(std::string_view n) {
    auto v = to_u64(n);
    return v && ((*v >= 100 && *v <= 199) || (*v >= 2000 && *v <= 2699));
  }

  // ---------------------------------------------------------------- pass 2
  void dispatch(const Cmd& c) {
    Words& w = words_;
    split_words(c.text, w);
    if (w.empty()) { skipped(c); return; }
    if (c.sub && ctx_ != Ctx::None) {
      if (w[0] == "exit" || w[0] == "end") { skipped(c); if (d_.transcript) ctx_ = Ctx::None; return; }
      sub_command(c, w);
      return;
    }
    if (c.sub && d_.transcript) {  // prompted sub-mode line with no section we know: e.g. after exit
      skipped(c);
      return;
    }
    if (c.sub) {  // indented line with no open section (excerpt starting mid-section)
      skipped(c);
      return;
    }
    ctx_ = Ctx::None;
    top_command(c, w);
  }

  void top_command(const Cmd& c, const Words& w) {
    std::string_view k = w[0];
    if (k == "hostname" && w.size() == 2) {
      d_.hostname = w[1];
      d_.hostname_src = ref(c);
      modelled(c);
      return;
    }
    if (k == "interface" && w.size() >= 2) {
      // (Made in place: an Interface is a dozen strings and vectors to move.)
      Interface& i = d_.interfaces.emplace_back();
      i.name = w[1];
      for (size_t j = 2; j < w.size(); ++j) i.name += w[j];  // "interface GigabitEthernet 0/0"
      i.src = ref(c);
      ctx_ = Ctx::Interface;
      ctx_index_ = d_.interfaces.size() - 1;
      modelled(c);
      return;
    }
    if (k == "access-list") {
      top_access_list(c, w);
      return;
    }
    if (k == "ip" && w.size() >= 4 && w[1] == "access-list" && (w[2] == "extended" || w[2] == "standard")) {
      acl_slot(w[3], true, w[2] == "standard", c);
      ctx_ = Ctx::NamedAcl;
      ctx_name_ = w[3];
      modelled(c);
      return;
    }
    if (k == "ip" && w.size() >= 2 && w[1] == "nat") { top_nat(c, w); return; }
    if (k == "ip" && w.size() >= 2 && w[1] == "route") { top_route(c, w); return; }
    if (k == "route-map" && w.size() >= 2) {
      RouteMapEntry e;
      e.name = w[1];
      e.src = ref(c);
      size_t i = 2;
      if (i < w.size() && (w[i] == "permit" || w[i] == "deny")) { e.permit = w[i] == "permit"; ++i; }
      if (i < w.size()) {
        auto s = to_u64(w[i]);
        if (!s) { broken(c); ctx_ = Ctx::Skip; return; }
        e.seq = static_cast<uint32_t>(*s);
      }
      d_.route_maps.push_back(std::move(e));
      ctx_ = Ctx::RouteMap;
      ctx_index_ = d_.route_maps.size() - 1;
      modelled(c);
      return;
    }
    if (k == "object-group" && w.size() >= 3 && (w[1] == "network" || w[1] == "service")) {
      ctx_name_ = w[2];
      if (w[1] == "network") { d_.network_groups[std::string(w[2])]; ctx_ = Ctx::NetGroup; }
      else { d_.service_groups[std::string(w[2])]; ctx_ = Ctx::SvcGroup; }
      modelled(c);
      return;
    }
    if (k == "crypto") { top_crypto(c, w); return; }
    if (kKnownTop.count(k)) {
      ctx_ = Ctx::Skip;
      skipped(c);
      return;
    }
    ctx_ = Ctx::Skip;
    broken(c);
  }

  void top_access_list(const Cmd& c, const Words& w) {
    if (w.size() < 3) { broken(c); return; }
    std::string_view n = w[1];
    bool std_ = numbered_standard(n), ext = numbered_extended(n);
    if (!std_ && !ext) { skipped(c); return; }  // other list types (MAC, etc.)
    Acl& acl = acl_slot(n, false, std_, c);
    if (w[2] == "remark") { acl.remarks.push_back(ref(c)); modelled(c); return; }
    if (w[2] == "dynamic") { skipped(c); return; }
    auto ace = parse_ace(w, 2, std_);
    if (!ace) { broken(c); return; }
    ace->src = ref(c);
    add_ace(acl, std::move(*ace));
    modelled(c);
  }

  void top_nat(const Cmd& c, const Words& w) {
    // ip nat inside|outside source list ACL {interface IF | pool P} [vrf V] [overload]
    // ip nat inside source route-map RM interface IF overload
    // ip nat inside source static [tcp|udp] L [lport] G [gport] ... | static network L G MASK
    if (w.size() < 4 || (w[2] != "inside" && w[2] != "outside") || w[3] != "source") {
      skipped(c);  // ip nat pool / translation timeouts / ...
      return;
    }
    NatRule r;
    r.inside = w[2] == "inside";
    r.src = ref(c);
    size_t i = 4;
    if (i >= w.size()) { broken(c); return; }
    if (w[i] == "list" || w[i] == "route-map") {
      if (i + 1 >= w.size()) { broken(c); return; }
      r.kind = w[i] == "list" ? NatRule::Kind::SourceList : NatRule::Kind::SourceRouteMap;
      (w[i] == "list" ? r.acl : r.route_map) = w[i + 1];
      i += 2;
    } else if (w[i] == "static") {
      ++i;
      if (i < w.size() && w[i] == "network") {
        r.kind = NatRule::Kind::StaticNetwork;
        ++i;
      } else {
        r.kind = NatRule::Kind::StaticHost;
        if (i < w.size() && (w[i] == "tcp" || w[i] == "udp")) ++i;
      }
      if (i + 1 >= w.size()) { broken(c); return; }
      auto l = ip(w[i]);
      if (!l) { broken(c); return; }
      r.local = *l;
      ++i;
      if (i < w.size() && !ip(w[i]) && to_u64(w[i])) ++i;  // local port
      if (i >= w.size() || !ip(w[i])) { broken(c); return; }
      r.global = *ip(w[i]);
      ++i;
      if (r.kind == NatRule::Kind::StaticNetwork && i < w.size()) {
        if (auto m = ip(w[i])) { r.mask = *m; ++i; }
        else if (w[i].size() > 1 && w[i][0] == '/') {
          if (auto len = to_u64(std::string_view(w[i]).substr(1)); len && *len <= 32) r.mask = prefix_mask(static_cast<int>(*len));
          ++i;
        }
      }
    } else {
      broken(c);
      return;
    }
    for (; i < w.size(); ++i) {
      if (w[i] == "interface" && i + 1 < w.size()) r.interface = w[++i];
      else if (w[i] == "pool" && i + 1 < w.size()) r.pool = w[++i];
      else if (w[i] == "overload") r.overload = true;
      else if (w[i] == "vrf" && i + 1 < w.size()) r.vrf = w[++i];
      else if (w[i] == "route-map" && i + 1 < w.size()) r.route_map = w[++i];
    }
    d_.nat_rules.push_back(std::move(r));
    modelled(c);
  }

  void top_route(const Cmd& c, const Words& w) {
    StaticRoute r;
    r.src = ref(c);
    size_t i = 2;
    if (i + 1 < w.size() && w[i] == "vrf") { r.vrf = w[i + 1]; i += 2; }
    if (i + 1 >= w.size()) { broken(c); return; }
    auto p = ip(w[i]), m = ip(w[i + 1]);
    if (!p || !m) {
      if (w[i] == "static" || w[i] == "profile") { skipped(c); return; }  // ip route static bfd ...
      broken(c);
      return;
    }
    r.prefix = *p;
    r.mask = *m;
    i += 2;
    if (i >= w.size()) { broken(c); return; }
    if (auto nh = ip(w[i])) { r.next_hop = nh; ++i; }
    else {
      r.interface = w[i++];
      if (i < w.size()) if (auto nh2 = ip(w[i])) { r.next_hop = nh2; ++i; }
    }
    if (i < w.size()) if (auto dist = to_u64(w[i]); dist && *dist <= 255) r.distance = static_cast<int>(*dist);
    d_.routes.push_back(std::move(r));
    modelled(c);
  }

  void top_crypto(const Cmd& c, const Words& w) {
    auto sz = w.size();
    if (sz >= 4 && w[1] == "isakmp" && w[2] == "policy") {
      auto pr = to_u64(w[3]);
      if (!pr) { broken(c); ctx_ = Ctx::Skip; return; }
      // Re-entering an existing policy (pasted transcripts) edits it, as on the router.
      ctx_ = Ctx::IsakmpPolicy;
      for (size_t k = 0; k < d_.isakmp_policies.size(); ++k)
        if (d_.isakmp_policies[k].policy.priority == static_cast<int>(*pr)) {
          ctx_index_ = k;
          modelled(c);
          return;
        }
      IsakmpPolicy p;
      p.policy.priority = static_cast<int>(*pr);
      p.src = ref(c);
      d_.isakmp_policies.push_back(std::move(p));
      ctx_index_ = d_.isakmp_policies.size() - 1;
      modelled(c);
      return;
    }
    if (sz >= 3 && w[1] == "isakmp" && w[2] == "key") {
      // crypto isakmp key [0|6|7] KEY address IP [MASK] [no-xauth] | hostname NAME
      PresharedKey k;
      k.src = ref(c);
      size_t i = 3;
      if (i + 1 < sz && (w[i] == "0" || w[i] == "6" || w[i] == "7") && w[i + 1] != "address" && w[i + 1] != "hostname") {
        k.type = w[i][0] - '0';
        ++i;
      }
      if (i >= sz) { broken(c); return; }
      k.secret = w[i++];
      if (!parse_key_target(w, i, k)) { broken(c); return; }
      d_.keys.push_back(std::move(k));
      modelled(c);
      return;
    }
    if (sz >= 4 && w[1] == "isakmp" && w[2] == "profile") {
      IsakmpProfile p;
      p.name = w[3];
      p.src = ref(c);
      ctx_name_ = w[3];
      d_.isakmp_profiles[std::string(w[3])] = std::move(p);
      ctx_ = Ctx::IsakmpProfile;
      modelled(c);
      return;
    }
    if (sz >= 3 && w[1] == "keyring") {
      Keyring k;
      k.name = w[2];
      k.src = ref(c);
      if (sz >= 5 && w[3] == "vrf") k.vrf = w[4];
      ctx_name_ = w[2];
      d_.keyrings[std::string(w[2])] = std::move(k);
      ctx_ = Ctx::Keyring;
      modelled(c);
      return;
    }
    if (sz >= 4 && w[1] == "ipsec" && w[2] == "transform-set") {
      TransformSet t;
      t.name = w[3];
      t.src = ref(c);
      std::string words;
      for (size_t i = 4; i < sz; ++i) { words += w[i]; words += ' '; }
      if (auto tr = parse_transform(words)) { t.transform = *tr; t.valid = true; }
      ctx_name_ = w[3];
      bool ok = t.valid;
      d_.transform_sets[std::string(w[3])] = std::move(t);
      ctx_ = Ctx::TransformSet;
      if (ok) modelled(c); else broken(c);
      return;
    }
    if (sz >= 4 && w[1] == "ipsec" && w[2] == "profile") {
      IpsecProfile p;
      p.name = w[3];
      p.src = ref(c);
      ctx_name_ = w[3];
      d_.ipsec_profiles[std::string(w[3])] = std::move(p);
      ctx_ = Ctx::IpsecProfile;
      modelled(c);
      return;
    }
    if (sz >= 6 && w[1] == "ipsec" && w[2] == "security-association" && w[3] == "lifetime") {
      auto v = to_u64(w[5]);
      if (!v || (w[4] != "seconds" && w[4] != "kilobytes")) { broken(c); return; }
      (w[4] == "seconds" ? d_.global_sa_lifetime_seconds : d_.global_sa_lifetime_kb) = *v;
      d_.global_lifetime_src = ref(c);
      modelled(c);
      return;
    }
    if (sz >= 4 && w[1] == "map" && w[3] == "local-address") {
      if (sz < 5) { broken(c); return; }
      CryptoMap& m = d_.crypto_maps[std::string(w[2])];
      m.name = w[2];
      m.local_address = w[4];
      for (size_t i = 5; i < sz; ++i) m.local_address += w[i];
      m.local_address_src = ref(c);
      modelled(c);
      return;
    }
    if (sz >= 3 && (w[1] == "map" || w[1] == "dynamic-map")) {
      bool dyn = w[1] == "dynamic-map";
      auto seq = sz >= 4 ? to_u64(w[3]) : std::nullopt;
      if (!seq) {
        // crypto map NAME client|isakmp|redundancy ... : valid, not modelled
        ctx_ = Ctx::Skip;
        if (sz >= 4) skipped(c); else broken(c);
        return;
      }
      bool manual = false;
      std::string_view dynamic_ref;
      if (!dyn) {
        if (sz >= 5 && w[4] == "ipsec-manual") manual = true;
        else if (sz >= 5 && w[4] != "ipsec-isakmp" && w[4] != "gdoi") { broken(c); ctx_ = Ctx::Skip; return; }
        if (sz >= 7 && w[5] == "dynamic") dynamic_ref = w[6];
      }
      auto& maps = dyn ? d_.dynamic_maps : d_.crypto_maps;
      CryptoMap& m = maps[std::string(w[2])];
      m.name = w[2];
      auto it = std::find_if(m.entries.begin(), m.entries.end(), [&](auto& x) { return x.seq == static_cast<uint32_t>(*seq); });
      if (it == m.entries.end()) {
        // (Made in place: an entry is two dozen strings and vectors to move.)
        CryptoMapEntry& e = m.entries.emplace_back();
        e.map = w[2];
        e.seq = static_cast<uint32_t>(*seq);
        e.in_dynamic_map = dyn;
        e.src = ref(c);
        e.ipsec_manual = manual;
        e.dynamic_ref = dynamic_ref;
      } else if (!dynamic_ref.empty()) {
        it->dynamic_ref = dynamic_ref;  // re-entering an entry keeps its sub-commands
      }
      ctx_ = dyn ? Ctx::DynEntry : Ctx::MapEntry;
      ctx_name_ = w[2];
      ctx_seq_ = static_cast<uint32_t>(*seq);
      modelled(c);
      return;
    }
    ctx_ = Ctx::Skip;
    skipped(c);  // crypto pki, crypto isakmp keepalive/nat/identity, crypto ipsec df-bit, ...
  }

  bool parse_key_target(const Words& w, size_t i, PresharedKey& k) {
    if (i + 1 >= w.size()) return false;
    if (w[i] == "address") {
      auto a = ip(w[i + 1]);
      if (!a) return false;  // ipv6 keys are not modelled
      k.addr = *a;
      k.mask = 0xFFFFFFFFu;
      if (i + 2 < w.size())
        if (auto m = ip(w[i + 2])) k.mask = *m;
      return true;
    }
    if (w[i] == "hostname") { k.hostname = w[i + 1]; return true; }
    return false;
  }

  CryptoMapEntry* current_entry() {
    auto& maps = ctx_ == Ctx::DynEntry ? d_.dynamic_maps : d_.crypto_maps;
    auto it = maps.find(ctx_name_);
    if (it == maps.end()) return nullptr;
    for (auto& e : it->second.entries) if (e.seq == ctx_seq_) return &e;
    return nullptr;
  }

  void sub_command(const Cmd& c, const Words& w) {
    switch (ctx_) {
      case Ctx::None:
      case Ctx::Skip: skipped(c); return;
      case Ctx::Interface: return sub_interface(c, w);
      case Ctx::NamedAcl: return sub_named_acl(c, w);
      case Ctx::IsakmpPolicy: return sub_policy(c, w);
      case Ctx::Keyring: return sub_keyring(c, w);
      case Ctx::IsakmpProfile: return sub_profile(c, w);
      case Ctx::TransformSet: return sub_transform(c, w);
      case Ctx::MapEntry:
      case Ctx::DynEntry: return sub_entry(c, w);
      case Ctx::IpsecProfile: return sub_ipsec_profile(c, w);
      case Ctx::RouteMap: return sub_route_map(c, w);
      case Ctx::NetGroup: return sub_net_group(c, w);
      case Ctx::SvcGroup: return sub_svc_group(c, w);
    }
  }

  void sub_interface(const Cmd& c, const Words& w) {
    Interface& i = d_.interfaces[ctx_index_];
    i.lines.push_back(ref(c));
    auto sz = w.size();
    if (w[0] == "ip" && sz >= 2 && w[1] == "address") {
      if (sz >= 3 && (w[2] == "dhcp" || w[2] == "negotiated")) { i.dhcp = true; modelled(c); return; }
      if (sz < 4) { broken(c); return; }
      auto a = ip(w[2]), m = ip(w[3]);
      if (!a || !m) { broken(c); return; }
      InterfaceAddress x{*a, *m, sz >= 5 && w[4] == "secondary", ref(c)};
      if (!x.secondary) {
        auto it = std::find_if(i.addresses.begin(), i.addresses.end(), [](auto& y) { return !y.secondary; });
        if (it != i.addresses.end()) i.addresses.erase(it);
        i.addresses.insert(i.addresses.begin(), x);
      } else {
        i.addresses.push_back(x);
      }
      modelled(c);
      return;
    }
    if (w[0] == "no" && sz >= 3 && w[1] == "ip" && w[2] == "address") { i.addresses.clear(); modelled(c); return; }
    if (w[0] == "shutdown" && sz == 1) { i.shutdown = true; i.shutdown_src = ref(c); modelled(c); return; }
    if (w[0] == "no" && sz == 2 && w[1] == "shutdown") { i.shutdown = false; modelled(c); return; }
    if (w[0] == "crypto" && sz >= 3 && w[1] == "map") {
      i.crypto_map = w[2];
      i.crypto_map_src = ref(c);
      modelled(c);
      return;
    }
    if (w[0] == "ip" && sz >= 3 && w[1] == "nat" && (w[2] == "inside" || w[2] == "outside")) {
      i.nat = w[2] == "inside" ? NatSide::Inside : NatSide::Outside;
      i.nat_src = ref(c);
      modelled(c);
      return;
    }
    if ((w[0] == "vrf" && sz >= 3 && w[1] == "forwarding") ||
        (w[0] == "ip" && sz >= 4 && w[1] == "vrf" && w[2] == "forwarding")) {
      i.vrf = w[0] == "vrf" ? w[2] : w[3];
      modelled(c);
      return;
    }
    if (w[0] == "tunnel" && sz >= 3) {
      if (w[1] == "source") { i.tunnel_source = w[2]; modelled(c); return; }
      if (w[1] == "destination") {
        if (auto a = ip(w[2])) i.tunnel_destination = *a;
        modelled(c);
        return;
      }
      if (w[1] == "mode") {
        i.tunnel_mode.clear();
        for (size_t k = 2; k < sz; ++k) { if (k > 2) i.tunnel_mode += ' '; i.tunnel_mode += w[k]; }
        modelled(c);
        return;
      }
      if (w[1] == "protection" && sz >= 5 && w[2] == "ipsec" && w[3] == "profile") {
        i.tunnel_protection = w[4];
        i.tunnel_protection_src = ref(c);
        modelled(c);
        return;
      }
    }
    skipped(c);  // description, speed, duplex, mtu, ...
  }

  void sub_named_acl(const Cmd& c, const Words& w) {
    Acl& acl = d_.acls[ctx_name_];
    size_t i = 0;
    uint32_t seq = 0;
    if (auto s = to_u64(w[0])) { seq = static_cast<uint32_t>(*s); i = 1; }
    if (i >= w.size()) { broken(c); return; }
    if (w[i] == "remark") { acl.remarks.push_back(ref(c)); modelled(c); return; }
    if (w[i] == "evaluate" || w[i] == "dynamic" || w[0] == "no") { skipped(c); return; }
    auto ace = parse_ace(w, i, acl.standard);
    if (!ace) { broken(c); return; }
    ace->src = ref(c);
    if (seq) {
      ace->seq = seq;
      auto pos = std::find_if(acl.aces.begin(), acl.aces.end(), [&](auto& x) { return x.seq > seq; });
      acl.aces.insert(pos, std::move(*ace));
    } else {
      add_ace(acl, std::move(*ace));
    }
    modelled(c);
  }

  void sub_policy(const Cmd& c, const Words& w) {
    IsakmpPolicy& p = d_.isakmp_policies[ctx_index_];
    p.lines.push_back(ref(c));
    IkePolicy& x = p.policy;
    auto sz = w.size();
    if ((w[0] == "encr" || w[0] == "encryption") && sz >= 2) {
      if (w[1] != "des" && w[1] != "3des" && w[1] != "aes") { broken(c); return; }
      x.encryption = w[1];
      x.key_bits = 0;
      if (w[1] == "aes" && sz >= 3) {
        auto b = to_u64(w[2]);
        if (!b || (*b != 128 && *b != 192 && *b != 256)) { broken(c); return; }
        x.key_bits = *b == 128 ? 0 : static_cast<int>(*b);
      }
      modelled(c);
      return;
    }
    if (w[0] == "hash" && sz == 2) {
      if (w[1] != "sha" && w[1] != "md5" && w[1] != "sha256" && w[1] != "sha384" && w[1] != "sha512") { broken(c); return; }
      x.hash = w[1];
      modelled(c);
      return;
    }
    if ((w[0] == "authentication" || w[0] == "auth") && sz == 2) {
      if (w[1] != "pre-share" && w[1] != "rsa-sig" && w[1] != "rsa-encr") { broken(c); return; }
      x.auth = w[1];
      modelled(c);
      return;
    }
    if (w[0] == "group" && sz == 2) {
      auto g = to_u64(w[1]);
      if (!g) { broken(c); return; }
      x.group = static_cast<int>(*g);
      modelled(c);
      return;
    }
    if (w[0] == "lifetime" && sz == 2) {
      auto l = to_u64(w[1]);
      if (!l) { broken(c); return; }
      x.lifetime = static_cast<int>(*l);
      modelled(c);
      return;
    }
    broken(c);
  }

  void sub_keyring(const Cmd& c, const Words& w) {
    Keyring& kr = d_.keyrings[ctx_name_];
    if (w[0] == "pre-shared-key" && w.size() >= 3) {
      // pre-shared-key address IP [MASK] key [0|6|7] KEY | hostname H key KEY
      PresharedKey k;
      k.keyring = kr.name;
      k.src = ref(c);
      auto kpos = std::find(w.begin(), w.end(), "key");
      if (kpos == w.end() || kpos + 1 == w.end()) { broken(c); return; }
      Words target(w.begin() + 1, kpos);
      if (!parse_key_target(target, 0, k)) { broken(c); return; }
      auto s = kpos + 1;
      if ((*s == "0" || *s == "6" || *s == "7") && s + 1 != w.end()) { k.type = (*s)[0] - '0'; ++s; }
      k.secret = *s;
      d_.keys.push_back(std::move(k));
      modelled(c);
      return;
    }
    if (w[0] == "local-address" && w.size() >= 2) {
      kr.local_address = w[1];
      modelled(c);
      return;
    }
    if (w[0] == "description") { modelled(c); return; }
    skipped(c);
  }

  void sub_profile(const Cmd& c, const Words& w) {
    IsakmpProfile& p = d_.isakmp_profiles[ctx_name_];
    p.lines.push_back(ref(c));
    auto sz = w.size();
    if (w[0] == "keyring" && sz >= 2) { p.keyrings.emplace_back(w[1]); modelled(c); return; }
    if (w[0] == "match" && sz >= 4 && w[1] == "identity" && w[2] == "address") {
      IsakmpProfile::Identity id;
      auto a = ip(w[3]);
      if (!a) { broken(c); return; }
      id.addr = *a;
      size_t i = 4;
      if (i < sz) if (auto m = ip(w[i])) { id.mask = *m; ++i; }
      if (i < sz) id.vrf = w[i];
      id.src = ref(c);
      p.match_identities.push_back(std::move(id));
      modelled(c);
      return;
    }
    if (w[0] == "local-address" && sz >= 2) { p.local_address = w[1]; modelled(c); return; }
    if (w[0] == "vrf" && sz >= 2) { p.vrf = w[1]; modelled(c); return; }
    skipped(c);  // keepalive, self-identity, match identity host/user, initiate-mode, ...
  }

  void sub_transform(const Cmd& c, const Words& w) {
    TransformSet& t = d_.transform_sets[ctx_name_];
    if (w[0] == "mode" && w.size() >= 2 && (w[1] == "tunnel" || w[1] == "transport")) {
      t.transform.transport = w[1] == "transport";
      t.mode_src = ref(c);
      modelled(c);
      return;
    }
    broken(c);
  }

  bool parse_lifetime(const Words& w, size_t i, std::optional<uint64_t>& sec, std::optional<uint64_t>& kb) {
    // ... lifetime seconds N | kilobytes N | kilobytes disable | days N
    if (i + 1 >= w.size()) return false;
    if (w[i + 1] == "disable") return true;
    auto v = to_u64(w[i + 1]);
    if (!v) return false;
    if (w[i] == "seconds") sec = *v;
    else if (w[i] == "kilobytes") kb = *v;
    else if (w[i] == "days") sec = *v * 86400;
    else return false;
    return true;
  }

  static int pfs_group(const Words& w, size_t i) {
    if (i >= w.size()) return 1;  // `set pfs` alone = group1 (reference §1.3.5)
    std::string_view g = w[i];
    if (g.rfind("group", 0) == 0) {
      auto v = to_u64(std::string_view(g).substr(5));
      return v ? static_cast<int>(*v) : -1;
    }
    return -1;
  }

  void sub_entry(const Cmd& c, const Words& w) {
    CryptoMapEntry* e = current_entry();
    if (!e) { skipped(c); return; }
    e->lines.push_back(ref(c));
    auto sz = w.size();
    if (w[0] == "match" && sz >= 3 && w[1] == "address") {
      e->acl = w[2];
      e->acl_src = ref(c);
      modelled(c);
      return;
    }
    if (w[0] == "set" && sz >= 3 && w[1] == "peer") {
      PeerAddr p;
      p.src = ref(c);
      if (auto a = ip(w[2])) p.addr = *a;
      else if (std::isalpha(static_cast<unsigned char>(w[2][0]))) p.hostname = w[2];
      else { broken(c); return; }
      p.is_default = sz >= 4 && w[3] == "default";
      e->peers.push_back(std::move(p));
      modelled(c);
      return;
    }
    if (w[0] == "set" && sz >= 3 && w[1] == "transform-set") {
      for (size_t i = 2; i < sz; ++i)
        if (std::find(e->transform_sets.begin(), e->transform_sets.end(), w[i]) == e->transform_sets.end())
          e->transform_sets.emplace_back(w[i]);
      e->transform_srcs.push_back(ref(c));
      modelled(c);
      return;
    }
    if (w[0] == "set" && sz >= 2 && w[1] == "pfs") {
      int g = pfs_group(w, 2);
      if (g < 0) { broken(c); return; }
      e->pfs_group = g;
      e->pfs_src = ref(c);
      modelled(c);
      return;
    }
    if (w[0] == "set" && sz >= 4 && w[1] == "security-association" && w[2] == "lifetime") {
      if (!parse_lifetime(w, 3, e->lifetime_seconds, e->lifetime_kb)) { broken(c); return; }
      e->lifetime_src = ref(c);
      modelled(c);
      return;
    }
    if (w[0] == "set" && sz >= 3 && w[1] == "isakmp-profile") {
      e->isakmp_profile = w[2];
      e->isakmp_profile_src = ref(c);
      modelled(c);
      return;
    }
    if (w[0] == "reverse-route") { e->reverse_route = true; modelled(c); return; }
    if (w[0] == "description") {
      e->description = std::string(trim(c.text.substr(std::min(c.text.size(), size_t{11}))));
      modelled(c);
      return;
    }
    if (w[0] == "set" || w[0] == "qos" || w[0] == "no") { skipped(c); return; }
    broken(c);
  }

  void sub_ipsec_profile(const Cmd& c, const Words& w) {
    IpsecProfile& p = d_.ipsec_profiles[ctx_name_];
    p.lines.push_back(ref(c));
    auto sz = w.size();
    if (w[0] == "set" && sz >= 3 && w[1] == "transform-set") {
      for (size_t i = 2; i < sz; ++i) p.transform_sets.emplace_back(w[i]);
      modelled(c);
      return;
    }
    if (w[0] == "set" && sz >= 2 && w[1] == "pfs") {
      int g = pfs_group(w, 2);
      if (g < 0) { broken(c); return; }
      p.pfs_group = g;
      modelled(c);
      return;
    }
    if (w[0] == "set" && sz >= 3 && w[1] == "isakmp-profile") { p.isakmp_profile = w[2]; modelled(c); return; }
    if (w[0] == "set" && sz >= 4 && w[1] == "security-association" && w[2] == "lifetime") {
      if (!parse_lifetime(w, 3, p.lifetime_seconds, p.lifetime_kb)) { broken(c); return; }
      modelled(c);
      return;
    }
    skipped(c);
  }

  void sub_route_map(const Cmd& c, const Words& w) {
    RouteMapEntry& e = d_.route_maps[ctx_index_];
    if (w[0] == "match" && w.size() >= 4 && w[1] == "ip" && w[2] == "address" && w[3] != "prefix-list") {
      for (size_t i = 3; i < w.size(); ++i) e.match_acls.emplace_back(w[i]);
      e.match_src = ref(c);
      modelled(c);
      return;
    }
    skipped(c);
  }

  void sub_net_group(const Cmd& c, const Words& w) {
    auto& g = d_.network_groups[ctx_name_];
    if (w[0] == "host" && w.size() == 2) {
      if (auto a = ip(w[1])) { g.push_back(AddrMatch::host(*a)); modelled(c); return; }
    } else if (w[0] == "any") {
      g.push_back(AddrMatch::any());
      modelled(c);
      return;
    } else if (w[0] == "range" && w.size() == 3) {
      auto a = ip(w[1]), b = ip(w[2]);
      if (a && b && *a <= *b) {
        // Split [a, b] into aligned prefixes.
        uint64_t lo = *a, hi = *b;
        while (lo <= hi) {
          int len = 32;
          while (len > 0) {
            uint64_t size = 1ull << (32 - (len - 1));
            if (lo % size != 0 || lo + size - 1 > hi) break;
            --len;
          }
          g.push_back(AddrMatch::prefix(static_cast<uint32_t>(lo), len));
          lo += 1ull << (32 - len);
        }
        modelled(c);
        return;
      }
    } else if (w[0] == "group-object" && w.size() == 2) {
      auto it = d_.network_groups.find(w[1]);
      if (it != d_.network_groups.end()) {
        auto copy = it->second;
        g.insert(g.end(), copy.begin(), copy.end());
        modelled(c);
        return;
      }
    } else if (w[0] == "description") {
      modelled(c);
      return;
    } else if (w.size() == 2) {
      auto a = ip(w[0]), m = ip(w[1]);  // network + netmask (not wildcard) in object groups
      if (a && m && mask_prefix_len(*m) >= 0) { g.push_back(AddrMatch::prefix(*a, mask_prefix_len(*m))); modelled(c); return; }
    } else if (w.size() == 1 && w[0].find('/') != std::string::npos) {
      auto pos = w[0].find('/');
      auto a = ip(w[0].substr(0, pos));
      auto len = to_u64(std::string_view(w[0]).substr(pos + 1));
      if (a && len && *len <= 32) { g.push_back(AddrMatch::prefix(*a, static_cast<int>(*len))); modelled(c); return; }
    }
    broken(c);
  }

  void sub_svc_group(const Cmd& c, const Words& w) {
    auto& g = d_.service_groups[ctx_name_];
    if (w[0] == "description") { modelled(c); return; }
    if (w[0] == "group-object" && w.size() == 2) {
      auto it = d_.service_groups.find(w[1]);
      if (it == d_.service_groups.end()) { broken(c); return; }
      auto copy = it->second;
      g.insert(g.end(), copy.begin(), copy.end());
      modelled(c);
      return;
    }
    std::vector<int> protos;
    if (w[0] == "tcp-udp") protos = {6, 17};
    else if (int p = protocol_number(w[0]); p >= 0) protos = {p};
    else { broken(c); return; }
    for (int p : protos) {
      Region r;
      if (p != 0) r.proto = IntervalSet::one(static_cast<uint32_t>(p));
      size_t i = 1;
      bool source = i < w.size() && w[i] == "source";
      if (source) ++i;
      if (p == 6 || p == 17 || p == 132) {
        IntervalSet s = IntervalSet::all(kMaxPort);
        if (!parse_ports(w, i, p == 132 ? 6 : p, s)) { broken(c); return; }
        (source ? r.sport : r.dport) = s;
      } else if (p == 1 && i < w.size()) {
        int t = icmp_type(w[i]);
        if (t < 0) if (auto v = to_u64(w[i]); v && *v <= 255) t = static_cast<int>(*v);
        if (t < 0) { broken(c); return; }
        r.dport = IntervalSet::range(static_cast<uint32_t>(t) << 8, static_cast<uint32_t>(t) << 8 | 255);
        ++i;
      }
      if (i != w.size()) { broken(c); return; }
      g.push_back(std::move(r));
    }
    modelled(c);
  }

  void finish() {
    // (Sorted only when out of order: std::stable_sort moves even one element through a heap
    // buffer, ~1.8 k instructions a config - and configs are nearly always written in order.)
    auto by_seq = [](auto& a, auto& b) { return a.seq < b.seq; };
    for (auto* maps : {&d_.crypto_maps, &d_.dynamic_maps})
      for (auto& [n, m] : *maps)
        if (!std::is_sorted(m.entries.begin(), m.entries.end(), by_seq))
          std::stable_sort(m.entries.begin(), m.entries.end(), by_seq);
    auto by_priority = [](auto& a, auto& b) { return a.policy.priority < b.policy.priority; };
    if (!std::is_sorted(d_.isakmp_policies.begin(), d_.isakmp_policies.end(), by_priority))
      std::stable_sort(d_.isakmp_policies.begin(), d_.isakmp_policies.end(), by_priority);
    if (d_.hostname.empty()) d_.hostname = !prompt_host_.empty() ? prompt_host_ : in_->device;
    d_.excerpt = d_.transcript || (d_.hostname_src.line == 0 && d_.interfaces.empty());
  }
};

}  // namespace

DeviceConfig parse_config(const TextSection& section) { return Parser(section).run(); }

}  // namespace ipsecdoc
