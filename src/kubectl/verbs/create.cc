// `kubectl create namespace|deployment|configmap NAME`: the object kubectl's generators
// build, POSTed (or only printed with --dry-run=client), reported as `namespace/x created`.
// `kubectl create -f FILE`: each object of the manifests POSTed in turn, errors collected
// and printed at the end as kubectl does.

#include "../apply/apply.h"
#include "../printers/objects.h"
#include "kscratch/apimachinery/yaml.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

namespace kscratch::kubectl {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string canonical_kind(const std::string& word) {
  if (word == "namespace" || word == "ns") return "namespace";
  if (word == "deployment" || word == "deploy") return "deployment";
  if (word == "configmap" || word == "cm") return "configmap";
  return {};
}

// metadata as Go's typed ObjectMeta writes it for a new object (creationTimestamp: null).
json::object new_metadata(const std::string& name, bool typed_nulls) {
  json::object meta{{"name", name}};
  if (typed_nulls) meta["creationTimestamp"] = nullptr;
  return meta;
}

// The container name kubectl derives from an image: last path part, tag and digest dropped.
std::string container_name(const std::string& image) {
  std::string name = image.substr(image.rfind('/') == std::string::npos ? 0 : image.rfind('/') + 1);
  if (auto colon = name.find(':'); colon != std::string::npos) name.resize(colon);
  if (auto at = name.find('@'); at != std::string::npos) name.resize(at);
  for (auto& ch : name)
    if (ch == '_') ch = '-';
  return name;
}

Expected<json::object> build_deployment(Command& c, const std::string& name, bool typed) {
  auto images = c.args.all("image");
  if (images.empty()) return Error{"required flag(s) \"image\" not set"};
  json::object labels{{"app", name}};
  json::array containers;
  std::set<std::string> used;
  for (auto& image : images) {
    std::string cname = container_name(image);
    // Duplicate names get a numeric suffix, as kubectl's sanitizeAndUniquify does.
    for (int i = 1; used.count(cname); ++i) cname = container_name(image) + "-" + std::to_string(i);
    used.insert(cname);
    json::object container{{"name", cname}, {"image", image}};
    if (c.args.has("port")) container["ports"] = json::array{json::object{{"containerPort", std::stoi(c.args.get("port"))}}};
    if (typed) container["resources"] = json::object();
    containers.push_back(std::move(container));
  }
  json::object template_meta{{"labels", labels}};
  if (typed) template_meta["creationTimestamp"] = nullptr;
  json::object meta = new_metadata(name, typed);
  meta["labels"] = labels;
  json::object spec{{"replicas", c.args.has("replicas") ? std::stoi(c.args.get("replicas")) : 1},
                    {"selector", json::object{{"matchLabels", labels}}},
                    {"template", json::object{{"metadata", std::move(template_meta)},
                                              {"spec", json::object{{"containers", std::move(containers)}}}}}};
  if (typed) spec["strategy"] = json::object();
  json::object d{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", std::move(meta)}, {"spec", std::move(spec)}};
  if (typed) d["status"] = json::object();
  return d;
}

Status add_data(json::object& data, const std::string& key, const std::string& value, const std::string& name) {
  if (data.contains(key))
    return Error{fmt::format("cannot add key {}, another key by that name already exists in Data for ConfigMap \"{}\"", key, name)};
  data[key] = value;
  return Ok{};
}

Expected<json::object> build_configmap(Command& c, const std::string& name, bool typed) {
  json::object data;
  for (auto& literal : c.args.all("from-literal")) {
    auto eq = literal.find('=');
    if (eq == std::string::npos || eq == 0) return Error{"invalid literal source " + literal + ", expected key=value"};
    if (auto s = add_data(data, literal.substr(0, eq), literal.substr(eq + 1), name); !s) return s.error();
  }
  for (auto& source : c.args.all("from-file")) {
    auto eq = source.find('=');
    std::string key = eq == std::string::npos ? "" : source.substr(0, eq);
    std::string path = eq == std::string::npos ? source : source.substr(eq + 1);
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(path, ec)) {
      if (!key.empty()) return Error{"cannot give a key name for a directory path"};
      for (auto& e : fs::directory_iterator(path, ec))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
    } else if (fs::exists(path, ec)) {
      files.emplace_back(path);
    } else {
      return Error{"error reading " + path + ": no such file or directory"};
    }
    for (auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::string content((std::istreambuf_iterator<char>(in)), {});
      if (auto s = add_data(data, key.empty() ? f.filename().string() : key, content, name); !s) return s.error();
    }
  }
  json::object cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", new_metadata(name, typed)}};
  if (!data.empty()) cm["data"] = std::move(data);
  return cm;
}

}  // namespace

