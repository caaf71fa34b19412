#include "core/transform.h"

#include <algorithm>
#include <cctype>

#include <array>

#include <fmt/format.h>

namespace ipsecdoc {
namespace {

struct EspEnc { int id; const char* kw; const char* name; };
constexpr std::array<EspEnc, 9> kEspEnc{{
    {2, "esp-des", "ESP_DES"},   {3, "esp-3des", "ESP_3DES"}, {12, "esp-aes", "ESP_AES"},
    {11, "esp-null", "ESP_NULL"}, {20, "esp-gcm", "ESP_AES-GCM-16"},
    {23, "esp-gmac", "ESP_NULL_AUTH_AES_GMAC"}, {1, "", "ESP_DES_IV64"}, {13, "", "ESP_AES-CTR"},
    {6, "", "ESP_CAST"}}};

struct Auth { int attr; const char* kw; const char* ah_kw; int ah_id; const char* name; };
constexpr std::array<Auth, 5> kAuth{{
    {1, "esp-md5-hmac", "ah-md5-hmac", 2, "HMAC-MD5"},
    {2, "esp-sha-hmac", "ah-sha-hmac", 3, "HMAC-SHA"},
    {5, "esp-sha256-hmac", "ah-sha256-hmac", 5, "HMAC-SHA256"},
    {6, "esp-sha384-hmac", "ah-sha384-hmac", 6, "HMAC-SHA384"},
    {7, "esp-sha512-hmac", "ah-sha512-hmac", 7, "HMAC-SHA512"}}};

bool is_enc(std::string_view w) {
  for (auto& e : kEspEnc) if (*e.kw && w == e.kw) return true;
  return w == "esp-seal";
}

}  // namespace

std::string esp_id_name(int id) {
  for (auto& e : kEspEnc) if (e.id == id) return e.name;
  return fmt::format("ESP_{}", id);
}
std::string esp_id_keyword(int id) {
  for (auto& e : kEspEnc) if (e.id == id && *e.kw) return e.kw;
  return "";
}
int esp_keyword_id(std::string_view kw) {
  for (auto& e : kEspEnc) if (*e.kw && kw == e.kw) return e.id;
  return -1;
}
int auth_keyword_attr(std::string_view kw) {
  for (auto& a : kAuth) if (kw == a.kw || kw == a.ah_kw) return a.attr;
  return -1;
}
std::string auth_attr_name(int attr) {
  for (auto& a : kAuth) if (a.attr == attr) return a.name;
  return fmt::format("auth-{}", attr);
}
std::string auth_attr_keyword(int attr) {
  for (auto& a : kAuth) if (a.attr == attr) return a.kw;
  return "";
}

std::string Transform::str() const {
  std::string s;
  auto add = [&](const std::string& w) { if (!w.empty()) { if (!s.empty()) s += ' '; s += w; } };
  add(ah);
  add(esp_enc);
  if (key_bits) add(std::to_string(key_bits));
  add(esp_auth);
  add(comp);
  return s;
}

int Transform::effective_key_bits() const {
  if (key_bits) return key_bits;
  if (esp_enc == "esp-aes" || esp_enc == "esp-gcm" || esp_enc == "esp-gmac") return 128;
  if (esp_enc == "esp-3des") return 192;
  if (esp_enc == "esp-des") return 56;
  return 0;
}

bool Transform::same(const Transform& o) const {
  return esp_enc == o.esp_enc && effective_key_bits() == o.effective_key_bits() && esp_auth == o.esp_auth &&
         ah == o.ah && comp == o.comp && transport == o.transport;
}

std::vector<std::string> Transform::weak_parts() const {
  std::vector<std::string> w;
  if (esp_enc == "esp-des" || esp_enc == "esp-3des" || esp_enc == "esp-null") w.push_back(esp_enc);
  if (esp_auth == "esp-md5-hmac") w.push_back(esp_auth);
  if (ah == "ah-md5-hmac") w.push_back(ah);
  if (!esp_enc.empty() && esp_auth.empty() && ah.empty() && esp_enc != "esp-gcm" && esp_enc != "esp-gmac")
    w.push_back("no integrity (add esp-sha256-hmac)");
  return w;
}

std::optional<Transform> parse_transform(std::string_view words) {
  Transform t;
  // Words separated by whitespace ("C" isspace) and the braces and commas of the debug form,
  // as views (no stream: every transform set of every replayed config comes through here).
  auto sep = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r') || c == '{' || c == '}' || c == ','; };
  bool any = false;
  for (size_t i = 0, j = 0; i < words.size(); i = j) {
    while (i < words.size() && sep(words[i])) ++i;
    j = i;
    while (j < words.size() && !sep(words[j])) ++j;
    if (j == i) break;
    std::string_view w = words.substr(i, j - i);
    if (is_enc(w)) {
      if (!t.esp_enc.empty()) return std::nullopt;
      t.esp_enc = w;
    } else if (w == "128" || w == "192" || w == "256") {
      if (t.esp_enc.empty()) return std::nullopt;
      t.key_bits = w == "128" ? 128 : w == "192" ? 192 : 256;
    } else if (w.rfind("esp-", 0) == 0 && auth_keyword_attr(w) > 0) {
      t.esp_auth = w;
    } else if (w.rfind("ah-", 0) == 0 && auth_keyword_attr(w) > 0) {
      t.ah = w;
    } else if (w == "comp-lzs") {
      t.comp = w;
    } else if (w == "(Tunnel)" || w == "(Tunnel-UDP)") {
      t.transport = false;
    } else if (w == "(Transport)" || w == "(Transport-UDP)") {
      t.transport = true;
    } else {
      return std::nullopt;
    }
    any = true;
  }
  if (!any) return std::nullopt;
  return t;
}

std::optional<Transform> decode_transform_numbers(int protocol, int transform_id, int hmac_alg) {
  Transform t;
  if (protocol == 3) {  // ESP
    t.esp_enc = esp_id_keyword(transform_id);
    if (t.esp_enc.empty()) return std::nullopt;
    if (hmac_alg > 0) {
      t.esp_auth = auth_attr_keyword(hmac_alg);
      if (t.esp_auth.empty()) return std::nullopt;
    }
    return t;
  }
  if (protocol == 2) {  // AH: the transform id names the hash
    for (auto& a : kAuth)
      if (a.ah_id == transform_id) { t.ah = a.ah_kw; return t; }
    return std::nullopt;
  }
  if (protocol == 4 && transform_id == 3) { t.comp = "comp-lzs"; return t; }
  return std::nullopt;
}

bool IkePolicy::same_suite(const IkePolicy& o) const {
  auto kb = [](const IkePolicy& p) { return p.encryption == "aes" ? (p.key_bits ? p.key_bits : 128) : 0; };
  return encryption == o.encryption && kb(*this) == kb(o) && hash == o.hash && auth == o.auth && group == o.group;
}

std::string IkePolicy::str() const {
  std::string enc = encryption;
  if (encryption == "aes" && key_bits) enc += " " + std::to_string(key_bits);
  return fmt::format("{}/{}/{}/group {}", enc, hash, auth, group);
}

std::vector<std::string> IkePolicy::weak_parts() const {
  std::vector<std::string> w;
  if (encryption == "des" || encryption == "3des") w.push_back("encryption " + encryption);
  if (hash == "md5") w.push_back("hash md5");
  if (group == 1 || group == 2 || group == 5) w.push_back(fmt::format("group {}", group));
  return w;
}

std::string ike_encryption_debug_name(const IkePolicy& p) {
  if (p.encryption == "3des") return "3DES-CBC";
  if (p.encryption == "aes") return "AES-CBC";
  return "DES-CBC";
}
std::string ike_hash_debug_name(std::string_view h) {
  if (h == "md5") return "MD5";
  if (h == "sha256") return "SHA256";
  if (h == "sha384") return "SHA384";
  if (h == "sha512") return "SHA512";
  return "SHA";
}
std::string ike_auth_debug_name(std::string_view a) {
  if (a == "pre-share") return "pre-share";
  if (a == "rsa-encr") return "RSA encr";
  return "RSA sig";
}

std::string ike_encryption_words(const IkePolicy& p) {
  if (p.encryption == "aes" && p.key_bits && p.key_bits != 128) return fmt::format("aes {}", p.key_bits);
  return p.encryption;
}
std::string ike_encryption_of_debug_name(std::string_view name) {
  for (const char* k : {"des", "3des", "aes"}) {
    IkePolicy p;
    p.encryption = k;
    if (ike_encryption_debug_name(p) == name) return k;
  }
  return "";
}
std::string ike_hash_of_debug_name(std::string_view name) {
  auto same = [](std::string_view a, std::string_view b) {  // releases differ in case ("SHA", "sha")
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const char* k : {"sha", "md5", "sha256", "sha384", "sha512"})
    if (same(ike_hash_debug_name(k), name)) return k;
  return "";
}
std::string ike_auth_of_debug_name(std::string_view name) {
  for (const char* k : {"pre-share", "rsa-sig", "rsa-encr"})
    if (ike_auth_debug_name(k) == name) return k;
  return "";
}

}  // namespace ipsecdoc
