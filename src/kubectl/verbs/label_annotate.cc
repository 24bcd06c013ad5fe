// `kubectl label` and `kubectl annotate`: KEY=VALUE and KEY- changes to each object's
// labels or annotations, sent as a JSON merge patch of just that map, reported as
// `pod/x labeled` (or `not labeled`, `unlabeled`) and `pod/x annotated`.

#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <map>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

struct Changes {
  std::map<std::string, std::string> set;  // sorted, as Go's map iteration is not relied on
  std::vector<std::string> remove;
};

bool is_pair(const std::string& s) {
  return (s.find('=') != std::string::npos && s[0] != '=') || (s.size() > 1 && s.back() == '-');
}

struct Kind {
  const char* what;       // "label"
  const char* field;      // "labels"
  const char* manager;    // "kubectl-label"
  bool labels;
};

int edit_metadata(Command& c, const Kind& k) {
  std::vector<std::string> resource_args;
  Changes changes;
  bool in_pairs = false;
  for (auto& a : c.args.positional) {
    if (is_pair(a)) {
      in_pairs = true;
      if (a.back() == '-' && a.find('=') == std::string::npos) {
        changes.remove.push_back(a.substr(0, a.size() - 1));
      } else {
        auto eq = a.find('=');
        changes.set[a.substr(0, eq)] = a.substr(eq + 1);
      }
    } else if (in_pairs) {
      return fail(fmt::format("all resources must be specified before {} changes: {}", k.what, a));
    } else {
      resource_args.push_back(a);
    }
  }
  if (changes.set.empty() && changes.remove.empty()) return fail(fmt::format("at least one {} update is required", k.what));
  for (auto& r : changes.remove)
    if (changes.set.count(r)) return fail(fmt::format("can not both modify and remove {} in the same command", k.field));
  if (resource_args.empty())
    return fail("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
  auto targets = resolve_targets(resource_args, *c.discovery);
  if (!targets) return fail(targets.error().message);
  bool overwrite = c.args.flag("overwrite");
  bool failed = false;
  for (auto& t : *targets) {
    if (t.names.empty()) return fail("resource(s) were provided, but no name was specified");
    std::string ns = t.resource.namespaced ? c.ns() : "";
    for (auto& name : t.names) {
      auto path = t.resource.rest_kind().path(ns, name);
      auto current = c.rest->get(path);
      if (!is_success(current)) {
        fmt::print(stderr, "{}\n", error_message(current, c.rest->server()));
        failed = true;
        continue;
      }
      boost::system::error_code ec;
      auto obj = json::parse(current.body, ec);
      if (ec || !obj.is_object()) return fail("the server returned an unreadable object");
      json::object old_map;
      if (auto* meta = obj.get_object().if_contains("metadata"); meta && meta->is_object())
        if (auto* m = meta->get_object().if_contains(k.field); m && m->is_object()) old_map = m->get_object();
      if (!overwrite) {
        std::vector<std::string> clashes;
        for (auto& [key, value] : changes.set) {
          auto* cur = old_map.if_contains(key);
          if (cur && cur->is_string() && cur->get_string() != value)
            clashes.push_back(fmt::format("'{}' already has a value ({})", key, std::string(cur->get_string())));
        }
        if (!clashes.empty()) {
          std::string message;
          if (k.labels) {
            for (size_t i = 0; i < clashes.size(); ++i) message += (i ? ", " : "") + clashes[i] + ", and --overwrite is false";
            if (clashes.size() > 1) message = "[" + message + "]";
          } else {
            message = "--overwrite is false but found the following declared annotation(s): ";
            for (size_t i = 0; i < clashes.size(); ++i) message += (i ? "; " : "") + clashes[i];
          }
          return fail(message);
        }
      }
      json::object new_map = old_map;
      json::object patch_map;
      for (auto& r : changes.remove) {
        if (!new_map.contains(r)) {
          if (k.labels) fmt::print(stderr, "label \"{}\" not found.\n", r);
          continue;
        }
        new_map.erase(r);
        patch_map[r] = nullptr;
      }
      for (auto& [key, value] : changes.set) {
        auto* cur = old_map.if_contains(key);
        if (!cur || !cur->is_string() || cur->get_string() != value) patch_map[key] = value;
        new_map[key] = value;
      }
      json::object patch;
      if (!patch_map.empty()) patch["metadata"] = json::object{{k.field, std::move(patch_map)}};
      client::HttpRequest request{"PATCH", with_query(path, {{"fieldManager", k.manager}}), "application/merge-patch+json",
                                  json::serialize(patch)};
      auto response = c.rest->send(request);
      if (!is_success(response)) {
        fmt::print(stderr, "{}\n", error_message(response, c.rest->server()));
        failed = true;
        continue;
      }
      std::string operation = "annotated";
      if (k.labels) {
        std::string before = json::serialize(old_map), after = json::serialize(new_map);
        bool changed = !(old_map == new_map);
        operation = !changed ? "not labeled" : (!overwrite && after.size() < before.size()) ? "unlabeled" : "labeled";
      }
      fmt::print("{}/{} {}\n", t.resource.kind_prefix(), name, operation);
    }
  }
  return failed ? kFailure : 0;
}

}  // namespace

int run_label(Command& c) { return edit_metadata(c, {"label", "labels", "kubectl-label", true}); }
int run_annotate(Command& c) { return edit_metadata(c, {"annotate", "annotations", "kubectl-annotate", false}); }

}  // namespace kscratch::kubectl
