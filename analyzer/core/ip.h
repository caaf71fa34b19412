// IPv4 addresses, masks and the proxy tuple printed by IOS (addr/mask/prot/port).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipsecdoc {

// Parses dotted-quad IPv4 ("192.1.1.40"); nullopt when it is not one.
std::optional<uint32_t> parse_ipv4(std::string_view s);
std::string format_ipv4(uint32_t a);
// Appends the dotted quad to `out` (no temporary string).
void append_ipv4(std::string& out, uint32_t a);

// Number of leading one bits when `mask` is contiguous, else -1.
int mask_prefix_len(uint32_t mask);
inline uint32_t prefix_mask(int len) { return len <= 0 ? 0u : (len >= 32 ? 0xFFFFFFFFu : ~((1u << (32 - len)) - 1u)); }

// A Quick Mode proxy identity as IOS prints it: 192.168.2.0/255.255.255.0/0/0 (type=4).
// proto 256 is IOS-XE's "any IP protocol" sentinel; it is normalised to 0 in `proto`
// and remembered in `proto_raw` so the original text can be reproduced.
struct Proxy {
  uint32_t addr = 0;
  uint32_t mask = 0;
  uint16_t proto = 0;
  uint16_t proto_raw = 0;
  uint16_t port = 0;
  int id_type = -1;  // 1 host, 4 subnet, 7 range; -1 when not printed
  bool valid = false;

  bool is_host() const { return mask == 0xFFFFFFFFu; }
  // A host inside the block to build a test packet from: the network address + 1 (the address
  // itself for /32 and /31).
  uint32_t first_host() const { return (addr & mask) + (mask >= 0xFFFFFFFEu ? 0u : 1u); }
  bool contains(const Proxy& o) const;     // o's addresses, protocol and port fall inside this
  bool same_traffic(const Proxy& o) const; // same address block, protocol and port
  std::string str() const;                 // "192.168.2.0/24" or "192.168.1.1/32", ":prot/port" when set
  std::string ios() const;                 // "192.168.2.0/255.255.255.0/0/0"
  // ACL syntax for one side of an ACE: "host 1.2.3.4", "any", "10.0.0.0 0.0.0.255"
  std::string acl_operand() const;
};

// Parses "a.b.c.d/m.m.m.m/prot/port" with an optional " (type=N)".
std::optional<Proxy> parse_proxy(std::string_view s);

}  // namespace ipsecdoc
