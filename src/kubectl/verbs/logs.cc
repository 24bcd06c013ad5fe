// `kubectl logs POD|TYPE/NAME [CONTAINER]`: GET pods/NAME/log with --tail, -c,
// --previous, --timestamps, --since and --since-time. TYPE/NAME picks a pod of the
// object's selector as kubectl does; the container defaults to the pod's
// kubectl.kubernetes.io/default-container, else its first (with kubectl's notice when it
// has several). -f, -l and --all-containers are left to another kubectl.

#include "../json_fields.h"
#include "kscratch/apimachinery/object.h"
#include "verbs.h"
#include "wait_duration.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

const json::object& sub(const json::object& o, std::string_view key) {
  static const json::object empty;
  auto* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : empty;
}

std::optional<json::object> parse(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::vector<std::string> container_names(const json::object& pod, const char* field) {
  std::vector<std::string> out;
  auto* list = sub(pod, "spec").if_contains(field);
  if (list && list->is_array())
    for (auto& c : list->get_array())
      if (c.is_object()) out.push_back(str(c.get_object(), "name"));
  return out;
}

// A label selector's string form from matchLabels (and a Service's plain map).
std::string selector_of(const json::object& labels) {
  std::vector<std::string> parts;
  for (auto& [k, v] : labels)
    if (v.is_string()) parts.push_back(std::string(k) + "=" + std::string(v.get_string()));
  std::sort(parts.begin(), parts.end());
  std::string s;
  for (auto& p : parts) s += (s.empty() ? "" : ",") + p;
  return s;
}

// podutils.ByLogging: assigned pods first, then by phase (Running, Unknown, Pending), ready
// ones first, more restarts first, newer first.
int phase_rank(const std::string& phase) {
  if (phase == "Running") return 0;
  if (phase == "Unknown") return 1;
  if (phase == "Pending") return 2;
  return 3;
}

bool ready(const json::object& pod) {
  auto* conditions = sub(pod, "status").if_contains("conditions");
  if (!conditions || !conditions->is_array()) return false;
  for (auto& c : conditions->get_array())
    if (c.is_object() && str(c.get_object(), "type") == "Ready") return str(c.get_object(), "status") == "True";
  return false;
}

bool by_logging(const json::object& a, const json::object& b) {
  bool na = !str(sub(a, "spec"), "nodeName").empty(), nb = !str(sub(b, "spec"), "nodeName").empty();
  if (na != nb) return na;
  int pa = phase_rank(str(sub(a, "status"), "phase")), pb = phase_rank(str(sub(b, "status"), "phase"));
  if (pa != pb) return pa < pb;
  bool ra = ready(a), rb = ready(b);
  if (ra != rb) return ra;
  return str(apimachinery::object::metadata_of(a), "creationTimestamp") >
         str(apimachinery::object::metadata_of(b), "creationTimestamp");
}

int run_logs(Command& c) {
  auto& args = c.args.positional;
  if (args.empty()) {
    fmt::print(stderr,
               "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument "
               "for the logs command\nSee 'kubectl logs -h' for help and examples\n");
    return kFailure;
  }
  std::string container = c.args.get("container");
  if (args.size() == 2 && container.empty()) container = args[1];
  if (c.args.has("since") && c.args.has("since-time"))
    return fail("at most one of `sinceTime` or `sinceSeconds` may be specified");
  std::string since_seconds;
  if (c.args.has("since")) {
    auto d = parse_go_duration(c.args.get("since"));
    if (!d)
      return fail(fmt::format("invalid argument \"{}\" for \"--since\" flag: time: invalid duration \"{}\"", c.args.get("since"),
                              c.args.get("since")));
    auto secs = std::chrono::ceil<std::chrono::seconds>(*d).count();
    since_seconds = std::to_string(secs);
  }
  std::string ns = c.ns();
  json::object pod;
  std::string word = args[0];
  client::Kind pods{"", "v1", "pods", true};
  auto not_found = [&](const client::HttpResponse& r) {
    return fail("error from server (NotFound): " + status_message(r, c.rest->server()) + " in namespace \"" + ns + "\"");
  };
  if (word.find('/') == std::string::npos) {
    auto r = c.rest->get(pods.path(ns, word));
    if (r.status == 404) return not_found(r);
    if (!is_success(r)) return fail(error_message(r, c.rest->server()));
    auto p = parse(r.body);
    if (!p) return fail("the server returned an unreadable pod");
    pod = std::move(*p);
  } else {
    auto targets = resolve_targets({word}, *c.discovery);
    if (!targets) return fail(targets.error().message);
    auto& t = targets->front();
    auto r = c.rest->get(t.resource.rest_kind().path(t.resource.namespaced ? ns : "", t.names.front()));
    if (r.status == 404) return not_found(r);
    if (!is_success(r)) return fail(error_message(r, c.rest->server()));
    auto obj = parse(r.body);
    if (!obj) return fail("the server returned an unreadable object");
    if (t.resource.kind == "Pod") {
      pod = std::move(*obj);
    } else {
      std::string selector;
      auto& spec = sub(*obj, "spec");
      if (t.resource.kind == "Service" || t.resource.kind == "ReplicationController") {
        selector = selector_of(sub(spec, "selector"));
      } else if (spec.contains("selector") && spec.at("selector").is_object()) {
        selector = selector_of(sub(sub(spec, "selector"), "matchLabels"));
      } else {
        return fail(fmt::format("cannot get the logs from *{}.{}: selector for *{}.{} not implemented", t.resource.version,
                                t.resource.kind, t.resource.version, t.resource.kind));
      }
      auto list = c.rest->get(with_query(pods.path(ns), {{"labelSelector", selector}}));
      if (!is_success(list)) return fail(error_message(list, c.rest->server()));
      auto l = parse(list.body);
      std::vector<json::object> found;
      if (l)
        if (auto* items = l->if_contains("items"); items && items->is_array())
          for (auto& i : items->get_array())
            if (i.is_object()) found.push_back(i.get_object());
      if (found.empty()) return fail("timed out waiting for the condition");
      std::stable_sort(found.begin(), found.end(), by_logging);
      pod = std::move(found.front());
    }
  }
  std::string pod_name = apimachinery::object::name_of(pod);
  auto names = container_names(pod, "containers");
  if (container.empty()) {
    auto& annotations = sub(apimachinery::object::metadata_of(pod), "annotations");
    container = str(annotations, "kubectl.kubernetes.io/default-container");
    if (container.empty() && !names.empty()) {
      container = names.front();
      if (names.size() > 1) {
        std::string all;
        for (auto& n : names) all += (all.empty() ? "" : ", ") + n;
        fmt::print(stderr, "Defaulted container \"{}\" out of: {}\n", container, all);
      }
    }
  } else {
    bool valid = std::find(names.begin(), names.end(), container) != names.end();
    for (const char* field : {"initContainers", "ephemeralContainers"}) {
      auto more = container_names(pod, field);
      valid = valid || std::find(more.begin(), more.end(), container) != more.end();
    }
    if (!valid) return fail(fmt::format("container {} is not valid for pod {}", container, pod_name));
  }
  auto target = with_query(pods.path(ns, pod_name) + "/log",
                           {{"container", container},
                            {"previous", c.args.flag("previous") ? "true" : ""},
                            {"sinceSeconds", since_seconds},
                            {"sinceTime", c.args.get("since-time")},
                            {"tailLines", c.args.has("tail") && c.args.get("tail") != "-1" ? c.args.get("tail") : ""},
                            {"timestamps", c.args.flag("timestamps") ? "true" : ""},
                            {"limitBytes", c.args.get("limit-bytes")}});
  auto r = c.rest->get(target, "*/*");
  if (!is_success(r)) return fail(error_message(r, c.rest->server()));
  std::fwrite(r.body.data(), 1, r.body.size(), stdout);
  return 0;
}

bool logs_handles(const ParsedArgs& args) {
  return !args.has("selector") && !args.flag("follow") && !args.flag("all-containers") && !args.has("prefix") &&
         args.positional.size() <= 2;
}

}  // namespace

std::vector<Verb> logs_verbs() {
  return {{"logs",
           {{"container", 'c'},
            {"tail"},
            {"previous", 'p', false},
            {"timestamps", 0, false},
            {"since"},
            {"since-time"},
            {"limit-bytes"},
            {"follow", 'f', false},
            {"selector", 'l'},
            {"all-containers", 0, false},
            {"prefix", 0, false}},
           run_logs,
           logs_handles}};
}

}  // namespace kscratch::kubectl
