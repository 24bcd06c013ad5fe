// The loading rules: files merged into one YAML document holding just the chosen context,
// its cluster and its user (file references made absolute first, since pki resolves them
// against one directory), handed to pki::parse_kubeconfig.

#include "kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <map>
#include <unistd.h>

namespace kscratch::kubectl {

namespace fs = std::filesystem;

namespace {

// Fields that name files, relative to the kubeconfig that holds them.
const std::map<std::string, std::vector<std::string>> kFileFields{
    {"clusters", {"certificate-authority"}},
    {"users", {"client-certificate", "client-key", "tokenFile"}},
};
const std::map<std::string, std::string> kEntryBody{
    {"clusters", "cluster"}, {"users", "user"}, {"contexts", "context"}};

std::string scalar(const YAML::Node& map, const char* key) {
  if (!map || !map.IsMap()) return {};
  const YAML::Node n = map[key];
  return n && n.IsScalar() ? n.as<std::string>() : std::string();
}

struct Merged {
  std::string current_context;
  // For each list, the entries by name, the first file's winning.
  std::map<std::string, std::map<std::string, YAML::Node>> entries;
};

void merge_file(Merged& merged, const YAML::Node& root, const fs::path& dir) {
  if (!root || !root.IsMap()) return;
  if (merged.current_context.empty()) merged.current_context = scalar(root, "current-context");
  for (auto& [list, body_key] : kEntryBody) {
    const YAML::Node items = root[list];
    if (!items || !items.IsSequence()) continue;
    for (const YAML::Node& entry : items) {
      std::string name = scalar(entry, "name");
      if (name.empty() || merged.entries[list].count(name)) continue;
      YAML::Node copy = YAML::Clone(entry);
      YAML::Node body = copy[body_key];
      if (auto fields = kFileFields.find(list); fields != kFileFields.end() && body && body.IsMap()) {
        for (auto& field : fields->second) {
          std::string path = scalar(body, field.c_str());
          if (!path.empty() && fs::path(path).is_relative()) body[field] = (dir / path).string();
        }
      }
      merged.entries[list][name] = copy;
    }
  }
}

YAML::Node body_or_new(std::map<std::string, YAML::Node>& entries, const std::string& name, const char* body_key) {
  YAML::Node entry;
  if (auto it = entries.find(name); it != entries.end()) entry = YAML::Clone(it->second);
  entry["name"] = name;
  if (!entry[body_key] || !entry[body_key].IsMap()) entry[body_key] = YAML::Node(YAML::NodeType::Map);
  return entry;
}

std::string absolute(const std::string& p) { return p.empty() ? p : fs::absolute(p).string(); }

}  // namespace

std::vector<fs::path> kubeconfig_files(const ParsedArgs& args, const std::string& home,
                                       const std::string& kubeconfig_env) {
  if (args.has("kubeconfig")) return {args.get("kubeconfig")};
  std::vector<fs::path> files;
  if (!kubeconfig_env.empty()) {
    size_t start = 0;
    while (start <= kubeconfig_env.size()) {
      size_t colon = kubeconfig_env.find(':', start);
      std::string part = kubeconfig_env.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      std::error_code ec;
      if (!part.empty() && fs::exists(part, ec)) files.emplace_back(part);
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    return files;
  }
  std::error_code ec;
  if (!home.empty() && fs::exists(fs::path(home) / ".kube" / "config", ec)) return {fs::path(home) / ".kube" / "config"};
  // Like `k3s kubectl`: on the server, its admin kubeconfig when the user has none.
  if (::access(kServerKubeconfig, R_OK) == 0) return {kServerKubeconfig};
  return files;
}

namespace {

Expected<Merged> merge_files(const std::vector<fs::path>& files) {
  Merged merged;
  for (auto& file : files) {
    try {
      merge_file(merged, YAML::LoadFile(file.string()), fs::absolute(file).parent_path());
    } catch (const YAML::BadFile&) {
      return Error{"stat " + file.string() + ": no such file or directory"};
    } catch (const YAML::Exception& e) {
      return Error{"error loading config file \"" + file.string() + "\": " + e.what()};
    }
  }
  return merged;
}

}  // namespace

Expected<ContextList> list_contexts(const std::vector<fs::path>& files) {
  auto merged = merge_files(files);
  if (!merged) return merged.error();
  ContextList out;
  out.current_context = merged->current_context;
  // std::map iterates by name, the order kubectl sorts them in.
  for (auto& [name, entry] : merged->entries["contexts"]) {
    const YAML::Node body = entry["context"];
    out.contexts.push_back({name, scalar(body, "cluster"), scalar(body, "user"), scalar(body, "namespace")});
  }
  return out;
}

Expected<ClientConfig> load_client_config(const ParsedArgs& args, const std::vector<fs::path>& files) {
  auto merged_files = merge_files(files);
  if (!merged_files) return merged_files.error();
  Merged& merged = *merged_files;
  ClientConfig out;
  out.context = args.get("context", merged.current_context);
  if (args.has("context") && !merged.entries["contexts"].count(out.context))
    return Error{"Error in configuration: context was not found for specified context: " + out.context};

  YAML::Node context = body_or_new(merged.entries["contexts"], out.context, "context");
  std::string cluster_name = args.get("cluster", scalar(context["context"], "cluster"));
  std::string user_name = args.get("user", scalar(context["context"], "user"));
  if (args.has("cluster") && !merged.entries["clusters"].count(cluster_name))
    return Error{"Error in configuration: cluster \"" + cluster_name + "\" does not exist"};
  if (cluster_name.empty()) cluster_name = "cluster";
  YAML::Node cluster = body_or_new(merged.entries["clusters"], cluster_name, "cluster");
  YAML::Node user = body_or_new(merged.entries["users"], user_name.empty() ? "user" : user_name, "user");
  context["context"]["cluster"] = cluster_name;
  context["context"]["user"] = user["name"].as<std::string>();

  YAML::Node cluster_body = cluster["cluster"];
  YAML::Node user_body = user["user"];
  if (args.has("server")) cluster_body["server"] = args.get("server");
  if (args.has("certificate-authority")) {
    cluster_body.remove("certificate-authority-data");
    cluster_body["certificate-authority"] = absolute(args.get("certificate-authority"));
  }
  if (args.flag("insecure-skip-tls-verify")) {
    // client-go drops the CA when the flag asks not to verify the server.
    cluster_body["insecure-skip-tls-verify"] = true;
    cluster_body.remove("certificate-authority-data");
    cluster_body.remove("certificate-authority");
  }
  if (args.has("token")) user_body["token"] = args.get("token");
  if (args.has("client-certificate")) {
    user_body.remove("client-certificate-data");
    user_body["client-certificate"] = absolute(args.get("client-certificate"));
  }
  if (args.has("client-key")) {
    user_body.remove("client-key-data");
    user_body["client-key"] = absolute(args.get("client-key"));
  }
  if (scalar(cluster_body, "server").empty()) {
    // kubectl's default with no configuration at all.
    return Error{"The connection to the server localhost:8080 was refused - did you specify the right host or port?"};
  }

  YAML::Node doc;
  doc["current-context"] = out.context.empty() ? std::string("context") : out.context;
  context["name"] = doc["current-context"];
  doc["contexts"].push_back(context);
  doc["clusters"].push_back(cluster);
  doc["users"].push_back(user);
  YAML::Emitter emitter;
  emitter << doc;
  auto parsed = pki::parse_kubeconfig(emitter.c_str(), fs::current_path(), "kubeconfig");
  if (!parsed) return parsed.error();
  out.connection = std::move(*parsed);

  if (args.has("namespace")) {
    out.namespace_name = args.get("namespace");
    out.namespace_explicit = true;
  } else if (std::string ns = scalar(context["context"], "namespace"); !ns.empty()) {
    out.namespace_name = ns;
  }
  return out;
}

Expected<ClientConfig> load_client_config(const ParsedArgs& args) {
  const char* home = std::getenv("HOME");
  const char* env = std::getenv("KUBECONFIG");
  return load_client_config(args, kubeconfig_files(args, home ? home : "", env ? env : ""));
}

}  // namespace kscratch::kubectl
