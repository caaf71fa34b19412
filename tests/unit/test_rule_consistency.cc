// The C++ producers (lint, show) and the rule files name the same ids: every id a producer
// can emit has a rule file, with the same default severity for lint ids.
#include <doctest/doctest.h>

#include "lint/lint.h"
#include "model/model.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;

TEST_CASE("every lint and model rule id has a rule file") {
  const auto& rd = test_rules();
  REQUIRE(rd.ok());
  for (const auto& info : lint_rules()) {
    const DiagnosisRule* r = rd.book.find(std::string(info.id));
    REQUIRE_MESSAGE(r != nullptr, info.id);
    CHECK_MESSAGE(r->severity == info.severity, info.id);
  }
  for (const auto& id : model::failure_ids_in_check_order()) CHECK_MESSAGE(rd.book.find(id) != nullptr, id);
}
