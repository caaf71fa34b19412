#include "app/analysis.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "app/confirm.h"
#include "app/jobs.h"
#include "app/reconstruct.h"
#include "app/rules_dir.h"
#include "app/share.h"
#include "core/text_hash.h"
#include "ingest/line_blocks.h"
#include "ingest/line_reader.h"

namespace ipsecdoc {

RuleData load_rules(const std::string& dir) {
  RuleData rd;
  rd.dir = dir;
  std::vector<std::string> errors;
  auto pattern_files = read_json_dir(dir + "/patterns", errors);
  auto rule_files = read_json_dir(dir + "/diagnoses", errors);
  for (auto& e : errors) rd.problems.push_back(e);
  if (pattern_files.empty()) rd.problems.push_back(dir + "/patterns: no pattern files");
  std::vector<std::pair<std::string, nlohmann::json>> docs;
  for (auto& f : pattern_files) docs.emplace_back(f.path, f.doc);
  std::vector<PatternProblem> pp;
  rd.tokenizer = Tokenizer::build(docs, pp);
  for (auto& p : pp)
    (p.fatal ? rd.problems : rd.warnings).push_back(fmt::format("{}: {}: {}", p.file, p.pattern, p.message));
  for (auto& c : rd.tokenizer->collisions()) rd.warnings.push_back("collision: " + c);
  std::vector<RuleProblem> rp;
  for (auto& f : rule_files) rd.book.add_file(f.path, f.doc, rp);
  rd.book.check_overlaps(rp);
  for (auto& p : rp) (p.fatal ? rd.problems : rd.warnings).push_back(fmt::format("{}: {}: {}", p.file, p.rule, p.message));
  return rd;
}

UnrecognizedLine UnrecognizedLine::make(std::string path, uint32_t line, std::string section,
                                        std::string_view line_text, size_t limit) {
  UnrecognizedLine u{std::move(path), line, std::move(section), std::string(line_text.substr(0, limit)), 0};
  if (line_text.size() > limit) u.bytes = line_text.size();
  return u;
}

bool Analysis::has_findings_at_or_above(Severity s) const {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.severity >= s; });
}

namespace {

class Collector : public IngestSink {
 public:
  Collector(const RuleData& rules, const AnalysisOptions& opt, Analysis& out, Jobs& jobs)
      : rules_(rules),
        opt_(opt),
        out_(out),
        jobs_(jobs),
        timeline_(*rules.tokenizer, [this](Negotiation&& n) { on_negotiation(std::move(n)); },
                  [this](Event&& e) { on_standalone(std::move(e)); }) {}

  void on_record(Record&& r) override {
    // One Event, reused: the timeline hands it buffers of closed negotiations' events back
    // (TimelineBuilder::add), and the tokenizer writes into them (and passes the record's
    // body buffer back to the ingest side the same way).
    if (!rules_.tokenizer->tokenize(std::move(r), scratch_)) {  // on failure r is untouched
      on_not_understood(r.where.input, r.where.line, r.body);
      return;
    }
    on_event(std::move(scratch_));
  }

  // The two outcomes of tokenizing a record (also fed by the ingest thread, see Pipeline).
  void on_event(Event&& e) {
    ++out_.records_total;
    ++out_.events_total;
    note_device(e.device);
    if (opt_.keep_events && out_.events.size() < opt_.max_events) out_.events.push_back(e);
    timeline_.add(std::move(e));
  }
  void on_not_understood(uint32_t input, uint32_t line, std::string_view body) {
    ++out_.records_total;
    add_unrecognized(input, line, "log", body);
  }

