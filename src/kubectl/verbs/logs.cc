// `kubectl logs POD|TYPE/NAME [CONTAINER]`: GET pods/NAME/log with --tail, -c,
// --previous, --timestamps, --since and --since-time. TYPE/NAME picks a pod of the
// object's selector as kubectl does; the container defaults to the pod's
// kubectl.kubernetes.io/default-container, else its first (with kubectl's notice when it
// has several). -l takes every matching pod (the last 10 lines of each unless --tail),
// --all-containers every container, --prefix marks each line `[pod/NAME/CONTAINER] `, and
// -f streams the logs as they come, several at once (at most --max-log-requests).

#include "../json_fields.h"
#include "../pods.h"
#include "kscratch/apimachinery/object.h"
#include "verbs.h"
#include "wait_duration.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

std::optional<json::object> parse(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// podutils.ByLogging: assigned pods first, then by phase (Running, Unknown, Pending), ready
// ones first, more restarts first, newer first.
int phase_rank(const std::string& phase) {
  if (phase == "Running") return 0;
  if (phase == "Unknown") return 1;
  if (phase == "Pending") return 2;
  return 3;
}

bool by_logging(const json::object& a, const json::object& b) {
  bool na = !str(sub(a, "spec"), "nodeName").empty(), nb = !str(sub(b, "spec"), "nodeName").empty();
  if (na != nb) return na;
  int pa = phase_rank(str(sub(a, "status"), "phase")), pb = phase_rank(str(sub(b, "status"), "phase"));
  if (pa != pb) return pa < pb;
  bool ra = pod_ready(a), rb = pod_ready(b);
  if (ra != rb) return ra;
  return str(apimachinery::object::metadata_of(a), "creationTimestamp") >
         str(apimachinery::object::metadata_of(b), "creationTimestamp");
}

// One log request: a pod's container.
struct LogRequest {
  std::string pod, container, target;
};

// Line by line as kubectl's DefaultConsumeRequest writes them, with --prefix's
// `[pod/NAME/CONTAINER] ` before each line (and before a last line without a newline).
class LineWriter {
 public:
  explicit LineWriter(std::string prefix) : prefix_(std::move(prefix)) {}
  void add(std::string_view bytes) {
    pending_.append(bytes);
    size_t start = 0;
    std::string out;
    for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n', start)) {
      out += prefix_;
      out.append(pending_, start, nl + 1 - start);
      start = nl + 1;
    }
    pending_.erase(0, start);
    write(out);
  }
  void finish() {
    if (!pending_.empty()) write(prefix_ + pending_);
    pending_.clear();
  }

 private:
  static void write(const std::string& s) {
    if (s.empty()) return;
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fflush(stdout);
  }
  std::string prefix_;
  std::string pending_;
};

void exit_on_signal(int) { _exit(1); }

