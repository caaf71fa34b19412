#include "config/patch.h"
#include "config/words.h"

#include <algorithm>

namespace ipsecdoc {
namespace {

std::string_view trim_view(std::string_view s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(' ');
  return s.substr(b, e - b + 1);
}

std::string trim(const std::string& s) { return std::string(trim_view(s)); }

// The words `istream >> std::string` reads, without a stream (block_key runs once per block
// for every command applied).
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string_view> v;
  split_words(s, v);
  return {v.begin(), v.end()};
}

bool starts(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

struct Block {
  std::string header;
  std::vector<std::string> children;  // trimmed
};

// Words that identify a block: "crypto map M 10", "interface Gi0/0", "ip access-list extended X".
// (Words as views: find_block computes the key of every block for each command applied.)
std::string block_key(const std::string& header) {
  std::vector<std::string_view> w;
  split_words(header, w);
  auto join = [&](size_t n) {
    std::string k;
    for (size_t i = 0; i < std::min(n, w.size()); ++i) {
      if (i) k += ' ';
      k += w[i];
    }
    return k;
  };
  if (w.empty()) return "";
  if (w[0] == "interface") return join(2);
  if (w[0] == "crypto" && w.size() > 1) {
    if (w[1] == "map" || w[1] == "dynamic-map") return join(4);
    if (w[1] == "isakmp" && w.size() > 2 && (w[2] == "policy" || w[2] == "profile")) return join(4);
    if (w[1] == "ipsec" && w.size() > 2 && (w[2] == "transform-set" || w[2] == "profile")) return join(4);
    if (w[1] == "keyring") return join(3);
  }
  if (w[0] == "ip" && w.size() > 1 && w[1] == "access-list") return join(4);
  if (w[0] == "route-map" || w[0] == "object-group") return join(3);
  return "";
}

bool is_block_command(const std::string& cmd) {
  auto w = words(cmd);
  if (w.empty()) return false;
  if (w[0] == "crypto" && w.size() > 1 && w[1] == "map") return w.size() >= 4 && std::all_of(w[3].begin(), w[3].end(), ::isdigit);
  return !block_key(cmd).empty();
}

// Sub-commands that can appear once per block: a new one replaces the old.
std::string single_key(const std::string& child) {
  static const char* kSingle[] = {"set transform-set", "set pfs", "match address", "set isakmp-profile",
                                  "set security-association lifetime seconds", "set security-association lifetime kilobytes",
                                  "encryption", "hash", "authentication", "group", "lifetime", "mode", "description"};
  for (const char* k : kSingle)
    if (starts(child, k)) return k;
  if (starts(child, "ip address") && child.find("secondary") == std::string::npos) return "ip address";
  return "";
}

bool is_named_acl(const Block& b) { return starts(b.header, "ip access-list"); }

int child_seq(const Block& b, size_t i) {
  // explicit "10 permit ..." or implicit 10, 20, ... by position among entries
  auto w = words(b.children[i]);
  if (!w.empty() && std::all_of(w[0].begin(), w[0].end(), ::isdigit)) return std::stoi(w[0]);
  int implicit = 0;
  for (size_t k = 0; k <= i; ++k) {
    auto wk = words(b.children[k]);
    if (!wk.empty() && std::all_of(wk[0].begin(), wk[0].end(), ::isdigit)) implicit = std::stoi(wk[0]);
    else if (!wk.empty() && wk[0] != "remark") implicit += 10;
  }
  return implicit;
}

}  // namespace

PatchResult apply_commands(const TextSection& config, const std::vector<std::string>& commands) {
  PatchResult res;
  // Parse the text into global lines and blocks (children are indented lines).
  std::vector<Block> blocks;  // a global non-block line is a Block without children
  // (Lines are read as views: only the trimmed text a block keeps is copied.)
  std::string unprompted;  // a transcript line without its prompt
  for (const auto& l : config.lines) {
    std::string_view t = l.text;
    // config-mode transcripts: "R1(config-crypto-m)# match address 101" -> "match address 101"
    size_t hash = t.find(")#");
    if (hash != std::string_view::npos && t.find('(') < hash && t.find(' ') > t.find('(')) {
      std::string_view mode = t.substr(t.find('(') + 1, hash - t.find('(') - 1);
      std::string_view rest = trim_view(t.substr(hash + 2));
      unprompted.clear();
      if (mode != "config" && !rest.empty()) unprompted += ' ';
      unprompted += rest;
      t = unprompted;
    }
    std::string_view tt = trim_view(t);
    if (tt.empty() || tt[0] == '!' || tt == "end" || tt == "exit") continue;
    if (t[0] == ' ' && !blocks.empty()) blocks.back().children.emplace_back(tt);
    else blocks.push_back({std::string(tt), {}});
  }
  Block* cur = nullptr;
  auto find_block = [&](const std::string& key) -> Block* {
    for (auto& b : blocks)
      if (!key.empty() && block_key(b.header) == key) return &b;
    return nullptr;
  };
  for (const auto& raw : commands) {
    bool sub = !raw.empty() && raw[0] == ' ';
    std::string cmd = trim(raw);
    if (cmd.empty() || cmd[0] == '!') continue;
    if (cmd.find('<') != std::string::npos) {
      res.problems.push_back("placeholder in `" + cmd + "`: the value is only on the device");
      continue;
    }
    if (cmd == "exit" || cmd == "end") {
      cur = nullptr;
      continue;
    }
    if (sub && cur) {
      if (starts(cmd, "no ")) {
        std::string what = cmd.substr(3);
        auto w = words(what);
        size_t before = cur->children.size();
        if (is_named_acl(*cur) && w.size() == 1 && std::all_of(w[0].begin(), w[0].end(), ::isdigit)) {
          int seq = std::stoi(w[0]);
          for (size_t i = 0; i < cur->children.size(); ++i)
            if (child_seq(*cur, i) == seq) {
              // keep the implicit numbering of the following lines stable
              for (size_t k = i + 1; k < cur->children.size(); ++k) {
                auto wk = words(cur->children[k]);
                if (!wk.empty() && !std::all_of(wk[0].begin(), wk[0].end(), ::isdigit) && wk[0] != "remark")
                  cur->children[k] = std::to_string(child_seq(*cur, k)) + " " + cur->children[k];
              }
              cur->children.erase(cur->children.begin() + static_cast<long>(i));
              break;
            }
        } else {
          cur->children.erase(std::remove_if(cur->children.begin(), cur->children.end(),
                                             [&](const std::string& c) { return c == what || starts(c, what + " "); }),
                              cur->children.end());
        }
        if (cur->children.size() == before) res.problems.push_back("nothing to remove for `" + cmd + "`");
        continue;
      }
      std::string key = single_key(cmd);
      if (!key.empty()) {
        auto it = std::find_if(cur->children.begin(), cur->children.end(), [&](const std::string& c) { return starts(c, key); });
        if (it != cur->children.end()) {
          *it = cmd;
          continue;
        }
      }
      if (is_named_acl(*cur)) {  // "4 deny ..." goes into sequence order
        auto w = words(cmd);
        if (!w.empty() && std::all_of(w[0].begin(), w[0].end(), ::isdigit)) {
          int seq = std::stoi(w[0]);
          // give existing lines explicit numbers first so the order is kept
          for (size_t k = 0; k < cur->children.size(); ++k) {
            auto wk = words(cur->children[k]);
            if (!wk.empty() && !std::all_of(wk[0].begin(), wk[0].end(), ::isdigit) && wk[0] != "remark")
              cur->children[k] = std::to_string(child_seq(*cur, k)) + " " + cur->children[k];
          }
          size_t pos = 0;
          while (pos < cur->children.size() && child_seq(*cur, pos) < seq) ++pos;
          cur->children.insert(cur->children.begin() + static_cast<long>(pos), cmd);
          continue;
        }
      }
      if (std::find(cur->children.begin(), cur->children.end(), cmd) == cur->children.end()) cur->children.push_back(cmd);
      continue;
    }
    if (sub && !cur) {
      res.problems.push_back("sub-command outside a block: `" + cmd + "`");
      continue;
    }
    // Global command.
    cur = nullptr;
    if (starts(cmd, "no ")) {
      std::string what = cmd.substr(3);
      std::string key = block_key(what);
      size_t before = blocks.size();
      blocks.erase(std::remove_if(blocks.begin(), blocks.end(),
                                  [&](const Block& b) {
                                    return (!key.empty() && block_key(b.header) == key) || b.header == what;
                                  }),
                   blocks.end());
      if (blocks.size() == before) res.problems.push_back("nothing to remove for `" + cmd + "`");
      continue;
    }
    if (is_block_command(cmd)) {
      std::string key = block_key(cmd);
      Block* b = find_block(key);
      if (b) {
        if (starts(cmd, "crypto ipsec transform-set")) b->header = cmd;  // transforms are in the header
      } else {
        blocks.push_back({cmd, {}});
        b = &blocks.back();
      }
      cur = b;
      continue;
    }
    // Plain global line: replace a key for the same peer address, else append.
    if (starts(cmd, "crypto isakmp key")) {
      auto w = words(cmd);
      std::string addr = w.size() >= 2 ? w[w.size() - 1] : "";
      auto pos = std::find(w.begin(), w.end(), "address");
      if (pos != w.end() && pos + 1 != w.end()) addr = *(pos + 1);
      blocks.erase(std::remove_if(blocks.begin(), blocks.end(),
                                  [&](const Block& b) {
                                    return starts(b.header, "crypto isakmp key") && b.header.find(" address " + addr) != std::string::npos;
                                  }),
                   blocks.end());
    }
    if (std::none_of(blocks.begin(), blocks.end(), [&](const Block& b) { return b.header == cmd; }))
      blocks.push_back({cmd, {}});
  }
  res.config.path = config.path;
  res.config.input = config.input;
  res.config.device = config.device;
  uint32_t n = 0;
  for (const auto& b : blocks) {
    res.config.lines.push_back({++n, b.header});
    for (const auto& c : b.children) res.config.lines.push_back({++n, " " + c});
    res.config.lines.push_back({++n, "!"});
  }
  res.config.lines.push_back({++n, "end"});
  return res;
}

}  // namespace ipsecdoc