int post_new_object(Command& c, const std::string& target, const json::object& object,
                    const std::optional<ObjectPrinter>& printer, const std::string& dry_run, const std::string& done) {
  json::object result = object;
  if (dry_run != "client") {
    client::HttpRequest request{"POST", target, "application/json", json::serialize(object)};
    auto response = c.rest->send(request);
    if (!is_success(response)) return fail_raw(error_message(response, c.rest->server()));
    boost::system::error_code ec;
    auto v = json::parse(response.body, ec);
    if (!ec && v.is_object()) result = std::move(v.get_object());
  }
  if (printer) {
    omit_managed_fields(result);
    auto text = printer->print(result);
    if (!text) return fail(text.error().message);
    std::fwrite(text->data(), 1, text->size(), stdout);
    return 0;
  }
  const char* suffix = dry_run == "client" ? " (dry run)" : dry_run == "server" ? " (server dry run)" : "";
  fmt::print("{}{}\n", done, suffix);
  return 0;
}

bool create_handles(const ParsedArgs& args) {
  if (args.has("filename")) return true;  // create -f: apply/manifests.cc
  // --save-config, -R and --validate only mean something with -f.
  if (args.has("save-config") || args.has("recursive") || args.has("validate")) return false;
  return args.positional.size() >= 1 && !canonical_kind(args.positional[0]).empty();
}

