// `kubectl create namespace|deployment|configmap|secret generic NAME`: the object kubectl's generators
// build, POSTed (or only printed with --dry-run=client), reported as `namespace/x created`.
// `kubectl create -f FILE`: each object of the manifests POSTed in turn, errors collected
// and printed at the end as kubectl does.

#include "../apply/apply.h"
#include "../printers/objects.h"
#include "kscratch/apimachinery/base64.h"
#include "kscratch/apimachinery/yaml.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace kscratch::kubectl {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string canonical_kind(const std::string& word) {
  if (word == "namespace" || word == "ns") return "namespace";
  if (word == "deployment" || word == "deploy") return "deployment";
  if (word == "configmap" || word == "cm") return "configmap";
  if (word == "secret") return "secret";
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
  // ObjectMeta's field order: creationTimestamp comes before labels.
  json::object template_meta;
  if (typed) template_meta["creationTimestamp"] = nullptr;
  template_meta["labels"] = labels;
  json::object meta = new_metadata(name, typed);
  meta["labels"] = labels;
  json::object spec{{"replicas", c.args.has("replicas") ? std::stoi(c.args.get("replicas")) : 1},
                    {"selector", json::object{{"matchLabels", labels}}},
                    {"template", json::object{{"metadata", std::move(template_meta)},
                                              {"spec", json::object{{"containers", std::move(containers)}}}}}};
  if (typed) spec["strategy"] = json::object();
  json::object d{{"kind", "Deployment"}, {"apiVersion", "apps/v1"}, {"metadata", std::move(meta)}, {"spec", std::move(spec)}};
  if (typed) d["status"] = json::object();
  return d;
}

// A Go map's keys come out sorted even inside a typed object.
json::object sorted_keys(const json::object& map) {
  std::map<std::string, const json::value*> sorted;
  for (auto& [k, v] : map) sorted.emplace(std::string(k), &v);
  json::object out;
  for (auto& [k, v] : sorted) out[k] = *v;
  return out;
}

// Every key=value of --from-literal, --from-file (a file, key=file, or a directory's
// regular files) and --from-env-file, handed to add in kubectl's order.
using AddData = std::function<Status(const std::string& key, std::string value)>;

// One line of an env file, as kubectl's processEnvFileLine: blank lines and comments
// skipped, the key an environment variable name, a line without '=' taking its value
// from kubectl's own environment.
Status add_env_line(std::string line, const AddData& add) {
  line.erase(0, line.find_first_not_of(" \t\r\v\f"));
  if (line.empty() || line[0] == '#') return Ok{};
  auto eq = line.find('=');
  std::string key = line.substr(0, eq);
  static const std::regex env_name("[-._a-zA-Z][-._a-zA-Z0-9]*");
  if (!std::regex_match(key, env_name))
    return Error{fmt::format(
        "\"{}\" is not a valid key name: a valid environment variable name must consist of alphabetic characters, "
        "digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or "
        "'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
        key)};
  std::string value;
  if (eq != std::string::npos) {
    value = line.substr(eq + 1);
  } else if (const char* env = std::getenv(key.c_str())) {
    value = env;
  }
  return add(key, std::move(value));
}

Status read_sources(Command& c, const AddData& add) {
  auto env_files = c.args.all("from-env-file");
  if (!env_files.empty() && (c.args.has("from-file") || c.args.has("from-literal")))
    return Error{"from-env-file cannot be combined with from-file or from-literal"};
  for (auto& literal : c.args.all("from-literal")) {
    auto eq = literal.find('=');
    if (eq == std::string::npos || eq == 0) return Error{"invalid literal source " + literal + ", expected key=value"};
    if (auto s = add(literal.substr(0, eq), literal.substr(eq + 1)); !s) return s.error();
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
      if (auto s = add(key.empty() ? f.filename().string() : key, std::move(content)); !s) return s.error();
    }
  }
  for (auto& path : env_files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{"error reading " + path + ": no such file or directory"};
    std::string line;
    for (bool first = true; std::getline(in, line); first = false) {
      if (first && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 BOM
      if (auto s = add_env_line(line, add); !s) return s.error();
    }
  }
  return Ok{};
}

Expected<json::object> build_configmap(Command& c, const std::string& name, bool typed) {
  json::object data;
  auto added = read_sources(c, [&](const std::string& key, std::string value) -> Status {
    if (data.contains(key))
      return Error{fmt::format("cannot add key {}, another key by that name already exists in Data for ConfigMap \"{}\"",
                               key, name)};
    data[key] = std::move(value);
    return Ok{};
  });
  if (!added) return added.error();
  json::object cm{{"kind", "ConfigMap"}, {"apiVersion", "v1"}, {"metadata", new_metadata(name, typed)}};
  if (!data.empty()) cm["data"] = sorted_keys(data);
  return cm;
}

