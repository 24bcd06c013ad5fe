// Kubeconfig files: written byte-for-byte like k3s's /etc/rancher/k3s/k3s.yaml (client-go's
// field order and layout), read back with yaml-cpp for agents and tests.

#include "kscratch/pki/pki.h"

#include "encoding.h"
#include "files.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cctype>

namespace kscratch::pki {

using namespace detail;
namespace fs = std::filesystem;

namespace {

// A YAML scalar: plain when that is unambiguous (URLs, base64), else double-quoted.
std::string yaml_scalar(std::string_view value) {
  bool plain = !value.empty() && value.find(": ") == std::string_view::npos &&
               value.find(" #") == std::string_view::npos && std::isalnum(static_cast<unsigned char>(value.front()));
  for (char c : value) {
    bool safe = std::isalnum(static_cast<unsigned char>(c)) || std::string_view(":/._-[]%~?=&+@,").find(c) != std::string_view::npos;
    plain = plain && safe;
  }
  if (plain) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') out += "\\n";
    else out += c;
  }
  return out + "\"";
}

// Each block in the order client-go's YAML marshalling emits (keys sorted).
std::string cluster_block(const Kubeconfig& config) {
  std::string out;
  if (!config.ca_pem.empty()) out += fmt::format("    certificate-authority-data: {}\n", base64_encode(config.ca_pem));
  if (config.insecure_skip_tls_verify) out += "    insecure-skip-tls-verify: true\n";
  out += fmt::format("    server: {}\n", yaml_scalar(config.server));
  return out;
}

std::string user_block(const Kubeconfig& config) {
  std::string out;
  if (!config.client_cert_pem.empty())
    out += fmt::format("    client-certificate-data: {}\n", base64_encode(config.client_cert_pem));
  if (!config.client_key_pem.empty())
    out += fmt::format("    client-key-data: {}\n", base64_encode(config.client_key_pem));
  if (!config.token.empty()) out += fmt::format("    token: {}\n", yaml_scalar(config.token));
  return out.empty() ? std::string(" {}\n") : "\n" + out;
}

std::string string_field(const YAML::Node& map, const char* key) {
  const YAML::Node node = map[key];
  return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

// The entry named `name` in a kubeconfig list (clusters, contexts, users), or a null node.
YAML::Node find_named(const YAML::Node& list, const std::string& name) {
  // yaml-cpp throws when a missing (invalid) node is asked its type, so test presence first.
  if (list && list.IsSequence())
    for (const YAML::Node& entry : list)
      if (entry.IsMap() && string_field(entry, "name") == name) return entry;
  return YAML::Node(YAML::NodeType::Undefined);
}

// A credential given either inline ("<field>-data", base64) or as a file path.
Expected<std::string> data_or_file(const YAML::Node& map, const std::string& field, const fs::path& base_dir,
                                   std::string_view origin) {
  if (std::string data = string_field(map, (field + "-data").c_str()); !data.empty()) {
    auto decoded = base64_decode(data);
    if (!decoded) return Error{fmt::format("{}: {}-data: {}", origin, field, decoded.error().message)};
    return decoded;
  }
  std::string path = string_field(map, field.c_str());
  if (path.empty()) return std::string();
  fs::path file = fs::path(path).is_absolute() ? fs::path(path) : base_dir / path;
  auto content = read_file_if_exists(file);
  if (!content) return content.error();
  if (!*content) return Error{fmt::format("{}: {} file {} does not exist", origin, field, file.string())};
  return std::move(**content);
}

Expected<Kubeconfig> parse_document(const YAML::Node& root, const fs::path& base_dir, std::string_view origin) {
  if (!root.IsMap()) return Error{fmt::format("{}: not a kubeconfig (the document is not a mapping)", origin)};
  std::string context_name = string_field(root, "current-context");
  const YAML::Node contexts = root["contexts"];
  if (context_name.empty()) {
    // kubectl would refuse; an unambiguous single context is what the file obviously means.
    if (!contexts || !contexts.IsSequence() || contexts.size() != 1)
      return Error{fmt::format("{}: no current-context set", origin)};
    context_name = string_field(contexts[0], "name");
  }
  const YAML::Node context_entry = find_named(contexts, context_name);
  if (!context_entry) return Error{fmt::format("{}: context \"{}\" not found", origin, context_name)};
  const YAML::Node context = context_entry["context"];
  if (!context || !context.IsMap()) return Error{fmt::format("{}: context \"{}\" is empty", origin, context_name)};

  Kubeconfig out;
  std::string cluster_name = string_field(context, "cluster");
  const YAML::Node cluster_entry = find_named(root["clusters"], cluster_name);
  if (!cluster_entry) return Error{fmt::format("{}: cluster \"{}\" not found", origin, cluster_name)};
  const YAML::Node cluster = cluster_entry["cluster"];
  if (!cluster || !cluster.IsMap()) return Error{fmt::format("{}: cluster \"{}\" is empty", origin, cluster_name)};
  out.server = string_field(cluster, "server");
  if (out.server.empty()) return Error{fmt::format("{}: cluster \"{}\" has no server", origin, cluster_name)};
  out.insecure_skip_tls_verify = cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>();
  auto ca = data_or_file(cluster, "certificate-authority", base_dir, origin);
  if (!ca) return ca.error();
  out.ca_pem = std::move(*ca);

  std::string user_name = string_field(context, "user");
  if (user_name.empty()) return out;  // Anonymous access.
  const YAML::Node user_entry = find_named(root["users"], user_name);
  if (!user_entry) return Error{fmt::format("{}: user \"{}\" not found", origin, user_name)};
  const YAML::Node user = user_entry["user"];
  if (!user || !user.IsMap()) return out;
  auto cert = data_or_file(user, "client-certificate", base_dir, origin);
  if (!cert) return cert.error();
  auto key = data_or_file(user, "client-key", base_dir, origin);
  if (!key) return key.error();
  out.client_cert_pem = std::move(*cert);
  out.client_key_pem = std::move(*key);
  if (out.client_cert_pem.empty() != out.client_key_pem.empty())
    return Error{fmt::format("{}: user \"{}\" has a client certificate or key but not both", origin, user_name)};
  out.token = string_field(user, "token");
  if (std::string token_file = string_field(user, "tokenFile"); out.token.empty() && !token_file.empty()) {
    fs::path file = fs::path(token_file).is_absolute() ? fs::path(token_file) : base_dir / token_file;
    auto content = read_file_if_exists(file);
    if (!content) return content.error();
    if (!*content) return Error{fmt::format("{}: tokenFile {} does not exist", origin, file.string())};
    out.token = **content;
    while (!out.token.empty() && std::isspace(static_cast<unsigned char>(out.token.back()))) out.token.pop_back();
  }
  return out;
}

}  // namespace

std::string render_kubeconfig(const Kubeconfig& config) {
  return fmt::format(
      "apiVersion: v1\n"
      "clusters:\n"
      "- cluster:\n"
      "{}"
      "  name: default\n"
      "contexts:\n"
      "- context:\n"
      "    cluster: default\n"
      "    user: default\n"
      "  name: default\n"
      "current-context: default\n"
      "kind: Config\n"
      "preferences: {{}}\n"
      "users:\n"
      "- name: default\n"
      "  user:{}",
      cluster_block(config), user_block(config));
}

Status write_kubeconfig(const fs::path& file, const Kubeconfig& config, fs::perms mode) {
  if (config.server.empty()) return Error{fmt::format("{}: a kubeconfig needs a server URL", file.string())};
  // The directory is shared (/etc/kscratch), so it is created 0755 like client-go does; the
  // file itself carries the secrets and the restrictive mode.
  constexpr fs::perms kDirMode = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec;
  if (Status s = make_directories(file.parent_path(), kDirMode); !s) return s.error();
  return write_file_atomic(file, render_kubeconfig(config), mode);
}

Expected<Kubeconfig> parse_kubeconfig(std::string_view yaml, const fs::path& base_dir, std::string_view origin) {
  // yaml-cpp reports malformed input and wrong scalar types by throwing; none escapes here.
  try {
    return parse_document(YAML::Load(std::string(yaml)), base_dir, origin);
  } catch (const YAML::Exception& e) {
    return Error{fmt::format("{}: invalid kubeconfig: {}", origin, e.what())};
  }
}

Expected<Kubeconfig> read_kubeconfig(const fs::path& file) {
  auto content = read_file_if_exists(file);
  if (!content) return content.error();
  if (!*content) return Error{fmt::format("{}: no such file", file.string())};
  return parse_kubeconfig(**content, file.parent_path(), file.string());
}

}  // namespace kscratch::pki
