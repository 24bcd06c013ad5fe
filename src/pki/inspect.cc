// Reading certificates back: the fields tests check and the identity the apiserver derives.

#include "kscratch/pki/pki.h"

#include "alt_names.h"
#include "openssl_util.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include <ctime>

namespace kscratch::pki {

using namespace detail;

namespace {

using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

std::string utf8(const ASN1_STRING* value) {
  unsigned char* out = nullptr;
  int n = ASN1_STRING_to_UTF8(&out, value);
  if (n < 0) return {};
  std::string s(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
  OPENSSL_free(out);
  return s;
}

std::vector<std::string> name_entries(const X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0; i = X509_NAME_get_index_by_NID(name, nid, i))
    out.push_back(utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i))));
  return out;
}

std::string first_entry(const X509_NAME* name, int nid) {
  auto all = name_entries(name, nid);
  return all.empty() ? std::string() : all.front();
}

SubjectAltNames alt_names_of(X509* cert) {
  SubjectAltNames out;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gen = sk_GENERAL_NAME_value(names.get(), i);
    if (gen->type == GEN_DNS) {
      out.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gen->d.dNSName)),
                                 static_cast<std::size_t>(ASN1_STRING_length(gen->d.dNSName)));
    } else if (gen->type == GEN_IPADD) {
      std::string bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gen->d.iPAddress)),
                        static_cast<std::size_t>(ASN1_STRING_length(gen->d.iPAddress)));
      out.ip_addresses.push_back(ip_from_bytes(bytes));
    }
  }
  return out;
}

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string serial_hex(X509* cert) {
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (!serial) return {};
  char* hex = BN_bn2hex(serial.get());
  if (!hex) return {};
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

}  // namespace

Expected<CertificateInfo> inspect_certificate(std::string_view data) {
  auto cert = parse_certificate(data);
  if (!cert) return cert.error();
  X509* x = cert->get();
  CertificateInfo info;
  info.common_name = first_entry(X509_get_subject_name(x), NID_commonName);
  info.organizations = name_entries(X509_get_subject_name(x), NID_organizationName);
  info.issuer_common_name = first_entry(X509_get_issuer_name(x), NID_commonName);
  info.alt_names = alt_names_of(x);
  info.serial_hex = serial_hex(x);
  info.not_before = to_time_point(X509_get0_notBefore(x));
  info.not_after = to_time_point(X509_get0_notAfter(x));
  // X509_get_extension_flags also caches the parsed extensions the calls below read.
  uint32_t flags = X509_get_extension_flags(x);
  info.is_ca = (flags & EXFLAG_CA) != 0;
  if (flags & EXFLAG_XKUSAGE) {
    uint32_t usage = X509_get_extended_key_usage(x);
    info.server_auth = (usage & XKU_SSL_SERVER) != 0;
    info.client_auth = (usage & XKU_SSL_CLIENT) != 0;
  }
  clear_openssl_errors();
  return info;
}

Expected<ClientIdentity> client_identity(std::string_view cert) {
  auto info = inspect_certificate(cert);
  if (!info) return Error{"client certificate: " + info.error().message};
  if (info->common_name.empty()) return Error{"client certificate has no common name (the user name)"};
  return ClientIdentity{info->common_name, info->organizations};
}

}  // namespace kscratch::pki