// A key of Secret.data, as upstream's IsConfigMapKey checks it.
std::optional<std::string> secret_key_error(const std::string& key) {
  static const std::regex config_key("[-._a-zA-Z0-9]+");
  std::vector<std::string> errors;
  if (key.size() > 253) errors.push_back("must be no more than 253 characters");
  if (!std::regex_match(key, config_key))
    errors.push_back(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
        "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  if (key == ".") errors.push_back("must not be '.'");
  else if (key == "..") errors.push_back("must not be '..'");
  else if (key.rfind("..", 0) == 0) errors.push_back("must not start with '..'");
  if (errors.empty()) return std::nullopt;
  std::string joined;
  for (auto& e : errors) joined += (joined.empty() ? "" : ";") + e;
  return joined;
}

// kubectl create secret generic: the values base64 in data, --type as given (the server
// defaults it to Opaque).
Expected<json::object> build_secret(Command& c, const std::string& name, bool typed) {
  json::object data;
  auto added = read_sources(c, [&](const std::string& key, std::string value) -> Status {
    if (auto error = secret_key_error(key))
      return Error{fmt::format("\"{}\" is not valid key name for a Secret {}", key, *error)};
    if (data.contains(key)) return Error{fmt::format("cannot add key {}, another key by that name already exists", key)};
    data[key] = apimachinery::base64_encode(value);
    return Ok{};
  });
  if (!added) return added.error();
  json::object secret{{"kind", "Secret"}, {"apiVersion", "v1"}, {"metadata", new_metadata(name, typed)}};
  if (!data.empty()) secret["data"] = sorted_keys(data);
  if (c.args.has("type")) secret["type"] = c.args.get("type");
  return secret;
}

}  // namespace

int post_new_object(Command& c, const std::string& target, const json::object& object,
                    const std::optional<ObjectPrinter>& printer, const std::string& dry_run, const std::string& done,
                    const std::string& failed_to) {
  json::object result = object;
  std::optional<ObjectPrinter> typed_printer = printer;
  if (typed_printer && dry_run == "client") typed_printer->print_as_typed();
  if (dry_run != "client") {
    client::HttpRequest request{"POST", target, "application/json", json::serialize(object)};
    auto response = c.rest->send(request);
    if (!is_success(response) && !failed_to.empty())
      return fail(failed_to + " " + status_message(response, c.rest->server()));
    if (!is_success(response)) return fail_raw(error_message(response, c.rest->server()));
    boost::system::error_code ec;
    auto v = json::parse(response.body, ec);
    if (!ec && v.is_object()) result = std::move(v.get_object());
  }
  if (typed_printer) {
    omit_managed_fields(result);
    auto text = typed_printer->print(result);
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
  if (args.positional.empty()) return false;
  // kubectl decodes the server's answer into its Go struct, so -o json prints its fields
  // in declaration order; only objects built here (client dry runs) are in that order.
  if (args.get("output") == "json" && args.get("dry-run") != "client") return false;
  auto kind = canonical_kind(args.positional[0]);
  // Of the secret generators only generic is built in (tls and docker-registry are not).
  if (kind == "secret") return args.positional.size() >= 2 && args.positional[1] == "generic";
  return !kind.empty();
}

int run_create(Command& c) {
  if (c.args.has("filename")) return apply::run_create_files(c);
  std::string what = canonical_kind(c.args.positional[0]);
  // `create secret generic NAME`: the generator's word comes before the name.
  std::size_t words = what == "secret" ? 2 : 1;
  std::string command = what == "secret" ? "secret generic" : what;
  if (c.args.positional.size() != words + 1)
    return fail(fmt::format("exactly one NAME is required, got {}\nSee 'kubectl create {} -h' for help and examples",
                            c.args.positional.size() - words, command));
  // A required flag is checked by cobra before anything else.
  if (what == "deployment" && !c.args.has("image")) return fail_command("required flag(s) \"image\" not set");
  const std::string& name = c.args.positional[words];
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
    json::object ns{{"kind", "Namespace"}, {"apiVersion", "v1"}, {"metadata", new_metadata(name, typed)}};
    if (typed) {
      ns["spec"] = json::object();
      ns["status"] = json::object();
    }
    object = std::move(ns);
    resource_word = "namespaces";
  } else if (what == "deployment") {
    object = build_deployment(c, name, typed);
    resource_word = "deployments.apps";
  } else if (what == "secret") {
    object = build_secret(c, name, typed);
    resource_word = "secrets";
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
  return post_new_object(c, target, *object, printer, dry_run, fmt::format("{}/{} created", resource->kind_prefix(), name),
                         what == "secret" ? "failed to create secret" : "");
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
