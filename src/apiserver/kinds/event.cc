// Events (core/v1): ValidateEventCreate and ValidateEventUpdate as requested through the v1
// API, which run only upstream's legacyValidateEvent for compatibility with old clients.

#include "kinds.h"
#include "kscratch/apimachinery/validation.h"
#include "object_meta.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

constexpr size_t kReportingInstanceLengthLimit = 128;
constexpr size_t kActionLengthLimit = 128;
constexpr size_t kReasonLengthLimit = 128;
constexpr size_t kNoteLengthLimit = 1024;

void legacy_validate_event(Reader& r, const json::object& event) {
  const json::object& meta = metadata_of(event);
  std::string ns = string_or(meta, "namespace");
  static const json::object kEmpty;
  const json::object* involved = r.object(event, "involvedObject", FieldPath("involvedObject"));
  if (involved == nullptr) involved = &kEmpty;
  std::string involved_ns = r.string(*involved, "namespace", FieldPath("involvedObject").child("namespace")).value_or("");
  FieldPath ins_path = FieldPath("involvedObject").child("namespace");
  const std::string mismatch = "does not match event.namespace";
  std::string event_time = r.string(event, "eventTime", FieldPath("eventTime")).value_or("");
  if (event_time.empty()) {
    if (involved_ns.empty()) {
      // Old clients put events about cluster-scoped objects into "default".
      if (!ns.empty() && ns != "default") r.add(invalid(ins_path, involved_ns, mismatch));
    } else if (ns != involved_ns) {
      r.add(invalid(ins_path, involved_ns, mismatch));
    }
  } else {
    if (involved_ns.empty() && ns != "default" && ns != "kube-system") r.add(invalid(ins_path, involved_ns, mismatch));
    std::string controller = r.string(event, "reportingComponent", FieldPath("reportingController")).value_or("");
    if (controller.empty()) r.add(required(FieldPath("reportingController")));
    add_invalid(r.errors(), FieldPath("reportingController"), json::value(controller), v::is_qualified_name(controller));
    std::string instance = r.string(event, "reportingInstance", FieldPath("reportingInstance")).value_or("");
    if (instance.empty()) r.add(required(FieldPath("reportingInstance")));
    if (instance.size() > kReportingInstanceLengthLimit) {
      r.add(invalid(FieldPath("reportingInstance"), "", "can have at most 128 characters"));
    }
    std::string action = r.string(event, "action", FieldPath("action")).value_or("");
    if (action.empty()) r.add(required(FieldPath("action")));
    if (action.size() > kActionLengthLimit) r.add(invalid(FieldPath("action"), "", "can have at most 128 characters"));
    std::string reason = r.string(event, "reason", FieldPath("reason")).value_or("");
    if (reason.empty()) r.add(required(FieldPath("reason")));
    if (reason.size() > kReasonLengthLimit) r.add(invalid(FieldPath("reason"), "", "can have at most 128 characters"));
    std::string message = r.string(event, "message", FieldPath("message")).value_or("");
    if (message.size() > kNoteLengthLimit) r.add(invalid(FieldPath("message"), "", "can have at most 1024 characters"));
  }
  add_invalid(r.errors(), FieldPath("namespace"), json::value(ns), v::is_dns1123_subdomain(ns));
}

}  // namespace

void set_defaults_event(json::object&) {}

FieldErrors validate_event(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  // The generic update path checks metadata for every kind (upstream's validateCommonFields),
  // even where the kind's own validation does not.
  if (old != nullptr) validate_object_meta_update(r, obj, *old, MetaRules{true, NameRule::kDNS1123Subdomain, false});
  legacy_validate_event(r, obj);
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
