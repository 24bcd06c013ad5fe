// `kscratch kubectl`: until kscratch's own client exists, runs the kubectl found on PATH
// with the server's admin kubeconfig as the default, as `k3s kubectl` does with its
// embedded copy.

#include "roles.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <unistd.h>

namespace kscratch::cli {

namespace {
constexpr const char* kDefaultKubeconfig = "/etc/kscratch/kubeconfig.yaml";

// kubectl on PATH that is not this binary (which may itself be linked as kubectl).
std::string find_kubectl() {
  std::error_code ec;
  auto self = std::filesystem::canonical("/proc/self/exe", ec);
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    auto colon = dirs.find(':');
    auto dir = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    if (dir.empty()) continue;
    auto candidate = std::filesystem::path(dir) / "kubectl";
    if (::access(candidate.c_str(), X_OK) != 0) continue;
    if (std::filesystem::canonical(candidate, ec) == self) continue;
    return candidate.string();
  }
  return {};
}
}  // namespace

int run_kubectl(const std::vector<std::string>& args) {
  auto kubectl = find_kubectl();
  if (kubectl.empty()) {
    fmt::print(stderr, "kscratch kubectl: no kubectl found on PATH (kscratch's built-in client is not built yet)\n");
    return 1;
  }
  const char* home = std::getenv("HOME");
  bool has_user_config = home && std::filesystem::exists(std::filesystem::path(home) / ".kube" / "config");
  if (!std::getenv("KUBECONFIG") && !has_user_config && std::filesystem::exists(kDefaultKubeconfig)) {
    ::setenv("KUBECONFIG", kDefaultKubeconfig, 1);
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("kubectl"));
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(kubectl.c_str(), argv.data());
  fmt::print(stderr, "kscratch kubectl: cannot run {}: {}\n", kubectl, std::strerror(errno));
  return 1;
}

}  // namespace kscratch::cli
