#pragma once
// Internal: owning handles for OpenSSL objects and the conversions every PKI file needs
// (PEM/DER text to X509 and EVP_PKEY, OpenSSL's error queue to an Error message).

#include "kscratch/util/expected.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::pki::detail {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const { Free(p); }
};

using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;

// An Error reading "<what>: <OpenSSL's reasons>", draining the thread's error queue so a
// stale reason never shows up in a later, unrelated message.
Error openssl_error(std::string_view what);

// Drops queued OpenSSL errors (after a failure that was handled, e.g. end of a PEM bundle).
void clear_openssl_errors();

// A read-only memory BIO over `data` (which must outlive it).
BioPtr memory_bio(std::string_view data);

// The contents of a memory BIO written to by PEM_write_bio_*.
std::string bio_contents(BIO* bio);

// Parses a private key from PEM (PKCS#8 or traditional). `what` names the input in errors.
Expected<PkeyPtr> parse_private_key(std::string_view pem, std::string_view what = "private key");

// Parses the first certificate of PEM or DER data.
Expected<X509Ptr> parse_certificate(std::string_view data, std::string_view what = "certificate");

// Parses every certificate of a PEM bundle; an empty bundle is an error.
Expected<std::vector<X509Ptr>> parse_certificate_bundle(std::string_view pem, std::string_view what = "CA bundle");

Expected<std::string> certificate_to_pem(X509* cert);
Expected<std::string> private_key_to_pem(EVP_PKEY* key);
std::string certificate_to_der(X509* cert);

}  // namespace kscratch::pki::detail

namespace kscratch::pki::detail {

// The DER of the root that bundle[0] chains to through the rest of the bundle (roots being
// the certificates without an authority key id, or whose AKI equals their SKI), or nullopt
// when it does not chain. Implemented in verify.cc; used for k3s's multi-certificate CA hash.
std::optional<std::string> chain_root_der(const std::vector<X509Ptr>& bundle);

}  // namespace kscratch::pki::detail
