// The skeleton of a normalised record head: the text with its variable tokens (IPv4
// addresses, 0x-hex values, decimal numbers of four digits or more) replaced by a two-byte
// marker. Records of one message type that differ only in addresses, SPIs, message ids or
// lifetimes ("ISAKMP: received packet from 10.1.1.2 dport 500 sport 500 Global (R) MM_NO_STATE"
// for every peer of a hub) share a skeleton. No pattern tells two values of one token class
// apart (Tokenizer checks that when the patterns load), so the pattern a head matches and
// where its captures start and end (in skeleton positions) are the same for every head
// with that skeleton: the tokenizer's template cache relies on it.
//
// Tokens start at a digit that does not follow a letter, digit, '_' or '.', so "IKE_P1",
// "esp-3des" and "1.5" stay literal; digit runs shorter than four stay literal ("port 500").
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ipsecdoc {

struct Skeleton {
  static constexpr size_t kMaxTokens = 24;
  static constexpr uint32_t kMarker = 2;  // bytes a token takes in the key: '\x01' + class
  std::string key;  // prefix + skeleton text
  size_t base = 0;  // where the skeleton text starts in `key` (after the prefix)
  size_t n = 0;     // number of tokens
  uint32_t skel_start[kMaxTokens];   // token start in skeleton-text positions
  uint32_t orig_start[kMaxTokens];   // token span in the original text
  uint32_t orig_end[kMaxTokens];

  // Original position -> skeleton position; false when `pos` is strictly inside a token.
  bool to_skeleton(size_t pos, uint32_t& out) const;
  // Skeleton position -> original position; false when it is strictly inside a marker.
  bool to_original(uint32_t skel, size_t& out) const;
};

// Builds the skeleton of `text` with `prefix` (e.g. the record's level + '\0') in front of
// it in `key`. Returns false when the text has more than kMaxTokens tokens (no skeleton).
bool build_skeleton(std::string_view prefix, std::string_view text, Skeleton& out);

// `text` with every token replaced by another value of its class and of a different length
// (for the load-time and test checks that a pattern does not depend on token values).
std::string vary_tokens(std::string_view text);

}  // namespace ipsecdoc
