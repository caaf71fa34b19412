#include "ingest/ingest.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <unordered_set>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include "core/text_hash.h"
#include "ingest/line_blocks.h"
#include "ingest/line_reader.h"
#include "ingest/prefix.h"

namespace ipsecdoc {
namespace {

// (memcmp of a literal's known length is a few compares, where comparing substr(0, n) with it
// called memcmp: is_crypto_head runs for most lines.)
inline bool starts(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && std::memcmp(s.data(), p.data(), p.size()) == 0;
}
inline bool is_space(char c) { return c == ' '; }
inline bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Continuation lines of multi-line debug records that are not indented (seed Example 19-16).
bool looks_like_continuation(std::string_view body) {
  static constexpr std::string_view kStarts[] = {
      "(key eng. msg.)", "(sa)", "local_proxy=", "remote_proxy=", "src_proxy=", "dest_proxy=", "protocol=",
      "lifedur=", "spi=", "flags=", "sa_spi=", "sa_trans=", "sa_dest=", "sa_lifetime", "src addr", "dst addr",
      "src port", "dst port", "same proxies", "from ISAKMP", "dest_port", "keysize=", "conn_id=", "local=",
      "remote=", "src=", "dest=", "transform=", "protocol ", "from "};
  for (auto p : kStarts)
    if (starts(body, p)) return true;
  return false;
}

// The router's answer to a debug command, e.g. "Crypto ISAKMP debugging is on", or to
// `undebug all` ("All possible debugging has been turned off").
bool is_debug_echo(std::string_view b) {
  auto ends = [&](std::string_view s) { return b.size() >= s.size() && b.substr(b.size() - s.size()) == s; };
  return ends("debugging is on") || ends("debugging is off") || ends("debugging is on for all peers") ||
         ends("debugging has been turned off") || ends("debugging has been turned on");
}

// The rest of a line a mail client or terminal wrapped: starts with a digit or punctuation
// ("#1, (key eng. msg.)", "3, trans 2, hmac_alg 1) not supported") or with a key= token, or
// holds a key-engine "key= value" further on ("aes esp-sha-hmac (Tunnel), lifedur= 0s").
bool looks_like_soft_wrap(std::string_view b) {
  if (b.empty()) return false;
  char c = b[0];
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return true;
  size_t sp = b.find(' ');
  std::string_view w = b.substr(0, sp);
  return w.find('=') != std::string_view::npos || w.find('_') != std::string_view::npos ||
         (sp != std::string_view::npos && b.find("= ", sp) != std::string_view::npos);
}

enum class CliKind { Config, Show, Other };

CliKind classify_cli(std::string_view cmd) {
  cmd = trim(cmd);
  auto word = [&](size_t n) {
    size_t b = 0;
    for (size_t k = 0; k < n; ++k) {
      while (b < cmd.size() && cmd[b] != ' ') ++b;
      while (b < cmd.size() && cmd[b] == ' ') ++b;
    }
    size_t e = b;
    while (e < cmd.size() && cmd[e] != ' ') ++e;
    return cmd.substr(b, e - b);
  };
  std::string_view w0 = word(0), w1 = word(1);
  auto abbrev = [](std::string_view w, std::string_view full, size_t min) {
    return w.size() >= min && w.size() <= full.size() && full.substr(0, w.size()) == w;
  };
  if (abbrev(w0, "more", 3) && w1.find("running-config") != std::string_view::npos) return CliKind::Config;
  if (!abbrev(w0, "show", 2)) return CliKind::Other;
  if (abbrev(w1, "logging", 3)) return CliKind::Other;  // its output is log lines
  if (abbrev(w1, "running-config", 3) || abbrev(w1, "startup-config", 3) || abbrev(w1, "configuration", 4))
    return CliKind::Config;
  return CliKind::Show;
}

bool config_content_start(std::string_view line) {
  if (line.empty()) return false;
  switch (line[0]) {
    case 'B': return starts(line, "Building configuration");
    case 'C': return starts(line, "Current configuration :") || starts(line, "Current configuration:");
    case 'U': return starts(line, "Using ") && line.find(" bytes") != std::string_view::npos;
    case 'v': return starts(line, "version 1") && line.size() < 20;
    case 'h': return starts(line, "hostname ");
    case '!':  // config comment (logs never start a line with '!')
      return line.size() == 1 || line[1] == ' ' || line[1] == '!';
    default: return false;
  }
}

class Ingestor {
 public:
  Ingestor(uint32_t input, const std::string& path, IngestSink& sink, const IngestOptions& opt, InputSummary& sum)
      : input_(input), path_(path), sink_(sink), opt_(opt), sum_(sum),
        seen_devices_(sum.devices.begin(), sum.devices.end()) {}

