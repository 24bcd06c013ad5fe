// `kubectl delete`: by name, TYPE/NAME, -f manifests, -l selector or --all; each object
// deleted in the background and reported as `deployment.apps "web" deleted`, then waited
// for until it is gone (--wait, kubectl's default).

#include "../apply/apply.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <thread>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

struct Victim {
  ApiResource resource;
  std::string ns, name;
  std::string uid;  // of the object deleted, once known
  // From -f: the file it came from, or the builder's error met in its place.
  std::string source;
  std::optional<apply::Failure> error;
  bool error_from_files = false;
};

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string name_of(const json::object& o) {
  auto* meta = o.if_contains("metadata");
  return meta && meta->is_object() ? str(meta->get_object(), "name") : "";
}

std::string namespace_of(const json::object& o) {
  auto* meta = o.if_contains("metadata");
  return meta && meta->is_object() ? str(meta->get_object(), "namespace") : "";
}

// metadata.uid of an object's JSON, or "" (a Status answer has none).
std::string uid_in(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  auto* meta = v.get_object().if_contains("metadata");
  return meta && meta->is_object() ? str(meta->get_object(), "uid") : "";
}

// The objects a selector (or --all) matches, as kubectl lists them before deleting.
bool list_matching(Command& c, const ApiResource& r, const std::string& ns, const std::string& selector,
                   std::vector<Victim>& out) {
  auto target = with_query(r.rest_kind().path(ns), {{"labelSelector", selector}, {"fieldSelector", c.args.get("field-selector")}});
  auto response = c.rest->get(target);
  if (!is_success(response)) {
    fmt::print(stderr, "{}\n", error_message(response, c.rest->server()));
    return false;
  }
  boost::system::error_code ec;
  auto v = json::parse(response.body, ec);
  if (ec || !v.is_object()) return false;
  if (auto* items = v.get_object().if_contains("items"); items && items->is_array())
    for (auto& item : items->get_array())
      if (item.is_object()) out.push_back({r, r.namespaced ? namespace_of(item.get_object()) : "", name_of(item.get_object())});
  return true;
}

}  // namespace

int run_delete(Command& c) {
  bool all = c.args.flag("all");
  bool all_namespaces = c.args.flag("all-namespaces");
  std::string selector = c.args.get("selector");
  auto files = c.args.all("filename");
  // Selecting by label or --all tolerates objects that vanish meanwhile, as kubectl does.
  bool ignore_not_found = c.args.has("ignore-not-found") ? c.args.flag("ignore-not-found") : (all || !selector.empty());
  std::string wait = c.args.get("wait", "true");
  std::vector<Victim> victims;
  bool failed = false;
  // kubectl's grace rules: --now is 1 s; 0 without --force becomes 1 (no accidental
  // immediate deletion); --force alone means 0, and warns before anything is deleted.
  bool force = c.args.flag("force");
  int grace = c.args.has("grace-period") ? std::stoi(c.args.get("grace-period")) : -1;
  if (c.args.flag("now")) grace = 1;
  if (grace == 0 && !force) grace = 1;
  if (force && grace < 0) grace = 0;
  if (force && grace > 0) return fail("--force and --grace-period greater than 0 cannot be specified together");
  if (force)
    fmt::print(stderr,
               "Warning: Immediate deletion does not wait for confirmation that the running resource has been "
               "terminated. The resource may continue to run on the cluster indefinitely.\n");

  if (!files.empty()) {
    if (!c.args.positional.empty()) return fail("Unexpected args: [" + c.args.positional.front() + "]");
    // As kubectl's builder reads them (no schema validation for delete).
    auto read = apply::read(c, {files, false, false, selector});
    if (read.fatal) return fail(*read.fatal);
    for (auto [is_error, index] : read.sequence) {
      Victim v;
      if (is_error) {
        v.error = read.errors[index];
        v.error_from_files = read.from_files[index];
      } else {
        auto& m = read.manifests[index];
        v.resource = m.resource;
        v.ns = m.ns;
        v.name = m.name;
        v.source = m.source;
      }
      victims.push_back(std::move(v));
    }
  } else {
    if (c.args.positional.empty())
      return fail("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    auto targets = resolve_targets(c.args.positional, *c.discovery);
    if (!targets) return fail(targets.error().message);
    for (auto& t : *targets) {
      std::string ns = t.resource.namespaced ? (all_namespaces ? "" : c.ns()) : "";
      if (t.names.empty()) {
        if (!all && selector.empty() && !c.args.has("field-selector"))
          return fail("resource(s) were provided, but no name was specified");
        if (!list_matching(c, t.resource, ns, selector, victims)) return kFailure;
      } else {
        if (all || !selector.empty()) return fail("name cannot be provided when a selector is specified");
        for (auto& n : t.names) victims.push_back({t.resource, ns, n});
      }
    }
    if (victims.empty() && (all || !selector.empty())) {
      fmt::print("No resources found\n");  // on standard output, unlike get's
      return 0;
    }
  }

  json::object options{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", "Background"}};
  std::string cascade = c.args.get("cascade", "background");
  if (cascade == "foreground") options["propagationPolicy"] = "Foreground";
  if (cascade == "orphan" || cascade == "false") options["propagationPolicy"] = "Orphan";
  if (grace >= 0) options["gracePeriodSeconds"] = grace;
  std::string body = json::serialize(options);

  std::vector<Victim> deleted;
  // -f collects its errors and prints them at the end, as kubectl's visitors do: the
  // files' own after the others.
  std::vector<apply::Failure> errors, reading;
  int found = 0;
  for (auto& v : victims) {
    if (v.error) {
      (v.error_from_files ? reading : errors).push_back(*v.error);
      continue;
    }
    ++found;
    client::HttpRequest request{"DELETE", v.resource.rest_kind().path(v.ns, v.name), "application/json", body};
    auto response = c.rest->send(request);
    if (!is_success(response)) {
      if (response.status == 404 && ignore_not_found) continue;
      if (!files.empty()) {
        errors.push_back(apply::Failure::from_response(response, c.rest->server(), "deleting", v.source));
        continue;
      }
      fmt::print(stderr, "{}\n", error_message(response, c.rest->server()));
      failed = true;
      continue;
    }
    fmt::print("{} \"{}\" {}\n", v.resource.kind_prefix(), v.name, force ? "force deleted" : "deleted");
    std::fflush(stdout);
    deleted.push_back(v);
    deleted.back().uid = uid_in(response.body);
  }
  if (!reading.empty()) errors.push_back(apply::reduce(std::move(reading)));
  if (!errors.empty()) return apply::report(errors);
  if (!files.empty() && found == 0) {
    fmt::print("No resources found\n");
    return 0;
  }
  if (wait != "false") {
    // kubectl watches each object until it is gone; polling does the same from outside.
    for (auto& v : deleted) {
      auto path = v.resource.rest_kind().path(v.ns, v.name);
      for (;;) {
        auto response = c.rest->get(path);
        if (response.status == 404 || response.status == 0) break;
        // An object of the same name made since is not the one deleted.
        if (is_success(response) && !v.uid.empty() && uid_in(response.body) != v.uid) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
  return failed ? kFailure : 0;
}

}  // namespace kscratch::kubectl
