// The loading rules: which files, how they merge, what the flags override.

#include "kubeconfig.h"

#include "run_coro.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace kscratch::kubectl;
using kscratch::testing::TempDir;
namespace fs = std::filesystem;

namespace {

void spit(const fs::path& p, const std::string& content) { std::ofstream(p) << content; }

std::string config(const std::string& context, const std::string& server, const std::string& ns = "") {
  return "apiVersion: v1\nkind: Config\ncurrent-context: " + context + "\nclusters:\n- name: " + context +
         "\n  cluster:\n    server: " + server + "\n    insecure-skip-tls-verify: true\ncontexts:\n- name: " + context +
         "\n  context:\n    cluster: " + context + "\n    user: " + context + (ns.empty() ? "" : "\n    namespace: " + ns) +
         "\nusers:\n- name: " + context + "\n  user:\n    tokenFile: token\n";
}

ParsedArgs args(std::vector<std::string> a) {
  a.insert(a.begin(), "get");
  return std::get<ParsedArgs>(parse_args(a, {}));
}

}  // namespace

TEST_CASE("KUBECONFIG files merge: the first file wins each name and the current context") {
  TempDir dir;
  spit(dir.path() / "token", "secret\n");
  spit(dir.path() / "a.yaml", config("alpha", "https://a:6443", "team-a"));
  spit(dir.path() / "b.yaml", config("beta", "https://b:6443"));
  std::string env = (dir.path() / "a.yaml").string() + ":" + (dir.path() / "missing.yaml").string() + ":" +
                    (dir.path() / "b.yaml").string();
  auto files = kubeconfig_files(args({}), "/nonexistent", env);
  REQUIRE(files.size() == 2);

  auto merged = load_client_config(args({}), files);
  REQUIRE(merged.ok());
  CHECK(merged->connection.server == "https://a:6443");
  CHECK(merged->connection.token == "secret");  // tokenFile relative to its kubeconfig
  CHECK(merged->namespace_name == "team-a");
  CHECK_FALSE(merged->namespace_explicit);

  auto beta = load_client_config(args({"--context", "beta", "-n", "x", "--server", "https://c:1"}), files);
  REQUIRE(beta.ok());
  CHECK(beta->connection.server == "https://c:1");
  CHECK(beta->namespace_name == "x");
  CHECK(beta->namespace_explicit);

  auto missing = load_client_config(args({"--context", "gamma"}), files);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "Error in configuration: context was not found for specified context: gamma");
}

TEST_CASE("the kubeconfig flag wins, then KUBECONFIG, then ~/.kube/config") {
  TempDir dir;
  fs::create_directories(dir.path() / ".kube");
  spit(dir.path() / ".kube" / "config", config("home", "https://h:1"));
  CHECK(kubeconfig_files(args({}), dir.path().string(), "") == std::vector<fs::path>{dir.path() / ".kube" / "config"});
  CHECK(kubeconfig_files(args({"--kubeconfig", "/x.yaml"}), dir.path().string(), "/y.yaml") ==
        std::vector<fs::path>{"/x.yaml"});
}

TEST_CASE("the token and insecure-skip-tls-verify flags override the files") {
  TempDir dir;
  spit(dir.path() / "token", "secret");
  spit(dir.path() / "c.yaml", config("c", "https://c:1"));
  auto c = load_client_config(args({"--token", "flag-token", "--insecure-skip-tls-verify"}), {dir.path() / "c.yaml"});
  REQUIRE(c.ok());
  CHECK(c->connection.token == "flag-token");
  CHECK(c->connection.insecure_skip_tls_verify);
  CHECK(c->connection.ca_pem.empty());
}
