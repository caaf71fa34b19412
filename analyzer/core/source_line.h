// A physical input line after clean-up (CRLF, ANSI escapes, backspaces, pager debris
// removed), with its 1-based line number in the original file.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ipsecdoc {

struct SourceLine {
  uint32_t line = 0;
  std::string text;
};

// A block of lines that ingest attributed to one kind of content (a running-config,
// one show command's output) on one device, from one input.
struct TextSection {
  std::string path;        // input path as given by the user
  uint32_t input = 0;      // index into the run's input table
  std::string device;      // hostname from the prompt or content; may be empty
  std::string command;     // for show sections: the command as typed ("show crypto ipsec sa")
  std::vector<SourceLine> lines;
};

// A section made of text already in memory (a config the model or a test writes), one
// SourceLine per '\n'-separated line, numbered from 1; a final newline adds no empty line.
TextSection text_section(std::string_view text, std::string path, std::string device = {});

}  // namespace ipsecdoc
