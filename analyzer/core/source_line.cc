#include "core/source_line.h"

namespace ipsecdoc {

TextSection text_section(std::string_view text, std::string path, std::string device) {
  TextSection s;
  s.path = std::move(path);
  s.device = std::move(device);
  uint32_t n = 0;
  for (size_t a = 0; a < text.size();) {
    size_t b = text.find('\n', a);
    if (b == std::string_view::npos) b = text.size();
    s.lines.push_back({++n, std::string(text.substr(a, b - a))});
    a = b + 1;
  }
  return s;
}

}  // namespace ipsecdoc
