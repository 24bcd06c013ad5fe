// kubectl top and kubectl explain: the verbs that read what the server says about itself.
//
// top needs the metrics.k8s.io API (metrics-server), which kscratch does not serve, so it
// answers as kubectl does then: "error: Metrics API not available".
//
// explain walks the server's OpenAPI v3 document of the resource's group-version, as
// kubectl 1.32's explain/v2 does with its plaintext template (templates/plaintext.tmpl):
// the GVK from the resource's paths, its schema from the components whose
// x-kubernetes-group-version-kind names it, then the field path followed through $refs,
// arrays, maps and allOf, and the fields printed sorted by name.

#include "../json_fields.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <set>
#include <sstream>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

// ---- top ----

bool is_top_target(const std::string& word) {
  return word == "pod" || word == "pods" || word == "po" || word == "node" || word == "nodes" || word == "no";
}

int run_top(Command& c) {
  const std::string& what = c.args.positional[0];
  if (!is_top_target(what)) return fail(fmt::format("unknown command \"{}\"\nSee 'kubectl top -h' for help and examples", what));
  for (auto& r : c.discovery->resources()) {
    if (r.group == "metrics.k8s.io")
      return fail("the metrics.k8s.io API is served, but kscratch kubectl top does not read it yet: use kubectl top");
  }
  return fail("Metrics API not available");
}

// Without a subcommand kubectl prints its help: left to it.
bool top_handles(const ParsedArgs& args) { return !args.positional.empty(); }

// ---- explain ----

const json::object* as_object(const json::value* v) { return v && v->is_object() ? &v->get_object() : nullptr; }

const json::object* member_object(const json::object& o, std::string_view key) { return as_object(o.if_contains(key)); }

class Explainer {
 public:
  Explainer(const json::object& document, bool recursive) : doc_(document), recursive_(recursive) {}

  // "#/components/schemas/io.k8s.api.core.v1.PodSpec" -> its schema.
  const json::object* resolve(std::string_view ref) const {
    constexpr std::string_view prefix = "#/components/schemas/";
    if (!ref.starts_with(prefix)) return nullptr;
    auto* components = member_object(doc_, "components");
    auto* schemas = components ? member_object(*components, "schemas") : nullptr;
    return schemas ? member_object(*schemas, ref.substr(prefix.size())) : nullptr;
  }

  const json::object& resolved(const json::object& schema) const {
    if (auto* target = resolve(str(schema, "$ref"))) return *target;
    return schema;
  }

  // A map-valued additionalProperties (not `true`/`false`).
  static const json::object* map_values(const json::object& schema) { return member_object(schema, "additionalProperties"); }

  std::string type_guess(const json::object& schema) const {
    if (auto* items = member_object(schema, "items")) return "[]" + type_guess(*items);
    if (auto* values = map_values(schema)) return "map[string]" + type_guess(*values);
    auto* all_of = schema.if_contains("allOf");
    if (all_of && all_of->is_array() && all_of->get_array().size() == 1 && !schema.contains("properties") &&
        all_of->get_array()[0].is_object())
      return type_guess(all_of->get_array()[0].get_object());
    if (std::string ref = str(schema, "$ref"); !ref.empty()) {
      auto* target = resolve(ref);
      std::string type = target ? str(*target, "type") : "";
      if (!target || type.empty() || type == "object") {
        std::string name = ref.substr(ref.rfind('/') + 1);
        name = name.substr(name.rfind('.') + 1);
        return name.empty() ? "Object" : name;
      }
      return type;
    }
    std::string type = str(schema, "type");
    return type.empty() || type == "object" ? "Object" : type;
  }

  // kubectl's extractEnum: long view ("ENUM:" then one per line) or short (", "-joined,
  // at most `limit`).
  static std::string enum_text(const json::object& schema, bool long_view, int limit, int indent) {
    auto* values = schema.if_contains("enum");
    if (!values || !values->is_array() || values->get_array().empty()) return {};
    std::string out = long_view ? "ENUM:" : "\n" + std::string(indent, ' ') + "enum: ";
    int index = 0;
    for (auto& v : values->get_array()) {
      if (limit > -1 && index >= limit) {
        out += ", ....";
        break;
      }
      if (index > 0 && !long_view) out += ", ";
      if (long_view) out += "\n    ";
      if (v.is_string()) {
        out += v.get_string().empty() ? std::string("\"\"") : std::string(v.get_string());
      } else {
        out += json::serialize(v);
      }
      ++index;
    }
    return out;
  }

  // Go's text wrapped at width (words kept whole), each line indented.
  static std::string wrap_indent(const std::string& text, std::size_t width, int indent) {
    std::string out, line;
    std::istringstream lines(text);
    std::string paragraph;
    bool first_line = true;
    while (std::getline(lines, paragraph)) {
      std::istringstream words(paragraph);
      std::string word;
      line.clear();
      auto flush = [&] {
        if (!first_line) out += '\n';
        out += std::string(indent, ' ') + line;
        first_line = false;
        line.clear();
      };
      bool any = false;
      while (words >> word) {
        if (!line.empty() && line.size() + 1 + word.size() > width) flush();
        line += (line.empty() ? "" : " ") + word;
        any = true;
      }
      if (any || paragraph.empty()) flush();
    }
    return out;
  }