  void on_section(SectionKind kind, TextSection&& s) override {
    note_device(s.device);
    if (kind == SectionKind::Config) {
      out_.configs.push_back(std::move(s));
      return;
    }
    ShowResult res;
    show::Command c = show::command_from_cli(s.command);
    if (c == show::Command::Unknown && !s.lines.empty()) c = show::command_from_content(s.lines.front().text);
    res.parsed = show::parse(c, s);
    std::string label = s.command.empty() ? std::string(show::command_name(c)) : s.command;
    if (c == show::Command::Unknown) label = s.command.empty() ? "show (unknown)" : s.command;
    std::unordered_map<uint32_t, const std::string*> text;
    for (const auto& l : s.lines) text[l.line] = &l.text;
    for (uint32_t ln : res.parsed.unrecognized) add_unrecognized(s.input, ln, label, text.count(ln) ? *text[ln] : "");
    for (auto& f : show::read(res.parsed, s)) {
      f.extra["source"] = "show";
      add_finding(std::move(f));
    }
    res.first_line = s.lines.empty() ? 0 : s.lines.front().line;
    res.last_line = s.lines.empty() ? 0 : s.lines.back().line;
    s.lines.clear();
    s.lines.shrink_to_fit();
    res.section = std::move(s);
    out_.shows.push_back(std::move(res));
  }

  void on_unrecognized(uint32_t input, uint32_t line, std::string_view text) override {
    add_unrecognized(input, line, "log", text);
  }

  // The input ended: close what is open. Replays may still run on other threads.
  void end_of_input() { timeline_.finish(); }
  // Every replay has run (Jobs::finish): their results go to their findings.
  void collect_replays() {
    for (auto& [index, result] : replays_) out_.findings[index].extra["replay_log"] = std::move(*result);
    replays_.clear();
  }

  void add_finding(Finding&& f) {
    if (f.key.empty()) f.key = fmt::format("{}|{}|{}|{}", f.rule, f.device, f.peer, f.message);
    auto it = index_.find(f.key);
    if (it != index_.end()) {
      Finding& g = out_.findings[it->second];
      ++g.occurrences;
      if (!f.evidence.empty()) g.extra["last_seen"] = to_json(f.evidence.front());
      return;
    }
    // Bounded: past the cap, a finding counts towards the first one of the same rule, device
    // and peer ("similar"), or, failing that, towards the per-rule count of omitted findings.
    // (Appended: operator+ built two temporaries, for each of a capture's thousands of findings
    // past max_findings too.)
    std::string coarse;
    coarse.reserve(f.rule.size() + f.device.size() + f.peer.size() + 2);
    coarse.append(f.rule).append(1, '|').append(f.device).append(1, '|').append(f.peer);
    if (out_.findings.size() >= opt_.max_findings) {
      auto c = coarse_.find(coarse);
      if (c != coarse_.end()) {
        Finding& g = out_.findings[c->second];
        ++g.occurrences;
        g.extra["similar"] = g.extra.value("similar", 0) + 1;
      } else {
        ++out_.findings_omitted[f.rule];
      }
      return;
    }
    rules_.book.complete(f);  // (only a finding kept needs its texts)
    coarse_.emplace(coarse, out_.findings.size());
    index_.emplace(f.key, out_.findings.size());
    out_.findings.push_back(std::move(f));
  }

 private:
  void note_device(const std::string& d) {
    // Once per record: the device of the record before, mostly (a debug capture is one
    // device's for thousands of lines), else a hash lookup (the devices of a syslog archive
    // interleave, so a linear search compared a dozen names of the same length per record).
    if (d.empty() || same_text(d, last_noted_)) return;
    last_noted_ = d;
    if (devices_seen_.insert(d).second) out_.devices.push_back(d);
  }

  void add_unrecognized(uint32_t input, uint32_t line, const std::string& section, std::string_view text) {
    ++out_.unrecognized_total;
    ++out_.unrecognized_by_section[section];
    if (out_.unrecognized.size() < opt_.max_unrecognized)
      out_.unrecognized.push_back(UnrecognizedLine::make(path(input), line, section, text, opt_.max_unrecognized_text));
  }

  std::string path(uint32_t input) const { return input < out_.paths.size() ? out_.paths[input] : ""; }