int run_logs(Command& c) {
  auto& args = c.args.positional;
  std::string selector = c.args.get("selector");
  if (args.empty() && selector.empty()) {
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
  bool all_containers = c.args.flag("all-containers");
  bool follow = c.args.flag("follow");
  std::string ns = c.ns();
  std::vector<json::object> pods;
  client::Kind pod_kind{"", "v1", "pods", true};
  auto not_found = [&](const client::HttpResponse& r) {
    return fail("error from server (NotFound): " + status_message(r, c.rest->server()) + " in namespace \"" + ns + "\"");
  };
  if (!selector.empty()) {
    auto list = c.rest->get(with_query(pod_kind.path(ns), {{"labelSelector", selector}}));
    if (!is_success(list)) return fail(error_message(list, c.rest->server()));
    auto l = parse(list.body);
    if (l)
      if (auto* items = l->if_contains("items"); items && items->is_array())
        for (auto& i : items->get_array())
          if (i.is_object()) pods.push_back(i.get_object());
    if (pods.empty()) {
      fmt::print(stderr, "No resources found in {} namespace.\n", ns);
      return 0;
    }
  } else if (std::string word = args[0]; word.find('/') == std::string::npos) {
    auto r = c.rest->get(pod_kind.path(ns, word));
    if (r.status == 404) return not_found(r);
    if (!is_success(r)) return fail(error_message(r, c.rest->server()));
    auto p = parse(r.body);
    if (!p) return fail("the server returned an unreadable pod");
    pods.push_back(std::move(*p));
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
      pods.push_back(std::move(*obj));
    } else {
      std::string pod_selector;
      auto& spec = sub(*obj, "spec");
      if (t.resource.kind == "Service" || t.resource.kind == "ReplicationController") {
        pod_selector = set_selector(sub(spec, "selector"));
      } else if (spec.contains("selector") && spec.at("selector").is_object()) {
        pod_selector = set_selector(sub(sub(spec, "selector"), "matchLabels"));
      } else {
        return fail(fmt::format("cannot get the logs from *{}.{}: selector for *{}.{} not implemented", t.resource.version,
                                t.resource.kind, t.resource.version, t.resource.kind));
      }
      auto list = c.rest->get(with_query(pod_kind.path(ns), {{"labelSelector", pod_selector}}));
      if (!is_success(list)) return fail(error_message(list, c.rest->server()));
      auto l = parse(list.body);
      std::vector<json::object> found;
      if (l)
        if (auto* items = l->if_contains("items"); items && items->is_array())
          for (auto& i : items->get_array())
            if (i.is_object()) found.push_back(i.get_object());
      if (found.empty()) return fail("timed out waiting for the condition");
      std::stable_sort(found.begin(), found.end(), by_logging);
      pods.push_back(std::move(found.front()));
    }
  }
  // A selector shows the last 10 lines of each container unless --tail says otherwise.
  std::string tail = c.args.has("tail") && c.args.get("tail") != "-1" ? c.args.get("tail") : "";
  if (!selector.empty() && !c.args.has("tail")) tail = "10";
  std::vector<LogRequest> requests;
  auto add_request = [&](const std::string& pod_name, const std::string& name) {
    auto target = with_query(pod_kind.path(ns, pod_name) + "/log",
                             {{"container", name},
                              {"follow", follow ? "true" : ""},
                              {"previous", c.args.flag("previous") ? "true" : ""},
                              {"sinceSeconds", since_seconds},
                              {"sinceTime", c.args.get("since-time")},
                              {"tailLines", tail},
                              {"timestamps", c.args.flag("timestamps") ? "true" : ""},
                              {"limitBytes", c.args.get("limit-bytes")}});
    requests.push_back({pod_name, name, std::move(target)});
  };
  for (auto& pod : pods) {
    std::string pod_name = apimachinery::object::name_of(pod);
    auto names = container_names(pod, "containers");
    if (all_containers) {
      for (const char* field : {"initContainers", "containers", "ephemeralContainers"})
        for (auto& n : container_names(pod, field)) add_request(pod_name, n);
      continue;
    }
    std::string chosen = container;
    if (chosen.empty()) {
      auto& annotations = sub(apimachinery::object::metadata_of(pod), "annotations");
      chosen = str(annotations, "kubectl.kubernetes.io/default-container");
      if (chosen.empty() && !names.empty()) {
        chosen = names.front();
        if (names.size() > 1) {
          std::string all;
          for (auto& n : names) all += (all.empty() ? "" : ", ") + n;
          fmt::print(stderr, "Defaulted container \"{}\" out of: {}\n", chosen, all);
        }
      }
    } else {
      bool valid = std::find(names.begin(), names.end(), chosen) != names.end();
      for (const char* field : {"initContainers", "ephemeralContainers"}) {
        auto more = container_names(pod, field);
        valid = valid || std::find(more.begin(), more.end(), chosen) != more.end();
      }
      if (!valid) return fail(fmt::format("container {} is not valid for pod {}", chosen, pod_name));
    }
    add_request(pod_name, chosen);
  }
  bool prefix = c.args.flag("prefix");
  auto prefix_of = [&](const LogRequest& r) { return prefix ? fmt::format("[pod/{}/{}] ", r.pod, r.container) : std::string(); };
  if (!follow) {
    for (auto& req : requests) {
      auto r = c.rest->get(req.target, "*/*");
      if (!is_success(r)) return fail(error_message(r, c.rest->server()));
      LineWriter out(prefix_of(req));
      out.add(r.body);
      out.finish();
    }
    return 0;
  }
  int max_requests = 5;
  if (c.args.has("max-log-requests")) max_requests = std::atoi(c.args.get("max-log-requests").c_str());
  if (requests.size() > 1 && static_cast<int>(requests.size()) > max_requests)
    return fail(fmt::format("you are attempting to follow {} log streams, but maximum allowed concurrency is {}, use "
                            "--max-log-requests to increase the limit",
                            requests.size(), max_requests));
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, exit_on_signal);
  std::vector<client::HttpRequest> http;
  std::vector<LineWriter> writers;
  for (auto& req : requests) {
    http.push_back({"GET", req.target, {}, {}, "*/*"});
    writers.emplace_back(prefix_of(req));
  }
  auto results = c.rest->stream(http, [&](size_t i, std::string_view bytes) {
    writers[i].add(bytes);
    return true;
  });
  int code = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    writers[i].finish();
    if (!is_success(results[i])) {
      fmt::print(stderr, "{}\n", error_message(results[i], c.rest->server()));
      code = kFailure;
    }
  }
  return code;
}

bool logs_handles(const ParsedArgs& args) {
  if (args.has("selector") && !args.positional.empty()) return false;
  return args.positional.size() <= 2;
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
            {"prefix", 0, false},
            {"max-log-requests"}},
           run_logs,
           logs_handles}};
}

}  // namespace kscratch::kubectl
