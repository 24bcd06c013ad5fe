#pragma once
// The cluster PKI and credentials: what k3s does in pkg/daemons/control/deps (the CA, the
// serving and admin certificates under the data dir) and pkg/clientaccess (join tokens,
// kubeconfigs).
//
// Keys and certificates cross this interface as PEM text so callers (the asio TLS context,
// kubeconfigs, tests) never touch OpenSSL types. Every function reports failures as an
// Error whose message names the file or input and the problem; none of them throws.

#include "kscratch/util/expected.h"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::pki {

// ---------------------------------------------------------------------------------------
// Keys and certificates

// The names a serving certificate answers to. IP addresses are kept in canonical text form
// (inet_ntop), so "::0001" and "::1" compare equal.
struct SubjectAltNames {
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
};

// Sorts free-form names (as given to --tls-san) into IP addresses and DNS names, dropping
// duplicates and empty entries.
SubjectAltNames classify_names(const std::vector<std::string>& names);

// What a leaf certificate may be used for: the extKeyUsage it carries.
enum class Usage { server, client };

struct CertificateRequest {
  std::string common_name;
  std::vector<std::string> organizations;  // Kubernetes reads these as the user's groups.
  SubjectAltNames alt_names;               // Only meaningful for Usage::server.
  Usage usage = Usage::client;
  std::chrono::seconds validity = std::chrono::hours(24 * 365);
};

// A certificate and its private key, both PEM.
struct CertAndKey {
  std::string cert_pem;
  std::string key_pem;
};

// A fresh ECDSA P-256 private key (the key type k3s uses), PKCS#8 PEM.
Expected<std::string> generate_private_key();

// A self-signed CA certificate for key_pem (basicConstraints CA:TRUE, keyCertSign).
Expected<std::string> create_ca_certificate(std::string_view key_pem, const std::string& common_name,
                                            std::chrono::seconds validity = std::chrono::hours(24 * 3650));

// The CA common name k3s-style: "kscratch-server-ca@<unix time>".
std::string ca_common_name(std::string_view prefix = "kscratch-server-ca");

// A certificate for key_pem's public key, signed by ca. Serial numbers are random 128-bit.
Expected<std::string> issue_certificate(const CertAndKey& ca, std::string_view key_pem,
                                        const CertificateRequest& request);

// The fields of a certificate that the server and the tests care about.
struct CertificateInfo {
  std::string common_name;
  std::vector<std::string> organizations;
  std::string issuer_common_name;
  SubjectAltNames alt_names;
  std::string serial_hex;  // Upper-case hex, no leading zeros.
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  bool is_ca = false;
  bool server_auth = false;  // extKeyUsage serverAuth.
  bool client_auth = false;  // extKeyUsage clientAuth.
};

// Reads the first certificate of `data`, which may be PEM or DER (what SSL_get_peer_certificate
// gives after i2d_X509).
Expected<CertificateInfo> inspect_certificate(std::string_view data);

// Checks that key_pem is the private key of cert_pem's public key.
Status check_key_matches(std::string_view cert_pem, std::string_view key_pem);

// Checks that cert (PEM or DER) chains to one of the certificates in ca_bundle_pem and is
// currently valid; with `usage`, also that its extKeyUsage allows it.
Status verify_certificate(std::string_view cert, std::string_view ca_bundle_pem,
                          std::optional<Usage> usage = std::nullopt);

// Who a client certificate authenticates as: the apiserver maps CN to the user name and
// each O to a group, as Kubernetes' x509 authenticator does.
struct ClientIdentity {
  std::string user;
  std::vector<std::string> groups;
};

// Reads the identity from cert (PEM or DER). It does not verify the chain: the TLS handshake
// (or verify_certificate) does that first.
Expected<ClientIdentity> client_identity(std::string_view cert);

// ---------------------------------------------------------------------------------------
// The server's PKI under <data-dir>/server/tls

struct ServerPki {
  std::filesystem::path tls_dir;  // <data-dir>/server/tls
  std::filesystem::path ca_cert_file, ca_key_file;
  std::filesystem::path serving_cert_file, serving_key_file;
  std::filesystem::path admin_cert_file, admin_key_file;
  CertAndKey ca;
  CertAndKey serving;
  CertAndKey admin;             // CN=system:admin, O=system:masters.
  // The apiserver's credential towards kubelets (upstream's --kubelet-client-certificate):
  // CN=kube-apiserver-kubelet-client, O=system:masters.
  std::filesystem::path kubelet_client_cert_file, kubelet_client_key_file;
  CertAndKey kubelet_client;
  bool ca_created = false;      // True on a first start (the CA was generated now).
  bool serving_issued = false;  // True when the serving certificate was (re)issued now.
};

// Certificates this close to expiry are re-issued on start, as k3s does.
inline constexpr std::chrono::hours kRenewBefore{24 * 90};

