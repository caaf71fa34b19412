// Helpers shared by the device checks (lint.cc) and the peer checks (peer_checks.cc).
#pragma once
#include <string>
#include <vector>

#include "lint/lint.h"

namespace ipsecdoc::lintutil {

inline Evidence ev(const DeviceConfig& d, const ConfigRef& r) { return Evidence{d.path, r.line, r.text}; }
inline void add_ev(Finding& f, const DeviceConfig& d, const ConfigRef& r) {
  if (!r.present()) return;
  for (auto& e : f.evidence) if (e.path == d.path && e.line == r.line) return;
  f.evidence.push_back(ev(d, r));
}

Finding make(std::string_view rule, Severity sev, const DeviceConfig& d, std::string peer, std::string message);

// The ACE as a line of a named-ACL section, with its sequence number: " 20 permit ip ...".
std::string seq_line(const Ace& a, size_t region = 0);
// ACE text with the given action (for NAT deny lines, mirrored lines...).
std::string ace_text(const Region& r, bool permit);
// Header to edit an ACL by sequence number (works for numbered lists too on 12.3+).
std::string acl_header(const Acl& a);
// Commands re-creating a crypto map entry under a new sequence number.
std::vector<std::string> recreate_entry(const CryptoMapEntry& e, uint32_t new_seq);
// The IKE local address a device uses for a map towards `peer` (0 when unknown).
uint32_t local_address_for(const DeviceConfig& d, const std::string& map, uint32_t peer);
// Static map entries that name `peer` (in seq order) and dynamic-map entries reachable from the map.
std::vector<const CryptoMapEntry*> entries_for_peer(const DeviceConfig& d, const CryptoMap& m, uint32_t peer);
std::vector<const CryptoMapEntry*> dynamic_entries(const DeviceConfig& d, const CryptoMap& m);
bool auth_uses_psk(const DeviceConfig& d);

}  // namespace ipsecdoc::lintutil

namespace ipsecdoc {
// Peer checks (peer_checks.cc): fills result.pairs and appends findings.
void lint_peers(LintResult& result);
}  // namespace ipsecdoc
