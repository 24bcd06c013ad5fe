// Join tokens in k3s's format (pkg/clientaccess/token.go): "K10<ca hash>::<user>:<password>",
// where the hash lets a joining node trust the CA it downloads from the server.

#include "kscratch/pki/pki.h"

#include "encoding.h"
#include "files.h"
#include "openssl_util.h"

#include "kscratch/util/log.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace kscratch::pki {

using namespace detail;

namespace {

constexpr std::size_t kCaHashLength = 64;  // SHA-256, hex.
constexpr std::size_t kPasswordBytes = 16;

// Kubeadm bootstrap tokens: "<6 char id>.<16 char secret>".
bool is_bootstrap_token(std::string_view token) {
  static const std::regex pattern("^[a-z0-9]{6}\\.[a-z0-9]{16}$");
  return std::regex_match(token.begin(), token.end(), pattern);
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Expected<std::string> random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    return openssl_error("generating random bytes");
  return hex_encode(raw);
}

// The same steps as k3s's parseToken, so both accept and reject the same strings. Error
// messages never quote the token: it is a secret.
Expected<JoinToken> parse_token(std::string_view input) {
  if (input.empty()) return Error{"token must not be empty"};
  std::string token(input);
  // A bare password or bootstrap token becomes a full token with an empty CA hash, so one
  // parser handles all forms. A bare password is taken whole, colons included.
  if (!token.starts_with(kTokenPrefix))
    token = std::string(kTokenPrefix) + (is_bootstrap_token(token) ? "::" : ":::") + token;
  token.erase(0, kTokenPrefix.size());

  JoinToken out;
  if (std::size_t sep = token.find("::"); sep != std::string::npos) {
    std::string hash = token.substr(0, sep);
    if (!hash.empty() && hash.size() != kCaHashLength)
      return Error{fmt::format("invalid token CA hash length: {} characters, want {}", hash.size(), kCaHashLength)};
    if (!is_hex(hash)) return Error{"invalid token CA hash: not hexadecimal"};
    out.ca_hash = lower(hash);
    token.erase(0, sep + 2);
  }
  if (is_bootstrap_token(token)) {
    out.bootstrap_token = token;
    return out;
  }
  std::size_t colon = token.find(':');
  if (colon == std::string::npos || colon + 1 == token.size())
    return Error{"invalid token format: want K10<ca hash>::<user>:<password> or a bare password"};
  out.username = token.substr(0, colon);
  out.password = token.substr(colon + 1);
  return out;
}

Expected<std::string> ca_hash(std::string_view ca_bundle_pem) {
  auto certs = parse_certificate_bundle(ca_bundle_pem);
  if (!certs) return certs.error();
  // One certificate: the hash of the file's bytes (k3s's "legacy" hash, what every
  // single-CA cluster uses). A bundle: the hash of its root's DER, so renewing
  // intermediates keeps tokens valid.
  if (certs->size() > 1)
    if (auto root = chain_root_der(*certs)) return sha256_hex(*root);
  return sha256_hex(ca_bundle_pem);
}

Expected<std::string> format_token(std::string_view credentials, std::string_view ca_bundle_pem) {
  if (credentials.empty()) return Error{"token credentials must not be empty"};
  auto hash = ca_hash(ca_bundle_pem);
  if (!hash) return hash.error();
  return fmt::format("{}{}::{}", kTokenPrefix, *hash, credentials);
}

Status check_ca_hash(const JoinToken& token, std::string_view ca_bundle_pem) {
  if (token.ca_hash.empty()) return Ok{};
  auto hash = ca_hash(ca_bundle_pem);
  if (!hash) return hash.error();
  if (lower(token.ca_hash) != *hash)
    return Error{fmt::format("token CA hash does not match the Cluster CA certificate hash: {} != {}", token.ca_hash,
                             *hash)};
  return Ok{};
}

Expected<ServerToken> ensure_server_token(const std::filesystem::path& data_dir, std::string_view ca_pem,
                                          std::string_view user_token) {
  ServerToken out;
  out.file = data_dir / "server" / "token";
  if (Status s = make_directories(out.file.parent_path(), kPrivateDirMode); !s) return s.error();

  if (!user_token.empty()) {
    auto parsed = parse_token(trim(user_token));
    if (!parsed) return Error{"--token: " + parsed.error().message};
    if (!parsed->bootstrap_token.empty()) return Error{"--token: a bootstrap token cannot be the server token"};
    if (Status s = check_ca_hash(*parsed, ca_pem); !s) return Error{"--token: " + s.error().message};
    out.password = parsed->password;
  } else {
    auto stored = read_file_if_exists(out.file);
    if (!stored) return stored.error();
    if (*stored) {
      auto parsed = parse_token(trim(**stored));
      if (!parsed) return Error{fmt::format("{}: {}", out.file.string(), parsed.error().message)};
      if (parsed->password.empty()) return Error{fmt::format("{}: holds no password", out.file.string())};
      // A stale hash (the CA was replaced) is rewritten below; the password stays.
      out.password = parsed->password;
    } else {
      auto generated = random_hex(kPasswordBytes);
      if (!generated) return generated.error();
      out.password = *generated;
    }
  }

  auto join = format_token(fmt::format("{}:{}", kServerTokenUser, out.password), ca_pem);
  if (!join) return Error{"formatting the join token: " + join.error().message};
  out.join_token = *join;
  auto current = read_file_if_exists(out.file);
  if (!current) return current.error();
  if (!*current || trim(**current) != out.join_token) {
    if (Status s = write_file_atomic(out.file, out.join_token + "\n", kPrivateFileMode); !s) return s.error();
    log::info("pki", "wrote the server token file={}", out.file.string());
  }
  return out;
}

}  // namespace kscratch::pki