// Creates the CA, the serving certificate (for `sans`) and the admin client certificate on a
// first start, and reuses them afterwards. The serving certificate is re-issued when it does
// not cover every requested name, expires within kRenewBefore, or is not signed by the CA;
// the admin certificate likewise on expiry or a CA mismatch. Leaf keys are kept across
// re-issues. Corrupt files are reported, never overwritten. Keys are 0600, dirs 0700.
Expected<ServerPki> ensure_server_pki(const std::filesystem::path& data_dir, const SubjectAltNames& sans);

// A serving certificate that needs no cluster CA, as upstream's kubelet makes when it is
// given no --tls-cert-file: a key and a self-signed CA of its own ("<common_name>-ca@<time>")
// sign a leaf for `common_name` and `sans`. cert_file holds the leaf followed by that CA;
// key_file the leaf's key (0600). Existing files are reused while they match each other
// and are valid for longer than kRenewBefore; otherwise they are made anew.
Expected<CertAndKey> ensure_self_signed_serving(const std::filesystem::path& cert_file,
                                                const std::filesystem::path& key_file,
                                                const std::string& common_name, const SubjectAltNames& sans);

// ---------------------------------------------------------------------------------------
// Join tokens (k3s pkg/clientaccess/token.go)

inline constexpr std::string_view kTokenPrefix = "K10";
inline constexpr std::string_view kServerTokenUser = "server";

// A parsed token. Full tokens read "K10<ca hash>::<user>:<password>"; a short token (no
// K10 prefix) is taken whole as the password. Kubeadm-style bootstrap tokens
// ("abcdef.0123456789abcdef") are recognised and kept apart, as k3s does.
struct JoinToken {
  std::string ca_hash;  // 64 hex characters, or empty for a short token.
  std::string username;
  std::string password;
  std::string bootstrap_token;  // Set instead of username/password for bootstrap tokens.
};

Expected<JoinToken> parse_token(std::string_view token);

// The SHA-256 (hex) of a CA bundle as k3s computes it: of the PEM bytes for a single
// certificate, of the root's DER for a multi-certificate bundle.
Expected<std::string> ca_hash(std::string_view ca_bundle_pem);

// "K10<ca_hash(ca_bundle_pem)>::<credentials>", credentials being "user:password".
Expected<std::string> format_token(std::string_view credentials, std::string_view ca_bundle_pem);

// Checks a CA bundle (as downloaded from a server's /cacerts) against a token's hash. A token
// without a hash accepts any CA, as in k3s (which only warns).
Status check_ca_hash(const JoinToken& token, std::string_view ca_bundle_pem);

struct ServerToken {
  std::filesystem::path file;  // <data-dir>/server/token, holding join_token.
  std::string password;        // What agents must present.
  std::string join_token;      // "K10<hash>::server:<password>".
};

// Stores the server token, as k3s does: the full K10 form in <data-dir>/server/token (0600).
// A non-empty user_token (--token, short or full) wins and is stored; otherwise the stored
// one is reused, or a random one generated on a first start. A full user_token whose hash
// does not match ca_pem is refused.
Expected<ServerToken> ensure_server_token(const std::filesystem::path& data_dir, std::string_view ca_pem,
                                          std::string_view user_token = {});

// A random hex string of `bytes` random bytes (2*bytes characters), for passwords.
Expected<std::string> random_hex(std::size_t bytes);

// ---------------------------------------------------------------------------------------
// Kubeconfigs

// One kubeconfig's current context, as a client needs it. PEM fields are decoded text.
struct Kubeconfig {
  std::string server;  // e.g. https://127.0.0.1:6443
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;  // A bearer token, when the user authenticates with one.
  bool insecure_skip_tls_verify = false;
};

inline constexpr std::filesystem::perms kKubeconfigMode =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

// The YAML k3s writes to k3s.yaml: one cluster, context and user, all named "default", with
// the credentials embedded as base64 *-data fields.
std::string render_kubeconfig(const Kubeconfig& config);

// Writes render_kubeconfig(config) atomically (temp file, fsync, rename). A missing parent
// directory is created 0755, as client-go's WriteToFile does for /etc/rancher/k3s.
Status write_kubeconfig(const std::filesystem::path& file, const Kubeconfig& config,
                        std::filesystem::perms mode = kKubeconfigMode);

// Reads the current context of a kubeconfig: inline *-data fields, or file references
// (relative to the kubeconfig's directory), token or tokenFile.
Expected<Kubeconfig> read_kubeconfig(const std::filesystem::path& file);
Expected<Kubeconfig> parse_kubeconfig(std::string_view yaml, const std::filesystem::path& base_dir,
                                      std::string_view origin = "kubeconfig");

}  // namespace kscratch::pki
