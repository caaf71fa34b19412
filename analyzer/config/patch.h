// Applying configuration-mode commands (a finding's fix) to a config text the way IOS
// would, so the result can go through parse_config() again and be replayed in the model:
// a block command (interface, crypto map M S, ip access-list, crypto isakmp policy,
// transform-set, ...) enters that block, creating it if needed; indented sub-commands go
// into the current block, replacing single-valued ones (set transform-set, set pfs, match
// address, encryption, ...); `no ...` removes the matching line or block; ` no N` inside a
// named ACL removes sequence N.
#pragma once
#include <string>
#include <vector>

#include "core/source_line.h"

namespace ipsecdoc {

struct PatchResult {
  TextSection config;                 // the patched text (line numbers renumbered from 1)
  std::vector<std::string> problems;  // commands that could not be applied, with the reason
};

PatchResult apply_commands(const TextSection& config, const std::vector<std::string>& commands);

}  // namespace ipsecdoc
