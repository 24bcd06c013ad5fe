// `kubectl apply`: client-side apply with the last-applied-configuration annotation and
// kubectl's three-way strategic merge patch, and server-side apply.
//
// Client-side, each object is looked up: absent, it is created carrying the annotation
// (the manifest as compact JSON, keys sorted, without the annotation itself, and a
// newline); present, the patch from the live object to the manifest is sent, deletions
// taken from the annotation (original), as a strategic merge patch for built-in kinds and
// a JSON merge patch for others, and `{}` means `unchanged`. Server-side, the manifest is
// PATCHed as application/apply-patch+yaml for the field manager `kubectl`, then, as
// kubectl 1.32 does, the annotation is kept under its own manager and the fields owned
// by earlier client-side applies are migrated to the server-side manager.
//
// Errors are collected, the builder's first, and printed at the end as kubectl does.

#include "../apply/apply.h"
#include "../printers/objects.h"
#include "verbs.h"

#include "kscratch/apimachinery/goformat.h"
#include "kscratch/apimachinery/patch.h"
#include "kscratch/apimachinery/yaml.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <set>
#include <unistd.h>

namespace kscratch::kubectl {

namespace json = boost::json;
using apply::Failure;

namespace {

constexpr const char* kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";
constexpr const char* kClientSideManager = "kubectl-client-side-apply";
constexpr const char* kServerSideManager = "kubectl";

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::object& metadata(json::object& o) {
  auto& m = o["metadata"];
  if (!m.is_object()) m = json::object();
  return m.as_object();
}

const json::object* annotations_of(const json::object& o) {
  auto* m = o.if_contains("metadata");
  if (!m || !m->is_object()) return nullptr;
  auto* a = m->get_object().if_contains("annotations");
  return a && a->is_object() ? &a->get_object() : nullptr;
}

std::optional<json::object> parse_object(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// util.GetModifiedConfiguration: the annotation's value (the object without it) and the
// object carrying it.
struct Modified {
  std::string annotation;
  json::object object;
};
Modified modified_configuration(const json::object& manifest) {
  json::object without = manifest;
  json::object annotations;
  if (auto* a = annotations_of(manifest)) annotations = *a;
  annotations.erase(kLastApplied);
  metadata(without)["annotations"] = annotations;
  Modified m;
  m.annotation = apimachinery::yaml::to_compact_json(without) + "\n";
  annotations[kLastApplied] = m.annotation;
  m.object = std::move(without);
  metadata(m.object)["annotations"] = std::move(annotations);
  return m;
}

struct Options {
  std::string dry_run;  // none, client, server
  bool server_side = false, force_conflicts = false;
  std::string field_manager;
  std::string output;
};

std::string suffix(const Options& o) {
  return o.dry_run == "client" ? " (dry run)" : o.dry_run == "server" ? " (server dry run)" : "";
}

std::string query(const std::string& path, const Options& o, const std::string& manager,
                  std::optional<bool> force = std::nullopt) {
  std::vector<std::pair<std::string, std::string>> params{{"dryRun", o.dry_run == "server" ? "All" : ""},
                                                          {"fieldManager", manager},
                                                          {"fieldValidation", "Strict"}};
  if (force) params.emplace_back("force", *force ? "true" : "false");
  return with_query(path, params);
}

// Whether a managed fields entry's fieldsV1 owns metadata.annotations[last-applied].
bool owns_last_applied(const json::object& entry) {
  auto* f = entry.if_contains("fieldsV1");
  if (!f || !f->is_object()) return false;
  auto* m = f->get_object().if_contains("f:metadata");
  if (!m || !m->is_object()) return false;
  auto* a = m->get_object().if_contains("f:annotations");
  return a && a->is_object() && a->get_object().contains(std::string("f:") + kLastApplied);
}

json::array managed_fields(const json::object& o) {
  auto* m = o.if_contains("metadata");
  if (!m || !m->is_object()) return {};
  auto* f = m->get_object().if_contains("managedFields");
  return f && f->is_array() ? f->get_array() : json::array();
}

void union_into(json::object& into, const json::object& from) {
  for (auto& [k, v] : from) {
    auto* mine = into.if_contains(k);
    if (mine && mine->is_object() && v.is_object()) {
      union_into(mine->as_object(), v.get_object());
    } else if (!mine) {
      into[k] = v;
    }
  }
}

bool is_entry(const json::value& e, const std::string& manager, const char* operation) {
  return e.is_object() && str(e.get_object(), "manager") == manager && str(e.get_object(), "operation") == operation &&
         str(e.get_object(), "subresource").empty();
}

// csaupgrade.UpgradeManagedFieldsPatch: the client-side managers owning the annotation
// folded into the server-side manager's Apply entry; nothing when there are none.
std::optional<json::array> migrated_managed_fields(const json::object& live, const std::string& ssa_manager) {
  json::array fields = managed_fields(live);
  std::vector<std::string> csa_managers;
  for (auto& e : fields)
    if (e.is_object() && str(e.get_object(), "operation") == "Update" && owns_last_applied(e.get_object()))
      if (std::find(csa_managers.begin(), csa_managers.end(), str(e.get_object(), "manager")) == csa_managers.end())
        csa_managers.push_back(str(e.get_object(), "manager"));
  if (csa_managers.empty()) return std::nullopt;
  json::array result = fields;
  for (auto& csa : csa_managers) {
    size_t target = result.size();
    for (size_t i = 0; i < result.size(); ++i)
      if (is_entry(result[i], ssa_manager, "Apply")) {
        target = i;
        break;
      }
    if (target == result.size()) {
      for (size_t i = 0; i < result.size(); ++i)
        if (is_entry(result[i], csa, "Update")) {
          target = i;
          break;
        }
      if (target == result.size()) continue;
      result[target].as_object()["operation"] = "Apply";
      result[target].as_object()["manager"] = ssa_manager;
    }
    json::object merged;
    if (auto* f = result[target].as_object().if_contains("fieldsV1"); f && f->is_object()) merged = f->get_object();
    for (size_t i = 0; i < result.size(); ++i)
      if (i != target && is_entry(result[i], csa, "Update"))
        if (auto* f = result[i].as_object().if_contains("fieldsV1"); f && f->is_object())
          union_into(merged, f->get_object());
    result[target].as_object()["fieldsV1"] = std::move(merged);
    json::array kept;
    for (auto& e : result)
      if (!is_entry(e, csa, "Update")) kept.push_back(e);
    result = std::move(kept);
  }
  if (result == fields) return std::nullopt;
  return result;
}

// resource.Info's String(), which kubectl's errors embed.
std::string info_string(const apply::Manifest& m) {
  using apimachinery::goformat::go_quote;
  return fmt::format("Resource: {}, GroupVersionKind: {}\nName: {}, Namespace: {}",
                     go_quote(m.resource.group + "/" + m.resource.version + ", Resource=" + m.resource.name),
                     go_quote(m.resource.group + "/" + m.resource.version + ", Kind=" + m.resource.kind), go_quote(m.name),
                     go_quote(m.ns));
}

// WarnIfDeleting: changes to an object that is being deleted (finalizers hold it).
void warn_if_deleting(const json::object& o) {
  auto* meta = o.if_contains("metadata");
  if (meta && meta->is_object() && meta->get_object().contains("deletionTimestamp") &&
      !meta->get_object().at("deletionTimestamp").is_null())
    fmt::print(stderr, "Warning: Detected changes to resource {} which is currently being deleted.\n",
               str(meta->get_object(), "name"));
}

class Applier {
 public:
  Applier(Command& c, Options o) : c_(c), o_(std::move(o)) {}

  // Applies one object; on success its final form is in m.object.
  std::optional<Failure> apply(apply::Manifest& m) {
    if (m.name.empty()) {
      auto* meta = m.object.if_contains("metadata");
      std::string generate = meta && meta->is_object() ? str(meta->get_object(), "generateName") : "";
      if (!generate.empty()) return Failure::plain("from " + generate + ": cannot use generate name with apply");
    }
    return o_.server_side ? server_side(m) : client_side(m);
  }

 private:
  void print(const apply::Manifest& m, const std::string& operation) {
    if (!o_.output.empty() && o_.output != "name") return;  // printed at the end
    if (o_.output == "name") {
      fmt::print("{}/{}\n", m.resource.kind_prefix(), m.name);
    } else {
      fmt::print("{}/{} {}{}\n", m.resource.kind_prefix(), m.name, operation, suffix(o_));
    }
    std::fflush(stdout);
  }

  std::optional<Failure> server_side(apply::Manifest& m) {
    if (m.name.empty()) return Failure::plain("resource name may not be empty");
    std::string path = m.resource.rest_kind().path(m.ns, m.name);
    std::string body = apimachinery::yaml::to_compact_json(m.object);
    client::HttpRequest request{"PATCH", query(path, o_, o_.field_manager, o_.force_conflicts),
                                "application/apply-patch+yaml", body};
    auto response = c_.rest->send(request);
    if (!is_success(response)) {
      auto f = Failure::from_response(response, c_.rest->server());
      if (response.status == 409 && f.is_status) {
        return Failure::plain(
            str(f.status, "message") +
            "\nPlease review the fields above--they currently have other managers. Here\n"
            "are the ways you can resolve this warning:\n"
            "* If you intend to manage all of these fields, please re-run the apply\n"
            "  command with the `--force-conflicts` flag.\n"
            "* If you do not intend to manage all of the fields, please edit your\n"
            "  manifest to remove references to the fields that should keep their\n"
            "  current managers.\n"
            "* You may co-own fields by updating your manifest to match the existing\n"
            "  value; in this case, you'll become the manager if the other manager(s)\n"
            "  stop managing the field (remove it from their configuration).\n"
            "See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts");
      }
      return f;
    }
    if (auto live = parse_object(response.body)) m.object = std::move(*live);
    if (o_.field_manager == kServerSideManager) {
      if (!save_last_applied(m, path)) {
        // kubectl only warns; the object was applied.
      } else if (auto migrated = migrated_managed_fields(m.object, o_.field_manager)) {
        json::array patch{json::object{{"op", "replace"}, {"path", "/metadata/managedFields"}, {"value", *migrated}},
                          json::object{{"op", "replace"},
                                       {"path", "/metadata/resourceVersion"},
                                       {"value", str(metadata(m.object), "resourceVersion")}}};
        client::HttpRequest migrate{"PATCH", query(path, o_, o_.field_manager), "application/json-patch+json",
                                    json::serialize(patch)};
        auto r = c_.rest->send(migrate);
        if (is_success(r)) {
          auto again = c_.rest->send(request);  // the apply once more, so dropped fields go
          if (is_success(again))
            if (auto live = parse_object(again.body)) m.object = std::move(*live);
        }
      }
    }
    warn_if_deleting(m.object);
    print(m, "serverside-applied");
    return std::nullopt;
  }

  // saveLastApplyAnnotationIfNecessary: an annotation no Apply manager owns is applied on
  // its own by `kubectl-last-applied`, so the server-side apply does not orphan it.
  bool save_last_applied(apply::Manifest& m, const std::string& path) {
    auto* annotations = annotations_of(m.object);
    if (!annotations || !annotations->contains(kLastApplied)) return true;
    for (auto& e : managed_fields(m.object))
      if (e.is_object() && str(e.get_object(), "operation") == "Apply" && owns_last_applied(e.get_object())) return true;
    json::object just{{"apiVersion", str(m.object, "apiVersion")}, {"kind", str(m.object, "kind")}};
    json::object meta{{"annotations", json::object{{kLastApplied, annotations->at(kLastApplied)}}}, {"name", m.name}};
    if (!m.ns.empty()) meta["namespace"] = m.ns;
    just["metadata"] = std::move(meta);
    client::HttpRequest request{"PATCH", query(path, o_, "kubectl-last-applied"), "application/apply-patch+yaml",
                                apimachinery::yaml::to_compact_json(just)};
    auto response = c_.rest->send(request);
    if (!is_success(response)) {
      fmt::print(stderr, "Warning: failed to migrate kubectl.kubernetes.io/last-applied-configuration for Server-Side Apply. This is non-fatal and will be retried next time you apply. Error: {}\n",
                 status_message(response, c_.rest->server()));
      return false;
    }
    if (auto live = parse_object(response.body)) m.object = std::move(*live);
    return true;
  }

  std::optional<Failure> client_side(apply::Manifest& m) {
    auto modified = modified_configuration(m.object);
    std::string path = m.resource.rest_kind().path(m.ns, m.name);
    std::string retrieving = "retrieving current configuration of:\n" + info_string(m) + "\nfrom server for:";
    if (m.name.empty())
      return Failure::plain(fmt::format("error when {} \"{}\": resource name may not be empty", retrieving, m.source));
    auto current = c_.rest->get(path);
    if (!is_success(current)) {
      if (current.status != 404) return Failure::from_response(current, c_.rest->server(), retrieving, m.source);
      json::object created = modified.object;  // the manifest with its annotation
      if (o_.dry_run != "client") {
        client::HttpRequest request{"POST", query(m.resource.rest_kind().path(m.ns), o_, o_.field_manager),
                                    "application/json", json::serialize(created)};
        auto response = c_.rest->send(request);
        if (!is_success(response)) return Failure::from_response(response, c_.rest->server(), "creating", m.source);
        if (auto obj = parse_object(response.body)) created = std::move(*obj);
      }
      m.object = std::move(created);
      print(m, "created");
      return std::nullopt;
    }
    auto live = parse_object(current.body);
    if (!live) return Failure::plain("the server returned an unreadable object");
    m.object = *live;
    if (o_.dry_run != "client") {
      auto* annotations = annotations_of(*live);
      json::value original = json::object();
      if (!annotations || !annotations->contains(kLastApplied)) {
        fmt::print(stderr,
                   "Warning: resource {}/{} is missing the {} annotation which is required by kubectl apply. kubectl "
                   "apply should only be used on resources created declaratively by either kubectl create "
                   "--save-config or kubectl apply. The missing annotation will be patched automatically.\n",
                   m.resource.group_resource(), m.name, kLastApplied);
      } else if (auto& a = annotations->at(kLastApplied); a.is_string() && !a.get_string().empty()) {
        boost::system::error_code ec;
        original = json::parse(a.get_string(), ec);
        if (ec) original = json::object();
      }
      bool strategic = apimachinery::has_builtin_patch_schema(m.resource.group, str(m.object, "kind"));
      auto patch = strategic ? apimachinery::create_three_way_strategic_merge_patch(
                                   original, modified.object, *live,
                                   apimachinery::builtin_patch_schema(m.resource.group, str(m.object, "kind")))
                             : apimachinery::create_three_way_json_merge_patch(original, modified.object, *live);
      if (!patch) return Failure::plain(patch.error().message);
      std::string body = json::serialize(*patch);
      if (body == "{}") {
        warn_if_deleting(m.object);
        print(m, "unchanged");
        return std::nullopt;
      }
      client::HttpRequest request{"PATCH", query(path, o_, o_.field_manager),
                                  strategic ? "application/strategic-merge-patch+json" : "application/merge-patch+json",
                                  body};
      auto response = c_.rest->send(request);
      if (!is_success(response))
        return Failure::from_response(response, c_.rest->server(),
                                      fmt::format("applying patch:\n{}\nto:\n{}\nfor:", body, info_string(m)),
                                      m.source);
      if (auto obj = parse_object(response.body)) m.object = std::move(*obj);
      warn_if_deleting(m.object);
    }
    print(m, "configured");
    return std::nullopt;
  }

  Command& c_;
  Options o_;
};

struct PruneResource {
  std::string group, version, kind;
  bool namespaced;
};

// --prune without an ApplySet (kubectl's legacy pruner): every object of the allowed
// kinds, in the namespaces applied to, that matches the selector, carries the
// last-applied annotation and was not applied now, is deleted.
struct Pruner {
  Command& c;
  const Options& o;
  std::string selector;
  std::set<std::string> namespaces, uids;

  std::optional<std::string> run(const std::vector<std::string>& allowlist) {
    std::vector<PruneResource> wanted;
    if (allowlist.empty()) {
      wanted = {{"", "v1", "ConfigMap", true},           {"", "v1", "Endpoints", true},
                {"", "v1", "PersistentVolumeClaim", true}, {"", "v1", "Pod", true},
                {"", "v1", "ReplicationController", true}, {"", "v1", "Secret", true},
                {"", "v1", "Service", true},               {"batch", "v1", "Job", true},
                {"batch", "v1", "CronJob", true},          {"networking.k8s.io", "v1", "Ingress", true},
                {"apps", "v1", "DaemonSet", true},         {"apps", "v1", "Deployment", true},
                {"apps", "v1", "ReplicaSet", true},        {"apps", "v1", "StatefulSet", true}};
      // kubectl always has a namespace (the context's at least), so non-namespaced kinds
      // are left out, with this warning.
      apply::klog_warning("prune.go:71",
                   "Deprecated: kubectl apply will no longer prune non-namespaced resources by default when used with "
                   "the --namespace flag in a future release. To preserve the current behaviour, list the resources "
                   "you want to target explicitly in the --prune-allowlist flag.");
    } else {
      for (auto& a : allowlist) {
        auto first = a.find('/'), last = a.rfind('/');
        if (first == std::string::npos || first == last)
          return fmt::format("invalid --prune-allowlist flag format {}. Expected format is: <group>/<version>/<kind>", a);
        std::string group = a.substr(0, first);
        if (group == "core") group.clear();
        wanted.push_back({group, a.substr(first + 1, last - first - 1), a.substr(last + 1), true});
      }
    }
    std::vector<ApiResource> namespaced, cluster;
    for (auto& w : wanted) {
      std::string gv = w.group.empty() ? w.version : w.group + "/" + w.version;
      auto r = c.discovery->find_kind(gv, w.kind);
      if (!r)
        return fmt::format(
            "error retrieving RESTMappings to prune: invalid resource {}/{}, Kind={}, Namespaced={}: no matches for kind "
            "\"{}\" in version \"{}\"",
            w.group, w.version, w.kind, w.namespaced ? "true" : "false", w.kind, gv);
      (r->namespaced ? namespaced : cluster).push_back(*r);
    }
    for (auto& ns : namespaces)
      for (auto& r : namespaced)
        if (auto e = prune(ns, r))
          return fmt::format("error pruning namespaced object {}/{}, Kind={}: {}", r.group, r.version, r.kind, *e);
    for (auto& r : cluster)
      if (auto e = prune("", r))
        return fmt::format("error pruning nonNamespaced object {}/{}, Kind={}: {}", r.group, r.version, r.kind, *e);
    return std::nullopt;
  }

  std::optional<std::string> prune(const std::string& ns, const ApiResource& r) {
    auto response = c.rest->get(with_query(r.rest_kind().path(ns), {{"labelSelector", selector}}));
    if (!is_success(response)) return status_message(response, c.rest->server());
    auto list = parse_object(response.body);
    if (!list) return std::string("the server returned an unreadable list");
    auto* items = list->if_contains("items");
    if (!items || !items->is_array()) return std::nullopt;
    for (auto& item : items->get_array()) {
      if (!item.is_object()) continue;
      auto* annotations = annotations_of(item.get_object());
      if (!annotations || !annotations->contains(kLastApplied)) continue;
      auto& meta = item.get_object().at("metadata").get_object();
      if (uids.count(str(meta, "uid"))) continue;
      std::string name = str(meta, "name");
      if (o.dry_run != "client") {
        json::object options{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", "Background"}};
        if (o.dry_run == "server") options["dryRun"] = json::array{"All"};
        client::HttpRequest request{"DELETE", r.rest_kind().path(ns, name), "application/json", json::serialize(options)};
        auto deleted = c.rest->send(request);
        if (!is_success(deleted)) return status_message(deleted, c.rest->server());
      }
      if (o.output == "name") {
        fmt::print("{}/{}\n", r.kind_prefix(), name);
      } else {
        fmt::print("{}/{} pruned{}\n", r.kind_prefix(), name, suffix(o));
      }
    }
    return std::nullopt;
  }
};

// Go's json.Indent with two spaces: the text's own order and escapes kept.
std::string go_indent(const std::string& src) {
  std::string out;
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t i = 0;
  while (i < src.size() && std::isspace(static_cast<unsigned char>(src[i]))) ++i;
  size_t end = src.size();
  while (end > i && std::isspace(static_cast<unsigned char>(src[end - 1]))) --end;
  auto newline = [&] { out += '\n' + std::string(2 * depth, ' '); };
  for (; i < end; ++i) {
    char ch = src[i];
    if (in_string) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(ch))) continue;
    switch (ch) {
      case '"': in_string = true; out += ch; break;
      case '{':
      case '[': {
        size_t j = i + 1;
        while (j < end && std::isspace(static_cast<unsigned char>(src[j]))) ++j;
        if (j < end && (src[j] == '}' || src[j] == ']')) {  // empty: kept as {} or []
          out += ch;
          out += src[j];
          i = j;
          break;
        }
        out += ch;
        ++depth;
        newline();
        break;
      }
      case '}':
      case ']': --depth; newline(); out += ch; break;
      case ',': out += ch; newline(); break;
      case ':': out += ": "; break;
      default: out += ch;
    }
  }
  return out + src.substr(end);
}

// `kubectl apply view-last-applied`: each object's annotation, as YAML or JSON.
int run_view_last_applied(Command& c) {
  std::string output = c.args.get("output", "yaml");
  std::vector<std::string> args(c.args.positional.begin() + 1, c.args.positional.end());
  struct Object {
    ApiResource resource;
    std::string ns, name;
  };
  std::vector<Object> objects;
  auto files = c.args.all("filename");
  if (!files.empty()) {
    auto read = apply::read(c, {files, c.args.flag("recursive"), false, c.args.get("selector")});
    if (read.fatal) return fail(*read.fatal);
    // Without ContinueOnError, the first error ends the command.
    for (auto [is_error, index] : read.sequence) {
      if (is_error) return apply::report({read.errors[index]});
      auto& m = read.manifests[index];
      objects.push_back({m.resource, m.ns, m.name});
    }
  } else {
    if (args.empty())
      return fail(
          "You must provide one or more resources by argument or filename.\nExample resource specifications "
          "include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    auto targets = resolve_targets(args, *c.discovery);
    if (!targets) return fail(targets.error().message);
    for (auto& t : *targets) {
      std::string ns = t.resource.namespaced ? c.ns() : "";
      if (t.names.empty()) {
        if (!c.args.flag("all") && c.args.get("selector").empty())
          return fail("resource(s) were provided, but no name was specified");
        auto response = c.rest->get(with_query(t.resource.rest_kind().path(ns), {{"labelSelector", c.args.get("selector")}}));
        if (!is_success(response)) return fail_raw(error_message(response, c.rest->server()));
        auto list = parse_object(response.body);
        if (list)
          if (auto* items = list->if_contains("items"); items && items->is_array())
            for (auto& item : items->get_array())
              if (item.is_object()) objects.push_back({t.resource, ns, str(metadata(item.as_object()), "name")});
        continue;
      }
      for (auto& n : t.names) objects.push_back({t.resource, ns, n});
    }
  }
  if (output != "yaml" && output != "json")
    return fail("Unexpected -o output mode: " + output +
                ", the flag 'output' must be one of yaml|json\nSee 'kubectl apply view-last-applied -h' for help and examples");
  std::string text;
  for (auto& o : objects) {
    auto response = c.rest->get(o.resource.rest_kind().path(o.ns, o.name));
    if (!is_success(response)) return fail_raw(error_message(response, c.rest->server()));
    auto live = parse_object(response.body);
    if (!live) continue;
    auto* annotations = annotations_of(*live);
    if (!annotations || !annotations->contains(kLastApplied) || !annotations->at(kLastApplied).is_string()) continue;
    std::string annotation(annotations->at(kLastApplied).get_string());
    if (output == "json") {
      text += go_indent(annotation);
    } else {
      auto v = apimachinery::yaml::to_json(annotation);
      if (!v) return fail(v.error().message);
      text += apimachinery::yaml::from_json(*v);
    }
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

int run_apply(Command& c) {
  if (!c.args.positional.empty() && c.args.positional[0] == "view-last-applied") return run_view_last_applied(c);
  if (!c.args.positional.empty())
    return fail(fmt::format("Unexpected args: [{}]\nSee 'kubectl apply -h' for help and examples", c.args.positional[0]));
  auto files = c.args.all("filename");
  if (files.empty()) return fail("must specify one of -f and -k");
  Options o;
  auto dry_run = apply::dry_run_strategy(c.args);
  if (!dry_run) return fail(dry_run.error().message);
  o.dry_run = *dry_run;
  o.server_side = c.args.flag("server-side");
  o.force_conflicts = c.args.flag("force-conflicts");
  o.field_manager = c.args.get("field-manager", o.server_side ? kServerSideManager : kClientSideManager);
  o.output = c.args.get("output");
  if (o.force_conflicts && !o.server_side) return fail("--force-conflicts only works with --server-side");
  if (o.dry_run == "client" && o.server_side)
    return fail("--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)");
  std::optional<ObjectPrinter> printer;
  if (!o.output.empty() && o.output != "name") {
    auto p = ObjectPrinter::make(o.output, false);
    if (!p) return fail(p.error().message);
    printer = std::move(*p);
  }
  std::string validate = c.args.get("validate", "strict");
  bool prune = c.args.flag("prune");
  std::string selector = c.args.get("selector");
  if (prune) {
    if (c.args.flag("all") && !selector.empty()) return fail("cannot set --all and --selector at the same time");
    if (!c.args.flag("all") && selector.empty())
      return fail(
          "all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all "
          "flag. If you did not mean to prune all resources, specify a label selector");
  }
  apply::ReadOptions read_options{files, c.args.flag("recursive"),
                                  !(validate == "false" || validate == "ignore" || validate == "0" || validate == "f" ||
                                    validate == "F" || validate == "FALSE" || validate == "False"),
                                  selector};
  auto read = apply::read(c, read_options);
  if (read.fatal) return fail(*read.fatal);
  std::vector<Failure> errors;
  if (!read.errors.empty()) {
    // The builder's errors, as its ContinueOnError visitor returns them: the namespace
    // checks' in order, then what reading the files met.
    std::vector<Failure> builder, reading;
    for (size_t i = 0; i < read.errors.size(); ++i) (read.from_files[i] ? reading : builder).push_back(read.errors[i]);
    if (!reading.empty()) builder.push_back(apply::reduce(std::move(reading)));
    errors.push_back(apply::reduce(std::move(builder)));
  }
  if (read.manifests.empty() && errors.empty()) return fail("no objects passed to apply");
  Applier applier(c, o);
  std::vector<json::object> applied;
  Pruner pruner{c, o, selector, {}, {}};
  for (auto& m : read.manifests) {
    if (!m.ns.empty()) pruner.namespaces.insert(m.ns);
    if (auto f = applier.apply(m)) {
      errors.push_back(std::move(*f));
    } else {
      if (auto* meta = m.object.if_contains("metadata"); meta && meta->is_object())
        pruner.uids.insert(str(meta->get_object(), "uid"));
      applied.push_back(m.object);
    }
  }
  if (!errors.empty()) return apply::report(errors);
  if (printer && !applied.empty()) {
    for (auto& obj : applied) omit_managed_fields(obj);
    std::string text;
    if (applied.size() > 1 && o.output == "json") {
      // A typed corev1.List: its fields in struct order, not sorted as a map's.
      json::array items(applied.begin(), applied.end());
      text = apimachinery::yaml::to_indented_json(json::object{{"items", std::move(items)}});
      text.insert(2, "    \"kind\": \"List\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {},\n");
    } else {
      json::object what = applied[0];
      if (applied.size() > 1) {
        what = make_list(applied);
        what["metadata"] = json::object();
      }
      auto printed = printer->print(what);
      if (!printed) return fail(printed.error().message);
      text = std::move(*printed);
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  if (prune) {
    auto allowlist = c.args.all("prune-allowlist");
    for (auto& a : c.args.all("prune-whitelist")) allowlist.push_back(a);
    if (auto e = pruner.run(allowlist)) return fail(*e);
  }
  return 0;
}

// `create` with -f, and the generator forms of verbs/create.cc otherwise.
// Manifests from URLs (and kustomize's -k), and the subcommands (view-last-applied,
// set-last-applied, edit-last-applied), are left to another kubectl.
bool apply_handles(const ParsedArgs& args) {
  if (!args.positional.empty() &&
      (args.positional[0] == "set-last-applied" || args.positional[0] == "edit-last-applied"))
    return false;
  for (auto& f : args.all("filename"))
    if (f.starts_with("http://") || f.starts_with("https://")) return false;
  return true;
}

}  // namespace

std::vector<Verb> apply_verbs() {
  const FlagSpec output{"output", 'o'}, filename{"filename", 'f'}, recursive{"recursive", 'R', false},
      dry_run{"dry-run", 0, false}, validate{"validate", 0, false}, field_manager{"field-manager"};
  return {
      {"apply",
       {filename, recursive, output, dry_run, validate, field_manager, {"server-side", 0, false},
        {"force-conflicts", 0, false}, {"show-managed-fields", 0, false}, {"prune", 0, false}, {"selector", 'l'},
        {"all", 0, false}, {"prune-allowlist"}, {"prune-whitelist"}},
       run_apply,
       apply_handles},
  };
}

}  // namespace kscratch::kubectl