  void on_negotiation(Negotiation&& n) {
    ++out_.negotiations_total;
    bool new_finding = false;  // the negotiation behind a new distinct finding
    std::string new_rule;
    // Only a finding add_finding will keep is written out whole; a repeat is only counted.
    auto wanted = [this](const Finding& f) {
      return out_.findings.size() < opt_.max_findings && !index_.count(f.key);
    };
    if (auto f = rules_.book.diagnose(n, out_.paths, wanted)) {
      // (A repeat is only counted by add_finding, and past max_findings a new one too: no need
      // to label them — a 100 MB capture has ~6.6 K of the latter.)
      if (out_.findings.size() < opt_.max_findings && !index_.count(f->key)) f->extra["source"] = "log";
      // A lone %CRYPTO-6-IKMP_MODE_FAILURE that arrives after the exchange it ends was closed
      // repeats a failure already diagnosed for this device and peer: count it there.
      bool lone_mode_failure = f->rule == "negotiation-failed" && !n.steps.empty() &&
                               std::all_of(n.steps.begin(), n.steps.end(),
                                           [](const Step& s) { return s.event.kind == EventKind::ModeFailure; });
      auto known = lone_mode_failure ? coarse_peer_.find(n.device + "|" + n.peer) : coarse_peer_.end();
      if (known != coarse_peer_.end()) {
        ++out_.findings[known->second].occurrences;
      } else {
        size_t before = out_.findings.size();
        add_finding(std::move(*f));
        new_finding = out_.findings.size() > before;  // then it is out_.findings.back()
        if (new_finding) new_rule = out_.findings.back().rule;
        if (out_.findings.size() > before && opt_.replay) {
          // Replayed now, while its negotiation is at hand: every distinct finding of a large
          // capture gets its replay, not only those whose negotiation the report keeps.
          // (With both peers' configs among the inputs, confirm_findings replays those instead.)
          Finding& nf = out_.findings.back();
          if (nf.severity >= Severity::Warning) {
            size_t& done = replays_by_rule_[nf.rule];
            if (done < opt_.max_replays_per_rule) {
              ++done;
              // A job (see app/jobs.h) on copies: the finding may still count occurrences
              // and the negotiation moves on below.
              auto result = std::make_shared<nlohmann::json>();
              replays_.emplace_back(out_.findings.size() - 1, result);
              jobs_.add([result, f = nf, neg = n, tok = rules_.tokenizer.get()] {
                *result = replay_from_log(f, &neg, {}, tok);
              });
            } else {
              nf.extra["replay_log"] = {
                  {"status", "not-replayable"},
                  {"assumptions", nlohmann::json::array()},
                  {"why", fmt::format("{} findings of this rule were replayed already; the rest are not, to bound the "
                                      "time (AnalysisOptions::max_replays_per_rule)",
                                      opt_.max_replays_per_rule)}};
            }
          }
        }
        // (A repeat's device and peer were noted with the finding it repeats: same key.)
        if (new_finding && new_rule != "negotiation-failed") coarse_peer_.emplace(n.device + "|" + n.peer, before);
      }
    }
    ++outcome_count(n.outcome);
    // A new finding's negotiation is kept whole, past the other bounds (up to its own bound),
    // so the report shows the steps behind a large capture's later findings too. Per rule too:
    // one rule's many findings (a hub's hundred peers with the same mismatch) must not leave
    // the others none.
    bool evidence = new_finding && finding_negotiations_ < opt_.max_finding_negotiations &&
                    finding_negotiations_by_rule_[new_rule] < opt_.max_finding_negotiations_per_rule;
    if (evidence) {
      ++finding_negotiations_;
      ++finding_negotiations_by_rule_[new_rule];
    }
    if (out_.negotiations.size() >= opt_.max_negotiations && !evidence) return;
    bool detailed = evidence || detailed_ < opt_.max_detailed;
    if (!detailed && !n.failure.empty() && detailed_ < 2 * opt_.max_detailed) {
      size_t& seen = detailed_failures_[n.failure + "|" + n.device + "|" + n.peer];
      detailed = seen < opt_.max_detailed_per_failure;
      if (detailed) ++seen;
    }
    if (detailed) {
      if (!evidence) ++detailed_;
      n.steps.shrink_to_fit();  // kept to the end: no room for 32 steps when it has 9
    } else {
      n.steps_omitted += static_cast<uint32_t>(n.steps.size());
      n.steps.clear();
      n.steps.shrink_to_fit();
    }
    out_.negotiations.push_back(std::move(n));
  }

