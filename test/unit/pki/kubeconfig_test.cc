// Kubeconfigs: k3s's exact layout, atomic private writes, reading back, and kubectl's view.

#include "kscratch/pki/pki.h"

#include "run_coro.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sys/stat.h>

using namespace kscratch::pki;
using kscratch::testing::TempDir;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

void spit(const fs::path& p, const std::string& content) { std::ofstream(p, std::ios::binary) << content; }

Kubeconfig sample() {
  return {"https://127.0.0.1:6443", "CA PEM\n", "CERT PEM\n", "KEY PEM\n", "", false};
}

// The stdout of a command, for running kubectl.
std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  CHECK(::pclose(pipe) == 0);
  return out;
}

}  // namespace

TEST_CASE("kubeconfigs are rendered exactly as k3s writes them", "[pki][kubeconfig]") {
  CHECK(render_kubeconfig(sample()) ==
        "apiVersion: v1\n"
        "clusters:\n"
        "- cluster:\n"
        "    certificate-authority-data: Q0EgUEVNCg==\n"
        "    server: https://127.0.0.1:6443\n"
        "  name: default\n"
        "contexts:\n"
        "- context:\n"
        "    cluster: default\n"
        "    user: default\n"
        "  name: default\n"
        "current-context: default\n"
        "kind: Config\n"
        "preferences: {}\n"
        "users:\n"
        "- name: default\n"
        "  user:\n"
        "    client-certificate-data: Q0VSVCBQRU0K\n"
        "    client-key-data: S0VZIFBFTQo=\n");

  Kubeconfig token_only{"https://10.0.0.1:6443", "", "", "", "abc: def", true};
  std::string text = render_kubeconfig(token_only);
  CHECK_THAT(text, Catch::Contains("- cluster:\n    insecure-skip-tls-verify: true\n    server: https://10.0.0.1:6443\n"));
  CHECK_THAT(text, Catch::EndsWith("  user:\n    token: \"abc: def\"\n"));
  CHECK_THAT(render_kubeconfig({"https://x:1", "", "", "", "", false}), Catch::EndsWith("  user: {}\n"));
}

TEST_CASE("kubeconfigs round-trip through a private, atomically written file", "[pki][kubeconfig]") {
  TempDir tmp;
  fs::path file = tmp.path() / "etc" / "kscratch" / "kscratch.yaml";
  REQUIRE(write_kubeconfig(file, sample()));
  CHECK(mode_of(file) == 0600);
  CHECK(mode_of(file.parent_path()) == 0755);
  for (const auto& entry : fs::directory_iterator(file.parent_path()))
    CHECK(entry.path().filename() == "kscratch.yaml");  // No temp file left behind.

  auto read = read_kubeconfig(file);
  REQUIRE(read);
  CHECK(read->server == "https://127.0.0.1:6443");
  CHECK(read->ca_pem == "CA PEM\n");
  CHECK(read->client_cert_pem == "CERT PEM\n");
  CHECK(read->client_key_pem == "KEY PEM\n");
  CHECK(read->token.empty());

  // Rewriting replaces the file and its mode (k3s's --write-kubeconfig-mode).
  Kubeconfig changed = sample();
  changed.server = "https://192.168.1.5:6443";
  REQUIRE(write_kubeconfig(file, changed, fs::perms(0644)));
  CHECK(mode_of(file) == 0644);
  CHECK(read_kubeconfig(file)->server == "https://192.168.1.5:6443");

  Kubeconfig tokened{"https://h:6443", "", "", "", "t0ken", false};
  REQUIRE(write_kubeconfig(file, tokened));
  CHECK(read_kubeconfig(file)->token == "t0ken");
  CHECK(mode_of(file) == 0600);
}