  void line(uint32_t no, std::string_view text, bool may_note) {
    bool other;
    ingest_prefix(text, pre_, other, scan_state_);
    line(no, text, pre_, other, may_note);
  }

  // `pre`: parse_prefix(text), but for the stamp of other syslog, which is never read;
  // `other`: is_other_syslog(text, pre), -1 when not computed (ingest_prefix computes both,
  // on another thread with line blocks). may_note=false: the line has no '<' (strip_note).
  void line(uint32_t no, std::string_view text, const LinePrefix& pre, int other, bool may_note) {
    // (A prefix is not blank; nor is a line that ends with something other than a space: an
    // indented line's leading spaces are not walked through for this.)
    bool blank = !pre.present && (text.empty() || (text.back() == ' ' && trim(text).empty()));
    if (mode_ == Mode::Log && blank) {
      flush_record();
      ++sum_.blank;
      prev_len_ = 0;
      return;
    }
    // A line with a prefix is never a prompt: a prompt's host name ([A-Za-z0-9._-], not
    // starting with '.' or '-') is followed by '(', '#' or '>', while what starts a prefix
    // ('<', '*', '.', a stamp or sequence number) is not a host name or is one followed by
    // ':' or ' '. So most lines skip the prompt test (test_ingest_reference.cc checks this).
    // (parse_prompt: a prompt starts with a host name's character, never a space.)
    if (!pre.present && !blank && text[0] != ' ' && prompt_line(no, text)) {
      prev_len_ = 0;
      return;
    }
    if (mode_ == Mode::Config) {
      if (!pre.present && !is_crypto_head(text)) {
        add_to_section(no, text);
        if (trim(text) == "end" && !transcript_) end_section();
        return;
      }
      end_section();
    } else if (mode_ == Mode::Show) {
      if (!pre.present) {
        // A show line may start like a debug record ("IPsec SA total: 8, ..." of `show crypto
        // ipsec sa count`, a flush-left "IPSEC FLOW: ..."): the show part decides (it runs once
        // when a debug capture follows).
        const bool head = is_crypto_head(text);
        std::string sniffed = (!blank && text[0] != ' ' && opt_.show_sniffer) ? opt_.show_sniffer(text) : "";
        if (!head || !sniffed.empty() || (opt_.show_body_line && opt_.show_body_line(text))) {
          if (!sniffed.empty() && sniffed != section_.command &&
              !(opt_.show_same_output && opt_.show_same_output(section_.command, sniffed))) {
            end_section();
            start_section(Mode::Show, sniffed);
          }
          add_to_section(no, text);
          return;
        }
      }
      end_section();
    }
    // Log mode.
    if (!pre.present) {
      if (config_content_start(text)) {
        flush_record();
        start_section(Mode::Config, "");
        add_to_section(no, text);
        return;
      }
      if (text[0] != ' ' && opt_.show_sniffer && !is_crypto_head(text)) {
        std::string sniffed = opt_.show_sniffer(text);
        if (!sniffed.empty()) {
          flush_record();
          start_section(Mode::Show, sniffed);
          add_to_section(no, text);
          return;
        }
      }
    }
    std::string_view body(text.data() + pre.body, text.size() - pre.body);  // (pre.body <= size)
    bool crypto_known = false;  // mentions_crypto(body) is known to be true
    if (pre.present) {
      if (other == 1 || (other < 0 && is_other_syslog(text, pre))) {
        // Well-formed syslog about something else (most of an archive). Same outcome as the
        // general path below: strip_note only shortens the body, so it cannot add a keyword.
        flush_record();
        if (!pre.origin.empty()) note_origin(pre);  // (most lines name none: no call)
        ++sum_.other_syslog;
        prev_len_ = 0;
        return;
      }
      crypto_known = true;
    }
    std::string_view note;
    // strip_note looks for arrows after a '<' and for a marker before a final ')': most lines
    // have neither (without may_note, no '<'), and skip the call.
    if (may_note || (!body.empty() && body.back() == ')')) body = strip_note(body, note, may_note);
    if (!note.empty()) crypto_known = false;  // the body lost its note: test again
    if (pre.present || is_crypto_head(body)) {
      flush_record();
      if (!pre.origin.empty()) note_origin(pre);  // (most lines name none: no call)
      if (!crypto_known && !mentions_crypto(body) && !is_crypto_head(body)) {
        ++sum_.other_syslog;
        prev_len_ = 0;
        return;
      }
      begin_record(no, pre, body, note);
    } else if (is_space(text[0]) || looks_like_continuation(body) ||
               (have_record_ && (prev_len_ == 80 || (wrapped_word(body) && looks_like_soft_wrap(body))))) {
      // (A record line of exactly 80 characters was cut by an 80-column terminal, wherever
      // the cut fell: "(key e" / "ng. msg.) INBOUND ...".)
      if (have_record_ && rec_.physical_lines < opt_.max_record_lines) {
        append(no, body, note, prev_len_ == 80 && !is_space(text[0]));
      } else if (mentions_crypto(body) || looks_like_continuation(body)) {
        flush_record();
        begin_record(no, pre, trim(body), note);
      } else {
        flush_record();
        sink_.on_unrecognized(input_, no, text);
      }
    } else {
      flush_record();
      if (is_debug_echo(body)) ++sum_.other_syslog;  // "Crypto IPSEC debugging is on"
      else if (mentions_crypto(body)) begin_record(no, pre, body, note);
      else sink_.on_unrecognized(input_, no, text);
    }
    prev_len_ = text.size();
  }

