// Ingest: turns what the user handed us (files, directories, stdin, .gz) into
//  - log records (one folded multi-line debug/syslog record each, with provenance), and
//  - text sections (a running-config, one show command's output) per device.
// It streams: only the record being folded and the section being collected are held.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/source_line.h"
#include "ingest/line_clean.h"
#include "ingest/prefix.h"

namespace ipsecdoc {

class LineBlocks;

struct Record {
  Provenance where;
  std::string device;       // from syslog origin-id/sender, or the last prompt/hostname seen
  Stamp stamp;
  int64_t seq = -1;
  std::string body;         // message without prefix; continuation lines joined by one space
  std::vector<std::string> notes;  // pasted notes / reference markers stripped from the lines
  uint32_t physical_lines = 1;
};

enum class SectionKind { Config, Show };

struct InputSummary {
  std::string path;
  std::string error;             // why the input could not be read (then nothing else is set)
  std::string read_error;        // why reading stopped before the end (a corrupt or truncated .gz):
                                 // what was read before is analysed
  bool binary = false;           // looked like binary data; read anyway, as text
  bool compressed = false;
  bool no_final_newline = false;
  uint64_t bytes = 0;
  uint32_t lines = 0;
  uint32_t blank = 0;
  uint32_t log_records = 0;      // records handed to the tokenizer
  uint32_t other_syslog = 0;     // well-formed syslog/debug lines about something else (counted, skipped)
  uint32_t config_lines = 0;
  uint32_t show_lines = 0;
  uint32_t overlong = 0;
  uint32_t long_records = 0;     // log records cut to IngestOptions::max_record_bytes
  uint64_t nul_bytes = 0;
  uint32_t notes = 0;            // pasted notes ("<-- this is the error", "(3)") cut from log records
  CleanStats clean;
  std::vector<std::string> devices;   // device names seen in this input
  std::vector<std::string> sections;  // "config R1 (lines 3-120)", "show crypto ipsec sa R1 (...)"
};

class IngestSink {
 public:
  virtual ~IngestSink() = default;
  virtual void on_record(Record&& r) = 0;
  virtual void on_section(SectionKind kind, TextSection&& s) = 0;
  // A line outside any section that is neither crypto nor well-formed syslog.
  virtual void on_unrecognized(uint32_t input, uint32_t line, std::string_view text) = 0;
};

struct IngestOptions {
  // Recognises the first line of a show output when no prompt precedes it (supplied by
  // the show part, so ingest does not depend on it). Returns the command name or "".
  std::function<std::string(std::string_view)> show_sniffer;
  // Inside a show section, a line the sniffer recognises starts a new section unless it is
  // part of the open section's output: `show_same_output(section command as typed, sniffed
  // name)` says so ("sh cry isa sa det" prints an "IPv4 Crypto ISAKMP SA" line). Unset: the
  // two names must be equal.
  std::function<bool(std::string_view, std::string_view)> show_same_output;
  // A show line that starts like a crypto debug record when its indentation was lost
  // ("IPSEC FLOW: ..." of show crypto session): it does not end the show section.
  std::function<bool(std::string_view)> show_body_line;
  size_t max_record_lines = 64;  // fold at most this many physical lines into one record
  // ... and keep at most this many bytes of one (an IOS record is under 1 KB; a megabyte
  // line of an export with every message on one line is kept whole in lists otherwise)
  size_t max_record_bytes = 16 * 1024;
  // When set, lines pass through these blocks so that another thread can clean and parse
  // them (line_blocks.h); the result is the same.
  LineBlocks* blocks = nullptr;
  size_t read_buffer = size_t{1} << 20;  // LineReader's buffer size (tests: small, many refills)
};

// Reads one input (file path or "-"), feeding `sink`. `input_index` is stored in provenance.
InputSummary ingest_input(const std::string& path, uint32_t input_index, IngestSink& sink,
                          const IngestOptions& opt);

// True when the body starts like a crypto debug/syslog record (ISAKMP, IPSEC(...), %CRYPTO...).
bool is_crypto_head(std::string_view body);
// Cheap test: could this body be crypto-related at all? (used to skip unrelated syslog)
bool mentions_crypto(std::string_view body);
// A line with a prefix whose body is syslog about something else (most of an archive): a
// %FACILITY message of another facility, or one that names no crypto keyword. Pure, so line
// blocks compute it on the helper thread; the ingest thread then skips the keyword scans.
bool is_other_syslog(std::string_view line, const LinePrefix& pre);

// parse_prefix(line) and is_other_syslog(line, ·) as ingest needs them: ingest never reads the
// stamp of other syslog, so it is left unset there. `state` carries a guess from line to line:
// while the last line with a prefix was other syslog, the next is scanned without the stamp's
// values (scan_prefix) and they are read only if it is not other syslog; else the prefix is
// parsed at once (debug captures). It also remembers the last line's leading stamp, which on a
// syslog server's archive most lines repeat. Only the cost depends on `state`, not the result.
// Sets `out` and `other`.
void ingest_prefix(std::string_view line, LinePrefix& out, bool& other, PrefixScanState& state);

// Prompt "R1#show crypto ipsec sa" / "RTRA(config-crypto-m)# match address 101".
struct Prompt {
  std::string_view host;
  std::string_view mode;   // "config", "config-crypto-m", ... or empty
  char mark = 0;           // '#' or '>'
  std::string_view command;
};
bool parse_prompt(std::string_view line, Prompt& out);

}  // namespace ipsecdoc
