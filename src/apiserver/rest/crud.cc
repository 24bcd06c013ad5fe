// Single-object verbs: get, create, update (PUT), patch, delete, and the status and
// scale subresources, with upstream's metadata rules; every write records its manager in
// metadata.managedFields, and application/apply-patch+yaml is server-side apply.

#include "api.h"

#include "../fieldmanager/fieldmanager.h"
#include "../kinds/kinds.h"
#include "../kinds/pod_defaults.h"

#include "kscratch/apimachinery/duration.h"
#include "kscratch/apimachinery/patch.h"
#include "kscratch/apiserver/schema.h"
#include "kscratch/apimachinery/validation.h"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <cctype>

namespace kscratch::apiserver::rest {

namespace {

// Upstream's GuaranteedUpdate retries until its write lands. Every round some writer wins,
// so n racing writers need at most n rounds; the bound only stops a writer starved by an
// endless stream of others.
constexpr int kConflictRetries = 100;

bool dry_run(const http::Request& req) { return req.param("dryRun") == "All"; }

// DELETE may carry dryRun in its body's DeleteOptions instead (kubectl apply --prune
// --dry-run=server sends it there).
bool dry_run_in(const json::object& delete_options) {
  auto* d = delete_options.if_contains("dryRun");
  if (!d || !d->is_array()) return false;
  for (auto& v : d->get_array())
    if (v.is_string() && v.get_string() == "All") return true;
  return false;
}

std::string resource_version_of(const json::object& o) { return string_at(o, "metadata.resourceVersion"); }

// The autoscaling/v1 Scale view of a Deployment or ReplicaSet.
json::object to_scale(const json::object& o) {
  json::object meta{{"name", string_at(o, "metadata.name")},
                    {"namespace", string_at(o, "metadata.namespace")},
                    {"uid", string_at(o, "metadata.uid")},
                    {"resourceVersion", string_at(o, "metadata.resourceVersion")},
                    {"creationTimestamp", string_at(o, "metadata.creationTimestamp")}};
  auto* spec_replicas = find_path(o, "spec.replicas");
  auto* status_replicas = find_path(o, "status.replicas");
  std::string selector;
  if (auto* ml = find_path(o, "spec.selector.matchLabels"); ml && ml->is_object()) {
    for (auto& [k, v] : ml->get_object()) {
      if (!selector.empty()) selector += ",";
      selector += std::string(k) + "=" + (v.is_string() ? std::string(v.get_string()) : "");
    }
  }
  return json::object{{"kind", "Scale"},
                      {"apiVersion", "autoscaling/v1"},
                      {"metadata", std::move(meta)},
                      {"spec", json::object{{"replicas", spec_replicas && spec_replicas->is_int64() ? *spec_replicas : json::value(0)}}},
                      {"status", json::object{{"replicas", status_replicas && status_replicas->is_int64() ? *status_replicas : json::value(0)},
                                              {"selector", selector}}}};
}

// Fills in what the server owns on create, as upstream's BeforeCreate.
void prepare_create(const Resource& r, json::object& o) {
  auto& meta = child_object(o, "metadata");
  meta["uid"] = new_uid();
  meta["creationTimestamp"] = now_rfc3339();
  meta.erase("resourceVersion");
  meta.erase("deletionTimestamp");
  meta.erase("deletionGracePeriodSeconds");
  if (r.tracks_generation) meta["generation"] = 1;
  else meta.erase("generation");
  if (r.has_status && r.kind != "Namespace") o.erase("status");
  if (r.kind == "Pod") child_object(o, "status")["phase"] = "Pending";
  if (r.kind == "Namespace") kinds::prepare_namespace_for_create(o);
  if (r.set_defaults) r.set_defaults(o);
  if (r.kind == "Pod") child_object(o, "status")["qosClass"] = kinds::pod_qos_class(o);
}

// Carries what clients cannot change from the stored object into an update.
std::variant<json::object, ApiError> prepare_update(const Resource& r, const std::string& subresource,
                                                    const json::object& old, json::object updated) {
  auto& meta = child_object(updated, "metadata");
  const auto* old_meta = find_path(old, "metadata");
  for (const char* key : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"}) {
    meta.erase(key);
    if (old_meta && old_meta->is_object()) {
      if (auto* v = old_meta->get_object().if_contains(key)) meta[key] = *v;
    }
  }
  if (subresource == "status" || subresource == "finalize") {
    // Only status changes through /status (and annotations: upstream's status strategies
    // keep the new metadata.annotations, which the Deployment controller's revision uses);
    // only spec.finalizers through a namespace's /finalize. Everything else stays.
    json::object result = old;
    if (subresource == "finalize") {
      auto* finalizers = find_path(updated, "spec.finalizers");
      auto& spec = child_object(result, "spec");
      if (finalizers) spec["finalizers"] = *finalizers;
      else spec.erase("finalizers");
    } else {
      if (auto* s = updated.if_contains("status")) result["status"] = *s;
      else result.erase("status");
      auto& result_meta = child_object(result, "metadata");
      if (auto* a = meta.if_contains("annotations")) result_meta["annotations"] = *a;
      else result_meta.erase("annotations");
    }
    child_object(result, "metadata")["resourceVersion"] = meta.contains("resourceVersion") ? meta["resourceVersion"] : json::value(resource_version_of(old));
    return result;
  }
  if (r.has_status) {
    // Status is ignored on the main resource, as upstream's PrepareForUpdate does.
    if (auto* s = old.if_contains("status")) updated["status"] = *s;
    else updated.erase("status");
  }
  if (r.tracks_generation) {
    auto* old_spec = old.if_contains("spec");
    auto* new_spec = updated.if_contains("spec");
    bool changed = (old_spec == nullptr) != (new_spec == nullptr) || (old_spec && *old_spec != *new_spec);
    auto* g = old_meta && old_meta->is_object() ? old_meta->get_object().if_contains("generation") : nullptr;
    std::int64_t gen = g && g->is_int64() ? g->get_int64() : 1;
    meta["generation"] = changed ? gen + 1 : gen;
  }
  if (r.set_defaults) r.set_defaults(updated);
  return updated;
}

// fieldValidation=Strict|Warn|Ignore as upstream: Strict rejects unknown and duplicate
// fields with 400, Warn accepts them with a Warning header each. kubectl sends Strict by
// default; a request that does not say gets Warn, the server's default since 1.27.
std::optional<ApiError> check_fields(const Resource& r, const json::value& object, std::string_view text,
                                     const http::Request& req, std::vector<std::pair<std::string, std::string>>& headers) {
  auto mode = req.param("fieldValidation");
  if (mode == "Ignore") return std::nullopt;
  const auto* type = schema::find_kind(r.group, r.version, r.kind);
  if (!type) return std::nullopt;
  auto unknown = schema::unknown_fields(*type, object);
  auto duplicate = text.empty() ? std::vector<std::string>{} : schema::duplicate_fields(text);
  if (unknown.empty() && duplicate.empty()) return std::nullopt;
  if (mode == "Strict") {
    return bad_request(fmt::format("{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}", r.kind,
                                   r.api_version(), r.kind, schema::strict_error_detail(unknown, duplicate)));
  }
  for (auto& f : duplicate) headers.emplace_back("Warning", fmt::format("299 - \"duplicate field \\\"{}\\\"\"", f));
  for (auto& f : unknown) headers.emplace_back("Warning", fmt::format("299 - \"unknown field \\\"{}\\\"\"", f));
  return std::nullopt;
}

std::optional<ApiError> check_identity(const Resource& r, const RequestInfo& info, json::object& o) {
  auto api_version = string_at(o, "apiVersion");
  auto kind = string_at(o, "kind");
  if ((!api_version.empty() && api_version != r.api_version()) || (!kind.empty() && kind != r.kind)) {
    return bad_request(fmt::format("the object provided is unrecognized (must be of type {}): {} in version \"{}\" "
                                   "cannot be handled as a {}",
                                   r.kind, kind.empty() ? r.kind : kind, api_version, r.kind));
  }
  o["apiVersion"] = r.api_version();
  o["kind"] = r.kind;
  auto& meta = child_object(o, "metadata");
  if (r.namespaced) {
    auto ns = string_at(o, "metadata.namespace");
    if (!ns.empty() && ns != info.namespace_) {
      return bad_request("the namespace of the provided object does not match the namespace sent on the request");
    }
    meta["namespace"] = info.namespace_;
  } else {
    meta.erase("namespace");
  }
  return std::nullopt;
}

// The scope the field manager tracks a write in: the kind's list keys and the subresource.
fieldmanager::Scope field_scope(const Resource& r, const std::string& subresource) {
  fieldmanager::Scope scope;
  scope.schema = r.patch_schema;
  scope.api_version = r.api_version();
  scope.kind = r.kind;
  scope.subresource = subresource;
  scope.status_subresource = r.has_status;
  return scope;
}

// An invalid CreateOptions/UpdateOptions/PatchOptions, as upstream's NewInvalid for the
// meta.k8s.io kind: `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: ...`.
ApiError invalid_options(const std::string& options_kind, const FieldErrors& errors) {
  std::string list;
  json::array causes;
  for (const auto& e : errors) {
    list += (list.empty() ? "" : ", ") + error_text(e);
    causes.push_back(json::object{{"reason", cause_reason(e.type)}, {"message", cause_message(e)}, {"field", e.field}});
  }
  auto message = fmt::format("{}.meta.k8s.io \"\" is invalid: {}", options_kind, errors.size() == 1 ? list : "[" + list + "]");
  return {422, "Invalid", message,
          json::object{{"group", "meta.k8s.io"}, {"kind", options_kind}, {"causes", std::move(causes)}}};
}

// Who makes this write: the fieldManager parameter (required for apply), else the
// User-Agent's product name, as upstream's managerOrUserAgent. Validated as upstream's
// ValidatePatchOptions / ValidateFieldManager.
std::variant<std::string, ApiError> field_manager(const http::Request& req, const std::string& options_kind,
                                                  bool apply) {
  auto manager = req.param("fieldManager");
  FieldErrors errors;
  if (options_kind == "PatchOptions" && !apply && req.has_param("force")) {
    errors.push_back({FieldErrorType::forbidden, "force", nullptr, "may not be specified for non-apply patch"});
  }
  if (apply && manager.empty()) {
    errors.push_back({FieldErrorType::required, "fieldManager", nullptr, "is required for apply patch"});
  }
  if (manager.size() > fieldmanager::kMaxManagerLength) {
    errors.push_back({FieldErrorType::too_long, "fieldManager", nullptr,
                      fmt::format("may not be more than {} bytes", fieldmanager::kMaxManagerLength)});
  }
  for (char c : manager) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      errors.push_back({FieldErrorType::invalid, "fieldManager", json::value(manager),
                        fmt::format("invalid character U+{:04X}", static_cast<unsigned>(u))});
      break;
    }
  }
  if (!errors.empty()) return invalid_options(options_kind, errors);
  if (manager.empty()) manager = fieldmanager::manager_from_user_agent(req.header("user-agent"));
  return manager;
}

