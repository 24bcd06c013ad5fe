// `kubectl rollout status|history|pause|resume|restart|undo` for Deployments, with
// upstream's messages (pkg/cmd/rollout, polymorphichelpers).

#include "describers.h"
#include "json_util.h"

#include <fmt/format.h>

#include <set>

#include <chrono>
#include <ctime>
#include <thread>

namespace kscratch::kubectl::describe {

namespace {

constexpr const char* kRevision = "deployment.kubernetes.io/revision";
constexpr const char* kChangeCause = "kubernetes.io/change-cause";

std::optional<json::value> parse_body(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v;
}

struct Object {
  ApiResource resource;
  json::value obj;
};

bool is_deployment(const ApiResource& r) { return r.group == "apps" && r.kind == "Deployment"; }

// The named objects of the arguments (TYPE NAME..., TYPE/NAME...), or every one of TYPE;
// errors are kubectl's messages.
std::vector<Object> fetch(Command& c, const std::vector<std::string>& args, std::vector<std::string>& errors) {
  std::vector<Object> out;
  auto targets = resolve_targets(args, *c.discovery);
  if (!targets) {
    errors.push_back(fmt::format("error: {}", targets.error().message));
    return out;
  }
  for (auto& t : *targets) {
    std::string ns = t.resource.namespaced ? c.ns() : "";
    if (t.names.empty()) {
      std::string error;
      for (auto& item : list_items(c, t.resource.rest_kind().path(ns) + "?limit=500", &error)) {
        // List items carry no kind; the describers read it.
        item.as_object()["kind"] = t.resource.kind;
        out.push_back({t.resource, item});
      }
      if (!error.empty()) errors.push_back("Error from server: " + error);
      continue;
    }
    for (auto& name : t.names) {
      auto response = c.rest->get(t.resource.rest_kind().path(ns, name));
      if (!is_success(response)) {
        errors.push_back(error_message(response, c.rest->server()));
        continue;
      }
      if (auto v = parse_body(response.body)) out.push_back({t.resource, std::move(*v)});
    }
  }
  return out;
}

int finish(const std::vector<std::string>& errors) {
  for (auto& e : errors) fmt::print(stderr, "{}\n", e);
  return errors.empty() ? 0 : kFailure;
}

std::string error_line(const std::string& message) {
  return message.starts_with("Error from server") ? message : "error: " + message;
}

int64_t revision_of(const json::value& obj, bool* ok = nullptr) {
  auto annotations = smap(obj, "metadata.annotations");
  auto it = annotations.find(kRevision);
  if (ok) *ok = false;
  if (it == annotations.end()) return 0;
  try {
    size_t used = 0;
    int64_t v = std::stoll(it->second, &used);
    if (used != it->second.size()) return 0;
    if (ok) *ok = true;
    return v;
  } catch (...) {
    return 0;
  }
}

// DeploymentStatusViewer.Status: the message, whether the rollout is done, or an error.
struct Status {
  std::string message;
  bool done = false;
  std::string error;
};
Status deployment_status(const json::value& d, int64_t revision) {
  std::string name = str(d, "metadata.name");
  if (revision > 0) {
    bool ok = false;
    int64_t current = revision_of(d, &ok);
    if (!ok) return {"", false, fmt::format("cannot get the revision of deployment \"{}\": invalid revision", name)};
    if (current != revision)
      return {"", false, fmt::format("desired revision ({}) is different from the running revision ({})", revision, current)};
  }
  if (num(d, "metadata.generation") <= num(d, "status.observedGeneration")) {
    for (auto& cond : arr(d, "status.conditions"))
      if (str(cond, "type") == "Progressing" && str(cond, "reason") == "ProgressDeadlineExceeded")
        return {"", false, fmt::format("deployment \"{}\" exceeded its progress deadline", name)};
    int64_t replicas = num(d, "spec.replicas"), updated = num(d, "status.updatedReplicas"), total = num(d, "status.replicas"),
            available = num(d, "status.availableReplicas");
    if (has(d, "spec.replicas") && updated < replicas)
      return {fmt::format("Waiting for deployment \"{}\" rollout to finish: {} out of {} new replicas have been updated...\n", name,
                          updated, replicas)};
    if (total > updated)
      return {fmt::format("Waiting for deployment \"{}\" rollout to finish: {} old replicas are pending termination...\n", name,
                          total - updated)};
    if (available < updated)
      return {fmt::format("Waiting for deployment \"{}\" rollout to finish: {} of {} updated replicas are available...\n", name,
                          available, updated)};
    return {fmt::format("deployment \"{}\" successfully rolled out\n", name), true};
  }
  return {"Waiting for deployment spec update to be observed...\n"};
}

// A Go duration ("30s", "1m30s", "2h", "0"); nullopt when unreadable.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& s) {
  if (s == "0") return std::chrono::milliseconds(0);
  double total = 0;
  size_t i = 0;
  if (s.empty()) return std::nullopt;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (start == i) return std::nullopt;
    double value = std::stod(s.substr(start, i - start));
    size_t unit_start = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string unit = s.substr(unit_start, i - unit_start);
    double ms = 0;
    if (unit == "ms") ms = 1;
    else if (unit == "s") ms = 1000;
    else if (unit == "m") ms = 60000;
    else if (unit == "h") ms = 3600000;
    else if (unit == "us" || unit == "µs") ms = 0.001;
    else if (unit == "ns") ms = 0.000001;
    else return std::nullopt;
    total += value * ms;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total));
}