  // out_.outcome_counts[outcome], its node remembered: a negotiation's outcome is one of
  // three texts (a std::map lookup for each of a capture's negotiations cost ~160 instructions).
  uint64_t& outcome_count(const std::string& outcome) {
    for (auto& [name, count] : outcome_slots_)
      if (same_text(*name, outcome)) return *count;
    auto it = out_.outcome_counts.try_emplace(outcome).first;
    outcome_slots_.emplace_back(&it->first, &it->second);
    return it->second;
  }

  void on_standalone(Event&& e) {
    ++out_.standalone_total;
    note_device(e.device);
    if (auto f = rules_.book.diagnose_standalone(e, out_.paths)) {
      f->extra["source"] = "log";
      add_finding(std::move(*f));
    }
    if (out_.standalone.size() < opt_.max_standalone) out_.standalone.push_back(std::move(e));
  }

  const RuleData& rules_;
  const AnalysisOptions& opt_;
  Analysis& out_;
  Jobs& jobs_;
  std::vector<std::pair<size_t, std::shared_ptr<nlohmann::json>>> replays_;  // finding index -> its replay
  TimelineBuilder timeline_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, size_t> coarse_;
  std::unordered_map<std::string, size_t> coarse_peer_;  // device|peer -> a log finding about it
  std::unordered_set<std::string> devices_seen_;  // out_.devices, for note_device
  std::string last_noted_;                        // the device note_device saw last
  Event scratch_;                                 // on_record's
  size_t detailed_ = 0;
  size_t finding_negotiations_ = 0;
  std::map<std::string, size_t> finding_negotiations_by_rule_;
  std::map<std::string, size_t> replays_by_rule_;
  std::unordered_map<std::string, size_t> detailed_failures_;
  std::vector<std::pair<const std::string*, uint64_t*>> outcome_slots_;  // outcome_count's
};

// The ingest thread's side of the pipeline: reads and tokenizes, and hands everything the
// sink would have seen, in order, to the analysis thread in batches. Tokenizing is a pure
// function of the record, so it is shared by who is behind: the ingest thread leaves every
// record to the analysis thread while nothing is queued (it is waiting for work), none while
// the queue is nearly full (it is behind), else a third (which third is decided by the
// record's text without its digits, so repeats of one message, what the per-thread head
// cache serves, go to the same thread). Which thread tokenizes changes nothing else. While
// the queue is full, the ingest thread runs the analysis thread's replay jobs instead.
// The queue is bounded: memory stays flat.
// Events and records cross in slots that batches keep when they are recycled: the ingest
// thread tokenizes straight into an event slot (or swaps its record into a record slot), the
// analysis thread moves the slot's content on, and what the sink hands back (the timeline
// gives old events' buffers back, the tokenizer a record's body buffer) stays in the slot
// for the ingest thread's next use. So nothing is copied on the way, and strings are not
// allocated on one thread and freed on the other as a rule (with glibc malloc, frees of
// another thread's small blocks made two threads cost ~1.5x the CPU of one; copying every
// event into a byte buffer and out again, what this did before, cost ~700 instructions).
class Pipeline : public IngestSink {
 public:
  struct Batch {
    enum class Kind : uint8_t { Event, Record, NotUnderstood, Section, Unrecognized };
    struct Item {
      Kind kind;
      uint32_t index;  // into events / records / sections; for texts, the offset in `bytes`
      uint32_t len;    // texts: length in `bytes`
      Provenance where;  // texts
    };
    std::vector<Item> items;
    std::vector<Event> events;    // slots: the first `used_events` hold this batch's events
    std::vector<Record> records;  // likewise
    size_t used_events = 0, used_records = 0;
    size_t weight = 0;  // bytes of text handed over (records' bodies, events' texts, lines)
    std::string bytes;
    std::vector<std::pair<SectionKind, TextSection>> sections;

