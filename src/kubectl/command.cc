// Argument resolution shared by the verbs.

#include "command.h"

#include "kscratch/apimachinery/goformat.h"
#include "kscratch/apimachinery/yaml.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

namespace kscratch::kubectl {

namespace json = boost::json;
namespace fs = std::filesystem;

int fail(const std::string& message) {
  // Messages about the server (its Status, or reaching it) print as they are, as
  // kubectl's CheckErr does; everything else is a client-side "error: ".
  for (const char* raw : {"Error from server", "The connection to the server", "Unable to connect to the server",
                          "Error in configuration", "error: You must be logged in"}) {
    if (message.starts_with(raw)) return fail_raw(message);
  }
  fmt::print(stderr, "error: {}\n", message);
  return kFailure;
}

int fail_raw(const std::string& message) {
  fmt::print(stderr, "{}\n", message);
  return kFailure;
}

void klog_error(const std::string& where, const std::string& text) {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  ::localtime_r(&t, &local);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  fmt::print(stderr, "E{:02}{:02} {:02}:{:02}:{:02}.{:06} {:>7} {}] {}\n", local.tm_mon + 1, local.tm_mday, local.tm_hour,
             local.tm_min, local.tm_sec, micros, ::getpid(), where, text);
}

int fail_command(const std::string& message) {
  klog_error("run.go:72", "\"command failed\" err=" + apimachinery::goformat::go_quote(message));
  return kFailure;
}

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

// A type word as one or more resources (a category expands).
Expected<std::vector<ApiResource>> resolve_type(const std::string& word, Discovery& discovery) {
  if (auto r = discovery.find(word)) return std::vector<ApiResource>{*r};
  if (auto members = discovery.category(word); !members.empty()) return members;
  if (!discovery.error().empty()) return Error{discovery.error()};
  return Error{"the server doesn't have a resource type \"" + word + "\""};
}

void flatten(const json::value& v, std::vector<json::object>& out) {
  if (!v.is_object()) return;
  auto& o = v.get_object();
  auto* kind = o.if_contains("kind");
  auto* items = o.if_contains("items");
  if (kind && kind->is_string() && std::string_view(kind->get_string()).ends_with("List") && items && items->is_array()) {
    for (auto& item : items->get_array()) flatten(item, out);
    return;
  }
  out.push_back(o);
}

}  // namespace

Expected<std::vector<Target>> resolve_targets(const std::vector<std::string>& args, Discovery& discovery) {
  std::vector<Target> out;
  if (args.empty()) return out;
  bool slash_form = args[0].find('/') != std::string::npos;
  if (slash_form) {
    for (auto& a : args) {
      auto slash = a.find('/');
      if (slash == std::string::npos)
        return Error{"there is no need to specify a resource type as a separate argument when passing arguments in "
                     "resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get "
                     "resource resource/<resource_name>'"};
      auto type = a.substr(0, slash), name = a.substr(slash + 1);
      if (name.empty()) return Error{"arguments in resource/name form must have a single resource and name"};
      auto resources = resolve_type(type, discovery);
      if (!resources) return resources.error();
      out.push_back({resources->front(), {name}});
    }
    return out;
  }
  std::vector<std::string> names(args.begin() + 1, args.end());
  for (auto& n : names)
    if (n.find('/') != std::string::npos)
      return Error{"there is no need to specify a resource type as a separate argument when passing arguments in "
                   "resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get "
                   "resource resource/<resource_name>'"};
  std::set<std::string> seen;
  for (auto& word : split(args[0], ',')) {
    if (word.empty()) continue;
    auto resources = resolve_type(word, discovery);
    if (!resources) return resources.error();
    for (auto& r : *resources) {
      if (!seen.insert(r.group_resource()).second) continue;
      out.push_back({r, names});
    }
  }
  return out;
}

Expected<std::vector<json::object>> read_manifests(const std::vector<std::string>& files) {
  std::vector<json::object> out;
  std::vector<fs::path> paths;
  for (auto& f : files) {
    if (f == "-") {
      paths.emplace_back("-");
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(f, ec)) {
      std::vector<fs::path> entries;
      for (auto& e : fs::directory_iterator(f, ec)) {
        auto ext = e.path().extension();
        if (ext == ".yaml" || ext == ".yml" || ext == ".json") entries.push_back(e.path());
      }
      std::sort(entries.begin(), entries.end());
      paths.insert(paths.end(), entries.begin(), entries.end());
    } else if (!fs::exists(f, ec)) {
      return Error{"the path \"" + f + "\" does not exist"};
    } else {
      paths.emplace_back(f);
    }
  }
  for (auto& p : paths) {
    std::string text;
    if (p == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      std::ifstream in(p, std::ios::binary);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto docs = apimachinery::yaml::stream_to_json(text);
    if (!docs) return Error{"error parsing " + p.string() + ": " + docs.error().message};
    for (auto& d : *docs) flatten(d, out);
  }
  return out;
}

}  // namespace kscratch::kubectl
