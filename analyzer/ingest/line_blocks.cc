#include "ingest/line_blocks.h"

#include "ingest/ingest.h"

namespace ipsecdoc {

LineBlocks::LineBlocks() : blocks_(kBlocks) {}


void LineBlocks::add(uint32_t no, std::string_view raw, uint8_t hints) {
  Block& b = at(published_);
  if (b.spans.empty()) {  // first line of a fresh block (its slot was released: Empty)
    b.raw.clear();
    b.cleaned.clear();
    b.lines.clear();
    b.stats = {};
  }
  b.raw.append(raw.data(), raw.size());
  b.spans.push_back({no, static_cast<uint32_t>(b.raw.size()), hints});
}

bool LineBlocks::filling() const { return !blocks_[published_ % kBlocks].spans.empty(); }

bool LineBlocks::block_full() const { return blocks_[published_ % kBlocks].spans.size() >= kLines; }

void LineBlocks::publish() {
  Block& b = at(published_);
  ++published_;
  ready_.fetch_add(1, std::memory_order_acq_rel);
  b.state.store(Ready, std::memory_order_release);
  published_seq_.store(published_, std::memory_order_release);
  if (wake_) wake_();
}

void LineBlocks::process(Block& b) {
  // Cleaning never lengthens a line, so `cleaned` does not reallocate and views stay valid.
  b.cleaned.reserve(b.raw.size());
  b.lines.resize(b.spans.size());
  std::string scratch;
  PrefixScanState state;  // ingest_prefix's
  uint32_t begin = 0;
  for (size_t i = 0; i < b.spans.size(); ++i) {
    auto [no, end, hints] = b.spans[i];
    std::string_view raw(b.raw.data() + begin, end - begin);
    begin = end;
    std::string_view text = (hints & LineReader::kMayClean) ? clean_line(raw, scratch, b.stats)
                                                             : clean_plain_line(raw, b.stats);
    if (!text.empty() && text.data() == scratch.data()) {
      size_t at = b.cleaned.size();
      b.cleaned.append(text.data(), text.size());
      text = std::string_view(b.cleaned.data() + at, text.size());
    }
    Line& l = b.lines[i];
    l.no = no;
    l.text = text;
    l.may_note = (hints & LineReader::kMayNote) != 0;
    ingest_prefix(text, l.prefix, l.other_syslog, state);
  }
  b.spans.clear();  // the slot is "not filling" again; lines stay until release
}

bool LineBlocks::help() {
  uint64_t end = published_seq_.load(std::memory_order_acquire);
  uint64_t from = help_from_.load(std::memory_order_relaxed);
  if (end > kBlocks && from < end - kBlocks) from = end - kBlocks;
  for (uint64_t s = from; s < end; ++s) {
    Block& b = at(s);
    int expected = Ready;
    if (!b.state.compare_exchange_strong(expected, Helper, std::memory_order_acq_rel)) continue;
    ready_.fetch_sub(1, std::memory_order_acq_rel);
    process(b);
    help_from_.store(s + 1, std::memory_order_relaxed);
    b.state.store(Done, std::memory_order_release);
    b.state.notify_one();
    return true;
  }
  return false;
}

const std::vector<LineBlocks::Line>& LineBlocks::consume(CleanStats& stats) {
  Block& b = at(consumed_);
  for (;;) {
    int s = b.state.load(std::memory_order_acquire);
    if (s == Done) break;
    if (s == Ready) {
      if (helper_only_.load(std::memory_order_acquire)) {  // tests: leave it to the helper
        std::this_thread::yield();
        continue;
      }
      if (!b.state.compare_exchange_strong(s, Self, std::memory_order_acq_rel)) continue;
      ready_.fetch_sub(1, std::memory_order_acq_rel);
      process(b);
      break;
    }
    b.state.wait(s, std::memory_order_acquire);  // the helper has it: until it is Done
  }
  stats.cr += b.stats.cr;
  stats.ansi += b.stats.ansi;
  stats.backspaces += b.stats.backspaces;
  stats.pager += b.stats.pager;
  stats.control += b.stats.control;
  return b.lines;
}

void LineBlocks::release() {
  at(consumed_).state.store(Empty, std::memory_order_release);
  ++consumed_;
}

}  // namespace ipsecdoc
