// Chain verification against the cluster CA, with OpenSSL's own verifier (X509_verify_cert)
// so kscratch accepts exactly what the TLS handshake would.

#include "kscratch/pki/pki.h"

#include "openssl_util.h"

#include <fmt/format.h>
#include <openssl/x509v3.h>

namespace kscratch::pki {

using namespace detail;

namespace {

// sk_X509_free is a macro, so it cannot be a Deleter argument. The stack only borrows its
// certificates (the bundle owns them), hence a plain free, not sk_X509_pop_free.
struct CertStackDeleter {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};
using CertStackPtr = std::unique_ptr<STACK_OF(X509), CertStackDeleter>;

bool is_root(X509* cert) {
  const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert);
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(cert);
  return aki == nullptr || (ski != nullptr && ASN1_OCTET_STRING_cmp(aki, ski) == 0);
}

}  // namespace

Status verify_certificate(std::string_view cert, std::string_view ca_bundle_pem, std::optional<Usage> usage) {
  auto leaf = parse_certificate(cert);
  if (!leaf) return leaf.error();
  auto cas = parse_certificate_bundle(ca_bundle_pem);
  if (!cas) return cas.error();
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx) return openssl_error("allocating a certificate store");
  for (const X509Ptr& ca : *cas)
    if (X509_STORE_add_cert(store.get(), ca.get()) != 1) return openssl_error("adding a CA certificate to the store");
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf->get(), nullptr) != 1)
    return openssl_error("initialising certificate verification");
  if (usage) {
    int purpose = *usage == Usage::server ? X509_PURPOSE_SSL_SERVER : X509_PURPOSE_SSL_CLIENT;
    if (X509_STORE_CTX_set_purpose(ctx.get(), purpose) != 1) return openssl_error("setting the verification purpose");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    int code = X509_STORE_CTX_get_error(ctx.get());
    clear_openssl_errors();
    auto info = inspect_certificate(cert);
    std::string subject = info ? info->common_name : std::string("?");
    return Error{fmt::format("certificate \"{}\" does not verify against the CA: {}", subject,
                             X509_verify_cert_error_string(code))};
  }
  return Ok{};
}

namespace detail {

std::optional<std::string> chain_root_der(const std::vector<X509Ptr>& bundle) {
  if (bundle.empty()) return std::nullopt;
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  CertStackPtr intermediates(sk_X509_new_null());
  if (!store || !ctx || !intermediates) return std::nullopt;
  for (std::size_t i = 1; i < bundle.size(); ++i) {
    X509* cert = bundle[i].get();
    if (is_root(cert)) X509_STORE_add_cert(store.get(), cert);
    else sk_X509_push(intermediates.get(), cert);
  }
  std::optional<std::string> root;
  if (X509_STORE_CTX_init(ctx.get(), store.get(), bundle[0].get(), intermediates.get()) == 1 &&
      X509_verify_cert(ctx.get()) == 1) {
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
    root = certificate_to_der(sk_X509_value(chain, sk_X509_num(chain) - 1));
  }
  clear_openssl_errors();
  return root;
}

}  // namespace detail
}  // namespace kscratch::pki
