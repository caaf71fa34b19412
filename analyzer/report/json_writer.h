// The report's JSON text, as nlohmann::json's dump(2, ' ', false, replace) writes it, without
// its cost. dump() decodes every byte of every string as UTF-8 on its way out (~24
// instructions a byte; a report of a large capture is ~10 MB of mostly plain ASCII). Here a
// string or key whose bytes need no escaping and no UTF-8 check (printable ASCII other than
// '"' and '\\', a table lookup a byte) is copied as it is; any other string, and every
// number, is still written by nlohmann's own serializer. The layout (indentation, ": ",
// ",\n", "[]"/"{}" when empty, key order) is dump()'s. tests/unit/test_json_writer.cc
// compares the two on generated trees with every kind of byte.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace ipsecdoc {

// Appends `j` as dump(2) writes it, nested `depth` levels deep: every line after the first
// is indented by 2*depth more spaces (the first line is not indented at all).
void append_json(std::string& out, const nlohmann::json& j, int depth = 0);

}  // namespace ipsecdoc
