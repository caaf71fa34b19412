// The tokenizer's fast paths against plain references:
//  - text_hash reads every byte (a hash that skipped some would make cache keys collide
//    more, silently) and spreads similar keys over the slot bits;
//  - build_skeleton's 16- and 8-bytes-at-a-time digit searches give what the character-by-character
//    scan it replaced gave, on random texts with every kind of byte;
//  - key-engine records through tokenize (fields built as views, written once, proxy and
//    transform memos emptied between records) give what tokenize_uncached (one
//    Fields::set at a time) gives, across many distinct proxies so the memos empty often;
//  - the head cache keeps two heads whose hashes share a set, and evicts the least
//    recently used of three;
//  - normalize_head reusing its buffer (and the connection id's edge cases), and Fields::assign;
//  - template plans: corpus and generated key-engine records followed by variants with
//    random token values (octets over 255, numbers over 32 bits: proxies that stop parsing)
//    come out of the template cache with the fields tokenize_uncached computes (written
//    straight in Fields' encoding);
//  - copy_short copies exactly the bytes memcpy does, at every length and alignment.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>

#include "tokenize/copy_short.h"
#include "tokenize/normalize.h"
#include "tokenize/skeleton.h"
#include "core/text_hash.h"
#include "test_analysis_helpers.h"
#include "ingest/ingest.h"
#include "tokenize/tokenizer.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;

TEST_CASE("text_hash: every byte and the length count") {
  std::mt19937 rng(7);
  for (size_t len = 0; len <= 70; ++len) {
    std::string s(len, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    uint64_t h = text_hash(s);
    CHECK(text_hash(s) == h);  // deterministic
    for (size_t i = 0; i < len; ++i) {
      std::string t = s;
      t[i] = static_cast<char>(t[i] ^ 0x01);
      INFO("len ", len, " byte ", i);
      CHECK(text_hash(t) != h);
    }
    CHECK(text_hash(s + '\0') != h);
    CHECK(text_hash(s, 1) != h);  // the seed counts too
  }
  CHECK(text_hash("") != text_hash(std::string(1, '\0')));
  CHECK(text_hash(std::string(1, '\0')) != text_hash(std::string(2, '\0')));
}

TEST_CASE("same_text: equal to operator== for every length up to 40 and a difference at every position") {
  std::string a;
  for (size_t n = 0; n <= 40; ++n) {
    a.assign(n, 'x');
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + (i * 7) % 26);
    std::string b = a;
    CHECK(same_text(a, b));
    for (size_t i = 0; i < n; ++i) {  // one byte changed, in turn at each position
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 0x20);
      CHECK_FALSE(same_text(a, c));
      CHECK_FALSE(same_text(c, a));
    }
    CHECK_FALSE(same_text(a, a + "x"));  // lengths differ
    CHECK_FALSE(same_text(a + "x", a));
    // views into a longer buffer: nothing past the end is read into the answer
    std::string padded_a = a + "1", padded_b = a + "2";
    CHECK(same_text(std::string_view(padded_a).substr(0, n), std::string_view(padded_b).substr(0, n)));
  }
}

TEST_CASE("text_hash: similar keys spread over the low bits that pick a cache slot") {
  std::vector<int> buckets(1024, 0);
  for (int i = 0; i < 4096; ++i)
    ++buckets[text_hash(fmt::format("ISAKMP: received packet from 10.1.{}.{} dport 500", i / 256, i % 256)) & 1023];
  int used = 0, most = 0;
  for (int b : buckets) {
    used += b > 0;
    most = std::max(most, b);
  }
  CHECK(used > 950);  // 4096 random keys leave about 18 of 1024 buckets empty
  CHECK(most <= 16);
}

