// `kubectl describe` and `rollout` (src/kubectl/describe/), declared with their flags.

#include "../describe/describers.h"
#include "verbs.h"

#include <set>

namespace kscratch::kubectl {

namespace {

// The resource words that have a describer here; others go to another kubectl.
bool describable(const std::string& word) {
  static const std::set<std::string> words{
      "pods", "pod", "po", "services", "service", "svc", "endpoints", "ep", "configmaps", "configmap", "cm", "namespaces",
      "namespace", "ns", "nodes", "node", "no", "deployments", "deployment", "deploy", "deployments.apps", "deployment.apps", "replicasets",
      "replicaset", "rs", "replicasets.apps", "replicaset.apps"};
  return words.count(word) > 0;
}

bool describe_handles(const ParsedArgs& args) {
  if (args.has("filename")) return false;
  if (args.positional.empty()) return true;
  auto& first = args.positional[0];
  if (first.find('/') != std::string::npos) {
    for (auto& a : args.positional) {
      auto slash = a.find('/');
      if (slash == std::string::npos || !describable(a.substr(0, slash))) return false;
    }
    return true;
  }
  size_t start = 0;
  for (;;) {
    auto comma = first.find(',', start);
    if (!describable(first.substr(start, comma == std::string::npos ? std::string::npos : comma - start))) return false;
    if (comma == std::string::npos) return true;
    start = comma + 1;
  }
}

bool rollout_handles(const ParsedArgs& args) {
  static const std::set<std::string> subs{"status", "history", "pause", "resume", "restart", "undo"};
  if (args.positional.empty() || !subs.count(args.positional[0])) return false;
  if (args.has("filename") || args.has("selector") || args.has("dry-run")) return false;
  // `rollout status TYPE` over a collection is left to another kubectl.
  if (args.positional[0] == "status" && args.positional.size() == 2 && args.positional[1].find('/') == std::string::npos) return false;
  return true;
}

bool set_handles(const ParsedArgs& args) {
  if (args.positional.empty() || args.positional[0] != "image") return false;
  return !args.has("filename") && !args.has("selector") && !args.has("all") && !args.has("local") && !args.has("dry-run") &&
         !args.has("output");
}

}  // namespace

std::vector<Verb> describe_verbs() {
  return {
      {"describe", {{"selector", 'l'}, {"all-namespaces", 'A', false}, {"filename", 'f'}, {"show-events", 0, false}},
       describe::run_describe, describe_handles},
      {"rollout",
       {{"watch", 'w', false}, {"timeout"}, {"revision"}, {"to-revision"}, {"filename", 'f'}, {"selector", 'l'}, {"dry-run", 0, false}},
       describe::run_rollout, rollout_handles},
      {"set",
       {{"filename", 'f'}, {"selector", 'l'}, {"all", 0, false}, {"local", 0, false}, {"dry-run", 0, false}, {"output", 'o'}},
       describe::run_set, set_handles},
  };
}

}  // namespace kscratch::kubectl