  // A prompt line ("R1#show crypto ipsec sa"): starts or ends a section. False when `text` is
  // not a prompt. (Out of line: most lines are not.)
  [[gnu::noinline]] bool prompt_line(uint32_t no, std::string_view text) {
    Prompt pr;
    if (!parse_prompt(text, pr)) return false;
    flush_record();
    set_device(pr.host);
    if (!pr.mode.empty() && starts(pr.mode, "config")) {
      bool comments_only = mode_ == Mode::Config && !transcript_ &&
                           std::all_of(section_.lines.begin(), section_.lines.end(), [](const SourceLine& l) {
                             std::string_view t = trim(l.text);
                             return t.empty() || t[0] == '!';
                           });
      if (!comments_only && (mode_ != Mode::Config || !transcript_)) start_section(Mode::Config, "");
      transcript_ = true;
      add_to_section(no, text);
    } else {
      end_section();
      switch (classify_cli(pr.command)) {
        case CliKind::Config: start_section(Mode::Config, ""); break;
        case CliKind::Show: start_section(Mode::Show, std::string(trim(pr.command))); break;
        case CliKind::Other: break;  // debug/terminal/clear...: back to log reading
      }
    }
    return true;
  }

  void finish() {
    flush_record();
    end_section();
  }

 private:
  enum class Mode { Log, Config, Show };

