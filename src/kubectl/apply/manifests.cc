// The manifests of -f as kubectl's resource builder visits them: paths expanded
// (directories one level deep, or every level with -R, only .json/.yaml/.yml inside them),
// each file a stream of documents, Lists flattened, each object validated (kubectl
// validates client-side only what the server cannot: kinds it does not know), mapped to
// its resource, and given the namespace of -n or the context. Errors are kept in order
// and do not stop the others, except that a failed validation ends its file's stream.

#include "apply.h"

#include "kscratch/apimachinery/labels.h"
#include "kscratch/apimachinery/yaml.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

namespace kscratch::kubectl::apply {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kStopValidate = "if you choose to ignore these errors, turn validation off with --validate=false";

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::object* metadata_of(json::object& o) {
  auto* m = o.if_contains("metadata");
  return m && m->is_object() ? &m->get_object() : nullptr;
}

std::string meta_str(const json::object& o, std::string_view key) {
  auto* m = o.if_contains("metadata");
  return m && m->is_object() ? str(m->get_object(), key) : std::string();
}

bool has_ext(const fs::path& p) {
  auto ext = p.extension();
  return ext == ".json" || ext == ".yaml" || ext == ".yml";
}

// filepath.Walk: lexical order, a directory's entries visited where it sorts.
void walk(const fs::path& dir, bool recursive, std::vector<std::string>& out) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](auto& a, auto& b) { return a.path().filename().string() < b.path().filename().string(); });
  for (auto& e : entries) {
    if (e.is_directory(ec)) {
      if (recursive) walk(e.path(), recursive, out);
      continue;
    }
    if (has_ext(e.path())) out.push_back(e.path().string());
  }
}

// What kubectl's validator says about an object the server has no schema for, or nothing.
class Validator {
 public:
  explicit Validator(Command& c) : c_(c) {}

  std::optional<std::string> check(const json::object& o) {
    std::vector<std::string> missing;
    if (!o.contains("apiVersion")) missing.push_back("apiVersion not set");
    if (!o.contains("kind")) missing.push_back("kind not set");
    if (missing.size() == 1) return missing[0];
    if (missing.size() == 2) return "[" + missing[0] + ", " + missing[1] + "]";
    std::string api_version = str(o, "apiVersion"), kind = str(o, "kind");
    if (api_version == "v1" && kind == "List") {
      // Lists are validated item by item against the OpenAPI v2 document.
      if (auto e = openapi_v2_error()) return *e;
      return std::nullopt;
    }
    if (c_.discovery->find_kind(api_version, kind)) return std::nullopt;  // validated by the server
    std::string group = api_version.find('/') == std::string::npos ? "" : api_version.substr(0, api_version.find('/'));
    if (!in_openapi_v3(api_version)) {
      // A group-version without a schema may be a custom resource's.
      auto response = c_.rest->get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
      if (!is_success(response)) return status_message(response, c_.rest->server());
      boost::system::error_code ec;
      auto v = json::parse(response.body, ec);
      if (!ec && v.is_object())
        if (auto* items = v.get_object().if_contains("items"); items && items->is_array())
          for (auto& item : items->get_array()) {
            if (!item.is_object()) continue;
            auto* spec = item.get_object().if_contains("spec");
            if (!spec || !spec->is_object()) continue;
            auto* names = spec->get_object().if_contains("names");
            if (str(spec->get_object(), "group") == group && names && names->is_object() &&
                str(names->get_object(), "kind") == kind)
              return std::nullopt;
          }
    }
    if (auto e = openapi_v2_error()) return "failed to download openapi: " + *e;
    return std::nullopt;
  }

 private:
  std::optional<std::string> openapi_v2_error() {
    if (!v2_checked_) {
      v2_checked_ = true;
      auto response = c_.rest->get("/openapi/v2");
      if (!is_success(response)) v2_error_ = status_message(response, c_.rest->server());
    }
    return v2_error_;
  }

