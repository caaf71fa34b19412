#include "app/rules_dir.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ipsecdoc {
namespace fs = std::filesystem;

std::string find_rules_dir(const char* argv0) {
  if (const char* env = std::getenv("IPSEC_DOCTOR_RULES"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec && argv0) exe = fs::absolute(argv0, ec);
  if (!exe.empty()) {
    for (fs::path cand : {exe.parent_path() / "rules", exe.parent_path().parent_path() / "share/ipsec-doctor/rules"})
      if (fs::is_directory(cand / "patterns", ec)) return cand.string();
  }
  return std::string(IPSEC_DOCTOR_SOURCE_DIR) + "/rules";
}

std::vector<JsonFile> read_json_dir(const std::string& dir, std::vector<std::string>& errors) {
  std::vector<JsonFile> out;
  std::error_code ec;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json") paths.push_back(it->path());
  if (ec) {
    errors.push_back(dir + ": " + ec.message());
    return out;
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p);
    if (!in) {
      errors.push_back(p.string() + ": cannot read");
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      out.push_back({p.string(), nlohmann::json::parse(ss.str())});
    } catch (const nlohmann::json::exception& e) {
      errors.push_back(p.string() + ": " + e.what());
    }
  }
  return out;
}

}  // namespace ipsecdoc
