// One JSON value given as a sequence of calls, so that one function template, generic over
// the emitter, can define a report's element once and have it built as a tree (JsonTree,
// here) or written straight as text (JsonText, report/json_writer.h).
//
// The calls: begin_object/end_object and begin_array/end_array around a container's
// members; inside an object, key(k) before each member's value (member(k, v) for both);
// inside an array, item() before each element; a value is one value(v) call or a container.
// JsonText writes keys as they come, so an emitting function gives an object's keys in the
// order dump() writes them (std::map's: byte-wise ascending), each once.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ipsecdoc {

// The calls, building the tree (take() when done): nlohmann's own assignments, so a
// repeated key keeps its last value and keys are sorted whatever their order.
class JsonTree {
 public:
  void begin_object() { open(nlohmann::json::object()); }
  void end_object() { open_.pop_back(); }
  void begin_array() { open(nlohmann::json::array()); }
  void end_array() { open_.pop_back(); }
  void key(std::string_view k) { slot_ = &(*open_.back())[std::string(k)]; }
  void item() { slot_ = &open_.back()->emplace_back(); }
  template <class T>
  void value(T&& v) {
    *slot_ = std::forward<T>(v);
  }
  template <class T>
  void member(std::string_view k, T&& v) {
    key(k);
    value(std::forward<T>(v));
  }
  nlohmann::json take() { return std::move(root_); }

 private:
  void open(nlohmann::json empty) {
    *slot_ = std::move(empty);
    open_.push_back(slot_);
  }
  nlohmann::json root_;
  nlohmann::json* slot_ = &root_;
  std::vector<nlohmann::json*> open_;  // the containers open, innermost last
};

// An array with an element for each of `v`'s, emitted by `each(x)`, through either emitter.
template <class E, class T, class F>
void emit_array(E& e, const std::vector<T>& v, F each) {
  e.begin_array();
  for (const auto& x : v) {
    e.item();
    each(x);
  }
  e.end_array();
}

// An array of strings, as j = vector<string> makes it.
template <class E>
void emit_strings(E& e, const std::vector<std::string>& v) {
  emit_array(e, v, [&e](const std::string& s) { e.value(s); });
}

}  // namespace ipsecdoc
