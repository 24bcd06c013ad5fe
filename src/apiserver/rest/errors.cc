#include "errors.h"

#include <fmt/format.h>

namespace kscratch::apiserver::rest {

namespace json = boost::json;

std::string qualified_resource(const Resource& r) { return r.group.empty() ? r.plural : r.plural + "." + r.group; }

json::object status_object(const ApiError& e) {
  json::object s;
  s["kind"] = "Status";
  s["apiVersion"] = "v1";
  s["metadata"] = json::object();
  s["status"] = "Failure";
  s["message"] = e.message;
  s["reason"] = e.reason;
  if (!e.details.empty()) s["details"] = e.details;
  s["code"] = e.code;
  return s;
}

json::object success_status(const Resource& r, const std::string& name) {
  json::object s;
  s["kind"] = "Status";
  s["apiVersion"] = "v1";
  s["metadata"] = json::object();
  s["status"] = "Success";
  s["details"] = json::object{{"name", name}, {"group", r.group}, {"kind", r.plural}, {"uid", ""}};
  return s;
}

namespace {
json::object object_details(const Resource& r, const std::string& name) {
  return json::object{{"name", name}, {"group", r.group}, {"kind", r.plural}};
}
}  // namespace

ApiError not_found(const Resource& r, const std::string& name) {
  return {404, "NotFound", fmt::format("{} \"{}\" not found", qualified_resource(r), name), object_details(r, name)};
}

ApiError forbidden(const Resource& r, const std::string& name, const std::string& why) {
  return {403, "Forbidden", fmt::format("{} \"{}\" is forbidden: {}", qualified_resource(r), name, why),
          object_details(r, name)};
}

ApiError already_exists(const Resource& r, const std::string& name) {
  return {409, "AlreadyExists", fmt::format("{} \"{}\" already exists", qualified_resource(r), name),
          object_details(r, name)};
}

ApiError conflict(const Resource& r, const std::string& name, const std::string& why) {
  return {409, "Conflict",
          fmt::format("Operation cannot be fulfilled on {} \"{}\": {}", qualified_resource(r), name, why),
          object_details(r, name)};
}

ApiError invalid(const Resource& r, const std::string& name, const FieldErrors& errors) {
  std::string list;
  json::array causes;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i) list += ", ";
    list += error_text(errors[i]);
    causes.push_back(json::object{{"reason", cause_reason(errors[i].type)},
                                  {"message", cause_message(errors[i])},
                                  {"field", errors[i].field}});
  }
  auto group_kind = r.group.empty() ? r.kind : r.kind + "." + r.group;
  auto message = errors.size() == 1 ? fmt::format("{} \"{}\" is invalid: {}", group_kind, name, list)
                                    : fmt::format("{} \"{}\" is invalid: [{}]", group_kind, name, list);
  return {422, "Invalid", message,
          json::object{{"name", name}, {"group", r.group}, {"kind", r.kind}, {"causes", std::move(causes)}}};
}

ApiError bad_request(std::string message) { return {400, "BadRequest", std::move(message), {}}; }

ApiError gone(std::string message) { return {410, "Expired", std::move(message), {}}; }

ApiError method_not_supported(const std::string& method, const Resource* r) {
  auto what = r ? qualified_resource(*r) : std::string("this resource");
  return {405, "MethodNotAllowed", fmt::format("{} is not supported on {}", method, what), {}};
}

ApiError unsupported_media_type(const std::string& type) {
  return {415, "UnsupportedMediaType", fmt::format("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got \"{}\")", type), {}};
}

ApiError not_acceptable(std::string message) { return {406, "NotAcceptable", std::move(message), {}}; }

ApiError internal(std::string message) { return {500, "InternalError", std::move(message), {}}; }

ApiError path_not_found() { return {404, "NotFound", "the server could not find the requested resource", {}}; }

}  // namespace kscratch::apiserver::rest