  // A syslog server's line that names its origin (`logging origin-id`): that name becomes the
  // current device, and the sender's name for its lines without one (bounded: a server's
  // archive has a few hundred senders). Runs for most lines of an archive, whose devices
  // interleave, so a sender already known under this name costs one lookup: the name was
  // made a device when it was stored, so it is in the list of devices already.
  void note_origin(const LinePrefix& pre) {
    if (pre.origin.empty()) return;  // (parse_prefix sets an origin only after a sender)
    if (last_pair_ && last_pair_->first == pre.sender && last_pair_->second == pre.origin) {
      set_current_device(pre.origin);  // the same sender as the line before
      return;
    }
    auto it = sender_names_.find(pre.sender);
    if (it != sender_names_.end() && it->second == pre.origin) {
      set_current_device(pre.origin);
    } else {
      set_device(pre.origin);
      if (it != sender_names_.end()) it->second.assign(pre.origin.data(), pre.origin.size());
      else if (sender_names_.size() < 4096) it = sender_names_.emplace(pre.sender, pre.origin).first;
    }
    last_pair_ = it != sender_names_.end() ? &*it : nullptr;  // (elements do not move on rehash)
  }

  // `d` is in the list of devices already.
  void set_current_device(std::string_view d) {
    if (d != device_) device_.assign(d.data(), d.size());
  }

  void set_device(std::string_view d) {
    if (d.empty() || d == device_) return;
    device_.assign(d.data(), d.size());
    // Archives interleave many devices: a hash set instead of a linear search of the
    // (first-seen ordered) list.
    if (seen_devices_.insert(device_).second) sum_.devices.push_back(device_);
  }

  // Sets every field of rec_ (which the sink moved from, or which was flushed): assigning
  // field by field keeps whatever capacity the sink left, instead of allocating anew.
  // (Inlined: a record starts on most lines of a debug capture.)
  [[gnu::always_inline]] inline void begin_record(uint32_t no, const LinePrefix& pre, std::string_view body,
                                                  std::string_view note) {
    rec_.where = {input_, no, no};
    // A syslog server's line is the sender's: its `logging origin-id` name, else the name an
    // earlier line from the same sender carried, else the sender as written (an IP). Never
    // the device of the line before, which on an archive is another router.
    std::string_view device = device_;
    if (!pre.origin.empty()) {
      device = pre.origin;
    } else if (!pre.sender.empty()) {
      auto it = sender_names_.find(pre.sender);
      device = it != sender_names_.end() ? std::string_view(it->second) : pre.sender;
    }
    // (rec_ got a record's buffers back from the sink: mostly one of the same device.)
    if (!same_text(rec_.device, device)) rec_.device.assign(device.data(), device.size());
    rec_.stamp = pre.stamp;
    rec_.seq = pre.seq;
    rec_cut_ = body.size() > opt_.max_record_bytes;
    if (rec_cut_) [[unlikely]] {
      body = body.substr(0, opt_.max_record_bytes);
      ++sum_.long_records;
    }
    rec_.body.assign(body.data(), body.size());
    rec_.notes.clear();
    if (!note.empty()) {
      rec_.notes.emplace_back(note);
      ++sum_.notes;
    }
    rec_.physical_lines = 1;
    have_record_ = true;
  }

  // Would this line's first word have made the line before longer than 60 characters? Then
  // a mail client wrapping at 60 columns or more may have moved it down: a line ending before
  // a long proxy ("remote_proxy=" / "192.168.3.0/255.255.255.0/0/0 (type=4), ...") is short.
  bool wrapped_word(std::string_view body) const {
    size_t word = std::min(body.find(' '), body.size());
    return prev_len_ + 1 + word > 60;
  }