  bool in_openapi_v3(const std::string& api_version) {
    if (!v3_loaded_) {
      v3_loaded_ = true;
      auto response = c_.rest->get("/openapi/v3");
      boost::system::error_code ec;
      auto v = json::parse(response.body, ec);
      if (is_success(response) && !ec && v.is_object())
        if (auto* paths = v.get_object().if_contains("paths"); paths && paths->is_object()) v3_paths_ = paths->get_object();
    }
    std::string key = api_version.find('/') == std::string::npos ? "api/" + api_version : "apis/" + api_version;
    return v3_paths_.contains(key);
  }

  Command& c_;
  bool v2_checked_ = false, v3_loaded_ = false;
  std::optional<std::string> v2_error_;
  json::object v3_paths_;
};

const char* go_json_type(const json::value& v) {
  if (v.is_bool()) return "bool";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "string";
}

// What decoding metadata into Go's ObjectMeta says of a field of the wrong type (the
// first, in key order), as `json: cannot unmarshal number into Go struct field ...`.
std::optional<std::string> metadata_type_error(const json::object& o) {
  auto* m = o.if_contains("metadata");
  if (!m || !m->is_object()) return std::nullopt;
  auto wrong = [](const json::value& v, const std::string& field, const char* type) {
    return fmt::format("json: cannot unmarshal {} into Go struct field ObjectMeta.metadata.{} of type {}", go_json_type(v),
                       field, type);
  };
  for (auto& [key, value] : m->get_object()) {
    if (value.is_null()) continue;
    if (key == "labels" || key == "annotations") {
      if (!value.is_object()) return wrong(value, std::string(key), "map[string]string");
      for (auto& [k, v] : value.get_object())
        if (!v.is_string() && !v.is_null()) return wrong(v, std::string(key), "string");
    } else if (key == "name" || key == "namespace" || key == "generateName" || key == "uid" ||
               key == "resourceVersion") {
      if (!value.is_string()) return wrong(value, std::string(key), "string");
    }
  }
  return std::nullopt;
}

// A stream's documents, decoded one by one as kubectl's StreamVisitor does, so those
// before a broken one are still applied: (value, "") each, then ("", error) if one fails.
std::vector<std::pair<json::value, std::string>> decode_stream(std::string_view text) {
  std::vector<std::pair<json::value, std::string>> out;
  auto trim = [](std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    return v;
  };
  auto decode = [&](std::string_view doc) {
    if (trim(doc).empty()) return true;
    auto v = apimachinery::yaml::to_json(doc);
    if (!v) {
      out.emplace_back(nullptr, v.error().message);
      return false;
    }
    if (!v->is_null()) out.emplace_back(std::move(*v), "");
    return true;
  };
  size_t doc_start = 0, pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string_view line = text.substr(pos, next - pos);
    if (line.substr(0, 3) == "---") {
      std::string_view rest = trim(line.substr(3));
      if (!rest.empty() && rest.front() != '#') {
        out.emplace_back(nullptr, "invalid Yaml document separator: " + std::string(rest));
        return out;
      }
      if (!decode(text.substr(doc_start, pos - doc_start))) return out;
      doc_start = next;
    }
    pos = next;
  }
  decode(text.substr(doc_start));
  return out;
}

void flatten(const json::value& v, std::vector<json::object>& out) {
  if (!v.is_object()) return;
  auto& o = v.get_object();
  auto* items = o.if_contains("items");
  std::string kind = str(o, "kind");
  if (kind.ends_with("List") && items && items->is_array()) {
    for (auto& item : items->get_array()) flatten(item, out);
    return;
  }
  out.push_back(o);
}

}  // namespace

