// ?labelSelector= and ?fieldSelector= over objects, with the fields each kind supports.

#include "api.h"

#include "kscratch/apimachinery/fields.h"
#include "kscratch/apimachinery/labels.h"

#include <fmt/format.h>

#include <set>

namespace kscratch::apiserver::rest {

namespace labels = apimachinery::labels;
namespace fields = apimachinery::fields;

struct Selection {
  labels::Selector label = labels::Selector::everything();
  fields::Selector field = fields::Selector::everything();
};

namespace {

std::string field_value(const json::object& o, std::string_view path) {
  // Events select by "source" meaning source.component, as upstream's field set.
  if (path == "source") return string_at(o, "source.component");
  auto* v = find_path(o, path);
  if (!v) return path == "spec.unschedulable" || path == "spec.hostNetwork" ? "false" : "";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_bool()) return v->get_bool() ? "true" : "false";
  if (v->is_int64()) return std::to_string(v->get_int64());
  return "";
}

}  // namespace

std::variant<std::shared_ptr<Selection>, ApiError> parse_selection(const Resource& r, const http::Request& req) {
  auto s = std::make_shared<Selection>();
  if (auto text = req.param("labelSelector"); !text.empty()) {
    if (text.size() > 64 * 1024) return bad_request("labelSelector is too long");
    auto parsed = labels::parse(text);
    if (!parsed) return bad_request(parsed.error().message);
    s->label = std::move(*parsed);
  }
  if (auto text = req.param("fieldSelector"); !text.empty()) {
    if (text.size() > 64 * 1024) return bad_request("fieldSelector is too long");
    auto parsed = fields::parse(text);
    if (!parsed) return bad_request(parsed.error().message);
    std::set<std::string> supported{"metadata.name"};
    if (r.namespaced) supported.insert("metadata.namespace");
    supported.insert(r.field_labels.begin(), r.field_labels.end());
    if (auto ok = fields::check_supported_fields(*parsed, supported); !ok) return bad_request(ok.error().message);
    s->field = std::move(*parsed);
  }
  return s;
}

bool selects_everything(const Selection& s) { return s.label.empty() && s.field.empty(); }

bool matches(const Selection& s, const json::object& object) {
  if (!s.label.empty()) {
    auto* l = find_path(object, "metadata.labels");
    static const json::object empty;
    if (!s.label.matches(l && l->is_object() ? l->get_object() : empty)) return false;
  }
  if (!s.field.empty()) {
    return s.field.matches([&](std::string_view path) { return field_value(object, path); });
  }
  return true;
}

}  // namespace kscratch::apiserver::rest
