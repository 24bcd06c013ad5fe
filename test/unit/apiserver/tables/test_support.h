#pragma once
// Helpers for the table printer tests: a fixed "now", timestamps relative to it, and JSON
// literals parsed into objects and arrays.

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "kscratch/apiserver/resource.h"

namespace kscratch::apiserver::tables::test {

// 2024-06-01T12:00:00Z, the clock every row test prints against.
Clock::time_point now();
// RFC 3339 text for now() minus the given age (e.g. ago(5min) -> "2024-06-01T11:55:00Z").
std::string ago(std::chrono::seconds age);

boost::json::object object(std::string_view json_text);
boost::json::array array(std::string_view json_text);

// Checks a column list against upstream's names, types and priorities ("Name:string:0", ...),
// that only name columns have the "name" format, and that every description is non-empty.
void check_columns(const std::vector<TableColumn>& columns, const std::vector<std::string>& want);

}  // namespace kscratch::apiserver::tables::test