ReadResult read(Command& c, const ReadOptions& options) {
  ReadResult result;
  auto selector = apimachinery::labels::parse(options.selector);
  if (!selector) {
    result.fatal = "the provided selector \"" + options.selector + "\" is not valid: " + selector.error().message;
    return result;
  }
  std::vector<std::string> paths;
  for (auto& f : options.files) {
    if (f == "-") {
      paths.push_back("-");
      continue;
    }
    std::error_code ec;
    if (!fs::exists(f, ec)) {
      result.fatal = "the path \"" + f + "\" does not exist";
      return result;
    }
    if (fs::is_directory(f, ec)) {
      walk(f, options.recursive, paths);
    } else {
      paths.push_back(f);
    }
    if (paths.empty()) {
      result.fatal = "error reading [" + f + "]: recognized file extensions are [.json .yaml .yml]";
      return result;
    }
  }
  Validator validator(c);
  for (auto& p : paths) {
    std::string source = p == "-" ? "STDIN" : p;
    std::string text;
    if (p == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      std::ifstream in(p, std::ios::binary);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    for (auto& [d, parse_error] : decode_stream(text)) {
      if (!parse_error.empty()) {
        result.add(Failure::plain("error parsing " + source + ": " + parse_error));
        break;
      }
      if (!d.is_object()) continue;
      if (options.validate) {
        if (auto problem = validator.check(d.get_object())) {
          result.add(Failure::plain(
              fmt::format("error validating \"{}\": error validating data: {}; {}", source, *problem, kStopValidate)));
          break;  // the stream ends here
        }
      }
      std::vector<json::object> objects;
      flatten(d, objects);
      for (auto& o : objects) {
        std::string api_version = str(o, "apiVersion"), kind = str(o, "kind");
        if (kind.empty()) {
          result.add(Failure::plain(fmt::format("Object 'Kind' is missing in '{}'", json::serialize(o))));
          continue;
        }
        if (auto problem = metadata_type_error(o)) {
          result.add(Failure::plain(fmt::format("unable to decode \"{}\": {}", source, *problem)));
          continue;
        }
        auto resource = c.discovery->find_kind(api_version, kind);
        if (!resource) {
          result.add(Failure::plain(fmt::format(
              "resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{}\": no matches for kind \"{}\" in "
              "version \"{}\"\nensure CRDs are installed first",
              meta_str(o, "name"), meta_str(o, "namespace"), source, kind, api_version)));
          continue;
        }
        if (!selector->empty()) {
          json::object labels;
          if (auto* meta = metadata_of(o))
            if (auto* l = meta->if_contains("labels"); l && l->is_object()) labels = l->get_object();
          if (!selector->matches(labels)) continue;
        }
        Manifest m{o, *resource, source, meta_str(o, "name"), meta_str(o, "namespace")};
        if (resource->namespaced) {
          if (m.ns.empty()) {
            m.ns = c.ns();
            if (!metadata_of(m.object)) m.object["metadata"] = json::object();
            (*metadata_of(m.object))["namespace"] = m.ns;
          } else if (c.config.namespace_explicit && m.ns != c.ns()) {
            result.add(Failure::plain(fmt::format(
                "the namespace from the provided object \"{}\" does not match the namespace \"{}\". You must pass "
                "'--namespace={}' to perform this operation.",
                m.ns, c.ns(), m.ns)),
                       false);
            continue;
          }
        } else {
          m.ns.clear();
        }
        result.add(std::move(m));
      }
    }
  }
  return result;
}

Expected<std::string> dry_run_strategy(const ParsedArgs& args) {
  if (!args.has("dry-run")) return std::string("none");
  std::string v = args.get("dry-run");
  if (v.empty() || v == "unchanged") {
    klog_warning("helpers.go:702", "--dry-run is deprecated and can be replaced with --dry-run=client.");
    return std::string("client");
  }
  if (v == "none" || v == "client" || v == "server") return v;
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"})
    if (v == t) {
      klog_warning("helpers.go:716", "--dry-run=" + v + " is deprecated (boolean value) and can be replaced with --dry-run=client.");
      return std::string("client");
    }
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"})
    if (v == f) {
      klog_warning("helpers.go:719", "--dry-run=" + v + " is deprecated (boolean value) and can be replaced with --dry-run=none.");
      return std::string("none");
    }
  return Error{"Invalid dry-run value (" + v + "). Must be \"none\", \"server\", or \"client\"."};
}

void klog_warning(const std::string& where, const std::string& text) {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  ::localtime_r(&t, &local);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  fmt::print(stderr, "W{:02}{:02} {:02}:{:02}:{:02}.{:06} {:>7} {}] {}\n", local.tm_mon + 1, local.tm_mday, local.tm_hour,
             local.tm_min, local.tm_sec, micros, ::getpid(), where, text);
}

}  // namespace kscratch::kubectl::apply