namespace {

// build_skeleton as it was written before the 8-byte digit search: one character at a time.
struct RefSkeleton {
  bool ok = true;
  std::string key;
  std::vector<uint32_t> skel_start, orig_start, orig_end;
};

bool ref_digit(char c) { return c >= '0' && c <= '9'; }
bool ref_hex(char c) { return ref_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool ref_word(char c) { return ref_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
size_t ref_digits(std::string_view t, size_t i, size_t max) {
  size_t k = 0;
  while (i + k < t.size() && k < max && ref_digit(t[i + k])) ++k;
  return k;
}
char ref_token_at(std::string_view t, size_t i, size_t& end) {
  if (t[i] == '0' && i + 2 < t.size() && t[i + 1] == 'x' && ref_hex(t[i + 2])) {
    end = i + 2;
    while (end < t.size() && ref_hex(t[end])) ++end;
    return 'X';
  }
  size_t run = ref_digits(t, i, SIZE_MAX);
  if (run >= 1 && run <= 3) {
    size_t p = i + run;
    int groups = 1;
    while (groups < 4 && p + 1 < t.size() && t[p] == '.') {
      size_t g = ref_digits(t, p + 1, 4);
      if (g == 0 || g > 3) break;
      p += 1 + g;
      ++groups;
    }
    bool followed = p < t.size() && (ref_digit(t[p]) || (t[p] == '.' && p + 1 < t.size() && ref_digit(t[p + 1])));
    if (groups == 4 && !followed) {
      end = p;
      return 'I';
    }
  }
  end = i + run;
  return run >= 4 ? 'N' : 0;
}
RefSkeleton ref_skeleton(std::string_view prefix, std::string_view t) {
  RefSkeleton s;
  s.key = std::string(prefix);
  size_t lit = 0, i = 0;
  while (i < t.size()) {
    if (!ref_digit(t[i]) || (i > 0 && (ref_word(t[i - 1]) || t[i - 1] == '.'))) {
      ++i;
      continue;
    }
    size_t end = i;
    char cls = ref_token_at(t, i, end);
    if (cls) {
      s.key.append(t.data() + lit, i - lit);
      if (s.skel_start.size() == Skeleton::kMaxTokens) s.ok = false;
      s.skel_start.push_back(static_cast<uint32_t>(s.key.size() - prefix.size()));
      s.orig_start.push_back(static_cast<uint32_t>(i));
      s.orig_end.push_back(static_cast<uint32_t>(end));
      s.key.push_back('\x01');
      s.key.push_back(cls);
      lit = end;
    }
    i = end;
  }
  s.key.append(t.data() + lit, t.size() - lit);
  return s;
}

std::string random_text(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      "a", "Z", "_", " ", ".", ":", "/", "(", ")", ",", "-", "x", "0x", "0xDEADbeef", "0x", "1", "12", "123", "1234",
      "00000", "10.1.1.1", "1.2.3.4.5", "255.255.255.0", "10.0.0.", "1.2.3", "9999.1.1.1", "v1.5", "IKE_P1", "\xC3\xA9",
      "\x80", "\xFF", "\t", "7", "0", "port 500", "spi 0x3D2A1B9C(1026169756)", "esp-3des", "99.99.99.999",
  };
  std::string t;
  size_t n = rng() % 40;
  for (size_t i = 0; i < n; ++i) t += pieces[rng() % pieces.size()];
  return t;
}

}  // namespace

TEST_CASE("skeleton: the 16- and 8-byte digit searches give the character-by-character skeleton") {
  const std::string_view kPrefix("L\0", 2);  // a level and its separator, as the tokenizer's
  std::mt19937 rng(11);
  Skeleton s;
  size_t with_tokens = 0;
  for (int iter = 0; iter < 30000; ++iter) {
    std::string t = random_text(rng);
    // every alignment of the same text relative to the 8-byte blocks
    std::string shifted = std::string(rng() % 8, 'q') + t;
    for (const std::string& text : {t, shifted}) {
      RefSkeleton ref = ref_skeleton(kPrefix, text);
      bool ok = build_skeleton(kPrefix, text, s);
      INFO(text);
      REQUIRE(ok == ref.ok);
      if (!ok) continue;
      REQUIRE(s.key == ref.key);
      REQUIRE(s.base == 2);
      REQUIRE(s.n == ref.skel_start.size());
      for (size_t k = 0; k < s.n; ++k) {
        CHECK(s.skel_start[k] == ref.skel_start[k]);
        CHECK(s.orig_start[k] == ref.orig_start[k]);
        CHECK(s.orig_end[k] == ref.orig_end[k]);
      }
      with_tokens += s.n > 0;
    }
  }
  CHECK(with_tokens > 20000);
}

namespace {

std::string random_ip(std::mt19937& rng) {
  return fmt::format("{}.{}.{}.{}", 1 + rng() % 223, rng() % 256, rng() % 256, rng() % 256);
}
std::string random_proxy(std::mt19937& rng) {
  static const char* masks[] = {"255.255.255.0", "255.255.0.0", "255.255.255.255", "255.255.255.252"};
  static const char* tails[] = {"/0/0 (type=4)", "/0/0 (type=1)", "/6/443 (type=4)", "/256/0", "/17/500 (type=4)"};
  return fmt::format("{}/{}{}", random_ip(rng), masks[rng() % 4], tails[rng() % 5]);
}

// A key-engine record in one of the releases' wordings, with random values, keys left out,
// repeated or unknown, and a few ways of being odd.
std::string random_key_engine(std::mt19937& rng) {
  static const char* heads[] = {
      "IPSEC(validate_proposal_request): proposal part #1, (key eng. msg.) ",
      "IPSEC(validate_proposal_request): proposal part #2, (1)   (key eng. msg.) ",
      "IPSEC(sa_request): ,   (key eng. msg.) ",
      "IPSEC(initialize_sas):, (4)   (key eng. msg.) ",
      "IPSEC(create_sa): sa created, (5)   (sa) ",
      "IPsec (validate_proposal): ",
  };
  static const char* transforms[] = {"esp-aes esp-sha-hmac (Tunnel)", "esp-3des esp-md5-hmac ",
                                     "esp-aes 256 esp-sha256-hmac  (Transport)", "esp-des", "bogus-words (Tunnel)", ""};
  std::string out = heads[rng() % 6];
  if (rng() % 3 == 0) out += rng() % 2 ? "INBOUND " : "OUTBOUND ";
  std::vector<std::string> kv;
  auto addr = [&] { return random_ip(rng) + (rng() % 3 == 0 ? ":" + std::to_string(rng() % 4501) : ""); };
  kv.push_back("local= " + addr());
  kv.push_back("remote= " + addr());
  kv.push_back("src= " + addr());
  kv.push_back("dest= " + addr());
  kv.push_back("local_proxy= " + random_proxy(rng));
  kv.push_back("remote_proxy= " + random_proxy(rng));
  kv.push_back("src_proxy= " + random_proxy(rng));
  kv.push_back("dest_proxy= " + random_proxy(rng));
  kv.push_back("protocol= ESP");
  kv.push_back(std::string("transform= ") + transforms[rng() % 6]);
  kv.push_back(fmt::format("lifedur= {}s and {}kb", rng() % 86400, rng() % 4608001));
  kv.push_back(fmt::format("spi= 0x{:X}({})", rng(), rng()));
  kv.push_back(fmt::format("spi= 0x{:X}", rng()));
  kv.push_back(fmt::format("conn_id= {}", rng() % 5000));
  kv.push_back("keysize= 256");
  kv.push_back("flags= 0x2");
  kv.push_back(fmt::format("sa_dest= {}", random_ip(rng)));
  kv.push_back("sa_proto= 50");
  kv.push_back("sa_prot= 51");
  kv.push_back(fmt::format("sa_spi= 0x{:X}({})", rng(), rng()));
  kv.push_back(std::string("sa_trans= ") + transforms[rng() % 6]);
  kv.push_back(fmt::format("sa_conn_id= {}", rng() % 5000));
  kv.push_back(fmt::format("sa_lifetime(k/sec)= ({}/{})", rng() % 4608000, rng() % 3600));
  kv.push_back("unknown_key= whatever");
  std::shuffle(kv.begin(), kv.end(), rng);
  size_t n = rng() % kv.size() + 1;
  for (size_t i = 0; i < n; ++i) {
    out += kv[i];
    out += rng() % 2 ? ", " : ",   ";
    if (rng() % 10 == 0) out += kv[rng() % n] + ", ";  // a key twice
  }
  return out;
}

}  // namespace

TEST_CASE("key-engine fields: the fast path gives the reference path's fields, in order") {
  const Tokenizer& tok = *test_rules().tokenizer;
  std::mt19937 rng(2024);
  size_t compared = 0, with_proxies = 0, with_direction = 0;
  std::set<std::string> kinds;
  for (int i = 0; i < 6000; ++i) {
    Record r;
    r.body = random_key_engine(rng);
    if (i % 5 == 0 && i > 0) r.body = vary_tokens(r.body);  // the template cache's way in
    Record ref = r;
    Event fast, slow;
    bool a = tok.tokenize(r, fast);
    bool b = tok.tokenize_uncached(std::move(ref), slow);
    INFO(r.body);
    REQUIRE(a == b);
    if (!a) continue;
    check_same_event(fast, slow);
    // and the same record again comes out of the head cache alike
    Event again;
    REQUIRE(tok.tokenize(r, again));
    CHECK(again.fields == slow.fields);
    ++compared;
    with_proxies += fast.has("local_net");
    with_direction += fast.has("direction");
    kinds.insert(std::string(event_kind_name(fast.kind)));
  }
  CHECK(compared > 3000);
  CHECK(with_proxies > 500);  // well over the 256 proxies after which the memo empties
  CHECK(with_direction > 300);
  CHECK(kinds.size() >= 4);
}

// (No ';' in a test name: the ctest entries are made from the names, and a name with one
// matched no test case, so ctest ran nothing under it and passed.)
TEST_CASE("head cache: two heads whose hashes share a set both stay, the third evicts the older") {
  const Tokenizer& tok = *test_rules().tokenizer;
  // Heads of one pattern that differ in their ports (three digits at most: literal, so each
  // has its own skeleton and its first sight is computed and cached, whatever the template
  // cache keeps); three whose hashes agree in their low 16 bits fall in one set of the cache
  // (it has fewer sets than that).
  auto head = [](int i) {
    return fmt::format("ISAKMP: received packet from 198.18.0.1 dport {} sport {} Global (R) MM_NO_STATE", i % 1000,
                       i / 1000);
  };
  // The cache's own hash of a head.
  auto head_hash = [](const std::string& body) {
    HeadParts p;
    REQUIRE(normalize_parts(body, p));
    return head_cache_hash(p);
  };
  std::map<uint64_t, std::vector<std::string>> by_low_bits;
  std::vector<std::string> same;
  for (int i = 0; i < 60000 && same.size() < 3; ++i) {
    auto& v = by_low_bits[head_hash(head(i)) & 0xFFFF];
    v.push_back(head(i));
    if (v.size() == 3) same = v;
  }
  REQUIRE(same.size() == 3);
  auto hit = [&](const std::string& body) {
    Record r;
    r.body = body;
    Event e;
    auto before = Tokenizer::cache_stats();
    REQUIRE(tok.tokenize(r, e));
    CHECK(e.kind == EventKind::PacketReceived);
    return Tokenizer::cache_stats().hits == before.hits + 1;
  };
  const std::string &a = same[0], &b = same[1], &c = same[2];
  hit(a);
  hit(b);
  CHECK(hit(a));  // direct-mapped, b had evicted a
  CHECK(hit(b));
  CHECK_FALSE(hit(c));  // new: replaces the least recently used, a
  CHECK(hit(b));
  CHECK(hit(c));
  CHECK_FALSE(hit(a));
}

TEST_CASE("normalize_head: a reused head takes each text whole, shorter or longer") {
  NormalizedHead h;
  REQUIRE(normalize_head("IPSEC(validate_proposal_request): proposal part #1, (key eng. msg.) INBOUND local= 1.1.1.1", h));
  CHECK(h.text == "IPSEC(validate_proposal_request): proposal part #1, (key eng. msg.) INBOUND local= 1.1.1.1");
  REQUIRE(normalize_head("ISAKMP-ERROR: (1003):x", h));
  CHECK(h.text == "ISAKMP: x");
  CHECK(h.level == "ERROR");
  CHECK(h.conn_id == 1003);
  REQUIRE(normalize_head("ISAKMP:(1001):atts are acceptable. Next payload is 3", h));
  CHECK(h.text == "ISAKMP: atts are acceptable. Next payload is 3");
  CHECK(h.level.empty());
  // The connection id: the number after the last colon, when only digits and colons come
  // before a ')' at most 23 characters in; otherwise the parenthesis stays in the text.
  REQUIRE(normalize_head("ISAKMP (1:2:3): x", h));
  CHECK(h.text == "ISAKMP: x");
  CHECK(h.conn_id == 3);
  REQUIRE(normalize_head("ISAKMP (0:): x", h));
  CHECK(h.text == "ISAKMP: x");
  CHECK(h.conn_id == -1);
  REQUIRE(normalize_head("ISAKMP (): x", h));
  CHECK(h.text == "ISAKMP: (): x");
  REQUIRE(normalize_head("ISAKMP (1a): x", h));
  CHECK(h.text == "ISAKMP: (1a): x");
  CHECK(h.conn_id == -1);
  REQUIRE(normalize_head("ISAKMP (0000000000000000000001): x", h));  // ')' at 23
  CHECK(h.text == "ISAKMP: x");
  CHECK(h.conn_id == 1);
  REQUIRE(normalize_head("ISAKMP (00000000000000000000001): x", h));  // ')' at 24
  CHECK(h.text == "ISAKMP: (00000000000000000000001): x");
  CHECK(h.conn_id == -1);
  REQUIRE(normalize_head("ISAKMP (12", h));
  CHECK(h.text == "ISAKMP: (12");
  REQUIRE(normalize_head("Crypto mapdb : proxy_match", h));
  CHECK(h.text == "MAPDB: proxy_match");
  REQUIRE(normalize_head("CryptoEngine0: generate hmac context for conn id 2", h));
  CHECK(h.text == "ENGINE: generate hmac context for conn id 2");
  REQUIRE(normalize_head("(crypto_map)Map Accepted: CMAP, 10", h));
  CHECK(h.text == "IPSEC(crypto_map): Map Accepted: CMAP, 10");
  REQUIRE(normalize_head("%CRYPTO-4-IKMP_NO_SA: IKE message from 10.1.1.1 has no SA", h));
  CHECK(h.text == "%CRYPTO-4-IKMP_NO_SA: IKE message from 10.1.1.1 has no SA");
  CHECK(h.conn_id == -1);
  CHECK_FALSE(normalize_head("(ipsec_unterminated", h));
  CHECK(h.text.empty());
  CHECK_FALSE(normalize_head("%LINK-3-UPDOWN: Interface Ethernet0/0, changed state to up", h));
  CHECK(h.text.empty());
}

TEST_CASE("Fields::assign encodes what emplace_back does, also from views of itself") {
  Fields want;
  want.emplace_back("local", "10.0.0.1");
  want.emplace_back("empty", "");
  want.emplace_back("", "no key");
  want.emplace_back("spi", std::string(300, 'x'));
  std::vector<Fields::Entry> entries;
  for (const auto& e : want) entries.push_back({e.first, e.second});
  Fields got;
  got.emplace_back("old", "content that must go");
  got.assign(entries.data(), entries.size());
  CHECK(got == want);
  // views into its own buffer (reordered): encoded from a copy
  std::vector<Fields::Entry> self;
  for (const auto& e : got) self.insert(self.begin(), {e.first, e.second});
  got.assign(self.data(), self.size());
  std::vector<std::pair<std::string, std::string>> back;
  for (const auto& e : got) back.emplace_back(e.first, e.second);
  REQUIRE(back.size() == 4);
  CHECK(back[0] == std::pair<std::string, std::string>("spi", std::string(300, 'x')));
  CHECK(back[3] == std::pair<std::string, std::string>("local", "10.0.0.1"));
  got.assign(nullptr, 0);
  CHECK(got.empty());
}

TEST_CASE("copy_short: the bytes memcpy copies, none before or after") {
  std::string src(64, '\0');
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<char>('A' + i % 53);
  for (size_t n = 0; n <= 40; ++n)
    for (size_t at = 0; at < 8; ++at) {
      std::string want(64, '.'), got(64, '.');
      std::memcpy(want.data() + at + 4, src.data() + at, n);
      copy_short(got.data() + at + 4, src.data() + at, n);
      INFO("n ", n, " at ", at);
      CHECK(got == want);
    }
}

TEST_CASE("Fields::set and emplace_back with a value that is a view of the fields themselves") {
  // normalise_kv and enrich set a field from another one's value ("local" from "remote"...):
  // the value points into the buffer that set() is about to change. A grown buffer would
  // leave it dangling; the guard copies it first.
  Fields f;
  f.emplace_back("local", "203.0.113.200:0");
  f.emplace_back("remote", "198.51.100.7");
  f.set("local", f.get("local").substr(0, 13));          // shorter, from itself
  CHECK(f.get("local") == "203.0.113.200");
  f.set("peer", f.get("remote"));                         // appended, from another field
  CHECK(f.get("peer") == "198.51.100.7");
  std::string big(500, 'z');
  f.set("remote", big);                                   // grows the buffer
  f.set("local", f.get("remote"));                        // longer, from a field after it
  CHECK(f.get("local") == big);
  CHECK(f.get("remote") == big);
  f.emplace_back(f.get("peer"), f.get("peer"));           // key and value both views of itself
  CHECK(f.get("198.51.100.7") == "198.51.100.7");
  std::vector<std::string> keys;
  for (const auto& e : f) keys.emplace_back(e.first);
  CHECK(keys == std::vector<std::string>{"local", "remote", "peer", "198.51.100.7"});
}

namespace {

struct CorpusRecords : IngestSink {
  std::vector<std::string> bodies;
  void on_record(Record&& r) override { bodies.push_back(std::move(r.body)); }
  void on_section(SectionKind, TextSection&&) override {}
  void on_unrecognized(uint32_t, uint32_t, std::string_view) override {}
};

// `text` with each token (skeleton.h: addresses, 0x-values, numbers of four digits or more)
// replaced by a random value of its class and of a random length: a head that the template
// cache serves (same skeleton) when `text` was seen.
std::string random_tokens(std::string_view text, std::mt19937& rng) {
  Skeleton sk;
  if (!build_skeleton({}, text, sk)) return std::string(text);
  std::string out;
  size_t at = 0;
  for (size_t k = 0; k < sk.n; ++k) {
    out.append(text.substr(at, sk.orig_start[k] - at));
    char cls = sk.key[sk.base + sk.skel_start[k] + 1];
    // Now and then an octet over 255 or a number too large for 32 bits: a proxy or transform
    // that parsed in the template's first head may not parse in this one.
    auto octet = [&] { return rng() % 16 == 0 ? 256 + rng() % 744 : rng() % 256; };
    if (cls == 'I') out += fmt::format("{}.{}.{}.{}", octet(), octet(), octet(), octet());
    else if (cls == 'X') out += fmt::format(fmt::runtime(rng() % 2 ? "0x{:X}" : "0x{:x}"), rng() >> (rng() % 28));
    else if (rng() % 8 == 0) out += std::to_string(4294967296ull + rng());
    else out += std::to_string(1000 + rng() % 99999000);
    at = sk.orig_end[k];
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace

TEST_CASE("template plans: heads with new addresses and numbers give the reference fields") {
  // Every corpus record and generated key-engine records, each followed by variants with
  // other token values: the variants come out of the template cache, their fields from the
  // template's plan (spans, constants, proxy/transform lookups), and must be what
  // tokenize_uncached computes.
  const Tokenizer& tok = *test_rules().tokenizer;
  REQUIRE(tok.templates_enabled());
  CorpusRecords corpus_records;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus("logs")))
    if (entry.is_regular_file()) ingest_input(entry.path().string(), 0, corpus_records, {});
  std::vector<std::string> bodies = corpus_records.bodies;
  REQUIRE(bodies.size() > 400);
  std::mt19937 rng(4242);
  for (int i = 0; i < 1500; ++i) bodies.push_back(random_key_engine(rng));
  auto before = Tokenizer::cache_stats();
  size_t compared = 0, key_engine = 0;
  for (const std::string& body : bodies) {
    for (int v = 0; v < 4; ++v) {
      Record r;
      r.body = v == 0 ? body : random_tokens(body, rng);
      Record ref = r;
      Event fast, slow;
      bool a = tok.tokenize(std::move(r), fast);
      bool b = tok.tokenize_uncached(std::move(ref), slow);
      INFO(slow.text);
      REQUIRE(a == b);
      if (!a) continue;
      check_same_event(fast, slow);
      ++compared;
      key_engine += fast.has("local_net") || fast.has("sa_dest");
    }
  }
  auto after = Tokenizer::cache_stats();
  INFO("compared ", compared, " template hits ", after.template_hits - before.template_hits, " planned ",
       after.planned - before.planned);
  CHECK(compared > 6000);
  CHECK(key_engine > 3000);
  CHECK(after.planned - before.planned > 3000);  // the plans are what was compared
}