  void append(uint32_t no, std::string_view body, std::string_view note, bool hard_wrap) {
    body = trim(body);
    if (!body.empty() && !rec_cut_) {
      size_t sep = !hard_wrap && !rec_.body.empty();
      if (rec_.body.size() + sep + body.size() > opt_.max_record_bytes) [[unlikely]] {
        rec_cut_ = true;
        ++sum_.long_records;
        size_t used = rec_.body.size() + sep;
        body = body.substr(0, opt_.max_record_bytes > used ? opt_.max_record_bytes - used : 0);
      }
      if (!body.empty()) {
        if (sep) rec_.body.push_back(' ');
        rec_.body.append(body.data(), body.size());
      }
    }
    if (!note.empty()) {
      rec_.notes.emplace_back(note);
      ++sum_.notes;
    }
    rec_.where.last_line = no;
    ++rec_.physical_lines;
  }

  void flush_record() {
    if (!have_record_) return;
    have_record_ = false;
    ++sum_.log_records;
    sink_.on_record(std::move(rec_));
  }

  void start_section(Mode m, std::string command) {
    end_section();
    mode_ = m;
    transcript_ = false;
    section_ = TextSection{};
    section_.path = path_;
    section_.input = input_;
    section_.device = device_;
    section_.command = std::move(command);
  }

  void add_to_section(uint32_t no, std::string_view text) {
    if (mode_ == Mode::Config) {
      ++sum_.config_lines;
      std::string_view t = trim(text);
      if (starts(t, "hostname ")) {
        set_device(trim(t.substr(9)));
        section_.device = device_;
      } else if (section_.device.empty()) {
        section_.device = device_;
      }
    } else {
      ++sum_.show_lines;
    }
    section_.lines.push_back(SourceLine{no, std::string(text)});
  }

  void end_section() {
    if (mode_ == Mode::Log) return;
    Mode m = mode_;
    mode_ = Mode::Log;
    transcript_ = false;
    // Trailing blank lines belong to nobody.
    while (!section_.lines.empty() && trim(section_.lines.back().text).empty()) section_.lines.pop_back();
    if (section_.lines.empty()) return;
    uint32_t a = section_.lines.front().line, b = section_.lines.back().line;
    sum_.sections.push_back(fmt::format("{} {}(lines {}-{})", m == Mode::Config ? "config" : section_.command,
                                        section_.device.empty() ? "" : "on " + section_.device + " ", a, b));
    sink_.on_section(m == Mode::Config ? SectionKind::Config : SectionKind::Show, std::move(section_));
    section_ = TextSection{};
  }

  uint32_t input_;
  const std::string& path_;
  IngestSink& sink_;
  const IngestOptions& opt_;
  InputSummary& sum_;
  Mode mode_ = Mode::Log;
  bool transcript_ = false;
  std::string device_;
  // Looked up by string_view (no std::string made per line): every line of an archive looks up
  // its sender. Only lookups use the hash, never an order.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return static_cast<size_t>(text_hash(s)); }
  };
  std::unordered_map<std::string, std::string, NameHash, std::equal_to<>> sender_names_;  // sender -> origin-id
  const std::pair<const std::string, std::string>* last_pair_ = nullptr;  // note_origin's last entry
  std::unordered_set<std::string, NameHash, std::equal_to<>> seen_devices_;  // == the set of sum_.devices
  Record rec_;
  bool have_record_ = false;
  bool rec_cut_ = false;  // the record reached max_record_bytes (counted once)
  size_t prev_len_ = 0;
  PrefixScanState scan_state_;  // ingest_prefix's
  LinePrefix pre_;    // line(no, text)'s, kept to be written in place
  TextSection section_;
};

}  // namespace

bool is_crypto_head(std::string_view b) {
  if (b.size() < 4) return false;
  switch (b[0]) {
    case 'I':
      return starts(b, "ISAKMP") || starts(b, "IPSEC") || starts(b, "IPsec") || starts(b, "IPSec");
    case '%':
      return starts(b, "%CRYPTO") || starts(b, "%IPSEC") || starts(b, "%ISAKMP");
    case 'C':
      return starts(b, "Crypto mapdb") || starts(b, "CryptoEngine") || starts(b, "CRYPTO");
    case 'c':
      return starts(b, "crypto_engine") || starts(b, "crypto_ipsec");
    case '(':
      return starts(b, "(ipsec_") || starts(b, "(crypto_");
    case 'm':  // 15.x: "map_db_find_best did not find matching map", printed without a facility
      return starts(b, "map_db_");
    default:
      return false;
  }
}

