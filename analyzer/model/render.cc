// Debug-line rendering per release. Formats: reference §5.2 (prefixes, key-engine blocks),
// §2.2 (failure lines per step), seed chapter Examples 19-10..19-16 (12.x).
#include "model/render.h"

#include <charconv>
#include <iterator>

#include <fmt/compile.h>
#include <fmt/format.h>

namespace ipsecdoc::model {
namespace {

using Lines = std::vector<std::string>;

int ike_id(Dialect d, int conn) { return d == Dialect::Ios12 || conn <= 0 ? conn : 1000 + conn; }

// ISAKMP head per release: 12.x "ISAKMP (0:N): ", 15.x "ISAKMP:(N):", XE "ISAKMP: (N):" with
// -ERROR / -PAK levels. `sp` adds the space some messages have after the header.
void append_int(std::string& s, int v) {
  char b[16];
  auto [end, ec] = std::to_chars(b, b + sizeof b, v);
  s.append(b, static_cast<size_t>(end - b));
}

// (Appends, no fmt: every ISAKMP record of a replay's log goes through here.)
std::string isakmp(Dialect d, int conn, std::string_view body, std::string_view level = "", bool sp = false) {
  std::string s;
  s.reserve(24 + body.size());
  s += "ISAKMP";
  if (d == Dialect::IosXe && !level.empty()) { s += '-'; s += level; }
  if (conn < 0) {
    s += ": ";
  } else if (d == Dialect::Ios12) {
    s += " (0:";
    append_int(s, conn);
    s += "): ";
  } else if (d == Dialect::Ios15) {
    s += ":(";
    append_int(s, ike_id(d, conn));
    s += "):";
    if (sp) s += ' ';
  } else {
    s += ": (";
    append_int(s, ike_id(d, conn));
    s += "):";  // XE: no space after the header (S23, S24)
  }
  s += body;
  return s;
}

std::string attr(std::string_view body) {
  std::string s = "ISAKMP:      ";
  s += body;
  return s;
}

// "192.168.2.0/255.255.255.0/0/0 (type=4)"; XE prints protocol 256 for "any" and no type.
std::string proxy_text(Dialect d, std::string_view ios) {
  auto p = parse_proxy(ios);
  if (!p) return std::string(ios);
  std::string s;
  append_ipv4(s, p->addr);
  s += '/';
  append_ipv4(s, p->mask);
  if (d == Dialect::IosXe) {
    fmt::format_to(std::back_inserter(s), "/{}/{}", p->proto ? p->proto : 256, p->port);
    return s;
  }
  fmt::format_to(std::back_inserter(s), "/{}/{} (type={})", p->proto, p->port, p->is_host() ? 1 : 4);
  return s;
}

std::string addr_text(Dialect d, std::string_view a) {
  return d == Dialect::IosXe ? fmt::format("{}:0", a) : std::string(a);
}

uint32_t spi_value(std::string_view hex) {
  if (hex.substr(0, 2) == "0x") hex.remove_prefix(2);
  return static_cast<uint32_t>(std::stoul(std::string(hex), nullptr, 16));
}

std::string spi_text(std::string_view hex) {
  uint32_t v = spi_value(hex);
  return fmt::format("0x{:X}({})", v, v);
}

int keysize(std::string_view transform) {
  auto t = parse_transform(transform);
  if (!t) return 0;
  if (t->esp_enc == "esp-aes" || t->esp_enc == "esp-gcm" || t->esp_enc == "esp-gmac") return t->effective_key_bits();
  return 0;
}

std::string vpi(uint64_t v) {
  return fmt::format("0x{:X} 0x{:X} 0x{:X} 0x{:X}", (v >> 24) & 0xFF, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF);
}

// A key-engine message block: validate_proposal_request, sa_request, initialize_sas.
Lines key_eng(Dialect d, std::string head, const Event& e, const char* dir, std::string_view flags) {
  std::string_view t = e.get("transform");
  std::string mode = e.get("mode") == "transport" ? "(Transport)" : "(Tunnel)";
  Lines l{std::move(head)};
  l.push_back(fmt::format(FMT_COMPILE("  (key eng. msg.) {} local= {}, remote= {},"), dir,
                              addr_text(d, e.get("local")), addr_text(d, e.get("remote"))));
  l.push_back(fmt::format(FMT_COMPILE("    local_proxy= {},"), proxy_text(d, e.get("local_proxy"))));
  l.push_back(fmt::format(FMT_COMPILE("    remote_proxy= {},"), proxy_text(d, e.get("remote_proxy"))));
  l.push_back(fmt::format(FMT_COMPILE("    protocol= {}, transform= {} {},"), e.get("protocol"), t, mode));
  l.push_back(fmt::format(FMT_COMPILE("    lifedur= {},"), e.get("lifedur")));
  std::string spi = e.has("spi") ? spi_text(e.get("spi")) : "0x0(0)";
  l.push_back(fmt::format("    spi= {}, conn_id= 0, keysize= {}, flags= {}", spi, keysize(t), flags));
  return l;
}

}  // namespace

std::string_view dialect_name(Dialect d) {
  switch (d) {
    case Dialect::Ios12: return "12.x";
    case Dialect::Ios15: return "15.x";
    case Dialect::IosXe: return "IOS-XE";
  }
  return "?";
}

char event_facility(EventKind k) {
  switch (k) {
    case EventKind::SaRequest: case EventKind::ProposalRequest: case EventKind::ProxyMatch:
    case EventKind::MapAccepted: case EventKind::MapFound: case EventKind::SpiAllocated:
    case EventKind::InitializeSas: case EventKind::CreateSa: case EventKind::EnableOutbound:
    case EventKind::TransformNotSupported: case EventKind::ProxyNotSupported: case EventKind::MapDbNoMatch:
    case EventKind::InvalidLocalAddress: case EventKind::PeerNotFound: case EventKind::KeyEngine:
    case EventKind::IpsecInternal: case EventKind::InvalidProxyIds:
      return 'i';
    case EventKind::SanityFail: case EventKind::ModeFailure: case EventKind::NoSa: case EventKind::SaNotAuth:
    case EventKind::SaNotOffered: case EventKind::InvIdentity: case EventKind::PktNotIpsec:
    case EventKind::PktInvSpi: case EventKind::ReplayError: case EventKind::CryptoSyslog:
      return 's';
    default:
      return 'k';
  }
}

std::vector<std::string> render_event(const TraceEvent& te, Dialect d) {
  if (!te.printed_by(d)) return {};
  const Event& e = te.event;
  const int c = e.conn_id;
  const bool x = d == Dialect::IosXe, v12 = d == Dialect::Ios12;
  auto g = [&](std::string_view k) { return e.get(k); };
  switch (e.kind) {
    // ---- Main Mode ----
    case EventKind::MmBegin: return {isakmp(d, c, "beginning Main Mode exchange", "", true)};
    case EventKind::AggrFallback: return {isakmp(d, c, "Can not start Aggressive mode, trying Main mode.")};
    case EventKind::PacketSent:
      return {isakmp(d, c, fmt::format(FMT_COMPILE("sending packet to {} my_port {} peer_port {} ({}) {}"), g("peer"),
                                        g("my_port"), g("peer_port"), g("role"), g("state")), "PAK", true)};
    case EventKind::PacketReceived:
      return {isakmp(d, c, fmt::format(FMT_COMPILE("received packet from {} dport {} sport {} {} ({}) {}"), g("peer"),
                                        g("dport"), g("sport"), g("vrf"), g("role"), g("state")), "PAK", !x)};
    case EventKind::P1PolicyCheck:
      return {isakmp(d, c, fmt::format(FMT_COMPILE("Checking ISAKMP transform {} against priority {} policy"), g("transform_no"),
                                        g("priority")))};
    case EventKind::P1Attribute: {
      if (e.has("encryption")) return {attr(fmt::format("encryption {}", g("encryption")))};
      if (e.has("keylength")) return {attr(fmt::format("keylength of {}", g("keylength")))};
      if (e.has("hash")) return {attr(fmt::format("hash {}", g("hash")))};
      if (e.has("group")) return {attr(fmt::format("default group {}", g("group")))};
      if (e.has("auth")) return {attr(fmt::format("auth {}", g("auth")))};
      if (g("_attr") == "life-type") return {attr("life type in seconds")};
      return {attr(fmt::format("life duration (VPI) of  {}", vpi(std::stoull(std::string(g("_value"))))))};
    }
    case EventKind::P1AttrMismatch: {
      std::string_view a = g("attr");
      if (a == "Proposed key length") return {isakmp(d, c, "Proposed key length does not match policy")};
      if (a == "Preshared authentication") return {isakmp(d, c, "Preshared authentication offered but does not match policy!")};
      return {isakmp(d, c, fmt::format("{} offered does not match policy!", a))};
    }
    case EventKind::P1AttsNotAcceptable: return {isakmp(d, c, fmt::format("atts are not acceptable. Next payload is {}", g("next")))};
    case EventKind::AttsAcceptable:
      return {isakmp(d, c, g("_phase") == "1" ? "atts are acceptable. Next payload is 0" : "atts are acceptable.")};
    case EventKind::P1NoOffers: return {isakmp(d, c, "no offers accepted!")};
    case EventKind::P1PolicyNotAcceptable:
      return {isakmp(d, c, fmt::format("phase 1 SA policy not acceptable! (local {} remote {})", g("local"), g("remote")), "ERROR", true)};
    case EventKind::PskLookup: return {isakmp(d, c, fmt::format("found peer pre-shared key matching {}", g("peer")))};
    case EventKind::PskNotFound:
      if (v12) return {isakmp(d, -1, fmt::format("No cert, and no keys (public or pre-shared) with remote peer {}", g("peer")))};
      return {isakmp(d, c, fmt::format("No pre-shared key with {}!", g("peer")), "ERROR")};
    case EventKind::StartMmFailed: return {isakmp(d, c, "construct_initial_message: Can not start Main mode", "ERROR")};
    case EventKind::P1Retransmit: return {isakmp(d, c, fmt::format("retransmitting phase 1 {}...", g("state")), "", true)};
    case EventKind::P1RetransmitGiveUp:
      return {isakmp(d, c, fmt::format("deleting SA reason \"Death by retransmission P1\" state (I) {} (peer {})",
                                       g("_state"), g("_peer")))};
    case EventKind::IdType:
      return {isakmp(d, c, fmt::format("SA is doing pre-shared key authentication using id type {}", g("id_type")), "", true)};
    case EventKind::P1Authenticated: return {isakmp(d, c, fmt::format("SA has been authenticated with {}", g("peer")))};
    case EventKind::P1Complete: return {isakmp(d, c, fmt::format("Old State = {}  New State = IKE_P1_COMPLETE", g("old")))};
    // ---- Quick Mode, ISAKMP side ----
    case EventKind::QmBegin: return {isakmp(d, c, fmt::format("beginning Quick Mode exchange, M-ID of {}", g("mid")))};
    case EventKind::P2ProposalCheck: return {isakmp(d, c, fmt::format("Checking IPSec proposal {}", g("proposal")))};
    case EventKind::P2Attribute: {
      if (e.has("esp_id")) return {attr(fmt::format("transform {}, {}", g("transform_no"), g("esp_id")))};
      if (e.has("encaps")) return {attr(fmt::format("encaps is {} ({})", g("encaps"), g("encaps") == "2" ? "Transport" : "Tunnel"))};
      if (e.has("auth")) return {attr(fmt::format("authenticator is {}", g("auth")))};
      if (e.has("key_length")) return {attr(fmt::format("key length is {}", g("key_length")))};
      std::string_view a = g("_attr");
      if (a == "attributes") return {"ISAKMP:   attributes in transform:"};
      if (a == "life-type-s") return {attr("SA life type in seconds")};
      if (a == "life-type-kb") return {attr("SA life type in kilobytes")};
      if (a == "life-dur-s") return {attr(fmt::format("SA life duration (basic) of {}", g("_value")))};
      return {attr(fmt::format("SA life duration (VPI) of  {}", vpi(std::stoull(std::string(g("_value"))))))};
    }
    case EventKind::PfsGroup: return {attr(fmt::format("group is {}", g("group")))};
    case EventKind::AttsNotAcceptable: return {isakmp(d, c, fmt::format("atts not acceptable. Next payload is {}", g("next")))};
    case EventKind::SaNotAcceptable: return {isakmp(d, c, "SA not acceptable!")};
    case EventKind::P2PolicyNotAcceptable:
      return {isakmp(d, c, fmt::format("phase 2 SA policy not acceptable! (local {} remote {})", g("local"), g("remote")), "ERROR", true)};
    case EventKind::PolicyInvalidated:
      if (v12) return {isakmp(d, c, "IPsec policy invalidated proposal")};
      if (e.has("error")) return {isakmp(d, c, fmt::format("IPSec policy invalidated proposal with error {}", g("error")), "ERROR", true)};
      return {isakmp(d, c, "IPSec policy invalidated proposal", "ERROR", true)};
    case EventKind::ProposalNotChosenSent:
      return {isakmp(d, c, fmt::format("{} NOTIFY PROPOSAL_NOT_CHOSEN protocol {}", v12 ? "sending" : "Sending", g("protocol")))};
    case EventKind::ProposalNotChosenRecv:
      return {isakmp(d, c, fmt::format("processing NOTIFY PROPOSAL_NOT_CHOSEN protocol {}", g("protocol")), "", true)};
    case EventKind::DeleteNode:
      return {isakmp(d, c, fmt::format("deleting node {} error {} reason \"{}\"", g("node"), g("error"), g("reason")))};
    case EventKind::QmComplete: return {isakmp(d, c, fmt::format("Old State = {}  New State = IKE_QM_PHASE2_COMPLETE", g("old")))};
    case EventKind::SaInstalled:
      return {isakmp(d, c, fmt::format("Successfully installed IPSEC SA (SPI:{}) on {}", g("spi"), g("interface")))};
    // ---- IPsec ----
    case EventKind::SaRequest: return key_eng(d, "IPSEC(sa_request): ,", e, "OUTBOUND", "0x0");
    case EventKind::ProposalRequest:
      return key_eng(d, fmt::format("IPSEC(validate_proposal_request): proposal part #{},", g("part")), e, "INBOUND",
                     v12 ? "0x2" : "0x0");
    case EventKind::InitializeSas: {
      bool in = g("direction") == "INBOUND";
      return key_eng(d, "IPSEC(initialize_sas): ,", e, in ? "INBOUND" : "OUTBOUND", in ? "0x2" : "0xA");
    }
    case EventKind::ProxyMatch:
      return {"Crypto mapdb : proxy_match", fmt::format("  src addr      : {}", g("src")),
              fmt::format("  dst addr      : {}", g("dst")), fmt::format("  protocol      : {}", g("proto")),
              fmt::format("  src port      : {}", g("sport")), fmt::format("  dst port      : {}", g("dport"))};
    case EventKind::MapAccepted: return {fmt::format("(ipsec_process_proposal)Map Accepted: {}, {}", g("map"), g("seq"))};
    case EventKind::MapFound: return {fmt::format("IPSEC(crypto_ipsec_create_ipsec_sas): Map found {}, {}", g("map"), g("seq"))};
    case EventKind::KeyEngine:
      return {x ? fmt::format("IPSEC(key_engine): got a queue event with {} KMI message(s)", g("count"))
                : fmt::format("IPSEC(key_engine): got a queue event with {} kei messages", g("count"))};
    case EventKind::SpiAllocated:
      return {fmt::format("IPSEC(spi_response): getting spi {} for SA", spi_value(g("spi"))),
              fmt::format("  from {} to {} for prot 3", g("local"), g("remote"))};
    case EventKind::CreateSa: {
      Lines l{"IPSEC(create_sa): sa created,", fmt::format("  (sa) sa_dest= {}, {}= {},", g("sa_dest"), v12 ? "sa_proto" : "sa_proto", g("sa_proto")),
              fmt::format("  sa_spi= {},", spi_text(g("spi"))),
              fmt::format("  sa_trans= {} , sa_conn_id= {}", g("transform"), g("conn_id"))};
      if (x) l.push_back(fmt::format("  sa_lifetime(k/sec)= ({}),", g("_lifetime")));
      return l;
    }
    case EventKind::EnableOutbound:
      if (e.has("spi")) return {fmt::format("IPSEC(key_engine_enable_outbound): enable SA with spi {}/{}", spi_value(g("spi")), g("sa_proto"))};
      return {"IPSEC(key_engine_enable_outbound): rec'd enable notify", "  from ISAKMP"};
    case EventKind::IpsecInternal: {
      std::string_view w = g("_which");
      if (w == "find_ident_head")
        return {"IPSEC(crypto_ipsec_sa_find_ident_head): reconnecting with the", fmt::format("  same proxies and {}", g("_peer"))};
      if (w == "flow_switching") return {"IPSEC: Flow_switching Allocated flow for sibling 80000003"};
      return {fmt::format("IPSEC(policy_db_add_ident): src {}, dest {},", g("_src"), g("_dst")), fmt::format("  dest_port {}", g("_dport"))};
    }
    case EventKind::TransformNotSupported: {
      if (!v12) return {fmt::format("IPSEC(ipsec_process_proposal): transform proposal not supported for identity: {{{} }}", g("transform"))};
      auto t = parse_transform(g("transform"));
      int trans = t ? esp_keyword_id(t->esp_enc) : 0;
      int hmac = t && !t->esp_auth.empty() ? auth_keyword_attr(t->esp_auth) : 0;
      return {"IPSEC(validate_proposal): transform proposal", fmt::format("  (port 3, trans {}, hmac_alg {}) not supported", trans, hmac)};
    }
    case EventKind::ProxyNotSupported:
      return {v12 ? "IPSEC(validate_transform_proposal): proxy identities not supported"
                  : "IPSEC(ipsec_process_proposal): proxy identities not supported"};
    case EventKind::MapDbNoMatch: return {"IPSEC(map_db_find_best): map_db_find_best did not find matching map"};
    case EventKind::InvalidLocalAddress: return {fmt::format("IPSEC(validate_proposal): invalid local address {}", g("address"))};
    case EventKind::PeerNotFound:
      return {fmt::format("IPSEC(validate_transform_proposal): peer address {} not found", g("address"))};
    // ---- syslog ----
    case EventKind::SanityFail:
      return {fmt::format("%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from {} failed its sanity check or is malformed", g("peer"))};
    case EventKind::ModeFailure:
      return {fmt::format("%CRYPTO-6-IKMP_MODE_FAILURE: Processing of {} {} failed with peer at {}", g("mode"),
                          g("mode") == "Main" ? "Mode" : "mode", g("peer"))};
    default:
      return {};
  }
}

std::vector<std::string> render(const ReplayResult& r, const std::string& device, Dialect d, const RenderOptions& opt) {
  std::vector<std::string> out;
  for (size_t i = 0; i < r.trace.size(); ++i) {
    const TraceEvent& te = r.trace[i];
    if (te.device != device) continue;
    char f = event_facility(te.event.kind);
    if ((f == 'k' && !opt.isakmp) || (f == 'i' && !opt.ipsec) || (f == 's' && !opt.syslog)) continue;
    Lines rec = render_event(te, d);
    if (rec.empty()) continue;
    if (opt.timestamps) {
      uint64_t ms = 1000 + i * 4;
      rec[0] = fmt::format("*Mar  1 {:02}:{:02}:{:02}.{:03}: {}", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000, rec[0]);
    }
    for (auto& l : rec) out.push_back(std::move(l));
  }
  return out;
}

}  // namespace ipsecdoc::model