    void clear() {  // keeps the slots and their buffers
      items.clear();
      used_events = used_records = 0;
      weight = 0;
      bytes.clear();
      sections.clear();
    }
    Event& event_slot() {
      if (used_events == events.size()) events.emplace_back();
      return events[used_events];
    }
    void add_event() {
      weight += events[used_events].text.size();
      items.push_back({Kind::Event, static_cast<uint32_t>(used_events++), 0, {}});
    }
    Record& record_slot() {
      if (used_records == records.size()) records.emplace_back();
      return records[used_records];
    }
    void add_record() {
      weight += records[used_records].body.size();
      items.push_back({Kind::Record, static_cast<uint32_t>(used_records++), 0, {}});
    }
    void add_text(Kind k, Provenance where, std::string_view text) {
      items.push_back({k, static_cast<uint32_t>(bytes.size()), static_cast<uint32_t>(text.size()), where});
      bytes.append(text);
      weight += text.size();
    }
    std::string_view text(const Item& it) const { return std::string_view(bytes).substr(it.index, it.len); }
  };

  Pipeline(const Tokenizer& tok, Jobs& jobs) : tok_(tok), jobs_(jobs) {
    blocks_.on_publish([this] {
      std::lock_guard<std::mutex> lk(m_);  // under the lock: a waiting take() cannot miss it
      can_get_.notify_one();
    });
    jobs_.on_add([this] {
      std::lock_guard<std::mutex> lk(m_);  // likewise for a flush() waiting for room
      can_put_.notify_one();
    });
  }
  ~Pipeline() { jobs_.on_add(nullptr); }
  // The ingest thread's line blocks: the analysis thread cleans and parses lines in them
  // while it has nothing else to do (syslog archives: most of the time).
  LineBlocks& blocks() { return blocks_; }

  // Ingest thread.
  void on_record(Record&& r) override {
    // Who tokenizes follows who is behind: nothing queued, the analysis thread is waiting
    // (it takes them all); the queue nearly full, it is behind (none); else its share.
    size_t queued = queued_.load(std::memory_order_relaxed);
    if (queued == 0 || (queued + 1 < kMaxBatches && analysis_share(r.body))) {
      // Member by member (std::swap moved three whole records through a temporary): the
      // values into the slot, and r gets the slot's old buffers for the ingest side to reuse.
      // The binding lists all members: a new member of Record does not compile here until it
      // is handed over too.
      auto& [where, device, stamp, seq, body, notes, physical_lines] = batch_.record_slot();
      where = r.where;
      stamp = r.stamp;
      seq = r.seq;
      physical_lines = r.physical_lines;
      device.swap(r.device);
      body.swap(r.body);
      notes.swap(r.notes);
      batch_.add_record();
      return done_item();
    }
    if (tok_.tokenize(std::move(r), batch_.event_slot())) {
      batch_.add_event();
    } else {  // on failure r is untouched (the slot is left as scratch)
      batch_.add_text(Batch::Kind::NotUnderstood, r.where, r.body);
    }
    done_item();
  }
  void on_section(SectionKind kind, TextSection&& s) override {
    batch_.items.push_back({Batch::Kind::Section, static_cast<uint32_t>(batch_.sections.size()), 0, {}});
    batch_.sections.emplace_back(kind, std::move(s));
    done_item();
  }
  void on_unrecognized(uint32_t input, uint32_t line, std::string_view text) override {
    batch_.add_text(Batch::Kind::Unrecognized, {input, line, line}, text);
    done_item();
  }
  void close() {
    flush();
    std::lock_guard<std::mutex> lk(m_);
    closed_ = true;
    can_get_.notify_all();
  }

