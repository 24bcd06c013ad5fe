// Private keys: ECDSA P-256, as k3s generates for its CA and leaf certificates.

#include "kscratch/pki/pki.h"

#include "openssl_util.h"

#include <openssl/x509.h>

namespace kscratch::pki {

using namespace detail;

Expected<std::string> generate_private_key() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return openssl_error("generating an ECDSA P-256 key");
  return private_key_to_pem(key.get());
}

Status check_key_matches(std::string_view cert_pem, std::string_view key_pem) {
  auto cert = parse_certificate(cert_pem);
  if (!cert) return cert.error();
  auto key = parse_private_key(key_pem);
  if (!key) return key.error();
  if (X509_check_private_key(cert->get(), key->get()) != 1) {
    clear_openssl_errors();
    return Error{"the private key does not match the certificate's public key"};
  }
  return Ok{};
}

}  // namespace kscratch::pki