namespace {

// The exact test at one position: does a keyword start at p? Every keyword has 5 or more
// characters, so with fewer left none does (the vector scan's last candidates can be that
// close to the end: its 16-byte steps only guarantee p[1] for each).
inline bool keyword_at(const char* p, const char* e) {
  if (e - p < 5) return false;
  switch (*p) {
    case 'I':
      if (p[1] == 'S' && p[2] == 'A' && p + 6 <= e && std::memcmp(p, "ISAKMP", 6) == 0) return true;
      if (p[1] == 'P' && (p[2] == 'S' || p[2] == 's') &&
          (std::memcmp(p, "IPSEC", 5) == 0 || std::memcmp(p, "IPsec", 5) == 0 || std::memcmp(p, "IPSec", 5) == 0))
        return true;
      return false;
    case 'C':
      return p + 6 <= e && (std::memcmp(p, "CRYPTO", 6) == 0 || std::memcmp(p, "Crypto", 6) == 0);
    case 'c':
      return p + 6 <= e && std::memcmp(p, "crypto", 6) == 0;
    default:
      return false;
  }
}

}  // namespace

// Does the body contain ISAKMP, IPSEC/IPsec/IPSec or CRYPTO/Crypto/crypto? Runs on every
// syslog line, so it first finds candidates 16 bytes at a time: every keyword starts with
// 'I' followed by 'S'/'P', or with 'C'/'c' followed by 'R'/'r'. Candidates are then checked
// exactly by keyword_at (the scalar loop is the same test at every position).
bool mentions_crypto(std::string_view b) {
  const char* p = b.data();
  const char* e = p + b.size();
#if defined(__SSE2__)
  const __m128i kI = _mm_set1_epi8('I'), kS = _mm_set1_epi8('S'), kP = _mm_set1_epi8('P'),
                k20 = _mm_set1_epi8(0x20), kc = _mm_set1_epi8('c'), kr = _mm_set1_epi8('r');
  for (; e - p >= 17; p += 16) {  // p[0..15] and p[1..16]; keyword_at checks what lies beyond
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i n = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
    __m128i i_sp = _mm_and_si128(_mm_cmpeq_epi8(a, kI), _mm_or_si128(_mm_cmpeq_epi8(n, kS), _mm_cmpeq_epi8(n, kP)));
    // x | 0x20 == 'c' exactly for 'C' and 'c'; likewise 'R'/'r'.
    __m128i c_r = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(a, k20), kc), _mm_cmpeq_epi8(_mm_or_si128(n, k20), kr));
    for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(i_sp, c_r))); m; m &= m - 1)
      if (keyword_at(p + __builtin_ctz(m), e)) return true;
  }
#endif
  for (; p + 5 <= e; ++p)
    if (keyword_at(p, e)) return true;
  return false;
}

bool is_other_syslog(std::string_view line, const LinePrefix& pre) {
  if (!pre.present) return false;
  std::string_view body = line.substr(pre.body);
  // is_crypto_head: XE's "(ipsec_process_proposal)Map Accepted" names no facility in capitals.
  // A %FACILITY-N-MNEMONIC message of another facility is other syslog even when its text
  // mentions crypto (%SSH-5-SSH2_SESSION: ... using crypto cipher ...).
  bool other_facility = !body.empty() && body[0] == '%' && !is_crypto_head(body);
  // is_crypto_head first: a debug line starts with its facility, and it is the cheaper test.
  return other_facility || !(is_crypto_head(body) || mentions_crypto(body));
}

