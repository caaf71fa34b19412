// The IOS configuration model: what a running/startup config (whole, excerpt, or a pasted
// config-mode transcript) says about IPsec crypto maps and the things they depend on.
//
// Every modelled object keeps its source line(s) (ConfigRef) so findings can cite them.
// Secrets (pre-shared keys) are stored for comparison only; nothing in this model prints them:
// ConfigRef::text of a key line has the secret replaced by "<redacted>".
//
// Stable API: the IKEv1 reference model (analyzer/model) builds on this header.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/acl.h"
#include "core/source_line.h"
#include "core/transform.h"

namespace ipsecdoc {

struct InterfaceAddress {
  uint32_t addr = 0;
  uint32_t mask = 0;
  bool secondary = false;
  ConfigRef src;
};

enum class NatSide { None, Inside, Outside };

struct Interface {
  std::string name;                 // as written ("GigabitEthernet0/0", "Loopback0")
  ConfigRef src;                    // the `interface` line
  std::vector<InterfaceAddress> addresses;  // primary first
  bool dhcp = false;                // ip address dhcp / negotiated: address unknown
  bool shutdown = false;
  ConfigRef shutdown_src;
  std::string crypto_map;           // `crypto map NAME` applied here
  ConfigRef crypto_map_src;
  NatSide nat = NatSide::None;
  ConfigRef nat_src;
  std::string vrf;                  // vrf forwarding / ip vrf forwarding
  // Tunnel interfaces (route-based IPsec, noted for pairing; not a crypto map)
  std::string tunnel_source;        // interface name or address text
  std::optional<uint32_t> tunnel_destination;
  std::string tunnel_mode;          // "ipsec ipv4", "gre ip", ...
  std::string tunnel_protection;    // ipsec profile name
  ConfigRef tunnel_protection_src;
  std::vector<ConfigRef> lines;     // sub-commands as read

  std::optional<uint32_t> primary_address() const;
  bool has_address(uint32_t a) const;
  bool is_tunnel() const { return tunnel_destination.has_value() || !tunnel_source.empty(); }
};

struct IsakmpPolicy {
  IkePolicy policy;                 // IOS defaults for anything not set
  ConfigRef src;
  std::vector<ConfigRef> lines;
};

// A pre-shared key: global `crypto isakmp key` (keyring "") or `pre-shared-key` in a keyring.
struct PresharedKey {
  std::string keyring;              // "" = global (default keyring)
  std::optional<uint32_t> addr;     // nullopt when keyed by hostname
  uint32_t mask = 0xFFFFFFFFu;
  std::string hostname;
  int type = 0;                     // 0 clear, 6 AES-encrypted, 7 Cisco type 7
  ConfigRef src;                    // text has the secret replaced by <redacted>

  // Clear text when known (type 0, or type 7 decoded). Never print it.
  std::optional<std::string> clear() const;
  bool verifiable() const { return clear().has_value(); }
  bool matches(uint32_t peer) const { return addr && (peer & mask) == (*addr & mask); }
  // Internal: the secret as written (type 0/6/7 form). Only for comparison.
  std::string secret;
};

struct Keyring {
  std::string name;
  std::string vrf;
  std::string local_address;        // interface name or address text; "" = any
  ConfigRef src;
};

struct IsakmpProfile {
  std::string name;
  std::vector<std::string> keyrings;
  struct Identity { uint32_t addr = 0; uint32_t mask = 0xFFFFFFFFu; std::string vrf; ConfigRef src; };
  std::vector<Identity> match_identities;
  std::string local_address;        // interface name or address text
  std::string vrf;
  ConfigRef src;
  std::vector<ConfigRef> lines;
  bool matches_identity(uint32_t peer) const;
};

struct TransformSet {
  std::string name;
  Transform transform;              // transport flag set from `mode transport`
  bool valid = false;               // the keywords parsed
  ConfigRef src;
  ConfigRef mode_src;
};

struct PeerAddr {
  std::optional<uint32_t> addr;     // nullopt for `set peer HOSTNAME`
  std::string hostname;
  bool is_default = false;
  ConfigRef src;
  std::string str() const;
};

// One entry of a crypto map set or of a dynamic map (same shape).
struct CryptoMapEntry {
  std::string map;                  // map (or dynamic-map) name
  uint32_t seq = 0;
  bool in_dynamic_map = false;      // an entry of `crypto dynamic-map`
  bool ipsec_manual = false;
  std::string dynamic_ref;          // `crypto map M 30 ipsec-isakmp dynamic DYN` -> "DYN"
  std::string acl;                  // match address
  ConfigRef acl_src;
  std::vector<PeerAddr> peers;      // in order
  std::vector<std::string> transform_sets;  // in order (several lines accumulate)
  std::vector<ConfigRef> transform_srcs;
  int pfs_group = 0;                // 0 = no PFS; `set pfs` without a group = 1
  ConfigRef pfs_src;
  std::optional<uint64_t> lifetime_seconds, lifetime_kb;
  ConfigRef lifetime_src;
  std::string isakmp_profile;
  ConfigRef isakmp_profile_src;
  bool reverse_route = false;
  std::string description;
  ConfigRef src;                    // the `crypto map M 10 ipsec-isakmp` line
  std::vector<ConfigRef> lines;     // sub-commands as read (to re-create the entry verbatim)

