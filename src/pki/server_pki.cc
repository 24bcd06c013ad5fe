// The server's certificates under <data-dir>/server/tls, created on the first start and
// reused (or renewed) afterwards, as k3s's control/deps does for its data dir.

#include "kscratch/pki/pki.h"

#include "alt_names.h"
#include "files.h"
#include "openssl_util.h"

#include "kscratch/util/log.h"

#include <fmt/format.h>

namespace kscratch::pki {

using namespace detail;
namespace fs = std::filesystem;

namespace {

// Certificates are public, but they live in the 0700 tls dir anyway; k3s writes them 0644.
constexpr fs::perms kCertificateMode = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                       fs::perms::others_read;

std::string join(const SubjectAltNames& names) {
  std::vector<std::string> all = names.dns_names;
  all.insert(all.end(), names.ip_addresses.begin(), names.ip_addresses.end());
  return fmt::format("{}", fmt::join(all, ", "));
}

// The key in `file`, generated and written (0600) when the file does not exist yet.
Expected<std::string> load_or_create_key(const fs::path& file) {
  auto existing = read_file_if_exists(file);
  if (!existing) return existing.error();
  if (*existing) {
    auto key = parse_private_key(**existing, file.string());
    if (!key) return key.error();
    return std::move(**existing);
  }
  auto key = generate_private_key();
  if (!key) return key.error();
  if (Status s = write_file_atomic(file, *key, kPrivateFileMode); !s) return s.error();
  return key;
}

Expected<CertAndKey> load_or_create_ca(ServerPki& pki) {
  auto cert = read_file_if_exists(pki.ca_cert_file);
  if (!cert) return cert.error();
  std::error_code ec;
  if (*cert && !fs::exists(pki.ca_key_file, ec))
    return Error{fmt::format("{} exists but its key {} is missing: restore the key, or remove both to create a new "
                             "CA (which invalidates every credential and join token issued so far)",
                             pki.ca_cert_file.string(), pki.ca_key_file.string())};
  auto key = load_or_create_key(pki.ca_key_file);
  if (!key) return key.error();
  if (*cert) {
    auto info = inspect_certificate(**cert);
    if (!info) return Error{fmt::format("{}: {}", pki.ca_cert_file.string(), info.error().message)};
    if (!info->is_ca) return Error{fmt::format("{}: not a CA certificate", pki.ca_cert_file.string())};
    if (Status s = check_key_matches(**cert, *key); !s)
      return Error{fmt::format("{} and {}: {}", pki.ca_cert_file.string(), pki.ca_key_file.string(), s.error().message)};
    return CertAndKey{std::move(**cert), std::move(*key)};
  }
  // Only a first start (or a crash between writing the key and the certificate) gets here.
  auto created = create_ca_certificate(*key, ca_common_name());
  if (!created) return created.error();
  if (Status s = write_file_atomic(pki.ca_cert_file, *created, kCertificateMode); !s) return s.error();
  pki.ca_created = true;
  log::info("pki", "created the cluster CA file={}", pki.ca_cert_file.string());
  return CertAndKey{std::move(*created), std::move(*key)};
}

// Why an existing leaf certificate must be re-issued, or "" when it can be kept.
std::string reissue_reason(const CertificateInfo& info, const std::string& cert_pem, const std::string& key_pem,
                           const CertAndKey& ca, const CertificateRequest& request) {
  if (Status s = verify_certificate(cert_pem, ca.cert_pem); !s) return s.error().message;
  if (info.not_after - std::chrono::system_clock::now() < kRenewBefore)
    return fmt::format("it expires within {} days", kRenewBefore.count() / 24);
  if (!check_key_matches(cert_pem, key_pem)) return "it does not match its key";
  if (info.common_name != request.common_name || info.organizations != request.organizations)
    return "its subject differs from the one wanted";
  if (SubjectAltNames missing = missing_names(info.alt_names, request.alt_names); !empty(missing))
    return fmt::format("it does not cover {}", join(missing));
  return {};
}

// The leaf certificate in cert_file for request, issued anew when missing or stale. The key
// is kept across re-issues, so a crash between the two writes cannot leave them mismatched.
Expected<CertAndKey> load_or_issue_leaf(const CertAndKey& ca, const CertificateRequest& request,
                                        const fs::path& cert_file, const fs::path& key_file, bool& issued) {
  auto key = load_or_create_key(key_file);
  if (!key) return key.error();
  auto existing = read_file_if_exists(cert_file);
  if (!existing) return existing.error();
  std::string reason = "it does not exist";
  if (*existing) {
    auto info = inspect_certificate(**existing);
    if (!info) return Error{fmt::format("{}: {}", cert_file.string(), info.error().message)};
    reason = reissue_reason(*info, **existing, *key, ca, request);
    if (reason.empty()) return CertAndKey{std::move(**existing), std::move(*key)};
  }
  auto cert = issue_certificate(ca, *key, request);
  if (!cert) return Error{fmt::format("issuing {}: {}", cert_file.string(), cert.error().message)};
  if (Status s = write_file_atomic(cert_file, *cert, kCertificateMode); !s) return s.error();
  issued = true;
  log::info("pki", "issued {} because {}", cert_file.string(), reason);
  return CertAndKey{std::move(*cert), std::move(*key)};
}

}  // namespace

Expected<ServerPki> ensure_server_pki(const fs::path& data_dir, const SubjectAltNames& sans) {
  ServerPki pki;
  pki.tls_dir = data_dir / "server" / "tls";
  pki.ca_cert_file = pki.tls_dir / "server-ca.crt";
  pki.ca_key_file = pki.tls_dir / "server-ca.key";
  pki.serving_cert_file = pki.tls_dir / "serving.crt";
  pki.serving_key_file = pki.tls_dir / "serving.key";
  pki.admin_cert_file = pki.tls_dir / "client-admin.crt";
  pki.admin_key_file = pki.tls_dir / "client-admin.key";
  pki.kubelet_client_cert_file = pki.tls_dir / "client-kube-apiserver-kubelet.crt";
  pki.kubelet_client_key_file = pki.tls_dir / "client-kube-apiserver-kubelet.key";
  if (Status s = make_directories(pki.tls_dir, kPrivateDirMode); !s) return s.error();

  auto ca = load_or_create_ca(pki);
  if (!ca) return ca.error();
  pki.ca = std::move(*ca);

  // Names are canonicalised so "LOCALHOST" or "::0001" do not force a re-issue every start.
  std::vector<std::string> names = sans.dns_names;
  names.insert(names.end(), sans.ip_addresses.begin(), sans.ip_addresses.end());
  CertificateRequest serving{"kscratch", {"kscratch"}, classify_names(names), Usage::server};
  auto serving_pair = load_or_issue_leaf(pki.ca, serving, pki.serving_cert_file, pki.serving_key_file, pki.serving_issued);
  if (!serving_pair) return serving_pair.error();
  pki.serving = std::move(*serving_pair);

  bool admin_issued = false;
  CertificateRequest admin{"system:admin", {"system:masters"}, {}, Usage::client};
  auto admin_pair = load_or_issue_leaf(pki.ca, admin, pki.admin_cert_file, pki.admin_key_file, admin_issued);
  if (!admin_pair) return admin_pair.error();
  pki.admin = std::move(*admin_pair);

  bool kubelet_client_issued = false;
  CertificateRequest kubelet_client{"kube-apiserver-kubelet-client", {"system:masters"}, {}, Usage::client};
  auto kubelet_pair = load_or_issue_leaf(pki.ca, kubelet_client, pki.kubelet_client_cert_file,
                                         pki.kubelet_client_key_file, kubelet_client_issued);
  if (!kubelet_pair) return kubelet_pair.error();
  pki.kubelet_client = std::move(*kubelet_pair);
  return pki;
}

}  // namespace kscratch::pki
