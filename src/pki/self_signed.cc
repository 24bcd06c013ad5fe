// A serving certificate without the cluster CA: what upstream's kubelet generates for its
// :10250 port when it is given no --tls-cert-file (cert.GenerateSelfSignedCertKey). The
// apiserver does not verify it by default, so nothing else needs its CA.

#include "kscratch/pki/pki.h"

#include "files.h"

#include "kscratch/util/log.h"

#include <fmt/format.h>

#include <algorithm>

namespace kscratch::pki {

using namespace detail;
namespace fs = std::filesystem;

namespace {

// Why existing files cannot be reused, or "" when they can.
std::string stale_reason(const std::string& chain_pem, const std::string& key_pem, const SubjectAltNames& sans) {
  auto info = inspect_certificate(chain_pem);
  if (!info) return info.error().message;
  if (info->not_after - std::chrono::system_clock::now() < kRenewBefore) return "it expires soon";
  if (!check_key_matches(chain_pem, key_pem)) return "it does not match its key";
  for (auto& name : sans.dns_names) {
    if (std::find(info->alt_names.dns_names.begin(), info->alt_names.dns_names.end(), name) ==
        info->alt_names.dns_names.end())
      return fmt::format("it does not cover {}", name);
  }
  for (auto& ip : sans.ip_addresses) {
    if (std::find(info->alt_names.ip_addresses.begin(), info->alt_names.ip_addresses.end(), ip) ==
        info->alt_names.ip_addresses.end())
      return fmt::format("it does not cover {}", ip);
  }
  return {};
}

}  // namespace

Expected<CertAndKey> ensure_self_signed_serving(const fs::path& cert_file, const fs::path& key_file,
                                                const std::string& common_name, const SubjectAltNames& sans) {
  auto cert = read_file_if_exists(cert_file);
  if (!cert) return cert.error();
  auto key = read_file_if_exists(key_file);
  if (!key) return key.error();
  std::string reason = "it does not exist";
  if (*cert && *key) {
    reason = stale_reason(**cert, **key, sans);
    if (reason.empty()) return CertAndKey{std::move(**cert), std::move(**key)};
  }
  if (Status s = make_directories(cert_file.parent_path(), kPrivateDirMode); !s) return s.error();
  if (Status s = make_directories(key_file.parent_path(), kPrivateDirMode); !s) return s.error();
  // The CA's key is thrown away: this CA signs exactly one certificate, as upstream's.
  auto ca_key = generate_private_key();
  if (!ca_key) return ca_key.error();
  auto ca_cert = create_ca_certificate(*ca_key, ca_common_name(common_name + "-ca"));
  if (!ca_cert) return ca_cert.error();
  auto leaf_key = generate_private_key();
  if (!leaf_key) return leaf_key.error();
  CertificateRequest request{common_name, {}, sans, Usage::server};
  auto leaf = issue_certificate(CertAndKey{*ca_cert, *ca_key}, *leaf_key, request);
  if (!leaf) return Error{fmt::format("issuing {}: {}", cert_file.string(), leaf.error().message)};
  // The key goes first: a crash between the writes leaves a certificate that does not
  // match its key, which the next start detects and replaces.
  if (Status s = write_file_atomic(key_file, *leaf_key, kPrivateFileMode); !s) return s.error();
  std::string chain = *leaf + *ca_cert;
  if (Status s = write_file_atomic(cert_file, chain, kPrivateFileMode); !s) return s.error();
  log::info("pki", "made a self-signed serving certificate {} because {}", cert_file.string(), reason);
  return CertAndKey{std::move(chain), std::move(*leaf_key)};
}

}  // namespace kscratch::pki
