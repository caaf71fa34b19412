// IPsec transform sets: IOS keywords <-> IKEv1 wire numbers (reference §3.2), and
// the IKE (Phase 1) policy vocabulary (§3.3).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ipsecdoc {

// One IPsec proposal as IOS negotiates it: what `crypto ipsec transform-set` holds.
struct Transform {
  std::string esp_enc;   // esp-aes, esp-3des, esp-des, esp-gcm, esp-gmac, esp-null, esp-seal; "" if none
  int key_bits = 0;      // explicit AES/GCM key size (0 = keyword default)
  std::string esp_auth;  // esp-sha-hmac, esp-md5-hmac, esp-sha256-hmac, ...; "" if none
  std::string ah;        // ah-sha-hmac, ...; "" if none
  std::string comp;      // comp-lzs; "" if none
  bool transport = false;

  // Canonical keyword text, as IOS prints it in debug: "esp-aes 256 esp-sha-hmac".
  std::string str() const;
  int effective_key_bits() const;  // 128 for plain esp-aes
  // Same cryptographic transforms and mode (what the responder's check compares).
  bool same(const Transform& o) const;
  bool empty() const { return esp_enc.empty() && esp_auth.empty() && ah.empty() && comp.empty(); }
  // Human-readable list of weak parts ("esp-des", "esp-md5-hmac"); empty when strong.
  std::vector<std::string> weak_parts() const;
};

// Parses transform keywords ("esp-aes 256 esp-sha-hmac", "{esp-des esp-sha-hmac }").
// Unknown words make it fail.
std::optional<Transform> parse_transform(std::string_view words);

// 12.x "transform proposal (port 3, trans 2, hmac_alg 2) not supported": port = DOI
// protocol id, trans = ESP/AH transform id, hmac_alg = IPsec-DOI auth attribute.
std::optional<Transform> decode_transform_numbers(int protocol, int transform_id, int hmac_alg);

// ESP transform id -> debug name (ESP_AES) and keyword (esp-aes).
std::string esp_id_name(int id);
std::string esp_id_keyword(int id);
int esp_keyword_id(std::string_view kw);
int auth_keyword_attr(std::string_view kw);        // esp-sha-hmac -> 2
std::string auth_attr_name(int attr);               // 2 -> HMAC-SHA
std::string auth_attr_keyword(int attr);            // 2 -> esp-sha-hmac

// Phase 1 policy (crypto isakmp policy N) with IOS defaults.
struct IkePolicy {
  int priority = 65536;              // default policy sorts last
  std::string encryption = "des";   // des, 3des, aes
  int key_bits = 0;                  // aes key size (0 = 128)
  std::string hash = "sha";          // sha, md5, sha256, sha384, sha512
  std::string auth = "rsa-sig";      // pre-share, rsa-sig, rsa-encr
  int group = 1;
  int lifetime = 86400;
  bool is_default = false;           // the implicit default policy
  bool same_suite(const IkePolicy& o) const;  // enc+keylen, hash, auth, group
  std::string str() const;          // "aes 256/sha/pre-share/group 14"
  std::vector<std::string> weak_parts() const;
};

std::string ike_encryption_words(const IkePolicy& p);       // after `encryption`: "aes 256", "aes", "3des"
std::string ike_encryption_debug_name(const IkePolicy& p);  // DES-CBC, 3DES-CBC, AES-CBC
std::string ike_hash_debug_name(std::string_view h);          // SHA, MD5, SHA256
std::string ike_auth_debug_name(std::string_view a);          // pre-share, RSA sig
// The inverses, for reading a capture back: the IOS keyword, or "" for a name IOS does not print.
std::string ike_encryption_of_debug_name(std::string_view name);  // "3DES-CBC" -> "3des"
std::string ike_hash_of_debug_name(std::string_view name);        // "SHA256" -> "sha256"
std::string ike_auth_of_debug_name(std::string_view name);        // "RSA sig" -> "rsa-sig"

}  // namespace ipsecdoc