// An apply's conflicts as upstream's NewApplyConflict: 409 Conflict, one cause per field.
ApiError apply_error(const fieldmanager::ApplyError& e) {
  if (e.conflicts.empty()) return {e.code, e.code == 409 ? "Conflict" : "BadRequest", e.message, {}};
  json::array causes;
  for (const auto& c : e.conflicts) {
    causes.push_back(json::object{{"type", "FieldManagerConflict"}, {"message", "conflict with " + c.manager}, {"field", c.field}});
  }
  return {409, "Conflict", e.message, json::object{{"causes", std::move(causes)}}};
}

// Records `updated`'s changes from `current` (nullptr on create) for `manager`.
void track(const Resource& r, const std::string& subresource, const json::object* current, json::object& updated,
           const std::string& manager) {
  fieldmanager::track_update(field_scope(r, subresource), current, updated, manager, now_rfc3339());
}

// prepare_update, then the write recorded in managedFields.
std::variant<json::object, ApiError> prepare_tracked_update(const Resource& r, const std::string& subresource,
                                                            const json::object& old, json::object updated,
                                                            const std::string& manager) {
  auto prepared = prepare_update(r, subresource == "scale" ? "" : subresource, old, std::move(updated));
  if (auto* o = std::get_if<json::object>(&prepared)) track(r, subresource, &old, *o, manager);
  return prepared;
}

}  // namespace

