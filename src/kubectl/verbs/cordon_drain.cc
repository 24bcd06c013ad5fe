// `kubectl cordon|uncordon|drain|taint`: the node verbs. Cordoning patches
// spec.unschedulable (`node/n cordoned`, `already cordoned`); draining cordons, then
// removes the node's pods through kubectl's drain filters (DaemonSet, mirror, local
// storage, unmanaged pods) and waits until they are gone. Pods are evicted (policy/v1
// Eviction on pods/eviction, `evicting pod ns/x` ... `pod/x evicted`) when discovery lists
// that subresource, as kubectl's CheckEvictionSupport finds it, and deleted (`pod/x
// deleted`) with --disable-eviction or on a server without it.
// Tainting rewrites spec.taints as kubectl's reorganizeTaints does (`node/n tainted`,
// `untainted`, `modified`).

#include "../json_fields.h"
#include "kscratch/apimachinery/object.h"
#include "kscratch/apimachinery/validation.h"
#include "verbs.h"
#include "wait_duration.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <thread>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

std::optional<json::object> parse(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

int usage_error(const std::string& verb, const std::string& message) {
  fmt::print(stderr, "error: {}\nSee 'kubectl {} -h' for help and examples\n", message, verb);
  return kFailure;
}

// The nodes named (or matched by -l), fetched; a failure is printed and ends the command.
bool fetch_nodes(Command& c, const std::vector<std::string>& names, std::vector<json::object>& out) {
  client::Kind nodes{"", "v1", "nodes", false};
  if (names.empty()) {
    auto response = c.rest->get(with_query(nodes.path(""), {{"labelSelector", c.args.get("selector")}}));
    if (!is_success(response)) {
      fail(error_message(response, c.rest->server()));
      return false;
    }
    auto list = parse(response.body);
    if (!list) return false;
    if (auto* items = list->if_contains("items"); items && items->is_array())
      for (auto& i : items->get_array())
        if (i.is_object()) out.push_back(i.get_object());
    return true;
  }
  for (auto& n : names) {
    auto response = c.rest->get(nodes.path("", n));
    if (!is_success(response)) {
      fail(error_message(response, c.rest->server()));
      return false;
    }
    auto obj = parse(response.body);
    if (!obj) return false;
    out.push_back(std::move(*obj));
  }
  return true;
}

bool unschedulable(const json::object& node) {
  auto* spec = node.if_contains("spec");
  if (!spec || !spec->is_object()) return false;
  auto* u = spec->get_object().if_contains("unschedulable");
  return u && u->is_bool() && u->get_bool();
}

// RunCordonOrUncordon: false when a patch failed.
bool cordon_nodes(Command& c, std::vector<json::object>& nodes, bool desired) {
  std::string word = desired ? "cordon" : "uncordon";
  bool fatal = false;
  for (auto& node : nodes) {
    std::string name = apimachinery::object::name_of(node);
    if (unschedulable(node) == desired) {
      fmt::print("node/{} already {}ed\n", name, word);
      continue;
    }
    json::object spec;
    if (desired) {
      spec["unschedulable"] = true;
    } else {
      spec["unschedulable"] = nullptr;
    }
    json::object patch{{"spec", std::move(spec)}};
    client::HttpRequest request{"PATCH", client::Kind{"", "v1", "nodes", false}.path("", name),
                                "application/strategic-merge-patch+json", json::serialize(patch)};
    auto response = c.rest->send(request);
    if (!is_success(response)) {
      fmt::print(stderr, "error: unable to {} node \"{}\": {}\n", word, name, status_message(response, c.rest->server()));
      fatal = true;
      continue;
    }
    fmt::print("node/{} {}ed\n", name, word);
  }
  std::fflush(stdout);
  if (fatal) fmt::print(stderr, "error: unable to {} at least one node\n", word);
  return !fatal;
}

int run_cordon_verb(Command& c, bool desired) {
  std::string verb = desired ? "cordon" : "uncordon";
  if (c.args.positional.empty() && !c.args.has("selector")) return usage_error(verb, "USAGE: " + verb + " NODE [flags]");
  std::vector<json::object> nodes;
  if (!fetch_nodes(c, c.args.positional, nodes)) return kFailure;
  return cordon_nodes(c, nodes, desired) ? 0 : kFailure;
}

int run_cordon(Command& c) { return run_cordon_verb(c, true); }
int run_uncordon(Command& c) { return run_cordon_verb(c, false); }

// ---- drain ----

// The errors of an aggregate, as CheckErr prints them: one with "error: ", several one a line.
int print_aggregate(const std::vector<std::string>& errors) {
  if (errors.size() == 1) return fail(errors.front());
  for (auto& e : errors) fmt::print(stderr, "{}\n", e);
  return kFailure;
}

std::string aggregate_text(const std::vector<std::string>& errors) {
  if (errors.size() == 1) return errors.front();
  std::string s = "[";
  for (size_t i = 0; i < errors.size(); ++i) s += (i ? ", " : "") + errors[i];
  return s + "]";
}

struct PodDelete {
  json::object pod;
  bool remove = true;
  std::string reason;  // Okay, Skip, Warning, Error
  std::string message;
};

const json::object* controller_of(const json::object& pod) {
  auto& meta = apimachinery::object::metadata_of(pod);
  auto* refs = meta.if_contains("ownerReferences");
  if (!refs || !refs->is_array()) return nullptr;
  for (auto& r : refs->get_array()) {
    if (!r.is_object()) continue;
    auto* ctl = r.get_object().if_contains("controller");
    if (ctl && ctl->is_bool() && ctl->get_bool()) return &r.get_object();
  }
  return nullptr;
}

std::string phase_of(const json::object& pod) {
  auto* status = pod.if_contains("status");
  return status && status->is_object() ? str(status->get_object(), "phase") : "";
}

bool finished(const json::object& pod) {
  auto phase = phase_of(pod);
  return phase == "Succeeded" || phase == "Failed";
}

bool has_local_storage(const json::object& pod) {
  auto* spec = pod.if_contains("spec");
  if (!spec || !spec->is_object()) return false;
  auto* volumes = spec->get_object().if_contains("volumes");
  if (!volumes || !volumes->is_array()) return false;
  for (auto& v : volumes->get_array())
    if (v.is_object() && v.get_object().contains("emptyDir")) return true;
  return false;
}

struct DrainOptions {
  bool force = false, ignore_daemonsets = false, delete_emptydir = false, disable_eviction = false;
  std::string pod_selector;
  int grace_period = -1;
  std::chrono::nanoseconds timeout{0};
};

PodDelete filter_pod(Command& c, const DrainOptions& o, json::object pod) {
  PodDelete d{std::move(pod)};
  auto okay = [&] {
    d.remove = true;
    d.reason = "Okay";
    d.message.clear();
  };
  auto status = [&](bool remove, const char* reason, std::string message) {
    d.remove = remove;
    d.reason = reason;
    d.message = std::move(message);
  };
  okay();
  // daemonSetFilter
  if (auto* ref = controller_of(d.pod); ref && str(*ref, "kind") == "DaemonSet" && !finished(d.pod)) {
    std::string ns = apimachinery::object::namespace_of(d.pod);
    auto response = c.rest->get(client::Kind{"apps", "v1", "daemonsets", true}.path(ns, str(*ref, "name")));
    if (!is_success(response)) {
      if (response.status == 404 && o.force) {
        status(true, "Warning", status_message(response, c.rest->server()));
      } else {
        status(false, "Error", status_message(response, c.rest->server()));
        return d;
      }
    } else if (!o.ignore_daemonsets) {
      status(false, "Error", "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)");
      return d;
    } else {
      status(false, "Warning", "ignoring DaemonSet-managed Pods");
      return d;
    }
  }
  // mirrorPodFilter
  auto& meta = apimachinery::object::metadata_of(d.pod);
  if (auto* ann = meta.if_contains("annotations"); ann && ann->is_object() && ann->get_object().contains("kubernetes.io/config.mirror")) {
    status(false, "Skip", "");
    return d;
  }
  // localStorageFilter
  if (has_local_storage(d.pod) && !finished(d.pod)) {
    if (!o.delete_emptydir) {
      status(false, "Error", "Pods with local storage (use --delete-emptydir-data to override)");
      return d;
    }
    status(true, "Warning", "deleting Pods with local storage");
  } else {
    okay();
  }
  // unreplicatedFilter
  if (finished(d.pod) || controller_of(d.pod)) {
    okay();
  } else if (o.force) {
    status(true, "Warning", "deleting Pods that declare no controller");
  } else {
    status(false, "Error", "cannot delete Pods that declare no controller (use --force to override)");
  }
  return d;
}

std::string ns_name(const json::object& pod) {
  return apimachinery::object::namespace_of(pod) + "/" + apimachinery::object::name_of(pod);
}

// GetPodsForDeletion: the node's pods through the filters, and the errors they raise.
bool pods_for_deletion(Command& c, const DrainOptions& o, const std::string& node, std::vector<PodDelete>& list,
                       std::vector<std::string>& errors) {
  auto target = with_query(client::Kind{"", "v1", "pods", true}.path(""),
                           {{"labelSelector", o.pod_selector}, {"fieldSelector", "spec.nodeName=" + node}});
  auto response = c.rest->get(target);
  if (!is_success(response)) {
    errors.push_back(status_message(response, c.rest->server()));
    return false;
  }
  auto pods = parse(response.body);
  if (!pods) return false;
  if (auto* items = pods->if_contains("items"); items && items->is_array())
    for (auto& i : items->get_array())
      if (i.is_object()) list.push_back(filter_pod(c, o, i.get_object()));
  // Grouped by message in first-seen order (kubectl's map has no order to match).
  std::vector<std::pair<std::string, std::string>> failed;
  for (auto& d : list) {
    if (d.reason != "Error") continue;
    std::string msg = d.message.empty() ? "unexpected error" : d.message;
    auto it = std::find_if(failed.begin(), failed.end(), [&](auto& p) { return p.first == msg; });
    if (it == failed.end()) {
      failed.emplace_back(msg, ns_name(d.pod));
    } else {
      it->second += ", " + ns_name(d.pod);
    }
  }
  for (auto& [msg, pods_text] : failed) errors.push_back("cannot delete " + msg + ": " + pods_text);
  return true;
}

std::string warnings_of(const std::vector<PodDelete>& list) {
  std::vector<std::pair<std::string, std::string>> groups;
  for (auto& d : list) {
    if (d.reason != "Warning") continue;
    auto it = std::find_if(groups.begin(), groups.end(), [&](auto& p) { return p.first == d.message; });
    if (it == groups.end()) {
      groups.emplace_back(d.message, ns_name(d.pod));
    } else {
      it->second += ", " + ns_name(d.pod);
    }
  }
  std::string out;
  for (auto& [msg, pods] : groups) out += (out.empty() ? "" : "; ") + msg + ": " + pods;
  return out;
}

std::chrono::steady_clock::time_point drain_deadline(const DrainOptions& o) {
  return o.timeout.count() > 0 ? std::chrono::steady_clock::now() + o.timeout : std::chrono::steady_clock::time_point::max();
}

// waitForDelete: polls the pods once a second until each is gone (404, or another pod by
// now under its name), printing `pod/NAME <done>` as each goes. "" when all went, else
// the error (a failed read, or the deadline passing) with `pods` left holding those still
// there.
std::string wait_until_gone(Command& c, std::vector<json::object>& pods, std::chrono::steady_clock::time_point deadline,
                            const char* done) {
  client::Kind kind{"", "v1", "pods", true};
  while (true) {
    std::vector<json::object> pending;
    for (auto& pod : pods) {
      std::string name = apimachinery::object::name_of(pod);
      auto response = c.rest->get(kind.path(apimachinery::object::namespace_of(pod), name));
      bool gone = response.status == 404;
      if (is_success(response)) {
        auto now = parse(response.body);
        gone = now && str(apimachinery::object::metadata_of(*now), "uid") != str(apimachinery::object::metadata_of(pod), "uid");
      } else if (!gone) {
        return status_message(response, c.rest->server());
      }
      if (gone) {
        fmt::print("pod/{} {}\n", name, done);
        std::fflush(stdout);
      } else {
        pending.push_back(pod);
      }
    }
    pods = std::move(pending);
    if (pods.empty()) return "";
    if (std::chrono::steady_clock::now() + std::chrono::seconds(1) > deadline) {
      std::this_thread::sleep_until(deadline);
      return "context deadline exceeded";
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

// deletePods: each pod deleted, then waited for; "" when every pod is gone, else the error.
std::string delete_pods(Command& c, const DrainOptions& o, std::vector<json::object> pods) {
  auto deadline = drain_deadline(o);
  client::Kind kind{"", "v1", "pods", true};
  for (auto& pod : pods) {
    json::object options{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
    if (o.grace_period >= 0) options["gracePeriodSeconds"] = o.grace_period;
    client::HttpRequest request{"DELETE", kind.path(apimachinery::object::namespace_of(pod), apimachinery::object::name_of(pod)),
                                "application/json", json::serialize(options)};
    auto response = c.rest->send(request);
    if (!is_success(response) && response.status != 404) return status_message(response, c.rest->server());
  }
  return wait_until_gone(c, pods, deadline, "deleted");
}

// CheckEvictionSupport: the core group's resource list names pods/eviction with a group
// and version of its own (policy/v1).
bool eviction_supported(Command& c) {
  auto response = c.rest->get("/api/v1");
  if (!is_success(response)) return false;
  auto list = parse(response.body);
  if (!list) return false;
  if (auto* resources = list->if_contains("resources"); resources && resources->is_array())
    for (auto& r : resources->get_array())
      if (r.is_object() && str(r.get_object(), "name") == "pods/eviction" && str(r.get_object(), "kind") == "Eviction" &&
          !str(r.get_object(), "group").empty() && !str(r.get_object(), "version").empty())
        return true;
  return false;
}

// evictPods: each pod evicted (announced first), then waited for until the timeout; one
// error per pod that failed, as kubectl aggregates them. A pod already gone is done.
std::vector<std::string> evict_pods(Command& c, const DrainOptions& o, const std::vector<json::object>& pods) {
  auto deadline = drain_deadline(o);
  client::Kind kind{"", "v1", "pods", true};
  std::vector<std::string> errors;
  std::vector<json::object> waiting;
  for (auto& pod : pods) {
    std::string ns = apimachinery::object::namespace_of(pod), name = apimachinery::object::name_of(pod);
    fmt::print("evicting pod {}/{}\n", ns, name);
    std::fflush(stdout);
    json::object eviction{{"apiVersion", "policy/v1"},
                          {"kind", "Eviction"},
                          {"metadata", json::object{{"name", name}, {"namespace", ns}}}};
    if (o.grace_period >= 0) eviction["deleteOptions"] = json::object{{"gracePeriodSeconds", o.grace_period}};
    client::HttpRequest request{"POST", kind.path(ns, name) + "/eviction", "application/json", json::serialize(eviction)};
    for (;;) {
      auto response = c.rest->send(request);
      if (is_success(response)) {
        waiting.push_back(pod);
      } else if (response.status == 429) {
        // A disruption budget said not now: kubectl retries every 5 s.
        fmt::print(stderr, "error when evicting pods/\"{}\" -n \"{}\" (will retry after 5s): {}\n", name, ns,
                   status_message(response, c.rest->server()));
        std::this_thread::sleep_for(std::chrono::seconds(5));
        continue;
      } else if (response.status != 404) {
        errors.push_back(fmt::format("error when evicting pods/\"{}\" -n \"{}\": {}", name, ns,
                                     status_message(response, c.rest->server())));
      }
      break;
    }
  }
  if (waiting.empty()) return errors;
  // kubectl waits for each evicted pod on its own; a failure is each waiting pod's.
  if (auto error = wait_until_gone(c, waiting, deadline, "evicted"); !error.empty()) {
    for (auto& pod : waiting) {
      errors.push_back(fmt::format("error when waiting for pod \"{}\" in namespace \"{}\" to terminate: {}",
                                   apimachinery::object::name_of(pod), apimachinery::object::namespace_of(pod), error));
    }
  }
  return errors;
}

std::vector<std::string> drain_node(Command& c, const DrainOptions& o, const std::string& node) {
  std::vector<PodDelete> list;
  std::vector<std::string> errors;
  pods_for_deletion(c, o, node, list, errors);
  if (!errors.empty()) return errors;
  if (auto w = warnings_of(list); !w.empty()) fmt::print(stderr, "Warning: {}\n", w);
  std::vector<json::object> pods;
  for (auto& d : list)
    if (d.remove) pods.push_back(d.pod);
  if (pods.empty()) return {};
  std::vector<std::string> failures;
  if (!o.disable_eviction && eviction_supported(c)) {
    failures = evict_pods(c, o, pods);
  } else if (auto error = delete_pods(c, o, std::move(pods)); !error.empty()) {
    failures.push_back(error);
  }
  if (failures.empty()) return {};
  std::string error = aggregate_text(failures);
  std::vector<PodDelete> pending;
  std::vector<std::string> new_errors;
  pods_for_deletion(c, o, node, pending, new_errors);
  std::vector<std::string> names;
  for (auto& d : pending)
    if (d.remove) names.push_back(apimachinery::object::name_of(d.pod));
  if (!names.empty()) {
    fmt::print(stderr, "There are pending pods in node \"{}\" when an error occurred: {}\n", node, error);
    for (auto& n : names) fmt::print(stderr, "pod/{}\n", n);
  }
  if (!new_errors.empty())
    fmt::print(stderr, "Following errors occurred while getting the list of pods to delete:\n{}", aggregate_text(new_errors));
  return failures;
}

int run_drain(Command& c) {
  if (c.args.positional.empty() && !c.args.has("selector")) return usage_error("drain", "USAGE: drain NODE [flags]");
  DrainOptions o;
  o.force = c.args.flag("force");
  o.ignore_daemonsets = c.args.flag("ignore-daemonsets");
  o.delete_emptydir = c.args.flag("delete-emptydir-data") || c.args.flag("delete-local-data");
  o.pod_selector = c.args.get("pod-selector");
  o.disable_eviction = c.args.flag("disable-eviction");
  if (c.args.has("grace-period")) o.grace_period = std::atoi(c.args.get("grace-period").c_str());
  if (c.args.has("timeout")) {
    auto d = parse_go_duration(c.args.get("timeout"));
    if (!d)
      return fail(fmt::format("invalid argument \"{}\" for \"--timeout\" flag: time: invalid duration \"{}\"",
                              c.args.get("timeout"), c.args.get("timeout")));
    o.timeout = *d;
  }
  std::vector<json::object> nodes;
  if (!fetch_nodes(c, c.args.positional, nodes)) return kFailure;
  if (!cordon_nodes(c, nodes, true)) return kFailure;
  std::vector<std::string> drained;
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::string name = apimachinery::object::name_of(nodes[i]);
    auto errors = drain_node(c, o, name);
    if (errors.empty()) {
      drained.push_back(name);
      fmt::print("node/{} drained\n", name);
      std::fflush(stdout);
      continue;
    }
    fmt::print(stderr, "error: unable to drain node \"{}\" due to error: {}, continuing command...\n", name, aggregate_text(errors));
    fmt::print(stderr, "There are pending nodes to be drained:\n");
    for (size_t j = i; j < nodes.size(); ++j) fmt::print(stderr, " {}\n", apimachinery::object::name_of(nodes[j]));
    // The error again, as CheckErr prints it: the filters' and the evictions' aggregates
    // one a line, bare; any other error with "error: ".
    if (errors.front().starts_with("cannot delete ") || errors.front().starts_with("error when ")) {
      for (auto& e : errors) fmt::print(stderr, "{}\n", e);
      return kFailure;
    }
    return print_aggregate(errors);
  }
  return 0;
}

// ---- taint ----

struct Taint {
  std::string key, value, effect;
  json::value time_added;  // kept from the node
  std::string to_string() const {
    std::string s = key;
    if (!value.empty()) s += "=" + value;
    if (!effect.empty()) s += ":" + effect;
    return s;
  }
  bool matches(const Taint& o) const { return key == o.key && effect == o.effect; }
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

Expected<Taint> parse_taint(const std::string& st) {
  Taint t;
  auto parts = split(st, ':');
  if (parts.size() == 1) {
    t.key = parts[0];
  } else if (parts.size() == 2) {
    t.effect = parts[1];
    if (t.effect != "NoSchedule" && t.effect != "PreferNoSchedule" && t.effect != "NoExecute")
      return Error{"invalid taint effect: " + t.effect + ", unsupported taint effect"};
    auto kv = split(parts[0], '=');
    if (kv.size() > 2) return Error{"invalid taint spec: " + st};
    t.key = kv[0];
    if (kv.size() == 2) {
      t.value = kv[1];
      auto errs = apimachinery::validation::is_valid_label_value(t.value);
      if (!errs.empty()) return Error{"invalid taint spec: " + st + ", " + join(errs, "; ")};
    }
  } else {
    return Error{"invalid taint spec: " + st};
  }
  auto errs = apimachinery::validation::is_qualified_name(t.key);
  if (!errs.empty()) return Error{"invalid taint spec: " + st + ", " + join(errs, "; ")};
  return t;
}

std::vector<Taint> taints_of(const json::object& node) {
  std::vector<Taint> out;
  auto* spec = node.if_contains("spec");
  if (!spec || !spec->is_object()) return out;
  auto* taints = spec->get_object().if_contains("taints");
  if (!taints || !taints->is_array()) return out;
  for (auto& t : taints->get_array()) {
    if (!t.is_object()) continue;
    auto& o = t.get_object();
    Taint x{str(o, "key"), str(o, "value"), str(o, "effect")};
    if (auto* ta = o.if_contains("timeAdded")) x.time_added = *ta;
    out.push_back(std::move(x));
  }
  return out;
}

int run_taint(Command& c) {
  std::vector<std::string> resources, taint_args;
  bool met = false;
  for (auto& s : c.args.positional) {
    bool is_taint = s.find('=') != std::string::npos || s.find(':') != std::string::npos || (!s.empty() && s.back() == '-');
    if (is_taint) {
      met = true;
      taint_args.push_back(s);
    } else if (met) {
      return fail("all resources must be specified before taint changes: " + s);
    } else {
      resources.push_back(s);
    }
  }
  if (resources.empty()) return fail("one or more resources must be specified as <resource> <name>");
  if (taint_args.empty()) return fail("at least one taint update is required");
  std::vector<Taint> add, remove;
  for (auto& spec : taint_args) {
    if (spec.back() == '-') {
      auto t = parse_taint(spec.substr(0, spec.size() - 1));
      if (!t) return usage_error("taint", t.error().message);
      remove.push_back({t->key, "", t->effect});
    } else {
      auto t = parse_taint(spec);
      if (!t) return usage_error("taint", t.error().message);
      if (t->effect.empty()) return usage_error("taint", "invalid taint spec: " + spec);
      for (auto& a : add)
        if (a.matches(*t))
          return usage_error("taint", fmt::format("duplicated taints with the same key and effect: {{{} {} {} <nil>}}", t->key,
                                                  t->value, t->effect));
      add.push_back(*t);
    }
  }
  std::string type = resources[0];
  for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto resource = c.discovery->find(type);
  if (!resource) {
    if (!c.discovery->error().empty()) return fail(c.discovery->error());
    return fail("the server doesn't have a resource type \"" + type + "\"");
  }
  if (resource->kind != "Node") return fail("invalid resource type " + type + ", only node types are supported");
  std::vector<std::string> conflicts;
  for (auto& a : add)
    for (auto& r : remove)
      if (a.key == r.key && (r.effect.empty() || a.effect == r.effect))
        conflicts.push_back(r.key + "=" + r.effect);
  if (!conflicts.empty())
    return fail("can not both modify and remove the following taint(s) in the same command: " + join(conflicts, ", "));
  bool all = c.args.flag("all");
  std::string selector = c.args.get("selector");
  if (all && !selector.empty()) return fail("setting 'all' parameter with a non empty selector is prohibited");
  if (!all && selector.empty() && resources.size() < 2)
    return fail("at least one resource name must be specified since 'all' parameter is not set");
  std::vector<json::object> nodes;
  std::vector<std::string> names;
  if (!all && selector.empty()) names.assign(resources.begin() + 1, resources.end());
  if (!fetch_nodes(c, names, nodes)) return kFailure;
  bool overwrite = c.args.flag("overwrite");
  std::vector<std::string> errors;
  for (auto& node : nodes) {
    std::string name = apimachinery::object::name_of(node);
    auto old = taints_of(node);
    if (!overwrite) {
      std::vector<std::string> exists;
      for (auto& a : add)
        for (auto& o : old)
          if (a.matches(o)) exists.push_back(a.key);
      if (!exists.empty()) {
        errors.push_back(fmt::format("node {} already has {} taint(s) with same effect(s) and --overwrite is false", name,
                                     join(exists, ",")));
        continue;
      }
    }
    // reorganizeTaints
    std::vector<Taint> now = add;
    for (auto& o : old) {
      bool in_new = false;
      for (auto& t : now) in_new = in_new || t.matches(o);
      if (!in_new) now.push_back(o);
    }
    bool added = old.size() != now.size();
    std::vector<std::string> errs;
    bool removed = false;
    for (auto& r : remove) {
      std::vector<Taint> kept;
      for (auto& t : now)
        if (!(r.effect.empty() ? t.key == r.key : t.matches(r))) kept.push_back(t);
      removed = kept.size() != now.size();
      now = std::move(kept);
      if (!removed) errs.push_back(fmt::format("taint \"{}\" not found", r.to_string()));
    }
    if (!errs.empty()) {
      errors.insert(errors.end(), errs.begin(), errs.end());
      continue;
    }
    std::string operation = ((added && removed) || overwrite) ? "modified" : added ? "tainted" : "untainted";
    json::value taints;
    if (now.empty()) {
      taints = nullptr;
    } else {
      json::array arr;
      for (auto& t : now) {
        json::object o{{"effect", t.effect}, {"key", t.key}};
        if (!t.time_added.is_null()) o["timeAdded"] = t.time_added;
        if (!t.value.empty()) o["value"] = t.value;
        arr.push_back(std::move(o));
      }
      taints = std::move(arr);
    }
    json::object patch{{"spec", json::object{{"taints", std::move(taints)}}}};
    client::HttpRequest request{"PATCH",
                                with_query(client::Kind{"", "v1", "nodes", false}.path("", name), {{"fieldManager", "kubectl-taint"}}),
                                "application/strategic-merge-patch+json", json::serialize(patch)};
    auto response = c.rest->send(request);
    if (!is_success(response)) {
      errors.push_back(error_message(response, c.rest->server()));
      continue;
    }
    fmt::print("node/{} {}\n", name, operation);
  }
  std::fflush(stdout);
  if (errors.empty()) return 0;
  return print_aggregate(errors);
}

}  // namespace

std::vector<Verb> node_verbs() {
  const FlagSpec selector{"selector", 'l'};
  const FlagSpec dry_run{"dry-run", 0, false};
  return {
      {"cordon", {selector}, run_cordon},
      {"uncordon", {selector}, run_uncordon},
      {"drain",
       {selector,
        {"force", 0, false},
        {"ignore-daemonsets", 0, false},
        {"delete-emptydir-data", 0, false},
        {"delete-local-data", 0, false},
        {"disable-eviction", 0, false},
        {"grace-period"},
        {"timeout"},
        {"pod-selector"}},
       run_drain},
      {"taint", {selector, {"overwrite", 0, false}, {"all", 0, false}}, run_taint},
  };
}

}  // namespace kscratch::kubectl
