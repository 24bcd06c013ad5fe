// yaml and json through apimachinery's Go-compatible writers; name, jsonpath and
// custom-columns as cli-runtime prints them.

#include "objects.h"
#include "../json_fields.h"

#include "jsonpath.h"
#include "kscratch/apimachinery/yaml.h"
#include "tabwriter.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// RelaxedJSONPathExpression: "NAME:metadata.name" and ".metadata.name" both mean {.metadata.name}.
Expected<std::string> relaxed_jsonpath(std::string expr) {
  if (expr.empty()) return Error{"jsonpath expression cannot be empty"};
  if (expr.front() == '{') expr.erase(0, 1);
  if (!expr.empty() && expr.back() == '}') expr.pop_back();
  if (expr.find_first_of("{}") != std::string::npos)
    return Error{"unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"};
  if (!expr.empty() && expr.front() != '.') expr = "." + expr;
  return "{" + expr + "}";
}

Expected<std::string> custom_columns(const std::string& spec, const json::object& obj, bool no_headers) {
  struct Column {
    std::string header;
    jsonpath::Template path;
  };
  std::vector<Column> columns;
  size_t start = 0;
  while (start <= spec.size()) {
    auto comma = spec.find(',', start);
    std::string part = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto colon = part.find(':');
    if (colon == std::string::npos)
      return Error{"unexpected custom-columns spec: " + part + ", expected <header>:<json-path-expr>"};
    auto expr = relaxed_jsonpath(part.substr(colon + 1));
    if (!expr) return expr.error();
    auto t = jsonpath::Template::parse(*expr);
    if (!t) return t.error();
    columns.push_back({part.substr(0, colon), std::move(*t)});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  TabWriter w;
  std::string text;
  if (!no_headers) {
    for (size_t i = 0; i < columns.size(); ++i) text += (i ? "\t" : "") + columns[i].header;
    text += '\n';
  }
  std::vector<json::object> objects;
  if (str(obj, "kind") == "List" || obj.contains("items")) {
    objects = items_of(obj);
  } else {
    objects.push_back(obj);
  }
  for (auto& o : objects) {
    json::value v = o;
    for (size_t i = 0; i < columns.size(); ++i) {
      auto values = columns[i].path.select(v);
      std::string cell;
      if (values.empty()) cell = "<none>";
      for (size_t k = 0; k < values.size(); ++k) cell += (k ? "," : "") + go_sprint(values[k]);
      text += (i ? "\t" : "") + cell;
    }
    text += '\n';
  }
  w.write(text);
  return w.flush();
}

}  // namespace

std::vector<json::object> items_of(const json::object& list) {
  std::vector<json::object> out;
  std::string kind = str(list, "kind");
  if (kind.size() > 4 && kind.ends_with("List")) kind.resize(kind.size() - 4);
  std::string api_version = str(list, "apiVersion");
  auto* items = list.if_contains("items");
  if (!items || !items->is_array()) return out;
  for (auto& item : items->get_array()) {
    if (!item.is_object()) continue;
    json::object o = item.get_object();
    if (str(o, "kind").empty() && str(o, "apiVersion").empty()) {
      o["kind"] = kind;
      o["apiVersion"] = api_version;
    }
    out.push_back(std::move(o));
  }
  return out;
}

void omit_managed_fields(json::object& object) {
  if (auto* meta = object.if_contains("metadata"); meta && meta->is_object()) meta->get_object().erase("managedFields");
  if (auto* items = object.if_contains("items"); items && items->is_array())
    for (auto& item : items->get_array())
      if (item.is_object()) omit_managed_fields(item.get_object());
}

json::object make_list(std::vector<json::object> items) {
  json::array array;
  for (auto& i : items) array.emplace_back(std::move(i));
  return json::object{{"apiVersion", "v1"},
                      {"items", std::move(array)},
                      {"kind", "List"},
                      {"metadata", json::object{{"resourceVersion", ""}}}};
}

std::string qualified_name(const json::object& object) {
  std::string api_version = str(object, "apiVersion");
  auto slash = api_version.find('/');
  std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  std::string kind = lower(str(object, "kind"));
  std::string name;
  if (auto* meta = object.if_contains("metadata"); meta && meta->is_object()) name = str(meta->get_object(), "name");
  return (group.empty() ? kind : kind + "." + group) + "/" + name;
}

std::string go_sprint(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "<nil>";
    case json::kind::string: return std::string(v.get_string());
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    case json::kind::array: {
      std::string out = "[";
      bool first = true;
      for (auto& e : v.get_array()) {
        if (!first) out += ' ';
        first = false;
        out += go_sprint(e);
      }
      return out + "]";
    }
    case json::kind::object: {
      std::map<std::string, const json::value*> sorted;
      for (auto& e : v.get_object()) sorted[std::string(e.key())] = &e.value();
      std::string out = "map[";
      bool first = true;
      for (auto& [k, val] : sorted) {
        if (!first) out += ' ';
        first = false;
        out += k + ":" + go_sprint(*val);
      }
      return out + "]";
    }
    default: return jsonpath::text_of(v);
  }
}

bool is_object_output(const std::string& output) {
  return output == "yaml" || output == "json" || output == "name" || output.starts_with("jsonpath=") ||
         output.starts_with("custom-columns=") || output == "jsonpath" || output == "custom-columns";
}

Expected<ObjectPrinter> ObjectPrinter::make(const std::string& output, bool no_headers) {
  ObjectPrinter p;
  p.no_headers_ = no_headers;
  auto eq = output.find('=');
  p.format_ = output.substr(0, eq);
  if (eq != std::string::npos) p.argument_ = output.substr(eq + 1);
  if (p.format_ == "jsonpath") {
    if (p.argument_.empty()) return Error{"template format specified but no template given"};
    auto t = jsonpath::Template::parse(p.argument_);
    if (!t) return t.error();
  } else if (p.format_ == "custom-columns") {
    if (p.argument_.empty()) return Error{"custom-columns format specified but no custom columns given"};
  } else if (p.format_ != "yaml" && p.format_ != "json" && p.format_ != "name") {
    return Error{"unable to match a printer suitable for the output format \"" + output +
                 "\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,"
                 "jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"};
  }
  return p;
}

Expected<std::string> ObjectPrinter::print(const json::object& obj) const {
  if (format_ == "yaml") return apimachinery::yaml::from_json(obj);
  if (format_ == "json")
    return apimachinery::yaml::to_indented_json(
        obj, typed_ ? apimachinery::yaml::KeyOrder::as_built : apimachinery::yaml::KeyOrder::sorted);
  if (format_ == "name") {
    std::string out;
    if (str(obj, "kind") == "List") {
      for (auto& item : items_of(obj)) out += qualified_name(item) + "\n";
    } else {
      out = qualified_name(obj) + "\n";
    }
    return out;
  }
  if (format_ == "jsonpath") {
    auto t = jsonpath::Template::parse(argument_);
    if (!t) return t.error();
    return t->execute(obj);
  }
  return custom_columns(argument_, obj, no_headers_);
}

}  // namespace kscratch::kubectl
