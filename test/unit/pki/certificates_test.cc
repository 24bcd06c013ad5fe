// Keys and certificates: the fields OpenSSL reads back, signatures, and clear errors for
// bad input.

#include "kscratch/pki/pki.h"

#include <catch2/catch.hpp>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace kscratch::pki;
using namespace std::chrono_literals;

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

X509Ptr parse_x509(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  REQUIRE(cert);
  return cert;
}

PkeyPtr parse_key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  REQUIRE(key);
  return key;
}

std::string to_der(const std::string& pem) {
  X509Ptr cert = parse_x509(pem);
  unsigned char* der = nullptr;
  int n = i2d_X509(cert.get(), &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

CertAndKey make_ca() {
  auto key = generate_private_key();
  REQUIRE(key);
  auto cert = create_ca_certificate(*key, ca_common_name());
  REQUIRE(cert);
  return {*cert, *key};
}

CertAndKey issue(const CertAndKey& ca, const CertificateRequest& request) {
  auto key = generate_private_key();
  REQUIRE(key);
  auto cert = issue_certificate(ca, *key, request);
  INFO((cert ? std::string() : cert.error().message));
  REQUIRE(cert);
  return {*cert, *key};
}

CertificateRequest serving_request() {
  return {"kscratch", {"kscratch"}, classify_names({"localhost", "kubernetes.default.svc", "127.0.0.1", "10.43.0.1", "::1"}),
          Usage::server};
}

double days_between(std::chrono::system_clock::time_point a, std::chrono::system_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count() / 86400.0;
}

}  // namespace

TEST_CASE("private keys are ECDSA P-256 in PKCS#8 PEM", "[pki][keys]") {
  auto pem = generate_private_key();
  REQUIRE(pem);
  CHECK(pem->starts_with("-----BEGIN PRIVATE KEY-----"));
  PkeyPtr key = parse_key(*pem);
  CHECK(EVP_PKEY_is_a(key.get(), "EC"));
  char group[64] = {};
  REQUIRE(EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, nullptr) == 1);
  CHECK(std::string(group) == "prime256v1");
  auto other = generate_private_key();
  REQUIRE(other);
  CHECK(*other != *pem);
}

TEST_CASE("the CA is self-signed, a CA, and valid for ten years", "[pki][certificates]") {
  CertAndKey ca = make_ca();
  auto info = inspect_certificate(ca.cert_pem);
  REQUIRE(info);
  CHECK(info->common_name.starts_with("kscratch-server-ca@"));
  CHECK(info->issuer_common_name == info->common_name);
  CHECK(info->is_ca);
  CHECK(days_between(info->not_before, info->not_after) == Approx(3650).margin(1));
  CHECK(info->not_before <= std::chrono::system_clock::now());
  CHECK(verify_certificate(ca.cert_pem, ca.cert_pem));
  CHECK(check_key_matches(ca.cert_pem, ca.key_pem));

  X509Ptr x = parse_x509(ca.cert_pem);
  CHECK((X509_get_key_usage(x.get()) & KU_KEY_CERT_SIGN) != 0);
  CHECK(X509_get0_subject_key_id(x.get()) != nullptr);
  PkeyPtr key = parse_key(ca.key_pem);
  CHECK(X509_verify(x.get(), key.get()) == 1);  // Self-signed with its own key.
}

TEST_CASE("serving certificates carry the requested SANs and serverAuth", "[pki][certificates]") {
  CertAndKey ca = make_ca();
  CertAndKey serving = issue(ca, serving_request());
  auto info = inspect_certificate(serving.cert_pem);
  REQUIRE(info);
  CHECK(info->common_name == "kscratch");
  CHECK(info->issuer_common_name == inspect_certificate(ca.cert_pem)->common_name);
  CHECK(info->alt_names.dns_names == std::vector<std::string>{"localhost", "kubernetes.default.svc"});
  CHECK(info->alt_names.ip_addresses == std::vector<std::string>{"127.0.0.1", "10.43.0.1", "::1"});
  CHECK(info->server_auth);
  CHECK_FALSE(info->client_auth);
  CHECK_FALSE(info->is_ca);
  CHECK(days_between(info->not_before, info->not_after) == Approx(365).margin(1));

  // The signature checks out with the CA's public key, and OpenSSL's verifier agrees.
  X509Ptr cert = parse_x509(serving.cert_pem);
  X509Ptr ca_cert = parse_x509(ca.cert_pem);
  CHECK(X509_verify(cert.get(), X509_get0_pubkey(ca_cert.get())) == 1);
  CHECK(X509_check_issued(ca_cert.get(), cert.get()) == X509_V_OK);
  CHECK(X509_check_host(cert.get(), "kubernetes.default.svc", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(cert.get(), "10.43.0.1", 0) == 1);
  CHECK(X509_check_ip_asc(cert.get(), "10.43.0.2", 0) == 0);
  CHECK(verify_certificate(serving.cert_pem, ca.cert_pem, Usage::server));
  auto as_client = verify_certificate(serving.cert_pem, ca.cert_pem, Usage::client);
  REQUIRE_FALSE(as_client);
  CHECK_THAT(as_client.error().message, Catch::Contains("purpose"));
}

TEST_CASE("client certificates carry CN, O and clientAuth", "[pki][certificates]") {
  CertAndKey ca = make_ca();
  CertAndKey node = issue(ca, {"system:node:worker-1", {"system:nodes"}, {}, Usage::client});
  auto info = inspect_certificate(node.cert_pem);
  REQUIRE(info);
  CHECK(info->client_auth);
  CHECK_FALSE(info->server_auth);
  CHECK(info->alt_names.dns_names.empty());
  CHECK(verify_certificate(node.cert_pem, ca.cert_pem, Usage::client));

  auto identity = client_identity(node.cert_pem);
  REQUIRE(identity);
  CHECK(identity->user == "system:node:worker-1");
  CHECK(identity->groups == std::vector<std::string>{"system:nodes"});

  // DER (what a TLS stack hands over) reads the same.
  auto from_der = client_identity(to_der(node.cert_pem));
  REQUIRE(from_der);
  CHECK(from_der->user == "system:node:worker-1");

  CertAndKey admin = issue(ca, {"system:admin", {"system:masters", "extra"}, {}, Usage::client});
  CHECK(client_identity(admin.cert_pem)->groups == std::vector<std::string>{"system:masters", "extra"});
}

TEST_CASE("serial numbers are random and at most 128 bits", "[pki][certificates]") {
  CertAndKey ca = make_ca();
  auto a = inspect_certificate(issue(ca, serving_request()).cert_pem);
  auto b = inspect_certificate(issue(ca, serving_request()).cert_pem);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->serial_hex != b->serial_hex);
  CHECK(a->serial_hex.size() <= 32);
  CHECK(a->serial_hex.size() >= 16);  // Fails with probability 2^-64.
}