  std::string description(const json::object& schema) const {
    const json::object& s = resolved(schema);
    std::string out;
    if (std::string d = str(s, "description"); !d.empty()) out += d + "\n";
    if (auto* all_of = s.if_contains("allOf"); all_of && all_of->is_array())
      for (auto& sub : all_of->get_array())
        if (sub.is_object()) out += description(sub.get_object());
    if (auto* items = member_object(s, "items")) out += description(*items);
    if (auto* values = map_values(s)) out += description(*values);
    return out;
  }

  void field_detail(std::string& out, const std::string& name, const json::object& parent, int level) const {
    int indent = level * 2;
    const json::object& field = *member_object(*member_object(parent, "properties"), name);
    out += std::string(indent, ' ') + name + "\t<" + type_guess(field) + ">";
    if (auto* required = parent.if_contains("required"); required && required->is_array())
      for (auto& r : required->get_array())
        if (r.is_string() && r.get_string() == name) out += " -required-";
    out += enum_text(field, false, 4, indent);
    out += "\n";
    if (recursive_) return;
    std::string d = str(field, "description");
    out += wrap_indent(d.empty() ? "<no description>" : d, 78 - indent, indent + 2) + "\n";
    out += "\n";
  }

  void field_list(std::string& out, const json::object& schema, int level, std::set<std::string> history) const {
    std::string ref = str(schema, "$ref");
    if (!ref.empty() && history.count(ref)) return;  // a cycle
    history.insert(ref);
    const json::object& s = resolved(schema);
    if (auto* properties = member_object(s, "properties")) {
      std::set<std::string> names;
      for (auto& [k, v] : *properties) names.emplace(k);
      for (auto& name : names) {
        field_detail(out, name, s, level);
        if (recursive_) {
          if (auto* sub = member_object(*properties, name)) field_list(out, *sub, level + 1, history);
        }
      }
    }
    if (auto* all_of = s.if_contains("allOf"); all_of && all_of->is_array())
      for (auto& sub : all_of->get_array())
        if (sub.is_object()) field_list(out, sub.get_object(), level, history);
    if (auto* items = member_object(s, "items")) field_list(out, *items, level, history);
    if (auto* values = map_values(s)) field_list(out, *values, level, history);
  }

  // kubectl's "output" template; false when the path leads nowhere.
  bool output(std::string& out, const json::object& schema, std::vector<std::string> path,
              std::set<std::string> history) const {
    std::string ref = str(schema, "$ref");
    const json::object& s = resolved(schema);
    if (path.empty()) {
      std::string d = description(s);
      while (!d.empty() && d.back() == '\n') d.pop_back();
      out += "DESCRIPTION:\n" + wrap_indent(d.empty() ? "<empty>" : d, 76, 4) + "\n";
      std::string fields;
      field_list(fields, s, 1, {});
      if (!fields.empty()) out += "FIELDS:\n" + fields;
      return true;
    }
    if (!ref.empty() && history.count(ref)) return false;
    history.insert(ref);
    auto* properties = member_object(s, "properties");
    if (auto* sub = properties ? member_object(*properties, path.front()) : nullptr) {
      if (path.size() == 1) {
        out += "FIELD: " + path.front() + " <" + type_guess(*sub) + ">\n" + enum_text(*sub, true, -1, 0) + "\n\n";
      }
      return output(out, *sub, std::vector<std::string>(path.begin() + 1, path.end()), {});
    }
    if (auto* items = member_object(s, "items")) return output(out, *items, path, history);
    if (auto* values = map_values(s)) return output(out, *values, path, history);
    if (auto* all_of = s.if_contains("allOf"); all_of && all_of->is_array()) {
      for (auto& sub : all_of->get_array()) {
        std::string attempt;
        if (sub.is_object() && output(attempt, sub.get_object(), path, history) && !attempt.empty()) {
          out += attempt;
          return true;
        }
      }
    }
    return false;
  }

 private:
  const json::object& doc_;
  bool recursive_;
};

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, '.')) parts.push_back(part);
  return parts;
}

std::optional<json::object> get_json(Command& c, const std::string& path, std::string& error) {
  auto r = c.rest->get(path, "application/json");
  if (!is_success(r)) {
    error = error_message(r, c.rest->server());
    return std::nullopt;
  }
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  if (ec || !v.is_object()) {
    error = "error: invalid OpenAPI document at " + path;
    return std::nullopt;
  }
  return std::move(v.get_object());
}

