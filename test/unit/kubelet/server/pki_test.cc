// The credentials behind the kubelet's port: its self-signed serving certificate and the
// apiserver's kubelet-client certificate.

#include "kscratch/pki/pki.h"

#include "run_coro.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace kscratch::pki;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("the kubelet's self-signed serving certificate is made once and reused") {
  kscratch::testing::TempDir tmp;
  auto cert = tmp.path() / "pki" / "kubelet.crt";
  auto key = tmp.path() / "pki" / "kubelet.key";
  auto sans = classify_names({"node-1", "localhost", "127.0.0.1"});
  auto first = ensure_self_signed_serving(cert, key, "node-1", sans);
  REQUIRE(first);
  auto info = inspect_certificate(first->cert_pem);
  REQUIRE(info);
  CHECK(info->common_name == "node-1");
  CHECK(info->server_auth);
  CHECK_FALSE(info->is_ca);
  CHECK(info->alt_names.ip_addresses == std::vector<std::string>{"127.0.0.1"});
  // The file holds the leaf and the CA that signed it, which verifies it.
  CHECK(verify_certificate(first->cert_pem, first->cert_pem.substr(first->cert_pem.find("-----END CERTIFICATE-----") + 26)));
  CHECK(check_key_matches(first->cert_pem, first->key_pem));

  auto again = ensure_self_signed_serving(cert, key, "node-1", sans);
  REQUIRE(again);
  CHECK(again->cert_pem == first->cert_pem);

  // A name it does not cover makes a new one.
  auto wider = ensure_self_signed_serving(cert, key, "node-1", classify_names({"node-1", "10.0.0.5"}));
  REQUIRE(wider);
  CHECK(wider->cert_pem != first->cert_pem);
  CHECK(slurp(cert) == wider->cert_pem);
}

TEST_CASE("the server PKI holds the apiserver's kubelet-client certificate") {
  kscratch::testing::TempDir tmp;
  auto pki = ensure_server_pki(tmp.path(), classify_names({"127.0.0.1"}));
  REQUIRE(pki);
  CHECK(fs::is_regular_file(pki->kubelet_client_cert_file));
  CHECK(fs::is_regular_file(pki->kubelet_client_key_file));
  auto id = client_identity(pki->kubelet_client.cert_pem);
  REQUIRE(id);
  CHECK(id->user == "kube-apiserver-kubelet-client");
  CHECK(id->groups == std::vector<std::string>{"system:masters"});
  CHECK(verify_certificate(pki->kubelet_client.cert_pem, pki->ca.cert_pem, Usage::client));
  auto again = ensure_server_pki(tmp.path(), classify_names({"127.0.0.1"}));
  REQUIRE(again);
  CHECK(again->kubelet_client.cert_pem == pki->kubelet_client.cert_pem);
}