TEST_CASE("verification rejects certificates of another CA", "[pki][verify]") {
  CertAndKey ca = make_ca();
  CertAndKey other = make_ca();
  CertAndKey serving = issue(other, serving_request());
  auto result = verify_certificate(serving.cert_pem, ca.cert_pem);
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().message, Catch::Contains("does not verify against the CA") &&
                                         Catch::Contains("unable to get local issuer certificate"));
  // A bundle holding both CAs accepts it.
  CHECK(verify_certificate(serving.cert_pem, ca.cert_pem + other.cert_pem));
}

TEST_CASE("issuing refuses bad input with clear errors", "[pki][certificates]") {
  CertAndKey ca = make_ca();
  CertAndKey other = make_ca();
  auto key = generate_private_key();
  REQUIRE(key);

  auto mismatched = issue_certificate({ca.cert_pem, other.key_pem}, *key, serving_request());
  REQUIRE_FALSE(mismatched);
  CHECK_THAT(mismatched.error().message, Catch::Contains("CA private key does not match"));

  CertificateRequest bad_ip = serving_request();
  bad_ip.alt_names.ip_addresses.push_back("10.0.0.300");
  auto ip = issue_certificate(ca, *key, bad_ip);
  REQUIRE_FALSE(ip);
  CHECK_THAT(ip.error().message, Catch::Contains("invalid IP address \"10.0.0.300\""));

  CertificateRequest bad_dns = serving_request();
  bad_dns.alt_names.dns_names.push_back("bad name");
  CHECK_FALSE(issue_certificate(ca, *key, bad_dns));

  CertificateRequest no_cn = serving_request();
  no_cn.common_name.clear();
  auto cn = issue_certificate(ca, *key, no_cn);
  REQUIRE_FALSE(cn);
  CHECK_THAT(cn.error().message, Catch::Contains("common name is empty"));

  auto bad_key = issue_certificate(ca, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", serving_request());
  REQUIRE_FALSE(bad_key);
  CHECK_THAT(bad_key.error().message, Catch::Contains("not a valid PEM private key"));
}

TEST_CASE("corrupt certificate input gives errors, not crashes", "[pki][certificates]") {
  CertAndKey ca = make_ca();
  for (std::string bad : {std::string(), std::string("garbage"), ca.cert_pem.substr(0, ca.cert_pem.size() / 2),
                          std::string("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"), ca.key_pem}) {
    INFO(bad);
    auto info = inspect_certificate(bad);
    REQUIRE_FALSE(info);
    CHECK_FALSE(info.error().message.empty());
    CHECK_FALSE(client_identity(bad));
    CHECK_FALSE(verify_certificate(bad, ca.cert_pem));
    CHECK_FALSE(verify_certificate(ca.cert_pem, bad));
  }
  auto empty = inspect_certificate("");
  CHECK_THAT(empty.error().message, Catch::Contains("empty"));
}

TEST_CASE("check_key_matches tells keys apart", "[pki][keys]") {
  CertAndKey ca = make_ca();
  CertAndKey other = make_ca();
  CHECK(check_key_matches(ca.cert_pem, ca.key_pem));
  auto mismatch = check_key_matches(ca.cert_pem, other.key_pem);
  REQUIRE_FALSE(mismatch);
  CHECK_THAT(mismatch.error().message, Catch::Contains("does not match"));
}

TEST_CASE("classify_names splits and canonicalises names", "[pki][certificates]") {
  SubjectAltNames names =
      classify_names({"LocalHost", "127.0.0.1", "", "::0001", "kubernetes", "localhost", "2001:DB8::1", "10.43.0.1"});
  CHECK(names.dns_names == std::vector<std::string>{"localhost", "kubernetes"});
  CHECK(names.ip_addresses == std::vector<std::string>{"127.0.0.1", "::1", "2001:db8::1", "10.43.0.1"});
}