int run_explain(Command& c) {
  if (c.args.positional.empty())
    return fail(
        "You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of "
        "supported resources.");
  // "pods.spec.containers": a resource, then the field path.
  auto parts = split_dots(c.args.positional[0]);
  std::vector<std::string> path(parts.begin() + 1, parts.end());
  auto resource = c.discovery->find(parts[0]);
  if (!resource) {
    fmt::print(stderr, "the server doesn't have a resource type \"{}\"\n", parts[0]);
    return kFailure;
  }
  if (c.args.has("api-version")) {
    std::string wanted = c.args.get("api-version");
    std::optional<ApiResource> match;
    for (auto& r : c.discovery->resources())
      if (r.name == resource->name && r.group == resource->group && r.api_version() == wanted) match = r;
    if (!match) {
      auto slash = wanted.find('/');
      std::string group = slash == std::string::npos ? "" : wanted.substr(0, slash);
      std::string version = slash == std::string::npos ? wanted : wanted.substr(slash + 1);
      return fail(fmt::format("couldn't find resource for \"{}/{}, Resource={}\"", group, version, resource->name));
    }
    resource = match;
  }
  std::string gv_path = resource->group.empty() ? "api/" + resource->version
                                                : "apis/" + resource->group + "/" + resource->version;
  std::string error;
  auto index = get_json(c, "/openapi/v3", error);
  if (!index) return fail_raw(error);
  std::string url;
  if (auto* paths = member_object(*index, "paths"))
    if (auto* entry = member_object(*paths, gv_path)) url = str(*entry, "serverRelativeURL");
  if (url.empty()) return fail(fmt::format("couldn't find resource for \"{}\"", gv_path));
  auto document = get_json(c, url, error);
  if (!document) return fail_raw(error);

  // The GVK from the resource's paths, as the template searches them.
  std::string prefix = "/" + gv_path;
  json::object gvk;
  if (auto* paths = member_object(*document, "paths")) {
    for (auto& candidate : {prefix + "/" + resource->name, prefix + "/" + resource->name + "/{name}",
                            prefix + "/namespaces/{namespace}/" + resource->name,
                            prefix + "/namespaces/{namespace}/" + resource->name + "/{name}"}) {
      auto* item = member_object(*paths, candidate);
      for (const char* method : {"get", "post", "put", "patch", "delete"}) {
        if (!gvk.empty() || !item) break;
        if (auto* op = member_object(*item, method))
          if (auto* found = member_object(*op, "x-kubernetes-group-version-kind")) gvk = *found;
      }
      if (!gvk.empty()) break;
    }
  }
  if (gvk.empty())
    return fail(fmt::format("GVR ({}/{}, Resource={}) not found in OpenAPI schema", resource->group, resource->version,
                            resource->name));

  std::string out;
  if (!str(gvk, "group").empty()) out += "GROUP:      " + str(gvk, "group") + "\n";
  out += "KIND:       " + str(gvk, "kind") + "\n";
  out += "VERSION:    " + str(gvk, "version") + "\n\n";
  const json::object* schema = nullptr;
  if (auto* components = member_object(*document, "components"))
    if (auto* schemas = member_object(*components, "schemas"))
      for (auto& [name, s] : *schemas) {
        auto* kinds = s.is_object() ? s.get_object().if_contains("x-kubernetes-group-version-kind") : nullptr;
        if (!kinds || !kinds->is_array()) continue;
        for (auto& k : kinds->get_array())
          if (k.is_object() && str(k.get_object(), "group") == str(gvk, "group") &&
              str(k.get_object(), "kind") == str(gvk, "kind") && str(k.get_object(), "version") == str(gvk, "version"))
            schema = &s.get_object();
        if (schema) break;
      }
  if (!schema) {
    std::fwrite(out.data(), 1, out.size(), stdout);
    return fail(fmt::format("GVK {}/{}, Kind={} not found in OpenAPI schema", str(gvk, "group"), str(gvk, "version"),
                            str(gvk, "kind")));
  }
  Explainer explainer(*document, c.args.flag("recursive"));
  std::string body;
  if (!explainer.output(body, *schema, path, {}) || body.empty()) {
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return fail(fmt::format("field \"{}\" does not exist", path.back()));
  }
  out += body + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

// Only kubectl 1.32's default plaintext output is built in.
bool explain_handles(const ParsedArgs& args) {
  return !args.has("output") || args.get("output") == "plaintext";
}

}  // namespace

std::vector<Verb> top_explain_verbs() {
  return {{"top",
           {{"selector", 'l'}, {"all-namespaces", 'A', false}, {"containers", 0, false}, {"no-headers", 0, false},
            {"sort-by"}, {"sum", 0, false}, {"use-protocol-buffers", 0, false}, {"show-capacity", 0, false}},
           run_top,
           top_handles},
          {"explain", {{"recursive", 0, false}, {"api-version"}, {"output", 'o'}}, run_explain, explain_handles}};
}

}  // namespace kscratch::kubectl
