#pragma once
// `kscratch kubectl`: kscratch's own kubectl, printing what kubectl 1.32 prints. It is a
// client like any other: kubeconfig, discovery and REST over the project's HTTPS
// transport. Verbs (and flags) it does not implement yet are left to the kubectl on PATH,
// so `run` says when it declined instead of failing.

#include <optional>
#include <string>
#include <vector>

namespace kscratch::kubectl {

// Runs `kubectl <args>` when every part of it is built in and returns the exit code;
// nothing when the caller should hand the command to another kubectl.
std::optional<int> run(const std::vector<std::string>& args);

// The verbs that are built in, for `kscratch kubectl --help`.
std::vector<std::string> builtin_verbs();

}  // namespace kscratch::kubectl