int rollout_status(Command& c, const std::vector<std::string>& args) {
  if (args.empty()) return fail("required resource not specified");
  int64_t revision = 0;
  if (c.args.has("revision")) revision = std::atoll(c.args.get("revision").c_str());
  if (revision < 0) return fail(fmt::format("revision must be a positive integer: {}", revision));
  bool watch = !c.args.has("watch") || c.args.flag("watch");
  std::chrono::milliseconds timeout{0};
  if (c.args.has("timeout")) {
    auto t = parse_duration(c.args.get("timeout"));
    if (!t) return fail(fmt::format("invalid argument \"{}\" for \"--timeout\" flag: time: invalid duration \"{}\"", c.args.get("timeout"),
                                    c.args.get("timeout")));
    timeout = *t;
  }
  std::vector<std::string> errors;
  auto objects = fetch(c, args, errors);
  if (!errors.empty()) return finish({errors.front()});
  if (objects.size() != 1)
    return fail(fmt::format("rollout status is only supported on individual resources and resource collections - {} resources were found",
                            objects.size()));
  auto& o = objects.front();
  if (!is_deployment(o.resource)) return fail("no status viewer has been implemented for " + o.resource.kind);
  std::string target = o.resource.rest_kind().path(c.ns(), str(o.obj, "metadata.name"));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last_version;
  json::value current = o.obj;
  for (;;) {
    std::string version = str(current, "metadata.resourceVersion");
    if (version != last_version) {
      last_version = version;
      auto status = deployment_status(current, revision);
      if (!status.error.empty()) return fail(status.error);
      fmt::print("{}", status.message);
      std::fflush(stdout);
      if (status.done || !watch) return 0;
    }
    if (timeout.count() > 0 && std::chrono::steady_clock::now() >= deadline) return fail("timed out waiting for the condition");
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto response = c.rest->get(target);
    if (response.status == 404) return fail("object has been deleted");
    if (!is_success(response)) return fail(error_message(response, c.rest->server()));
    if (auto v = parse_body(response.body)) current = std::move(*v);
  }
}

