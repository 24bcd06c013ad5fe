#pragma once
// Which cluster, credentials and namespace a command uses, found as kubectl finds them
// (client-go's loading rules): --kubeconfig, else every file of KUBECONFIG (colon
// separated; for each cluster, user and context name the first file defining it wins, and
// the first current-context set wins), else ~/.kube/config, else the kubeconfig
// `kscratch server` writes. --context, --cluster, --user, --server, --token,
// --insecure-skip-tls-verify and the certificate flags override what the files say. The
// credentials themselves are read by pki's kubeconfig parser.

#include "flags.h"
#include "kscratch/pki/pki.h"
#include "kscratch/util/expected.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kscratch::kubectl {

inline constexpr const char* kServerKubeconfig = "/etc/kscratch/kubeconfig.yaml";

struct ClientConfig {
  pki::Kubeconfig connection;
  std::string namespace_name = "default";  // -n, else the context's, else "default"
  bool namespace_explicit = false;         // -n was given
  std::string context;
};

// The kubeconfig files to read, in order, as the loading rules pick them. home and
// kubeconfig_env are $HOME and $KUBECONFIG (passed in for tests).
std::vector<std::filesystem::path> kubeconfig_files(const ParsedArgs& args, const std::string& home,
                                                    const std::string& kubeconfig_env);

// Merges the files and applies the flags. Errors read as kubectl's ("Error in
// configuration: context was not found for specified context: x").
Expected<ClientConfig> load_client_config(const ParsedArgs& args, const std::vector<std::filesystem::path>& files);

// From the process environment.
Expected<ClientConfig> load_client_config(const ParsedArgs& args);

// The merged files' contexts, for `kubectl config get-contexts|current-context`.
struct ContextEntry {
  std::string name, cluster, user, namespace_name;
};
struct ContextList {
  std::string current_context;
  std::vector<ContextEntry> contexts;  // sorted by name
};
Expected<ContextList> list_contexts(const std::vector<std::filesystem::path>& files);

}  // namespace kscratch::kubectl