bool parse_prompt(std::string_view line, Prompt& out) {
  if (line.empty() || !host_char(line[0]) || line[0] == '-' || line[0] == '.') return false;
  size_t i = 0;
  while (i < line.size() && i < 64 && host_char(line[i])) ++i;
  if (i == 0 || i >= line.size()) return false;
  out = Prompt{};
  out.host = line.substr(0, i);
  if (line[i] == '(') {
    size_t close = line.find(')', i);
    if (close == std::string_view::npos || close - i > 40) return false;
    out.mode = line.substr(i + 1, close - i - 1);
    for (char c : out.mode)
      if (!(host_char(c) || c == '-')) return false;
    i = close + 1;
    if (i >= line.size()) return false;
  }
  if (line[i] != '#' && line[i] != '>') return false;
  // A prompt's host has at least one letter and is not a timestamp/number.
  bool letter = false;
  for (char c : out.host) letter |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (!letter) return false;
  out.mark = line[i];
  std::string_view cmd = line.substr(i + 1);
  while (!cmd.empty() && cmd.front() == ' ') cmd.remove_prefix(1);
  while (!cmd.empty() && cmd.back() == ' ') cmd.remove_suffix(1);
  out.command = cmd;
  return true;
}

InputSummary ingest_input(const std::string& path, uint32_t input_index, IngestSink& sink, const IngestOptions& opt) {
  InputSummary sum;
  sum.path = path;
  LineReader reader(path, opt.read_buffer);
  if (!reader.ok()) {
    sum.error = reader.error();
    return sum;
  }
  sum.compressed = reader.compressed();
  Ingestor ing(input_index, sum.path, sink, opt, sum);
  std::string_view raw;
  if (opt.blocks) {
    // Lines go through the ring of blocks, where another thread may clean and parse them.
    LineBlocks& lb = *opt.blocks;
    auto consume_one = [&] {
      for (const LineBlocks::Line& l : lb.consume(sum.clean))
        ing.line(l.no, l.text, l.prefix, l.other_syslog, l.may_note);
      lb.release();
    };
    // Blocks hold views of the reader's buffer: before the reader writes into a buffer again,
    // the blocks with lines in it are consumed (rare: the ring holds 2,048 lines, a buffer
    // 1 MiB, and a buffer is written into again only after the other one was filled).
    reader.on_reuse([&](uint64_t generation) {
      while (lb.holds(generation)) {
        if (!lb.has_published()) lb.publish();
        consume_one();
      }
    });
    try {
      while (lb.fill(reader)) {
        lb.publish();
        if (!lb.can_fill()) consume_one();
      }
      if (lb.filling()) lb.publish();
      while (lb.has_published()) consume_one();
    } catch (...) {
      // (the sink threw) The blocks' lines are the reader's: none may be left for a helper.
      reader.on_reuse(nullptr);
      lb.drop();
      throw;
    }
    reader.on_reuse(nullptr);
  } else {
    std::string scratch;
    uint8_t hints;  // what the line may hold (LineReader::next): most lines need no cleaning
    while (reader.next(raw, hints)) {
      std::string_view text = (hints & LineReader::kMayClean) ? clean_line(raw, scratch, sum.clean)
                                                               : clean_plain_line(raw, sum.clean);
      ing.line(reader.line_number(), text, (hints & LineReader::kMayNote) != 0);
    }
  }
  ing.finish();
  // A read that failed before anything was read leaves nothing to use; after, the lines read
  // are analysed and the input says where it stopped.
  if (!reader.ok()) (reader.bytes_read() == 0 ? sum.error : sum.read_error) = reader.error();
  sum.binary = reader.looks_binary();
  sum.bytes = reader.bytes_read();
  sum.lines = reader.line_number();
  sum.no_final_newline = reader.truncated_last_line();
  sum.overlong = reader.overlong();
  sum.nul_bytes = reader.nul_bytes();
  return sum;
}

}  // namespace ipsecdoc
