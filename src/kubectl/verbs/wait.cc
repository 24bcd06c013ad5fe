// `kubectl wait --for=condition=C[=V] | --for=delete | --for=jsonpath={..}[=V] TYPE/NAME`:
// polls each object until the condition holds (`deployment.apps/x condition met`) or the
// --timeout (30s by default) passes (`timed out waiting for the condition on
// deployments/x`). Selectors and --all are left to another kubectl.

#include "../printers/jsonpath.h"
#include "kscratch/apimachinery/object.h"
#include "verbs.h"
#include "wait_duration.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <strings.h>
#include <thread>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

bool equal_fold(const std::string& a, const std::string& b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

struct Condition {
  enum { kDelete, kCondition, kJsonPath } kind = kDelete;
  std::string name, value;
  std::optional<jsonpath::Template> path;
};

bool condition_met(const Condition& cond, const json::object& obj) {
  if (cond.kind == Condition::kCondition) {
    auto* status = obj.if_contains("status");
    if (!status || !status->is_object()) return false;
    auto* conditions = status->get_object().if_contains("conditions");
    if (!conditions || !conditions->is_array()) return false;
    auto& meta = apimachinery::object::metadata_of(obj);
    for (auto& c : conditions->get_array()) {
      if (!c.is_object() || !equal_fold(str(c.get_object(), "type"), cond.name)) continue;
      auto* observed = c.get_object().if_contains("observedGeneration");
      auto* generation = meta.if_contains("generation");
      if (observed && generation && observed->is_int64() && generation->is_int64() &&
          observed->get_int64() != generation->get_int64())
        continue;
      if (equal_fold(str(c.get_object(), "status"), cond.value)) return true;
    }
    return false;
  }
  auto selected = cond.path->select(json::value(obj));
  if (selected.size() != 1) return false;
  if (cond.value.empty()) return true;
  auto& v = selected.front();
  if (v.is_object() || v.is_array()) return false;
  return jsonpath::text_of(v) == cond.value;
}

int run_wait(Command& c) {
  std::string spec = c.args.get("for");
  Condition cond;
  if (equal_fold(spec, "delete")) {
    cond.kind = Condition::kDelete;
  } else if (spec.starts_with("condition=")) {
    cond.kind = Condition::kCondition;
    cond.name = spec.substr(10);
    cond.value = "true";
    if (auto eq = cond.name.find('='); eq != std::string::npos) {
      cond.value = cond.name.substr(eq + 1);
      cond.name.resize(eq);
    }
  } else if (spec.starts_with("jsonpath=")) {
    cond.kind = Condition::kJsonPath;
    std::string input = spec.substr(9), expr = input;
    size_t search_from = 0;
    if (!input.empty() && input[0] == '{') {
      auto close = input.rfind('}');
      search_from = close == std::string::npos ? input.size() : close;
    }
    if (auto eq = input.find('=', search_from); eq != std::string::npos) {
      expr = input.substr(0, eq);
      cond.value = input.substr(eq + 1);
      while (!cond.value.empty() && (cond.value.front() == '\'' || cond.value.front() == '"')) cond.value.erase(0, 1);
      while (!cond.value.empty() && (cond.value.back() == '\'' || cond.value.back() == '"')) cond.value.pop_back();
      if (cond.value.empty()) return fail("jsonpath wait has to have a value after equal sign");
    }
    // RelaxedJSONPathExpression: ".a.b" and "a.b" mean "{.a.b}".
    if (expr.empty() || expr[0] != '{') expr = "{" + std::string(expr.starts_with(".") ? "" : ".") + expr + "}";
    auto t = jsonpath::Template::parse(expr);
    if (!t) return fail(t.error().message);
    cond.path = std::move(*t);
  } else {
    return fail("unrecognized condition: \"" + spec + "\"");
  }
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);
  if (c.args.has("timeout")) {
    auto d = parse_go_duration(c.args.get("timeout"));
    if (!d)
      return fail(fmt::format("invalid argument \"{}\" for \"--timeout\" flag: time: invalid duration \"{}\"",
                              c.args.get("timeout"), c.args.get("timeout")));
    timeout = *d;
  }
  if (c.args.positional.empty())
    return fail("resource(s) were provided, but no name was specified");
  auto targets = resolve_targets(c.args.positional, *c.discovery);
  if (!targets) return fail(targets.error().message);
  for (auto& t : *targets)
    if (t.names.empty()) return fail("resource(s) were provided, but no name was specified");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int visited = 0;
  for (auto& t : *targets) {
    std::string ns = t.resource.namespaced ? c.ns() : "";
    for (auto& name : t.names) {
      auto path = t.resource.rest_kind().path(ns, name);
      std::string uid;
      bool first = true;
      while (true) {
        auto response = c.rest->get(path);
        if (!is_success(response)) {
          if (response.status == 404 && cond.kind == Condition::kDelete) {
            if (!first) fmt::print("{}/{} condition met\n", t.resource.kind_prefix(), name);
            break;
          }
          return fail(error_message(response, c.rest->server()));
        }
        if (first) ++visited;
        boost::system::error_code ec;
        auto v = json::parse(response.body, ec);
        if (ec || !v.is_object()) return fail("the server returned an unreadable object");
        auto& obj = v.get_object();
        std::string now_uid = str(apimachinery::object::metadata_of(obj), "uid");
        if (first) uid = now_uid;
        first = false;
        if (cond.kind == Condition::kDelete) {
          if (now_uid != uid) {
            fmt::print("{}/{} condition met\n", t.resource.kind_prefix(), name);
            break;
          }
        } else if (condition_met(cond, obj)) {
          fmt::print("{}/{} condition met\n", t.resource.kind_prefix(), name);
          break;
        }
        if (std::chrono::steady_clock::now() >= deadline)
          return fail(fmt::format("timed out waiting for the condition on {}/{}", t.resource.name, name));
        auto next = std::chrono::steady_clock::now() + std::chrono::milliseconds(250);
        std::this_thread::sleep_until(std::min(next, deadline));
      }
      std::fflush(stdout);
    }
  }
  if (visited == 0 && cond.kind != Condition::kDelete) return fail("no matching resources found");
  return 0;
}

bool wait_handles(const ParsedArgs& args) { return !args.has("selector") && !args.flag("all") && !args.has("filename"); }

}  // namespace

std::vector<Verb> wait_verbs() {
  return {{"wait",
           {{"for"}, {"timeout"}, {"selector", 'l'}, {"all", 0, false}, {"filename", 'f'}},
           run_wait,
           wait_handles}};
}

}  // namespace kscratch::kubectl