int run_create(Command& c) {
  if (c.args.has("filename")) return apply::run_create_files(c);
  std::string what = canonical_kind(c.args.positional[0]);
  if (c.args.positional.size() != 2)
    return fail(fmt::format("exactly one NAME is required, got {}\nSee 'kubectl create {} -h' for help and examples",
                            c.args.positional.size() - 1, what));
  // A required flag is checked by cobra before anything else.
  if (what == "deployment" && !c.args.has("image")) return fail_command("required flag(s) \"image\" not set");
  const std::string& name = c.args.positional[1];
  auto strategy = apply::dry_run_strategy(c.args);
  if (!strategy) return fail(strategy.error().message);
  std::string dry_run = *strategy;
  bool typed = dry_run == "client";
  std::string output = c.args.get("output");
  std::optional<ObjectPrinter> printer;
  if (!output.empty()) {
    auto p = ObjectPrinter::make(output, false);
    if (!p) return fail(p.error().message);
    printer = std::move(*p);
  }

  Expected<json::object> object = Error{};
  std::string resource_word;
  if (what == "namespace") {
    json::object ns{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", new_metadata(name, typed)}};
    if (typed) {
      ns["spec"] = json::object();
      ns["status"] = json::object();
    }
    object = std::move(ns);
    resource_word = "namespaces";
  } else if (what == "deployment") {
    object = build_deployment(c, name, typed);
    resource_word = "deployments.apps";
  } else {
    object = build_configmap(c, name, typed);
    resource_word = "configmaps";
  }
  if (!object) return fail(object.error().message);
  auto resource = c.discovery->find(resource_word);
  if (!resource) return fail(c.discovery->error().empty() ? "the server doesn't have a resource type \"" + resource_word + "\"" : c.discovery->error());
  if (resource->namespaced && c.config.namespace_explicit)
    (*object)["metadata"].as_object()["namespace"] = c.ns();

  std::string target = with_query(resource->rest_kind().path(resource->namespaced ? c.ns() : ""),
                                  {{"dryRun", dry_run == "server" ? "All" : ""},
                                   {"fieldManager", c.args.get("field-manager", "kubectl-create")},
                                   {"fieldValidation", "Strict"}});
  return post_new_object(c, target, *object, printer, dry_run, fmt::format("{}/{} created", resource->kind_prefix(), name));
}

namespace apply {

int run_create_files(Command& c) {
  if (!c.args.positional.empty())
    return fail(fmt::format("Unexpected args: {}\nSee 'kubectl create -h' for help and examples",
                            "[" + c.args.positional[0] + "]"));
  auto dry_run = dry_run_strategy(c.args);
  if (!dry_run) return fail(dry_run.error().message);
  std::string output = c.args.get("output");
  std::optional<ObjectPrinter> printer;
  if (!output.empty()) {
    auto p = ObjectPrinter::make(output, false);
    if (!p) return fail(p.error().message);
    printer = std::move(*p);
  }
  std::string validate = c.args.get("validate", "strict");
  ReadOptions options{c.args.all("filename"), c.args.flag("recursive"),
                      !(validate == "false" || validate == "ignore" || validate == "0" || validate == "f" ||
                        validate == "F" || validate == "FALSE" || validate == "False")};
  auto read = apply::read(c, options);
  if (read.fatal) return fail(*read.fatal);
  std::vector<Failure> errors, reading;
  int count = 0;
  for (auto [is_error, index] : read.sequence) {
    if (is_error) {
      (read.from_files[index] ? reading : errors).push_back(read.errors[index]);
      continue;
    }
    auto& m = read.manifests[index];
    json::object object = m.object;
    if (c.args.flag("save-config")) {
      json::object annotations;
      if (auto* meta = object.if_contains("metadata"); meta && meta->is_object())
        if (auto* a = meta->get_object().if_contains("annotations"); a && a->is_object()) annotations = a->get_object();
      const char* key = "kubectl.kubernetes.io/last-applied-configuration";
      annotations.erase(key);
      json::object without = object;
      without["metadata"].as_object()["annotations"] = annotations;
      annotations[key] = apimachinery::yaml::to_compact_json(without) + "\n";
      object["metadata"].as_object()["annotations"] = std::move(annotations);
    }
    if (*dry_run != "client") {
      std::string target = with_query(m.resource.rest_kind().path(m.ns),
                                      {{"dryRun", *dry_run == "server" ? "All" : ""},
                                       {"fieldManager", c.args.get("field-manager", "kubectl-create")},
                                       {"fieldValidation", "Strict"}});
      client::HttpRequest request{"POST", target, "application/json", json::serialize(object)};
      auto response = c.rest->send(request);
      if (!is_success(response)) {
        errors.push_back(Failure::from_response(response, c.rest->server(), "creating", m.source));
        continue;
      }
      boost::system::error_code ec;
      auto v = json::parse(response.body, ec);
      if (!ec && v.is_object()) object = std::move(v.get_object());
    }
    ++count;
    if (printer) {
      omit_managed_fields(object);
      auto text = printer->print(object);
      if (!text) return fail(text.error().message);
      if (count > 1 && output == "yaml") std::fwrite("---\n", 1, 4, stdout);
      std::fwrite(text->data(), 1, text->size(), stdout);
    } else {
      const char* suffix = *dry_run == "client" ? " (dry run)" : *dry_run == "server" ? " (server dry run)" : "";
      fmt::print("{}/{} created{}\n", m.resource.kind_prefix(), m.name, suffix);
    }
    std::fflush(stdout);
  }
  if (!reading.empty()) errors.push_back(reduce(std::move(reading)));
  if (!errors.empty()) return report(errors);
  if (count == 0) return fail("no objects passed to create");
  return 0;
}

}  // namespace apply

}  // namespace kscratch::kubectl