  bool is_dynamic_ref() const { return !dynamic_ref.empty(); }
  std::string label() const;        // "mymap 10"
};

struct CryptoMap {
  std::string name;
  std::vector<CryptoMapEntry> entries;  // ascending seq
  std::string local_address;            // `crypto map NAME local-address IF`
  ConfigRef local_address_src;
  const CryptoMapEntry* entry(uint32_t seq) const;
};

struct IpsecProfile {                   // `crypto ipsec profile` (tunnel protection)
  std::string name;
  std::vector<std::string> transform_sets;
  int pfs_group = 0;
  std::string isakmp_profile;
  std::optional<uint64_t> lifetime_seconds, lifetime_kb;
  ConfigRef src;
  std::vector<ConfigRef> lines;
};

struct NatRule {
  enum class Kind { SourceList, SourceRouteMap, StaticHost, StaticNetwork, Other } kind = Kind::Other;
  bool inside = true;                  // ip nat inside source ... (false = outside source)
  std::string acl;                     // SourceList
  std::string route_map;               // SourceRouteMap (and static ... route-map)
  std::string interface;               // `interface X` overload target
  std::string pool;
  bool overload = false;
  uint32_t local = 0, global = 0, mask = 0xFFFFFFFFu;  // static
  std::string vrf;
  ConfigRef src;
};

struct RouteMapEntry {
  std::string name;
  uint32_t seq = 10;
  bool permit = true;
  std::vector<std::string> match_acls; // match ip address A B
  ConfigRef src;
  ConfigRef match_src;
};

struct StaticRoute {
  uint32_t prefix = 0, mask = 0;
  std::optional<uint32_t> next_hop;
  std::string interface;
  std::string vrf;
  int distance = 1;
  ConfigRef src;
};

struct ConfigStats {
  size_t lines_total = 0;
  size_t lines_modelled = 0;    // lines that contributed to the model
  size_t lines_skipped = 0;     // comments, blank, banners, unrelated sections (AAA, SNMP, line...)
  std::vector<SourceLine> unrecognized;  // lines that look broken (inside modelled sections or garbage)
};

struct DeviceConfig {
  std::string path;             // input path as given
  std::string hostname;         // from `hostname`, else the transcript prompt, else the section's device
  ConfigRef hostname_src;
  bool transcript = false;      // pasted config-mode session
  bool excerpt = false;         // no hostname/interfaces: references outside it are not "missing"

  std::vector<Interface> interfaces;
  std::map<std::string, Acl, std::less<>> acls;
  std::map<std::string, std::vector<AddrMatch>, std::less<>> network_groups;  // object-group network (expanded)
  std::map<std::string, std::vector<Region>, std::less<>> service_groups;     // object-group service: proto/ports only
  std::vector<IsakmpPolicy> isakmp_policies;  // ascending priority
  std::vector<PresharedKey> keys;             // global and keyring keys
  std::map<std::string, Keyring, std::less<>> keyrings;
  std::map<std::string, IsakmpProfile, std::less<>> isakmp_profiles;
  std::map<std::string, TransformSet, std::less<>> transform_sets;
  std::map<std::string, CryptoMap, std::less<>> crypto_maps;
  std::map<std::string, CryptoMap, std::less<>> dynamic_maps;
  std::map<std::string, IpsecProfile, std::less<>> ipsec_profiles;
  std::optional<uint64_t> global_sa_lifetime_seconds, global_sa_lifetime_kb;
  ConfigRef global_lifetime_src;
  std::vector<NatRule> nat_rules;
  std::vector<RouteMapEntry> route_maps;
  std::vector<StaticRoute> routes;
  ConfigStats stats;

  const Interface* interface(std::string_view name) const;  // exact, then case-insensitive/abbreviation
  const Acl* acl(std::string_view name) const;
  const TransformSet* transform_set(std::string_view name) const;
  const CryptoMap* crypto_map(std::string_view name) const;
  const CryptoMap* dynamic_map(std::string_view name) const;
  const IsakmpProfile* isakmp_profile(std::string_view name) const;
  // Configured Phase-1 policies in priority order, or the IOS default policy when none.
  std::vector<IkePolicy> ike_policies() const;
  // IPsec SA lifetime in effect for an entry (entry, else global, else 3600 s / 4608000 KB).
  uint64_t sa_lifetime_seconds(const CryptoMapEntry& e) const;
  uint64_t sa_lifetime_kb(const CryptoMapEntry& e) const;
  // Interfaces carrying `crypto map NAME`.
  std::vector<const Interface*> map_interfaces(std::string_view map) const;
  // The address(es) IKE uses for a map: the local-address interface's primary address, else
  // the primary address of each interface the map is applied to (reference §1.3.7-1.3.8).
  std::vector<uint32_t> map_local_addresses(std::string_view map) const;
  bool owns_address(uint32_t a) const;          // any interface address
  const Interface* interface_with_address(uint32_t a) const;
  // The PSK IOS would use towards `peer` (most specific match). If `profile` is given only its
  // keyrings are searched; otherwise the global keys and every keyring whose local-address
  // allows `local` (0 = unknown) are searched. nullptr = no key.
  const PresharedKey* key_for(uint32_t peer, uint32_t local = 0, const IsakmpProfile* profile = nullptr) const;
  // Responder side: the profile whose `match identity address` covers the peer, if any.
  const IsakmpProfile* profile_for_identity(uint32_t peer) const;
  // Does this ACL name exist as a modelled list (numbered or named)?
  bool has_acl(std::string_view name) const { return acl(name) != nullptr; }
};

// Parses one config (running/startup, excerpt or transcript). Never throws.
DeviceConfig parse_config(const TextSection& section);

// Cisco type 7 ("password 7 ...") decoding; nullopt when the text is not valid type 7.
std::optional<std::string> decode_type7(std::string_view encoded);

// Text of a config line with any secret replaced by <redacted> (keys, passwords, secrets).
std::string redact_line(std::string_view line);
// False when redact_line(line) is certainly `line` itself: no secret keyword (key, password,
// secret, community, md5 and the keywords that contain them) stands in it.
bool line_may_hold_secret(std::string_view line);

}  // namespace ipsecdoc