  // Analysis thread: false once the ingest thread closed and everything was taken. When the
  // consumer stops early (an exception), abandon() lets a blocked producer finish.
  bool take(Batch& out) {
    std::unique_lock<std::mutex> lk(m_);
    for (;;) {
      can_get_.wait(lk, [&] { return !queue_.empty() || closed_ || blocks_.work_available(); });
      if (!queue_.empty() || closed_) break;
      lk.unlock();
      blocks_.help();
      lk.lock();
    }
    if (queue_.empty()) return false;
    out = std::move(queue_.front());
    queue_.pop_front();
    queued_.store(queue_.size(), std::memory_order_relaxed);
    can_put_.notify_one();
    return true;
  }
  void give_back(Batch&& used) {
    // A heavy batch (lines of a megabyte: junk, a binary file) is not kept for reuse: its
    // buffers would stay that big, one set per spare and per slot.
    bool keep = used.weight < kBatchBytes;
    used.clear();
    std::lock_guard<std::mutex> lk(m_);
    if (keep && spare_.size() < kMaxBatches) spare_.push_back(std::move(used));
    can_put_.notify_one();
  }
  void abandon() {
    blocks_.helper_only(false);  // nobody will help any more
    std::lock_guard<std::mutex> lk(m_);
    abandoned_ = true;
    queue_.clear();
    queued_.store(0, std::memory_order_relaxed);
    can_put_.notify_all();
  }

  // Analysis thread: replays one item into the collector. The event and record slots are
  // moved from; what the collector leaves in them (buffers handed back) stays for reuse.
  template <class Col>
  static void deliver(Batch& b, const Batch::Item& it, Col& col) {
    switch (it.kind) {
      case Batch::Kind::Event:
        col.on_event(std::move(b.events[it.index]));
        break;
      case Batch::Kind::Record:
        col.on_record(std::move(b.records[it.index]));
        break;
      case Batch::Kind::NotUnderstood:
        col.on_not_understood(it.where.input, it.where.line, b.text(it));
        break;
      case Batch::Kind::Section: {
        auto& [kind, section] = b.sections[it.index];
        col.on_section(kind, std::move(section));
        break;
      }
      case Batch::Kind::Unrecognized:
        col.on_unrecognized(it.where.input, it.where.line, b.text(it));
        break;
    }
  }

 private:
  static constexpr size_t kBatch = 256;      // items per hand-over
  static constexpr size_t kMaxBatches = 4;   // queued hand-overs (bounds memory)
  // ... and bytes per hand-over: 256 lines cut at 1 MiB each were 256 MiB a batch (a debug
  // capture's 256 records are ~80 KB).
  static constexpr size_t kBatchBytes = 1 << 20;
  void done_item() {
    if (batch_.items.size() >= kBatch || batch_.weight >= kBatchBytes) flush();
  }
  void flush() {
    if (batch_.items.empty()) return;
    std::unique_lock<std::mutex> lk(m_);
    // No room: the analysis thread is behind. Its replays (app/jobs.h) run here meanwhile.
    while (queue_.size() >= kMaxBatches && !abandoned_) {
      lk.unlock();
      bool ran = jobs_.run_one();
      lk.lock();
      // nothing to run: wait for room (take, give_back) or a new job (Jobs::on_add)
      if (!ran && queue_.size() >= kMaxBatches && !abandoned_) can_put_.wait(lk);
    }
    if (!abandoned_) queue_.push_back(std::move(batch_));
    queued_.store(queue_.size(), std::memory_order_relaxed);
    batch_ = Batch{};
    if (!spare_.empty()) {  // reuse a batch the analysis thread is done with (keeps its capacity)
      batch_ = std::move(spare_.back());
      spare_.pop_back();
    }
    can_get_.notify_one();
  }