asio::awaitable<Outcome> Api::get(const Resource& r, const RequestInfo& info) {
  auto kv = co_await store_->get(object_key(r, info.namespace_, info.name));
  if (!kv) {
    if (kv.error() == store::Errc::not_found) co_return not_found(r, info.name);
    co_return internal(kv.error().message());
  }
  auto o = from_stored(kv->value, kv->mod_revision);
  if (!o) co_return internal("stored object is not valid JSON");
  if (info.subresource == "scale") co_return Reply{200, to_scale(*o), {}};
  co_return Reply{200, std::move(*o), {}};
}

asio::awaitable<Outcome> Api::bind(const Resource& r, const RequestInfo& info, const http::Request& req) {
  auto decoded = decode_body(req.body, req.header("content-type"));
  if (auto* e = std::get_if<ApiError>(&decoded)) co_return *e;
  auto& value = std::get<json::value>(decoded);
  if (!value.is_object()) co_return bad_request("the body is not a Binding");
  auto node = string_at(value.get_object(), "target.name");
  if (node.empty()) {
    co_return invalid(r, info.name, {{FieldErrorType::required, "target.name", nullptr, ""}});
  }
  // As upstream's BindingREST: set spec.nodeName once; a second binding is a conflict.
  Mutation m = [&](const json::object& current) -> std::variant<json::object, ApiError> {
    if (find_path(current, "metadata.deletionTimestamp")) {
      return conflict(r, info.name, fmt::format("pod {} is being deleted, cannot be assigned to a host", info.name));
    }
    auto existing = string_at(current, "spec.nodeName");
    if (!existing.empty()) {
      return conflict(r, info.name, fmt::format("pod {} is already assigned to node \"{}\"", info.name, existing));
    }
    json::object next = current;
    child_object(next, "spec")["nodeName"] = node;
    // As upstream's BindingREST (setPodHostAndAnnotations): the pod is now scheduled.
    auto& status = child_object(next, "status");
    json::array conditions;
    if (auto* c = status.if_contains("conditions"); c && c->is_array()) {
      for (auto& cond : c->get_array()) {
        if (!(cond.is_object() && string_at(cond.get_object(), "type") == "PodScheduled")) conditions.push_back(cond);
      }
    }
    conditions.push_back(json::object{{"type", "PodScheduled"},
                                      {"status", "True"},
                                      {"lastProbeTime", nullptr},
                                      {"lastTransitionTime", now_rfc3339()}});
    status["conditions"] = std::move(conditions);
    child_object(next, "metadata").erase("resourceVersion");
    return next;
  };
  auto outcome = co_await guaranteed_update(r, info, m, dry_run(req));
  if (auto* e = std::get_if<ApiError>(&outcome)) co_return *e;
  json::object status{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Success"}, {"code", 201}};
  co_return Reply{201, std::move(status), {}};
}

// As upstream's EvictionREST without PodDisruptionBudgets (kscratch serves none, so no
// budget ever refuses): the name must match, then the pod is deleted with the eviction's
// DeleteOptions (its grace period, preconditions, dry run), and the answer is a 201 Status.
asio::awaitable<Outcome> Api::evict(const Resource& r, const RequestInfo& info, const http::Request& req) {
  auto decoded = decode_body(req.body, req.header("content-type"));
  if (auto* e = std::get_if<ApiError>(&decoded)) co_return *e;
  auto& value = std::get<json::value>(decoded);
  if (!value.is_object()) co_return bad_request("the body is not an Eviction");
  if (auto name = string_at(value.get_object(), "metadata.name"); name != info.name) {
    co_return bad_request(fmt::format("name in URL does not match name in Eviction object"));
  }
  http::Request deletion;
  deletion.method = "DELETE";
  deletion.path = req.path;
  deletion.query = req.query;
  deletion.headers = {{"content-type", "application/json"}};
  if (auto* options = value.get_object().if_contains("deleteOptions"); options && options->is_object()) {
    deletion.body = json::serialize(*options);
  }
  deletion.user = req.user;
  deletion.groups = req.groups;
  auto outcome = co_await remove(r, info, deletion);
  if (auto* e = std::get_if<ApiError>(&outcome)) co_return *e;
  json::object status{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Success"}, {"code", 201}};
  co_return Reply{201, std::move(status), {}};
}

asio::awaitable<Outcome> Api::create(const Resource& r, const RequestInfo& info, const http::Request& req) {
  if (r.namespaced && info.namespace_.empty()) co_return bad_request("a namespace is required to create this resource");
  auto decoded = decode_body(req.body, req.header("content-type"));
  if (auto* e = std::get_if<ApiError>(&decoded)) co_return *e;
  auto& value = std::get<json::value>(decoded);
  if (!value.is_object()) co_return bad_request(fmt::format("{} in version \"{}\" cannot be handled as a {}: the body is not a JSON object", r.kind, r.api_version(), r.kind));
  std::vector<std::pair<std::string, std::string>> warnings;
  bool json_text = req.header("content-type").find("json") != std::string::npos;
  if (auto e = check_fields(r, value, json_text ? std::string_view(req.body) : std::string_view(), req, warnings)) co_return *e;
  auto manager = field_manager(req, "CreateOptions", false);
  if (auto* e = std::get_if<ApiError>(&manager)) co_return *e;
  auto o = std::move(value.get_object());
  co_return co_await create_object(r, info, req, o, &std::get<std::string>(manager), warnings);
}

asio::awaitable<Outcome> Api::create_object(const Resource& r, const RequestInfo& info, const http::Request& req,
                                            json::object& o, const std::string* manager,
                                            std::vector<std::pair<std::string, std::string>>& warnings) {
  if (auto e = check_identity(r, info, o)) co_return *e;

  auto& meta = child_object(o, "metadata");
  auto name = string_at(o, "metadata.name");
  auto generate = string_at(o, "metadata.generateName");
  if (name.empty() && !generate.empty()) {
    name = apimachinery::validation::generate_name(generate);
    meta["name"] = name;
  }
  // NamespaceLifecycle admission: new objects need a namespace that exists and is not
  // being deleted (the namespace controller could never finish emptying it otherwise).
  if (r.namespaced) {
    const auto* namespaces = find_resource("", "v1", "namespaces");
    bool terminating = false;
    if (auto cached = namespace_cache_.find(info.namespace_)) {
      terminating = cached->terminating;
    } else {
      auto ns = co_await store_->get(object_key(*namespaces, "", info.namespace_));
      if (!ns) {
        if (ns.error() == store::Errc::not_found) co_return not_found(*namespaces, info.namespace_);
        co_return internal(ns.error().message());
      }
      auto ns_object = from_stored(ns->value, ns->mod_revision);
      terminating = ns_object && find_path(*ns_object, "metadata.deletionTimestamp");
    }
    if (terminating) {
      co_return forbidden(r, name, fmt::format("unable to create new content in namespace {} because it is being terminated",
                                               info.namespace_));
    }
  }
  if (name.empty()) {
    co_return invalid(r, "", {{FieldErrorType::required, "metadata.name", nullptr, "name or generateName is required"}});
  }
  if (r.kind == "Pod") {
    // DefaultTolerationSeconds with the server's settings; defaulting adds 300 s otherwise.
    if (auto* spec = o.if_contains("spec"); spec && spec->is_object()) {
      kinds::add_default_tolerations(spec->get_object(), config_.default_not_ready_toleration_seconds,
                                     config_.default_unreachable_toleration_seconds);
    }
  }
  prepare_create(r, o);
  if (manager) track(r, "", nullptr, o, *manager);
  ServiceAllocations mine;
  if (r.kind == "Service") {
    auto used = co_await service_allocations();
    if (auto e = allocate_service(r, o, nullptr, used)) co_return *e;
    mine.add(o);
  }
  if (r.validate) {
    auto errors = r.validate(o, nullptr);
    if (!errors.empty()) co_return invalid(r, name, errors);
  }
  if (dry_run(req)) co_return Reply{201, std::move(o), std::move(warnings)};

  // Addresses this create took stay reserved until its write has landed (or failed), so
  // a concurrent create cannot take them too.
  in_flight_.ips.insert(mine.ips.begin(), mine.ips.end());
  in_flight_.node_ports.insert(mine.node_ports.begin(), mine.node_ports.end());
  auto stored = to_stored(o);
  auto key = object_key(r, info.namespace_, name);
  auto created = co_await store_->create(key, std::move(stored));
  for (auto ip : mine.ips) in_flight_.ips.erase(ip);
  for (auto port : mine.node_ports) in_flight_.node_ports.erase(port);
  if (!created) {
    if (created.error() == store::Errc::already_exists) co_return already_exists(r, name);
    co_return internal(created.error().message());
  }
  if (r.kind == "Service") service_cache_.record(key, created->revision, o);
  child_object(o, "metadata")["resourceVersion"] = std::to_string(created->revision);
  co_return Reply{201, std::move(o), std::move(warnings)};
}

asio::awaitable<Outcome> Api::guaranteed_update(const Resource& r, const RequestInfo& info, const Mutation& mutate,
                                                bool dry) {
  auto key = object_key(r, info.namespace_, info.name);
  bool allocates = r.kind == "Service" && info.subresource.empty();
  for (int attempt = 0; attempt < kConflictRetries; ++attempt) {
    std::optional<ServiceAllocations> used;
    if (allocates) used = co_await service_allocations();
    auto kv = co_await store_->get(key);
    if (!kv) {
      if (kv.error() == store::Errc::not_found) co_return not_found(r, info.name);
      co_return internal(kv.error().message());
    }
    auto current = from_stored(kv->value, kv->mod_revision);
    if (!current) co_return internal("stored object is not valid JSON");
    auto mutated = mutate(*current);
    if (auto* e = std::get_if<ApiError>(&mutated)) co_return *e;
    auto& updated = std::get<json::object>(mutated);
    if (used) {
      if (auto e = allocate_service(r, updated, &*current, *used)) co_return *e;
    }

    // A resourceVersion in the request is a precondition; without one, the update is
    // applied to whatever is current, retried on conflicts.
    auto wanted_rv = resource_version_of(updated);
    bool pinned = !wanted_rv.empty();
    if (pinned && wanted_rv != std::to_string(kv->mod_revision)) {
      co_return conflict(r, info.name, "the object has been modified; please apply your changes to the latest version and try again");
    }
    // Bindings only set spec.nodeName, which pod updates may not do: upstream's binding
    // storage writes it without the update validation.
    auto validate = (info.subresource == "status" && r.validate_status) || info.subresource == "binding" ? nullptr : r.validate;
    if (validate) {
      auto errors = validate(updated, &*current);
      if (!errors.empty()) co_return invalid(r, info.name, errors);
    } else if (info.subresource == "status" && r.validate_status) {
      auto errors = r.validate_status(updated, *current);
      if (!errors.empty()) co_return invalid(r, info.name, errors);
    }
    child_object(updated, "metadata")["resourceVersion"] = std::to_string(kv->mod_revision);
    if (updated == *current || dry) {
      if (info.subresource == "scale") co_return Reply{200, to_scale(updated), {}};
      co_return Reply{200, std::move(updated), {}};
    }

    // The last finalizer removed from an object being deleted completes the delete.
    // (A namespace also waits for its spec.finalizers: the namespace controller removes
    // "kubernetes" through /finalize once the namespace is empty.)
    auto has_finalizers = [](const json::object& o) {
      for (const char* path : {"metadata.finalizers", "spec.finalizers"}) {
        auto* f = find_path(o, path);
        if (f && f->is_array() && !f->get_array().empty() && (path[0] == 'm' || string_at(o, "kind") == "Namespace")) return true;
      }
      return false;
    };
    auto* deleting = find_path(updated, "metadata.deletionTimestamp");
    bool finished = deleting && !deleting->is_null() && has_finalizers(*current) && !has_finalizers(updated);
    if (finished) {
      auto removed = co_await store_->remove(key, kv->mod_revision);
      if (!removed && removed.error() == store::Errc::conflict) continue;
      if (!removed) co_return internal(removed.error().message());
      co_return Reply{200, std::move(updated), {}};
    }
    auto written = co_await store_->update(key, to_stored(updated), kv->mod_revision);
    if (!written) {
      // Someone wrote between our read and our write: go round again. A request pinned to
      // a resourceVersion then fails the precondition above; a patch without one is
      // re-applied to the newer object (its result carries the revision it was applied to,
      // so that revision says nothing about whether the client pinned one).
      if (written.error() == store::Errc::conflict) continue;
      if (written.error() == store::Errc::not_found) co_return not_found(r, info.name);
      co_return internal(written.error().message());
    }
    child_object(updated, "metadata")["resourceVersion"] = std::to_string(written->revision);
    if (allocates) service_cache_.record(key, written->revision, updated);
    if (info.subresource == "scale") co_return Reply{200, to_scale(updated), {}};
    co_return Reply{200, std::move(updated), {}};
  }
  co_return conflict(r, info.name, "too many concurrent updates; please try again");
}

asio::awaitable<Outcome> Api::update(const Resource& r, const RequestInfo& info, const http::Request& req) {
  auto decoded = decode_body(req.body, req.header("content-type"));
  if (auto* e = std::get_if<ApiError>(&decoded)) co_return *e;
  auto& value = std::get<json::value>(decoded);
  if (!value.is_object()) co_return bad_request("the body is not a JSON object");
  auto body = std::move(value.get_object());
  auto manager_or = field_manager(req, "UpdateOptions", false);
  if (auto* e = std::get_if<ApiError>(&manager_or)) co_return *e;
  const auto& manager = std::get<std::string>(manager_or);

  if (info.subresource == "scale") {
    auto* replicas = find_path(body, "spec.replicas");
    if (!replicas || !replicas->is_int64() || replicas->get_int64() < 0) {
      co_return invalid(r, info.name, {{FieldErrorType::invalid, "spec.replicas", replicas ? *replicas : json::value(nullptr), "must be greater than or equal to 0"}});
    }
    auto want = replicas->get_int64();
    auto rv = string_at(body, "metadata.resourceVersion");
    Mutation m = [&](const json::object& current) -> std::variant<json::object, ApiError> {
      json::object next = current;
      child_object(next, "spec")["replicas"] = want;
      return prepare_tracked_update(r, "scale", current, std::move(next), manager);
    };
    co_return co_await guaranteed_update(r, info, m, dry_run(req));
  }
  std::vector<std::pair<std::string, std::string>> warnings;
  if (auto e = check_fields(r, json::value(body), req.body, req, warnings)) co_return *e;
  if (auto e = check_identity(r, info, body)) co_return *e;
  if (name_of(body) != info.name) {
    co_return bad_request(fmt::format("the name of the object ({}) does not match the name on the URL ({})", name_of(body), info.name));
  }
  Mutation m = [&](const json::object& current) {
    return prepare_tracked_update(r, info.subresource, current, body, manager);
  };
  auto outcome = co_await guaranteed_update(r, info, m, dry_run(req));
  if (auto* reply = std::get_if<Reply>(&outcome)) reply->headers = std::move(warnings);
  co_return outcome;
}

asio::awaitable<Outcome> Api::patch(const Resource& r, const RequestInfo& info, const http::Request& req) {
  auto type = req.header("content-type");
  if (auto semi = type.find(';'); semi != std::string::npos) type.resize(semi);
  bool apply = type == "application/apply-patch+yaml";
  if (type != "application/json-patch+json" && type != "application/merge-patch+json" &&
      type != "application/strategic-merge-patch+json" && !apply) {
    co_return unsupported_media_type(type);
  }
  if (type == "application/strategic-merge-patch+json" && !r.patch_schema) co_return unsupported_media_type(type);
  auto manager_or = field_manager(req, "PatchOptions", apply);
  if (auto* e = std::get_if<ApiError>(&manager_or)) co_return *e;
  const auto& manager = std::get<std::string>(manager_or);
  auto decoded = decode_body(req.body, apply ? "application/yaml" : "application/json");
  if (auto* e = std::get_if<ApiError>(&decoded)) co_return *e;
  auto patch_doc = std::move(std::get<json::value>(decoded));
  // Server-side apply through /scale stays a merge of the Scale (tracked as an update).
  if (apply && info.subresource != "scale") co_return co_await server_side_apply(r, info, req, patch_doc, manager);

  std::vector<std::pair<std::string, std::string>> warnings;
  Mutation m = [&](const json::object& current) -> std::variant<json::object, ApiError> {
    warnings.clear();
    json::value base = info.subresource == "scale" ? json::value(to_scale(current)) : json::value(current);
    json::value patched;
    if (type == "application/json-patch+json") {
      auto p = apimachinery::apply_json_patch(base, patch_doc);
      if (!p) return ApiError{422, "Invalid", p.error().message, {}};
      patched = std::move(*p);
    } else if (type == "application/merge-patch+json") {
      patched = apimachinery::apply_merge_patch(base, patch_doc);
    } else {
      // Strategic merge patch (or an apply to /scale, merged the same way).
      if (r.patch_schema && info.subresource != "scale") {
        auto p = apimachinery::apply_strategic_merge_patch(base, patch_doc, *r.patch_schema);
        if (!p) return bad_request(p.error().message);
        patched = std::move(*p);
      } else {
        patched = apimachinery::apply_merge_patch(base, patch_doc);
      }
    }
    if (!patched.is_object()) return bad_request("the patch did not produce an object");
    auto& obj = patched.get_object();
    if (info.subresource == "scale") {
      auto* replicas = find_path(obj, "spec.replicas");
      if (!replicas || !replicas->is_int64() || replicas->get_int64() < 0) {
        return invalid(r, info.name, {{FieldErrorType::invalid, "spec.replicas", replicas ? *replicas : json::value(nullptr), "must be greater than or equal to 0"}});
      }
      json::object next = current;
      child_object(next, "spec")["replicas"] = replicas->get_int64();
      child_object(next, "metadata").erase("resourceVersion");
      return prepare_tracked_update(r, "scale", current, std::move(next), manager);
    }
    if (name_of(obj) != info.name) return bad_request("metadata.name cannot be changed by a patch");
    if (auto e = check_fields(r, patched, {}, req, warnings)) return *e;
    if (auto e = check_identity(r, info, obj)) return *e;
    // A patch's resourceVersion is a precondition only when the patch itself sets it.
    bool pinned = patch_doc.is_object() && find_path(patch_doc.get_object(), "metadata.resourceVersion");
    if (!pinned) child_object(obj, "metadata").erase("resourceVersion");
    return prepare_tracked_update(r, info.subresource, current, std::move(obj), manager);
  };
  auto outcome = co_await guaranteed_update(r, info, m, dry_run(req));
  if (auto* reply = std::get_if<Reply>(&outcome)) reply->headers = std::move(warnings);
  co_return outcome;
}

// Server-side apply: the configuration merged into the live object (created when
// missing) with field ownership, conflicts and pruning (../fieldmanager/).
asio::awaitable<Outcome> Api::server_side_apply(const Resource& r, const RequestInfo& info, const http::Request& req,
                                                const json::value& patch_doc, const std::string& manager) {
  if (!patch_doc.is_object()) co_return bad_request("the applied configuration is not an object");
  const auto& config = patch_doc.get_object();
  auto version = string_at(config, "apiVersion");
  if (version != r.api_version()) {
    co_return bad_request(fmt::format("Incorrect version specified in apply patch. Specified patch version: {}, expected: {}",
                                      version, r.api_version()));
  }
  auto config_name = string_at(config, "metadata.name");
  if (!config_name.empty() && config_name != info.name) {
    co_return bad_request(fmt::format("the name of the object ({}) does not match the name on the URL ({})", config_name, info.name));
  }
  std::vector<std::pair<std::string, std::string>> warnings;
  if (auto e = check_fields(r, patch_doc, {}, req, warnings)) co_return *e;
  // As upstream's query conversion of booleans: anything but 0, f and false is true.
  auto force_text = req.param("force");
  for (auto& c : force_text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool force = req.has_param("force") && force_text != "0" && force_text != "f" && force_text != "false";
  auto scope = field_scope(r, info.subresource);

  auto existing = co_await store_->get(object_key(r, info.namespace_, info.name));
  if (!existing && existing.error() == store::Errc::not_found) {
    if (!info.subresource.empty()) co_return not_found(r, info.name);
    json::object nothing;
    auto applied = fieldmanager::apply(scope, nothing, config, manager, force, now_rfc3339());
    if (auto* e = std::get_if<fieldmanager::ApplyError>(&applied)) co_return apply_error(*e);
    auto& o = std::get<json::object>(applied);
    child_object(o, "metadata")["name"] = info.name;
    co_return co_await create_object(r, info, req, o, nullptr, warnings);
  }

  // A resourceVersion in the configuration is a precondition.
  const auto* pinned = find_path(config, "metadata.resourceVersion");
  Mutation m = [&](const json::object& current) -> std::variant<json::object, ApiError> {
    auto applied = fieldmanager::apply(scope, current, config, manager, force, now_rfc3339());
    if (auto* e = std::get_if<fieldmanager::ApplyError>(&applied)) return apply_error(*e);
    auto& obj = std::get<json::object>(applied);
    if (auto e = check_identity(r, info, obj)) return *e;
    if (pinned) child_object(obj, "metadata")["resourceVersion"] = *pinned;
    else child_object(obj, "metadata").erase("resourceVersion");
    return prepare_update(r, info.subresource, current, std::move(obj));
  };
  auto outcome = co_await guaranteed_update(r, info, m, dry_run(req));
  if (auto* reply = std::get_if<Reply>(&outcome)) reply->headers = std::move(warnings);
  co_return outcome;
}

asio::awaitable<Outcome> Api::remove(const Resource& r, const RequestInfo& info, const http::Request& req) {
  json::object options;
  if (!req.body.empty()) {
    // kubectl drain's typed client sends its DeleteOptions as protobuf.
    auto decoded = decode_body(req.body, req.header("content-type"));
    if (auto* e = std::get_if<ApiError>(&decoded)) co_return *e;
    if (std::get<json::value>(decoded).is_object()) options = std::get<json::value>(decoded).get_object();
  }
  auto key = object_key(r, info.namespace_, info.name);
  for (int attempt = 0; attempt < kConflictRetries; ++attempt) {
    auto kv = co_await store_->get(key);
    if (!kv) {
      if (kv.error() == store::Errc::not_found) co_return not_found(r, info.name);
      co_return internal(kv.error().message());
    }
    auto current = from_stored(kv->value, kv->mod_revision);
    if (!current) co_return internal("stored object is not valid JSON");
    if (auto uid = string_at(options, "preconditions.uid"); !uid.empty() && uid != string_at(*current, "metadata.uid")) {
      co_return conflict(r, info.name, fmt::format("Precondition failed: UID in precondition: {}, UID in object meta: {}", uid, string_at(*current, "metadata.uid")));
    }
    if (auto rv = string_at(options, "preconditions.resourceVersion"); !rv.empty() && rv != std::to_string(kv->mod_revision)) {
      co_return conflict(r, info.name, fmt::format("Precondition failed: ResourceVersion in precondition: {}, ResourceVersion in object meta: {}", rv, kv->mod_revision));
    }
    if (dry_run(req) || dry_run_in(options)) co_return Reply{200, std::move(*current), {}};

    // Objects with finalizers are only marked; whoever owns each finalizer removes it,
    // and the last removal deletes the object. A pod bound to a node is marked too, with
    // its grace period: the kubelet stops its containers and then deletes it for good
    // (gracePeriodSeconds=0 deletes at once, as `kubectl delete --force` asks).
    // propagationPolicy: Orphan and Foreground are finalizers the garbage collector
    // honours (it orphans or deletes the dependents first); Background deletes now and
    // leaves the dependents to the collector, as upstream's registry does.
    auto policy = string_at(options, "propagationPolicy");
    if (policy.empty()) policy = req.param("propagationPolicy");
    if (auto* orphan = options.if_contains("orphanDependents"); policy.empty() && orphan && orphan->is_bool()) {
      policy = orphan->get_bool() ? "Orphan" : "Background";
    }
    if (!policy.empty() && policy != "Orphan" && policy != "Foreground" && policy != "Background") {
      co_return bad_request(fmt::format("DeleteOptions.propagationPolicy: Unsupported value: \"{}\": supported values: \"Foreground\", \"Background\", \"Orphan\"", policy));
    }
    json::array finalizer_list;
    if (auto* f = find_path(*current, "metadata.finalizers"); f && f->is_array()) finalizer_list = f->get_array();
    auto drop = [&](std::string_view name) {
      json::array kept;
      for (auto& v : finalizer_list) {
        if (!(v.is_string() && v.get_string() == name)) kept.push_back(v);
      }
      finalizer_list = std::move(kept);
    };
    auto add = [&](std::string_view name) {
      for (auto& v : finalizer_list) {
        if (v.is_string() && v.get_string() == name) return;
      }
      finalizer_list.push_back(json::value(name));
    };
    if (policy == "Orphan") {
      drop("foregroundDeletion");
      add("orphan");
    } else if (policy == "Foreground") {
      drop("orphan");
      add("foregroundDeletion");
    } else if (policy == "Background") {
      drop("orphan");
      drop("foregroundDeletion");
    }
    bool has_finalizers = !finalizer_list.empty();
    bool namespace_finalizers = false;
    if (r.kind == "Namespace") {
      auto* f = find_path(*current, "spec.finalizers");
      namespace_finalizers = f && f->is_array() && !f->get_array().empty();
    }
    std::int64_t grace = 0;
    if (r.kind == "Pod" && !string_at(*current, "spec.nodeName").empty()) {
      auto* spec_grace = find_path(*current, "spec.terminationGracePeriodSeconds");
      grace = spec_grace && spec_grace->is_int64() ? spec_grace->get_int64() : 30;
      if (auto* g = options.if_contains("gracePeriodSeconds"); g && g->is_int64()) grace = g->get_int64();
      if (auto g = req.param("gracePeriodSeconds"); !g.empty()) {
        try {
          grace = std::stoll(g);
        } catch (...) {
        }
      }
      // A pod that already finished has nothing to stop (upstream's CheckGracefulDelete).
      auto phase = string_at(*current, "status.phase");
      if (phase == "Succeeded" || phase == "Failed") grace = 0;
    }
    // A pod being deleted gracefully may be deleted again with a shorter grace period:
    // the kubelet ends it with 0 once its containers are gone (upstream's
    // BeforeDelete shortening the period). Anything else already marked stays as it is.
    if (find_path(*current, "metadata.deletionTimestamp")) {
      auto* marked_grace = find_path(*current, "metadata.deletionGracePeriodSeconds");
      bool shorter = r.kind == "Pod" && marked_grace && marked_grace->is_int64() && grace < marked_grace->get_int64();
      if (!shorter) co_return Reply{200, std::move(*current), {}};
    }
    if (has_finalizers || namespace_finalizers || grace > 0) {
      json::object marked = *current;
      auto& meta = child_object(marked, "metadata");
      // A namespace being emptied is Terminating (upstream's namespace strategy).
      if (r.kind == "Namespace") child_object(marked, "status")["phase"] = "Terminating";
      meta["deletionTimestamp"] = apimachinery::duration::format_rfc3339(std::chrono::system_clock::now() + std::chrono::seconds(grace));
      meta["deletionGracePeriodSeconds"] = grace;
      if (has_finalizers) meta["finalizers"] = finalizer_list;
      auto written = co_await store_->update(key, to_stored(marked), kv->mod_revision);
      if (!written && written.error() == store::Errc::conflict) continue;
      if (!written) co_return internal(written.error().message());
      meta["resourceVersion"] = std::to_string(written->revision);
      co_return Reply{200, std::move(marked), {}};
    }
    auto removed = co_await store_->remove(key, kv->mod_revision);
    if (!removed) {
      if (removed.error() == store::Errc::conflict) continue;
      if (removed.error() == store::Errc::not_found) co_return not_found(r, info.name);
      co_return internal(removed.error().message());
    }
    co_return Reply{200, std::move(*current), {}};
  }
  co_return conflict(r, info.name, "too many concurrent updates; please try again");
}

}  // namespace kscratch::apiserver::rest