TEST_CASE("kubectl reads the kubeconfig the server writes", "[pki][kubeconfig]") {
  if (!fs::exists("/usr/bin/kubectl")) {
    WARN("kubectl not installed; skipped");
    return;
  }
  TempDir tmp;
  auto pki = ensure_server_pki(tmp.path(), classify_names({"127.0.0.1", "localhost"}));
  REQUIRE(pki);
  fs::path file = tmp.path() / "kubeconfig.yaml";
  REQUIRE(write_kubeconfig(file, {"https://127.0.0.1:6443", pki->ca.cert_pem, pki->admin.cert_pem, pki->admin.key_pem}));
  std::string kubectl = "/usr/bin/kubectl --kubeconfig " + file.string() + " config view --raw -o jsonpath=";
  CHECK(run(kubectl + "'{.clusters[0].cluster.server}'") == "https://127.0.0.1:6443");
  CHECK(run(kubectl + "'{.current-context}'") == "default");
  CHECK(run(kubectl + "'{.users[0].name}'") == "default");
  // kubectl loads the embedded certificate and key only when it builds a client; `config
  // view --minify --flatten` at least proves the data fields survive its own round trip.
  std::string flattened = tmp.path() / "flat.yaml";
  run("/usr/bin/kubectl --kubeconfig " + file.string() + " config view --raw --minify --flatten > " + flattened);
  auto reread = read_kubeconfig(flattened);
  REQUIRE(reread);
  CHECK(reread->client_key_pem == pki->admin.key_pem);
  CHECK(reread->ca_pem == pki->ca.cert_pem);
}

TEST_CASE("kubeconfigs with file references and tokenFile are read", "[pki][kubeconfig]") {
  TempDir tmp;
  spit(tmp.path() / "ca.crt", "CA");
  spit(tmp.path() / "admin.crt", "CERT");
  spit(tmp.path() / "admin.key", "KEY");
  spit(tmp.path() / "token", "tok\n");
  spit(tmp.path() / "config",
       "apiVersion: v1\nkind: Config\ncurrent-context: b\n"
       "clusters:\n- name: one\n  cluster: {server: 'https://one:6443', certificate-authority: ca.crt}\n"
       "contexts:\n- name: a\n  context: {cluster: nope, user: u}\n- name: b\n  context: {cluster: one, user: u}\n"
       "users:\n- name: u\n  user:\n    client-certificate: admin.crt\n    client-key: " +
           (tmp.path() / "admin.key").string() + "\n    tokenFile: token\n");
  auto config = read_kubeconfig(tmp.path() / "config");
  REQUIRE(config);
  CHECK(config->server == "https://one:6443");
  CHECK(config->ca_pem == "CA");
  CHECK(config->client_cert_pem == "CERT");
  CHECK(config->client_key_pem == "KEY");
  CHECK(config->token == "tok");
}

TEST_CASE("broken kubeconfigs give errors naming the file", "[pki][kubeconfig]") {
  auto check = [](const std::string& yaml, const std::string& message) {
    INFO(yaml);
    auto config = parse_kubeconfig(yaml, "/nonexistent", "/etc/kscratch/kscratch.yaml");
    REQUIRE_FALSE(config);
    CHECK_THAT(config.error().message, Catch::StartsWith("/etc/kscratch/kscratch.yaml: ") && Catch::Contains(message));
  };
  check("clusters: [", "invalid kubeconfig");
  check("- a list", "not a mapping");
  check("current-context: x\ncontexts: []\n", "context \"x\" not found");
  check("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n", "cluster \"c\" not found");
  check("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {}\n",
        "has no server");
  check("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: "
        "{server: 'https://a', certificate-authority-data: '!!notbase64'}\n",
        "certificate-authority-data: invalid base64");
  check("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: "
        "{server: 'https://a', certificate-authority: missing.crt}\n",
        "does not exist");
  check("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: "
        "{server: 'https://a', insecure-skip-tls-verify: maybe}\n",
        "invalid kubeconfig");
  check("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: "
        "{server: 'https://a'}\nusers:\n- name: u\n  user: {client-certificate-data: Q0E=}\n",
        "not both");

  auto missing = read_kubeconfig("/nonexistent/kubeconfig");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("/nonexistent/kubeconfig: no such file"));
  CHECK_FALSE(write_kubeconfig("/proc/kscratch-test/kubeconfig", sample()));
}
