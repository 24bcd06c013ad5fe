#pragma once
// Small readers for the Kubernetes v1 wire format as boost::json: absent fields and
// fields of another type read as empty, the way Go's zero values make upstream code
// read (a missing "command" is an empty list, a missing "optional" is false).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kscratch::kubelet::spec::jsonu {

namespace json = boost::json;

std::string str(const json::object& o, std::string_view key);
std::optional<std::string> opt_str(const json::object& o, std::string_view key);
const json::object& obj(const json::object& o, std::string_view key);
const json::array& arr(const json::object& o, std::string_view key);
bool boolean(const json::object& o, std::string_view key, bool fallback = false);
std::optional<bool> opt_bool(const json::object& o, std::string_view key);
std::optional<std::int64_t> opt_int(const json::object& o, std::string_view key);
std::vector<std::string> strings(const json::object& o, std::string_view key);
// A value that is a string, or "" (for array elements).
std::string as_str(const json::value& v);
const json::object& as_obj(const json::value& v);

}  // namespace kscratch::kubelet::spec::jsonu