int rollout_history(Command& c, const std::vector<std::string>& args) {
  if (args.empty()) return fail("required resource not specified");
  int64_t revision = c.args.has("revision") ? std::atoll(c.args.get("revision").c_str()) : 0;
  std::vector<std::string> errors;
  auto objects = fetch(c, args, errors);
  for (auto& o : objects) {
    if (!is_deployment(o.resource)) {
      errors.push_back(fmt::format("error: error retrieving history for \"{}\", no visitor method exists for {{{} {}}}", o.resource.kind,
                                   o.resource.group, o.resource.kind));
      continue;
    }
    auto sets = deployment_replicasets(c, o.obj);
    std::map<int64_t, json::value> history;
    std::vector<json::value> all = sets.old;
    if (sets.current) all.push_back(*sets.current);
    for (auto& rs : all) {
      bool ok = false;
      int64_t v = revision_of(rs, &ok);
      if (!ok) continue;
      json::value tmpl = *path(rs, "spec.template");
      auto cause = smap(rs, "metadata.annotations")[kChangeCause];
      if (!cause.empty()) {
        auto& meta = tmpl.as_object()["metadata"];
        if (!meta.is_object()) meta = json::object();
        auto& annotations = meta.as_object()["annotations"];
        if (!annotations.is_object()) annotations = json::object();
        annotations.as_object()[kChangeCause] = cause;
      }
      history[v] = std::move(tmpl);
    }
    std::string text;
    if (history.empty()) {
      text = "No rollout history found.";
    } else if (revision > 0) {
      auto it = history.find(revision);
      if (it == history.end()) {
        errors.push_back("error: unable to find the specified revision");
        continue;
      }
      PrefixWriter w(true);
      describe_pod_template(it->second, w);
      text = w.str();
    } else {
      TabText t(0, 2);
      t.write("REVISION\tCHANGE-CAUSE\n");
      for (auto& [r, tmpl] : history) {
        auto cause = smap(tmpl, "metadata.annotations")[kChangeCause];
        t.write(fmt::format("{}\t{}\n", r, cause.empty() ? "<none>" : cause));
      }
      text = t.str();
    }
    std::string suffix = revision > 0 ? fmt::format("with revision #{}", revision) : "";
    fmt::print("{}/{} {}\n{}\n", o.resource.kind_prefix(), str(o.obj, "metadata.name"), suffix, text);
  }
  std::fflush(stdout);
  return finish(errors);
}

int patch(Command& c, const Object& o, const std::string& content_type, const std::string& body, std::string& error) {
  client::HttpRequest request{"PATCH", with_query(o.resource.rest_kind().path(c.ns(), str(o.obj, "metadata.name")), {{"fieldManager", "kubectl-rollout"}}),
                              content_type, body};
  auto response = c.rest->send(request);
  if (!is_success(response)) {
    error = error_message(response, c.rest->server());
    return kFailure;
  }
  return 0;
}

int rollout_pause_resume(Command& c, const std::vector<std::string>& args, bool pause) {
  if (args.empty())
    return fail("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
  std::vector<std::string> errors;
  auto objects = fetch(c, args, errors);
  for (auto& o : objects) {
    std::string name = str(o.obj, "metadata.name");
    if (!is_deployment(o.resource)) {
      errors.push_back(fmt::format("error: {} \"{}\" {} is not supported", o.resource.group_resource(), name, pause ? "pausing" : "resuming"));
      continue;
    }
    if (boolean(o.obj, "spec.paused") == pause) {
      errors.push_back(fmt::format("error: {} \"{}\" is {}", o.resource.group_resource(), name, pause ? "already paused" : "not paused"));
      continue;
    }
    std::string error;
    if (patch(c, o, "application/strategic-merge-patch+json", pause ? R"({"spec":{"paused":true}})" : R"({"spec":{"paused":null}})", error)) {
      errors.push_back(error_line(error));
      continue;
    }
    fmt::print("{}/{} {}\n", o.resource.kind_prefix(), name, pause ? "paused" : "resumed");
  }
  std::fflush(stdout);
  return finish(errors);
}

// time.Now().Format(time.RFC3339) in the local zone.
std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&t, &local);
  char buf[64], zone[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &local);
  std::strftime(zone, sizeof zone, "%z", &local);
  std::string z = zone;
  if (z == "+0000") return std::string(buf) + "Z";
  return std::string(buf) + z.substr(0, 3) + ":" + z.substr(3);
}

