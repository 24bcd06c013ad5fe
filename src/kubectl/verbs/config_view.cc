// `kubectl config view [--minify] [--raw]` and `kubectl config use-context NAME`: the
// kubeconfig files merged as client-go merges them (for each cluster, user and context
// name the first file defining it wins; the first current-context set wins), printed as
// kubectl prints a clientcmd Config: keys sorted, lists sorted by name, certificate data
// as DATA+OMITTED and tokens and passwords as REDACTED unless --raw.

#include "kscratch/apimachinery/yaml.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>

namespace kscratch::kubectl {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> files_of(const ParsedArgs& args) {
  const char* home = std::getenv("HOME");
  const char* env = std::getenv("KUBECONFIG");
  return kubeconfig_files(args, home ? home : "", env ? env : "");
}

Expected<json::object> read_config(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto v = apimachinery::yaml::to_json(text);
  if (!v) return Error{"error loading config file \"" + file.string() + "\": " + v.error().message};
  if (v->is_null()) return json::object{};
  if (!v->is_object()) return Error{"error loading config file \"" + file.string() + "\": not a kubeconfig"};
  return std::move(v->get_object());
}

struct MergedConfig {
  std::string current_context;
  // name -> the entry's body ("cluster", "user" or "context" object)
  std::map<std::string, json::value> clusters, users, contexts;
};

void merge_named(const json::object& config, const char* list, const char* body, std::map<std::string, json::value>& into) {
  auto* entries = config.if_contains(list);
  if (!entries || !entries->is_array()) return;
  for (auto& e : entries->get_array()) {
    if (!e.is_object()) continue;
    auto* name = e.get_object().if_contains("name");
    if (!name || !name->is_string()) continue;
    std::string n(name->get_string());
    if (into.count(n)) continue;
    auto* b = e.get_object().if_contains(body);
    into[n] = b ? *b : json::value(json::object());
  }
}

Expected<MergedConfig> merged(const ParsedArgs& args) {
  MergedConfig m;
  for (auto& f : files_of(args)) {
    auto config = read_config(f);
    if (!config) return config.error();
    if (m.current_context.empty())
      if (auto* cc = config->if_contains("current-context"); cc && cc->is_string()) m.current_context = cc->get_string();
    merge_named(*config, "clusters", "cluster", m.clusters);
    merge_named(*config, "users", "user", m.users);
    merge_named(*config, "contexts", "context", m.contexts);
  }
  return m;
}

// Drops empty values, as the typed Config's omitempty fields do.
json::value pruned(const json::value& v) {
  if (!v.is_object()) return v;
  json::object out;
  for (auto& [k, x] : v.get_object()) {
    if (x.is_null() || (x.is_string() && x.get_string().empty()) || (x.is_bool() && !x.get_bool()) ||
        (x.is_array() && x.get_array().empty()))
      continue;
    out[k] = x;
  }
  return out;
}

json::value redacted(json::value v, bool raw) {
  if (raw || !v.is_object()) return v;
  auto& o = v.get_object();
  for (const char* k : {"certificate-authority-data", "client-certificate-data", "client-key-data"})
    if (auto* x = o.if_contains(k); x && x->is_string() && !x->get_string().empty()) *x = "DATA+OMITTED";
  for (const char* k : {"token", "password"})
    if (auto* x = o.if_contains(k); x && x->is_string() && !x->get_string().empty()) *x = "REDACTED";
  return v;
}

json::array listed(const std::map<std::string, json::value>& entries, const char* body, bool raw) {
  json::array out;
  for (auto& [name, v] : entries) out.push_back(json::object{{body, redacted(pruned(v), raw)}, {"name", name}});
  return out;
}

json::object to_config(const MergedConfig& m, bool raw) {
  return json::object{{"apiVersion", "v1"},
                      {"clusters", listed(m.clusters, "cluster", raw)},
                      {"contexts", listed(m.contexts, "context", raw)},
                      {"current-context", m.current_context},
                      {"kind", "Config"},
                      {"preferences", json::object()},
                      {"users", listed(m.users, "user", raw)}};
}

std::string str(const json::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  auto* x = v.get_object().if_contains(key);
  return x && x->is_string() ? std::string(x->get_string()) : std::string();
}

}  // namespace

int run_config_view(Command& c) {
  auto m = merged(c.args);
  if (!m) return fail(m.error().message);
  if (c.args.flag("minify")) {
    std::string context = c.args.has("context") ? c.args.get("context") : m->current_context;
    if (context.empty()) return fail("current-context must exist in order to minify");
    auto it = m->contexts.find(context);
    if (it == m->contexts.end()) return fail("cannot locate context " + context);
    MergedConfig small;
    small.current_context = context;
    small.contexts[context] = it->second;
    std::string cluster = str(it->second, "cluster"), user = str(it->second, "user");
    if (auto cl = m->clusters.find(cluster); cl != m->clusters.end()) small.clusters[cluster] = cl->second;
    if (auto u = m->users.find(user); u != m->users.end()) small.users[user] = u->second;
    *m = std::move(small);
  }
  json::object config = to_config(*m, c.args.flag("raw"));
  if (m->current_context.empty()) config["current-context"] = "";
  std::string text = apimachinery::yaml::from_json(config);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

int run_config_use_context(Command& c) {
  const std::string& name = c.args.positional[1];
  auto m = merged(c.args);
  if (!m) return fail(m.error().message);
  if (!m->contexts.count(name)) return fail("no context exists with the name: \"" + name + "\"");
  // client-go's writeCurrentContext: the first file that sets a current-context, else the
  // first file; that file is rewritten whole.
  auto files = files_of(c.args);
  if (files.empty()) return fail("no kubeconfig file to write");
  fs::path target = files.front();
  for (auto& f : files) {
    auto config = read_config(f);
    if (!config) return fail(config.error().message);
    if (auto* cc = config->if_contains("current-context"); cc && cc->is_string() && !cc->get_string().empty()) {
      target = f;
      break;
    }
  }
  // Rewritten as kubectl writes a Config: entries sorted by name, keys sorted, empty
  // fields dropped.
  auto config = read_config(target);
  if (!config) return fail(config.error().message);
  MergedConfig one;
  merge_named(*config, "clusters", "cluster", one.clusters);
  merge_named(*config, "users", "user", one.users);
  merge_named(*config, "contexts", "context", one.contexts);
  one.current_context = name;
  json::object written = to_config(one, true);
  for (const char* list : {"clusters", "contexts", "users"})
    if (written[list].as_array().empty()) written[list] = nullptr;
  std::string text = apimachinery::yaml::from_json(written);
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  if (!out) return fail("open " + target.string() + ": permission denied");
  out << text;
  fmt::print("Switched to context \"{}\".\n", name);
  return 0;
}

}  // namespace kscratch::kubectl

namespace kscratch::kubectl {

}  // namespace kscratch::kubectl
