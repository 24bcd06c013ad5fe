#include "openssl_util.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace kscratch::pki::detail {

Error openssl_error(std::string_view what) {
  std::string reasons;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!reasons.empty()) reasons += "; ";
    reasons += buf;
  }
  if (reasons.empty()) return Error{std::string(what)};
  return Error{fmt::format("{}: {}", what, reasons)};
}

void clear_openssl_errors() { ERR_clear_error(); }

BioPtr memory_bio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

namespace {

bool looks_like_pem(std::string_view data) { return data.find("-----BEGIN ") != std::string_view::npos; }

}  // namespace

Expected<PkeyPtr> parse_private_key(std::string_view pem, std::string_view what) {
  if (pem.empty()) return Error{fmt::format("{}: empty", what)};
  if (!looks_like_pem(pem)) return Error{fmt::format("{}: not PEM data (no -----BEGIN line)", what)};
  BioPtr bio = memory_bio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return openssl_error(fmt::format("{}: not a valid PEM private key", what));
  return key;
}

Expected<X509Ptr> parse_certificate(std::string_view data, std::string_view what) {
  if (data.empty()) return Error{fmt::format("{}: empty", what)};
  X509Ptr cert;
  if (looks_like_pem(data)) {
    BioPtr bio = memory_bio(data);
    cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return openssl_error(fmt::format("{}: not a valid PEM certificate", what));
  } else {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    cert.reset(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
    if (!cert) return openssl_error(fmt::format("{}: neither PEM nor a valid DER certificate", what));
  }
  return cert;
}

Expected<std::vector<X509Ptr>> parse_certificate_bundle(std::string_view pem, std::string_view what) {
  if (!looks_like_pem(pem)) return Error{fmt::format("{}: no PEM certificate found", what)};
  BioPtr bio = memory_bio(pem);
  std::vector<X509Ptr> certs;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(cert);
  // The loop ends on a "no start line" error at the end of the data; only a certificate
  // that started but did not parse is a real failure.
  unsigned long last = ERR_peek_last_error();
  bool clean_end = ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  if (last != 0 && !clean_end) return openssl_error(fmt::format("{}: invalid PEM certificate", what));
  clear_openssl_errors();
  if (certs.empty()) return Error{fmt::format("{}: no PEM certificate found", what)};
  return certs;
}

Expected<std::string> certificate_to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return openssl_error("encoding a certificate as PEM");
  return bio_contents(bio.get());
}

Expected<std::string> private_key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return openssl_error("encoding a private key as PEM");
  return bio_contents(bio.get());
}

std::string certificate_to_der(X509* cert) {
  unsigned char* der = nullptr;
  int size = i2d_X509(cert, &der);
  if (size <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

}  // namespace kscratch::pki::detail