int rollout_restart(Command& c, const std::vector<std::string>& args) {
  if (args.empty())
    return fail("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
  std::vector<std::string> errors;
  auto objects = fetch(c, args, errors);
  for (auto& o : objects) {
    std::string name = str(o.obj, "metadata.name");
    if (!is_deployment(o.resource)) {
      errors.push_back(fmt::format("error: {} \"{}\" restarting is not supported", o.resource.group_resource(), name));
      continue;
    }
    if (boolean(o.obj, "spec.paused")) {
      errors.push_back(fmt::format("error: {} \"{}\" can't restart paused deployment (run rollout resume first)", o.resource.group_resource(), name));
      continue;
    }
    std::string body = fmt::format(R"({{"spec":{{"template":{{"metadata":{{"annotations":{{"kubectl.kubernetes.io/restartedAt":"{}"}}}}}}}}}})",
                                   now_rfc3339());
    std::string error;
    if (patch(c, o, "application/strategic-merge-patch+json", body, error)) {
      errors.push_back(error_line(error));
      continue;
    }
    fmt::print("{}/{} restarted\n", o.resource.kind_prefix(), name);
  }
  std::fflush(stdout);
  return finish(errors);
}

int rollout_undo(Command& c, const std::vector<std::string>& args) {
  if (args.empty())
    return fail("required resource not specified");
  int64_t to_revision = c.args.has("to-revision") ? std::atoll(c.args.get("to-revision").c_str()) : 0;
  std::vector<std::string> errors;
  auto objects = fetch(c, args, errors);
  for (auto& o : objects) {
    std::string name = str(o.obj, "metadata.name");
    if (!is_deployment(o.resource)) {
      errors.push_back(fmt::format("error: no rollbacker has been implemented for {{{} {}}}", o.resource.group, o.resource.kind));
      continue;
    }
    if (boolean(o.obj, "spec.paused")) {
      errors.push_back(fmt::format("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"));
      continue;
    }
    auto sets = deployment_replicasets(c, o.obj);
    std::vector<json::value> all = sets.old;
    if (sets.current) all.push_back(*sets.current);
    const json::value* found = nullptr;
    const json::value *latest = nullptr, *previous = nullptr;
    int64_t latest_rev = -1, previous_rev = -1;
    for (auto& rs : all) {
      bool ok = false;
      int64_t v = revision_of(rs, &ok);
      if (!ok) continue;
      if (to_revision == 0) {
        if (latest_rev < v) {
          previous_rev = latest_rev, previous = latest;
          latest_rev = v, latest = &rs;
        } else if (previous_rev < v) {
          previous_rev = v, previous = &rs;
        }
      } else if (to_revision == v) {
        found = &rs;
        break;
      }
    }
    if (to_revision > 0 && !found) {
      errors.push_back(fmt::format("error: unable to find specified revision {} in history", to_revision));
      continue;
    }
    if (to_revision == 0) {
      if (!previous) {
        errors.push_back(fmt::format("error: no rollout history found for deployment \"{}\"", name));
        continue;
      }
      found = previous;
    }
    json::value tmpl = *path(*found, "spec.template");
    json::value current_tmpl = *path(o.obj, "spec.template");
    auto strip = [](json::value& t) {
      if (auto* meta = t.as_object().if_contains("metadata"); meta && meta->is_object())
        if (auto* labels = meta->as_object().if_contains("labels"); labels && labels->is_object())
          labels->as_object().erase("pod-template-hash");
    };
    strip(tmpl);
    strip(current_tmpl);
    if (tmpl == current_tmpl) {
      fmt::print("{}/{} skipped rollback (current template already matches revision {})\n", o.resource.kind_prefix(), name,
                 to_revision);
      continue;
    }
    static const std::set<std::string> skip{"kubectl.kubernetes.io/last-applied-configuration", kRevision,
                                            "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
                                            "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to"};
    json::object annotations;
    auto current_annotations = smap(o.obj, "metadata.annotations");
    for (auto& k : skip)
      if (current_annotations.count(k)) annotations[k] = current_annotations[k];
    for (auto& [k, v] : smap(*found, "metadata.annotations"))
      if (!skip.count(k)) annotations[k] = v;
    json::array ops{json::object{{"op", "replace"}, {"path", "/spec/template"}, {"value", tmpl}},
                    json::object{{"op", "replace"}, {"path", "/metadata/annotations"}, {"value", annotations}}};
    std::string error;
    if (patch(c, o, "application/json-patch+json", json::serialize(ops), error)) {
      errors.push_back(fmt::format("error: failed restoring revision {}: {}", to_revision, error));
      continue;
    }
    fmt::print("{}/{} rolled back\n", o.resource.kind_prefix(), name);
  }
  std::fflush(stdout);
  return finish(errors);
}

}  // namespace

int run_rollout(Command& c) {
  auto& pos = c.args.positional;
  std::string sub = pos.empty() ? "" : pos[0];
  std::vector<std::string> args(pos.size() > 1 ? pos.begin() + 1 : pos.end(), pos.end());
  if (sub == "status") return rollout_status(c, args);
  if (sub == "history") return rollout_history(c, args);
  if (sub == "pause") return rollout_pause_resume(c, args, true);
  if (sub == "resume") return rollout_pause_resume(c, args, false);
  if (sub == "restart") return rollout_restart(c, args);
  if (sub == "undo") return rollout_undo(c, args);
  return fail("unknown rollout command " + sub);
}

}  // namespace kscratch::kubectl::describe
