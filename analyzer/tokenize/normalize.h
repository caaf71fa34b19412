// Header normalisation: the many spellings IOS releases use for the same message head
// become one form, so one pattern covers 12.x, 15.x and IOS-XE (reference §5.2):
//   "ISAKMP (0:2): x"  "ISAKMP:(1001):x"  "ISAKMP: (1001):x"  "ISAKMP-ERROR: (1003):x"
//       -> "ISAKMP: x" with conn_id
//   "IPsec (validate_proposal): x"  "IPSEC(f):, x"  "(ipsec_process_proposal)x"
//   "IPSEC:(SESSION_ID = 1) (key_engine) x"            -> "IPSEC(f): x"
//   "map_db_find_best did not find matching map" (15.x) -> "IPSEC(map_db_find_best): did not ..."
//   "Crypto mapdb : x"                                   -> "MAPDB: x"
//   "CryptoEngine0: x" "crypto_engine: x" "CRYPTO_ENGINE: x" -> "ENGINE: x"
//   "%CRYPTO-4-IKMP_NO_SA: x"                            -> unchanged
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace ipsecdoc {

struct NormalizedHead {
  std::string text;        // normalised record, e.g. "ISAKMP: atts not acceptable. Next payload is 0"
  int conn_id = -1;        // ISAKMP connection id, -1 if absent
  std::string level;       // "ERROR", "PAK", "EVT"... from ISAKMP-ERROR: etc.
};

// Returns false when the body does not start with a crypto head we know.
bool normalize_head(std::string_view body, NormalizedHead& out);

// The same without copying the body: the normalised text is `lead` followed by `rest`.
// `lead` is the release-independent head ("ISAKMP: ", "IPSEC(validate_proposal): ", ""
// for a syslog message), a view of a literal or of `lead_buf`; `rest` is a view of the body.
// The tokenizer's head cache compares and hashes the two parts, so a repeated record is
// recognised without building its text (normalize_head is this plus the concatenation).
struct HeadParts {
  std::string_view lead, rest;
  int conn_id = -1;
  std::string level;
  std::string lead_buf;  // the lead when it is built ("IPSEC(" + function + "): ")
};
bool normalize_parts(std::string_view body, HeadParts& out);

// The tokenizer's head-cache hash of a head given as parts (defined in tokenizer.cc): tests
// pick heads that fall in one set of the cache with it.
uint64_t head_cache_hash(const HeadParts& head);

}  // namespace ipsecdoc
