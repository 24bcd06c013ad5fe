#include "test_support.h"

#include <catch2/catch.hpp>

#include "kscratch/apimachinery/duration.h"

namespace kscratch::apiserver::tables::test {

Clock::time_point now() {
  // 2024-06-01T12:00:00Z as seconds since the epoch.
  return Clock::time_point(std::chrono::seconds(1717243200));
}

std::string ago(std::chrono::seconds age) {
  return apimachinery::duration::format_rfc3339(now() - age);
}

boost::json::object object(std::string_view json_text) {
  return boost::json::parse(json_text).as_object();
}

boost::json::array array(std::string_view json_text) {
  return boost::json::parse(json_text).as_array();
}

void check_columns(const std::vector<TableColumn>& columns, const std::vector<std::string>& want) {
  std::vector<std::string> got;
  for (const TableColumn& c : columns) {
    got.push_back(c.name + ":" + c.type + ":" + std::to_string(c.priority));
    INFO(c.name);
    CHECK(!c.description.empty());
    CHECK(c.format == (c.name == "Name" ? "name" : ""));
  }
  CHECK(got == want);
}

}  // namespace kscratch::apiserver::tables::test
