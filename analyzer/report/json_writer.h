// The report's JSON text, as nlohmann::json's dump(2, ' ', false, replace) writes it, without
// its cost. dump() decodes every byte of every string as UTF-8 on its way out (~24
// instructions a byte; a report of a large capture is ~10 MB of mostly plain ASCII). Here a
// string or key whose bytes need no escaping and no UTF-8 check (printable ASCII other than
// '"' and '\\', checked 16 bytes at a time) is copied as it is; any other string is still
// written by nlohmann's own serializer, and numbers by the functions it uses (integers as decimal
// digits, doubles by its to_chars; "null" for NaN and infinity). The layout (indentation,
// ": ", ",\n", "[]"/"{}" when empty, key order) is dump()'s.
//
// JsonText writes a value given as the calls of an emitter (core/json_emit.h), with no tree
// at all; append_json renders a tree by walking it through a JsonText, so the layout is
// written in one place. JsonTree takes the same calls and builds the tree, so one function
// template, generic over the emitter, defines an element of the report once for both
// (report.cc, core/finding_json.h).
// tests/unit/test_json_writer.cc compares append_json with dump() on generated trees with
// every kind of byte; tests/unit/test_json_emit.cc compares JsonText with dump(2) of
// JsonTree's tree on generated calls and on the corpus's reports.
#pragma once
#include <charconv>
#include <concepts>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/json_emit.h"

namespace ipsecdoc {

// Appends `j` as dump(2) writes it, nested `depth` levels deep: every line after the first
// is indented by 2*depth more spaces (the first line is not indented at all).
void append_json(std::string& out, const nlohmann::json& j, int depth = 0);

// The emitter (core/json_emit.h) that appends the value's text to `out`, as append_json
// would append its tree, nested `depth` levels deep. It writes keys as they come: they must
// come in the order dump() writes them (std::map's, byte-wise ascending) and each key once -
// a tree would sort them and keep the last value of a repeated key. While it lives, `out` is
// longer than the text (room to write pieces into without an append each); its destructor
// cuts `out` to the text, so read `out` when the JsonText is gone.
class JsonText {
 public:
  explicit JsonText(std::string& out, int depth = 0) : out_(out), len_(out.size()), depth_(depth) {}
  ~JsonText() { out_.resize(len_); }
  JsonText(const JsonText&) = delete;
  JsonText& operator=(const JsonText&) = delete;
  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k);
  void item();
  void value(std::string_view s);
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(const char* s) { value(std::string_view(s)); }
  void value(bool b) { put(b ? "true" : "false"); }
  void value(std::nullptr_t) { put("null"); }
  void value(double d);
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  void value(T v) {
    char buf[24];
    put({buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf)});
  }
  void value(const nlohmann::json& j);  // the tree's text, as append_json writes it
  template <class T>
  void member(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

 private:
  // `n` more bytes of text, to be written by the caller.
  char* room(size_t n) {
    if (out_.size() - len_ < n) more(n);
    char* p = out_.data() + len_;
    len_ += n;
    return p;
  }
  void more(size_t n);
  void put(std::string_view s);
  char* lead(size_t extra);
  void open(char c) {
    *room(1) = c;
    ++depth_;
    first_ = true;
  }
  void close(char c);
  std::string& out_;
  size_t len_;  // of the text in out_
  int depth_;
  bool first_ = false;  // in the innermost open container, before its first member
};

}  // namespace ipsecdoc
