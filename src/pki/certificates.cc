// Issuing certificates: the self-signed cluster CA and the leaf certificates it signs, with
// the extensions client-go's certutil (which k3s uses) puts on them.

#include "kscratch/pki/pki.h"

#include "alt_names.h"
#include "openssl_util.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <ctime>

namespace kscratch::pki {

using namespace detail;

namespace {

using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;

// Certificates start a little in the past so a node whose clock lags the server's by a few
// minutes still accepts a certificate issued a moment ago.
constexpr long kBackdateSeconds = 5 * 60;

// Random 128-bit serials, as Go's crypto/x509 callers use: unique without keeping a counter.
Status set_random_serial(X509* cert) {
  unsigned char bytes[16] = {};
  bool zero = true;
  while (zero) {
    if (RAND_bytes(bytes, sizeof bytes) != 1) return openssl_error("generating a serial number");
    for (unsigned char b : bytes) zero = zero && b == 0;
  }
  BignumPtr serial(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)))
    return openssl_error("setting the serial number");
  return Ok{};
}

Status set_validity(X509* cert, std::chrono::seconds validity) {
  if (validity.count() <= 0) return Error{"certificate validity must be positive"};
  std::time_t now = std::time(nullptr);
  long days = static_cast<long>(validity.count() / 86400);
  long seconds = static_cast<long>(validity.count() % 86400);
  if (!ASN1_TIME_adj(X509_getm_notBefore(cert), now, 0, -kBackdateSeconds) ||
      !ASN1_TIME_adj(X509_getm_notAfter(cert), now, static_cast<int>(days), seconds))
    return openssl_error("setting the validity period");
  return Ok{};
}

Status set_subject(X509* cert, const std::string& common_name, const std::vector<std::string>& organizations) {
  if (common_name.empty()) return Error{"certificate request: the common name is empty"};
  X509_NAME* name = X509_get_subject_name(cert);
  auto add = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                      static_cast<int>(value.size()), -1, 0) == 1;
  };
  // Organizations first, then CN: the order Go's pkix.Name marshals them in.
  for (const std::string& org : organizations)
    if (org.empty() || !add("O", org)) return openssl_error(fmt::format("invalid organization \"{}\"", org));
  if (!add("CN", common_name)) return openssl_error(fmt::format("invalid common name \"{}\"", common_name));
  return Ok{};
}

Status add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, ctx, nid, value);
  if (!ext) return openssl_error(fmt::format("building the {} extension", OBJ_nid2sn(nid)));
  int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (added != 1) return openssl_error(fmt::format("adding the {} extension", OBJ_nid2sn(nid)));
  return Ok{};
}

bool valid_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
              c == '*' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status add_alt_names(X509* cert, const SubjectAltNames& names) {
  GeneralNamesPtr list(sk_GENERAL_NAME_new_null());
  if (!list) return openssl_error("allocating subjectAltName");
  auto push = [&](int type, ASN1_STRING* value) {
    GENERAL_NAME* gen = GENERAL_NAME_new();
    if (!gen) {
      ASN1_STRING_free(value);
      return false;
    }
    GENERAL_NAME_set0_value(gen, type, value);
    if (sk_GENERAL_NAME_push(list.get(), gen) <= 0) {
      GENERAL_NAME_free(gen);
      return false;
    }
    return true;
  };
  for (const std::string& dns : names.dns_names) {
    if (!valid_dns_name(dns)) return Error{fmt::format("invalid DNS name \"{}\" for subjectAltName", dns)};
    ASN1_IA5STRING* value = ASN1_IA5STRING_new();
    if (!value || ASN1_STRING_set(value, dns.data(), static_cast<int>(dns.size())) != 1 || !push(GEN_DNS, value))
      return openssl_error("building subjectAltName");
  }
  for (const std::string& ip : names.ip_addresses) {
    auto bytes = ip_to_bytes(ip);
    if (!bytes) return Error{fmt::format("invalid IP address \"{}\" for subjectAltName", ip)};
    ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
    if (!value ||
        ASN1_OCTET_STRING_set(value, reinterpret_cast<const unsigned char*>(bytes->data()),
                              static_cast<int>(bytes->size())) != 1 ||
        !push(GEN_IPADD, value))
      return openssl_error("building subjectAltName");
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, list.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return openssl_error("adding subjectAltName");
  return Ok{};
}

// Everything but the extensions and the signature, shared by CA and leaf certificates.
Expected<X509Ptr> new_certificate(EVP_PKEY* subject_key, const std::string& common_name,
                                  const std::vector<std::string>& organizations, std::chrono::seconds validity) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return openssl_error("allocating a certificate");
  for (Status s : {set_random_serial(cert.get()), set_validity(cert.get(), validity),
                   set_subject(cert.get(), common_name, organizations)})
    if (!s) return s.error();
  if (X509_set_pubkey(cert.get(), subject_key) != 1) return openssl_error("setting the public key");
  return cert;
}

}  // namespace

std::string ca_common_name(std::string_view prefix) { return fmt::format("{}@{}", prefix, std::time(nullptr)); }

Expected<std::string> create_ca_certificate(std::string_view key_pem, const std::string& common_name,
                                            std::chrono::seconds validity) {
  auto key = parse_private_key(key_pem, "CA private key");
  if (!key) return key.error();
  auto cert = new_certificate(key->get(), common_name, {}, validity);
  if (!cert) return cert.error();
  X509* x = cert->get();
  if (X509_set_issuer_name(x, X509_get_subject_name(x)) != 1) return openssl_error("setting the CA issuer");
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,digitalSignature,keyEncipherment,keyCertSign"},
                            std::pair{NID_subject_key_identifier, "hash"}})
    if (Status s = add_extension(x, &ctx, nid, value); !s) return s.error();
  if (X509_sign(x, key->get(), EVP_sha256()) <= 0) return openssl_error("signing the CA certificate");
  return certificate_to_pem(x);
}

Expected<std::string> issue_certificate(const CertAndKey& ca, std::string_view key_pem,
                                        const CertificateRequest& request) {
  auto ca_cert = parse_certificate(ca.cert_pem, "CA certificate");
  if (!ca_cert) return ca_cert.error();
  auto ca_key = parse_private_key(ca.key_pem, "CA private key");
  if (!ca_key) return ca_key.error();
  if (X509_check_private_key(ca_cert->get(), ca_key->get()) != 1) {
    clear_openssl_errors();
    return Error{"the CA private key does not match the CA certificate"};
  }
  auto key = parse_private_key(key_pem);
  if (!key) return key.error();
  auto cert = new_certificate(key->get(), request.common_name, request.organizations, request.validity);
  if (!cert) return cert.error();
  X509* x = cert->get();
  if (X509_set_issuer_name(x, X509_get_subject_name(ca_cert->get())) != 1) return openssl_error("setting the issuer");
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_cert->get(), x, nullptr, nullptr, 0);
  const char* eku = request.usage == Usage::server ? "serverAuth" : "clientAuth";
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair{NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                            std::pair{NID_ext_key_usage, eku}, std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}})
    if (Status s = add_extension(x, &ctx, nid, value); !s) return s.error();
  if (!empty(request.alt_names))
    if (Status s = add_alt_names(x, request.alt_names); !s) return s.error();
  if (X509_sign(x, ca_key->get(), EVP_sha256()) <= 0) return openssl_error("signing the certificate");
  return certificate_to_pem(x);
}

}  // namespace kscratch::pki