  const Tokenizer& tok_;
  Jobs& jobs_;
  LineBlocks blocks_;
  Batch batch_;
  std::mutex m_;
  std::condition_variable can_get_, can_put_;
  std::deque<Batch> queue_;
  std::atomic<size_t> queued_{0};  // queue_.size(), read by the ingest thread without the lock
  std::vector<Batch> spare_;
  bool closed_ = false;
  bool abandoned_ = false;
};

// Runs ingest over every file, either inline or on a second thread feeding `col`, then
// col.end_of_input() and every job. With the second thread, it runs jobs while the analysis
// thread is behind and, once the input is read, until the last job is done.
template <class Col>
std::vector<InputSummary> ingest_all(const std::vector<std::string>& files, const RuleData& rules,
                                     const IngestOptions& io, Col& col, Jobs& jobs, bool pipelined, bool helper_only) {
  std::vector<InputSummary> sums;
  if (!pipelined) {
    for (uint32_t i = 0; i < files.size(); ++i) sums.push_back(ingest_input(files[i], i, col, io));
    col.end_of_input();
    jobs.finish();
    return sums;
  }
  Pipeline pipe(*rules.tokenizer, jobs);
  IngestOptions with_blocks = io;
  with_blocks.blocks = &pipe.blocks();
  pipe.blocks().helper_only(helper_only);
  std::exception_ptr failure;
  std::thread reader([&] {
    try {
      for (uint32_t i = 0; i < files.size(); ++i) sums.push_back(ingest_input(files[i], i, pipe, with_blocks));
    } catch (...) {
      failure = std::current_exception();
    }
    pipe.close();
    jobs.help_until_stopped();
  });
  try {
    Pipeline::Batch batch;
    while (pipe.take(batch)) {
      for (const auto& item : batch.items) Pipeline::deliver(batch, item, col);
      pipe.give_back(std::move(batch));
      batch = Pipeline::Batch{};
    }
    col.end_of_input();
    jobs.finish();
  } catch (...) {
    pipe.abandon();
    jobs.stop();
    reader.join();
    throw;
  }
  reader.join();
  if (failure) std::rethrow_exception(failure);
  return sums;
}

}  // namespace

Analysis analyze(const std::vector<std::string>& paths, const RuleData& rules, const AnalysisOptions& opt) {
  Analysis out;
  out.tokenizer = rules.tokenizer.get();
  ExpandedPaths ex = expand_paths(paths);
  for (auto& [p, why] : ex.errors) {
    InputSummary s;
    s.path = p;
    s.error = why;
    out.inputs.push_back(std::move(s));
  }
  out.paths = ex.files;
  IngestOptions io;
  io.show_sniffer = [](std::string_view line) -> std::string {
    auto c = show::command_from_content(line);
    return c == show::Command::Unknown ? std::string() : std::string(show::command_name(c));
  };
  io.show_body_line = [](std::string_view line) { return show::is_body_line(line); };
  io.show_same_output = [](std::string_view typed, std::string_view sniffed) {
    return show::same_output(show::command_from_cli(typed), show::command_from_cli(sniffed));
  };
  // Up to 256 replays wait (each a negotiation's copy, ~10 KB: +1 MB peak): with 32, the
  // analysis thread, the busier one during a debug capture, ran half of them itself (~245 M
  // instructions of 100 MB) when the queue was full; now mostly the ingest thread runs them
  // while it waits, and both threads after the input ends (that thread: -100 M).
  Jobs jobs(256);
  Collector col(rules, opt, out, jobs);
  size_t usable = 0;
  for (auto& s : ingest_all(ex.files, rules, io, col, jobs, opt.pipeline && rules.tokenizer, opt.pipeline_helper_only)) {
    if (s.error.empty()) ++usable;
    out.inputs.push_back(std::move(s));
  }
  col.collect_replays();
  out.had_unusable_input = usable == 0;
  if (!out.configs.empty()) {
    out.lint = std::make_shared<LintResult>(lint(out.configs));
    for (auto f : out.lint->findings) {
      f.extra["source"] = "config";
      col.add_finding(std::move(f));
    }
    for (const auto& [path, sl] : out.lint->unrecognized) {
      ++out.unrecognized_total;
      ++out.unrecognized_by_section["config"];
      if (out.unrecognized.size() < opt.max_unrecognized)
        out.unrecognized.push_back(UnrecognizedLine::make(path, sl.line, "config", sl.text, opt.max_unrecognized_text));
    }
  }
  if (opt.replay) confirm_findings(out, {}, rules.tokenizer.get());
  // Findings: most severe first, then by device/peer, stable.
  std::stable_sort(out.findings.begin(), out.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.device < b.device;
  });
  return out;
}

}  // namespace ipsecdoc
