#include "ingest/line_blocks.h"

#include "ingest/ingest.h"

namespace ipsecdoc {

LineBlocks::LineBlocks() : blocks_(kBlocks) {}


void LineBlocks::publish() {
  Block& b = at(published_);
  b.count = b.n;
  ++published_;
  ready_.fetch_add(1, std::memory_order_acq_rel);
  b.state.store(Ready, std::memory_order_release);
  published_seq_.store(published_, std::memory_order_release);
  if (wake_) wake_();
}

void LineBlocks::process(Block& b) {
  // Cleaning never lengthens a line, so `cleaned` does not reallocate and views stay valid.
  b.cleaned.reserve(b.clean_bytes);
  std::string scratch;
  PrefixScanState state;  // ingest_prefix's
  for (size_t i = 0; i < b.count; ++i) {
    Line& l = b.lines[i];
    std::string_view text = l.may_clean ? clean_line(l.text, scratch, b.stats) : clean_plain_line(l.text, b.stats);
    if (!text.empty() && text.data() == scratch.data()) {
      size_t at = b.cleaned.size();
      b.cleaned.append(text.data(), text.size());
      text = std::string_view(b.cleaned.data() + at, text.size());
    }
    l.text = text;
    ingest_prefix(text, l.prefix, l.other_syslog, state);
  }
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

std::span<const LineBlocks::Line> LineBlocks::consume(CleanStats& stats) {
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
  return {b.lines.data(), b.count};
}

void LineBlocks::release() {
  Block& b = at(consumed_);
  b.n = 0;  // (published blocks are not filled: only this thread writes n)
  b.state.store(Empty, std::memory_order_release);
  ++consumed_;
}

void LineBlocks::drop() {
  while (consumed_ < published_) {
    Block& b = at(consumed_);
    for (;;) {
      int s = b.state.load(std::memory_order_acquire);
      if (s == Done || s == Self) break;
      if (s == Ready) {
        if (!b.state.compare_exchange_strong(s, Self, std::memory_order_acq_rel)) continue;
        ready_.fetch_sub(1, std::memory_order_acq_rel);
        break;
      }
      b.state.wait(s, std::memory_order_acquire);  // the helper has it: until it is Done
    }
    release();
  }
  at(published_).n = 0;  // (consumed_ == published_: the slot is not a published block's)
}

}  // namespace ipsecdoc
