// The server's PKI layout: first start, reuse, renewal rules, and damaged files.

#include "kscratch/pki/pki.h"

#include "run_coro.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>

using namespace kscratch::pki;
using kscratch::testing::TempDir;
namespace fs = std::filesystem;

namespace {

SubjectAltNames default_sans() {
  return classify_names({"127.0.0.1", "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                         "kubernetes.default.svc.cluster.local", "10.43.0.1"});
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

ServerPki ensure(const fs::path& dir, const SubjectAltNames& sans = default_sans()) {
  auto pki = ensure_server_pki(dir, sans);
  INFO((pki ? std::string() : pki.error().message));
  REQUIRE(pki);
  return *pki;
}

std::string serial_of(const std::string& pem) { return inspect_certificate(pem)->serial_hex; }

}  // namespace

TEST_CASE("the first start creates the CA, serving and admin credentials", "[pki][server]") {
  TempDir tmp;
  ServerPki pki = ensure(tmp.path());
  CHECK(pki.ca_created);
  CHECK(pki.serving_issued);
  CHECK(pki.tls_dir == tmp.path() / "server" / "tls");
  for (const char* name : {"server-ca.crt", "server-ca.key", "serving.crt", "serving.key", "client-admin.crt",
                           "client-admin.key"})
    CHECK(fs::is_regular_file(pki.tls_dir / name));
  CHECK(mode_of(pki.tls_dir) == 0700);
  CHECK(mode_of(tmp.path() / "server") == 0700);
  for (const fs::path& key : {pki.ca_key_file, pki.serving_key_file, pki.admin_key_file}) CHECK(mode_of(key) == 0600);
  CHECK(mode_of(pki.ca_cert_file) == 0644);
  CHECK(slurp(pki.ca_cert_file) == pki.ca.cert_pem);
  CHECK(slurp(pki.serving_key_file) == pki.serving.key_pem);

  CHECK(verify_certificate(pki.serving.cert_pem, pki.ca.cert_pem, Usage::server));
  CHECK(verify_certificate(pki.admin.cert_pem, pki.ca.cert_pem, Usage::client));
  auto serving = inspect_certificate(pki.serving.cert_pem);
  REQUIRE(serving);
  CHECK(serving->alt_names.ip_addresses == std::vector<std::string>{"127.0.0.1", "10.43.0.1"});
  CHECK(serving->alt_names.dns_names.size() == 5);
  auto admin = client_identity(pki.admin.cert_pem);
  REQUIRE(admin);
  CHECK(admin->user == "system:admin");
  CHECK(admin->groups == std::vector<std::string>{"system:masters"});
}

TEST_CASE("later starts reuse the same files", "[pki][server]") {
  TempDir tmp;
  ServerPki first = ensure(tmp.path());
  ServerPki second = ensure(tmp.path());
  CHECK_FALSE(second.ca_created);
  CHECK_FALSE(second.serving_issued);
  CHECK(second.ca.cert_pem == first.ca.cert_pem);
  CHECK(second.ca.key_pem == first.ca.key_pem);
  CHECK(second.serving.cert_pem == first.serving.cert_pem);
  CHECK(serial_of(second.admin.cert_pem) == serial_of(first.admin.cert_pem));
  // A subset of the names (or the same names spelled differently) is already covered.
  ServerPki subset = ensure(tmp.path(), classify_names({"LOCALHOST", "127.0.0.1"}));
  CHECK_FALSE(subset.serving_issued);
  CHECK(subset.serving.cert_pem == first.serving.cert_pem);
}

TEST_CASE("a new SAN re-issues the serving certificate with the same key", "[pki][server]") {
  TempDir tmp;
  ServerPki first = ensure(tmp.path());
  SubjectAltNames more = default_sans();
  more.ip_addresses.push_back("192.168.1.10");
  more.dns_names.push_back("node-a.example");
  ServerPki second = ensure(tmp.path(), more);
  CHECK(second.serving_issued);
  CHECK_FALSE(second.ca_created);
  CHECK(second.ca.cert_pem == first.ca.cert_pem);
  CHECK(second.serving.key_pem == first.serving.key_pem);
  CHECK(serial_of(second.serving.cert_pem) != serial_of(first.serving.cert_pem));
  CHECK(second.admin.cert_pem == first.admin.cert_pem);
  auto info = inspect_certificate(slurp(second.serving_cert_file));
  REQUIRE(info);
  CHECK(info->alt_names.ip_addresses.back() == "192.168.1.10");
  CHECK(info->alt_names.dns_names.back() == "node-a.example");
  CHECK(check_key_matches(slurp(second.serving_cert_file), slurp(second.serving_key_file)));
  CHECK_FALSE(ensure(tmp.path(), more).serving_issued);
}

TEST_CASE("certificates close to expiry or from another CA are re-issued", "[pki][server]") {
  TempDir tmp;
  ServerPki first = ensure(tmp.path());

  SECTION("expiring within 90 days") {
    CertificateRequest request{"kscratch", {"kscratch"}, default_sans(), Usage::server, std::chrono::hours(24 * 30)};
    auto short_lived = issue_certificate(first.ca, first.serving.key_pem, request);
    REQUIRE(short_lived);
    spit(first.serving_cert_file, *short_lived);
  }
  SECTION("signed by another CA") {
    auto key = generate_private_key();
    auto other_ca = create_ca_certificate(*key, "other");
    CertificateRequest request{"kscratch", {"kscratch"}, default_sans(), Usage::server};
    auto foreign = issue_certificate({*other_ca, *key}, first.serving.key_pem, request);
    REQUIRE(foreign);
    spit(first.serving_cert_file, *foreign);
  }
  ServerPki second = ensure(tmp.path());
  CHECK(second.serving_issued);
  CHECK(verify_certificate(second.serving.cert_pem, second.ca.cert_pem));
  auto info = inspect_certificate(second.serving.cert_pem);
  CHECK(info->not_after - std::chrono::system_clock::now() > kRenewBefore);
}

TEST_CASE("an expiring admin certificate is re-issued", "[pki][server]") {
  TempDir tmp;
  ServerPki first = ensure(tmp.path());
  CertificateRequest request{"system:admin", {"system:masters"}, {}, Usage::client, std::chrono::hours(24)};
  spit(first.admin_cert_file, *issue_certificate(first.ca, first.admin.key_pem, request));
  ServerPki second = ensure(tmp.path());
  CHECK(serial_of(second.admin.cert_pem) != serial_of(first.admin.cert_pem));
  CHECK(second.admin.key_pem == first.admin.key_pem);
}

TEST_CASE("damaged PKI files are reported, not overwritten", "[pki][server]") {
  TempDir tmp;
  ServerPki first = ensure(tmp.path());

  SECTION("corrupt serving certificate") {
    spit(first.serving_cert_file, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    auto result = ensure_server_pki(tmp.path(), default_sans());
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().message, Catch::Contains(first.serving_cert_file.string()));
    CHECK_THAT(slurp(first.serving_cert_file), Catch::Contains("not base64"));
  }
  SECTION("corrupt CA key") {
    spit(first.ca_key_file, "garbage");
    auto result = ensure_server_pki(tmp.path(), default_sans());
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().message, Catch::Contains("server-ca.key") && Catch::Contains("not PEM"));
  }
  SECTION("CA key of another CA") {
    spit(first.ca_key_file, *generate_private_key());
    auto result = ensure_server_pki(tmp.path(), default_sans());
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().message, Catch::Contains("does not match"));
  }
  SECTION("missing CA key") {
    fs::remove(first.ca_key_file);
    auto result = ensure_server_pki(tmp.path(), default_sans());
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().message, Catch::Contains("server-ca.key is missing"));
    CHECK_FALSE(fs::exists(first.ca_key_file));
  }
  SECTION("a directory where a file belongs") {
    fs::remove(first.admin_key_file);
    fs::create_directory(first.admin_key_file);
    auto result = ensure_server_pki(tmp.path(), default_sans());
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().message, Catch::Contains("not a regular file"));
  }
}

TEST_CASE("a CA key without its certificate gets a new CA certificate", "[pki][server]") {
  // What a crash between writing the CA key and its certificate leaves behind.
  TempDir tmp;
  ServerPki first = ensure(tmp.path());
  fs::remove(first.ca_cert_file);
  ServerPki second = ensure(tmp.path());
  CHECK(second.ca_created);
  CHECK(second.ca.key_pem == first.ca.key_pem);
  CHECK(verify_certificate(second.admin.cert_pem, second.ca.cert_pem));
}

TEST_CASE("an unwritable data dir is a clear error", "[pki][server]") {
  TempDir tmp;
  spit(tmp.path() / "file", "x");
  auto result = ensure_server_pki(tmp.path() / "file" / "data", default_sans());
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().message, Catch::Contains("cannot create directory"));
}
