// Join tokens: k3s's K10 format, its parsing rules, CA hash checks and the token file.

#include "kscratch/pki/pki.h"

#include "run_coro.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <sys/stat.h>

using namespace kscratch::pki;
using kscratch::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  REQUIRE(EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr) == 1);
  std::string out;
  for (unsigned int i = 0; i < n; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

std::string der_of(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  REQUIRE(cert);
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  X509_free(cert);
  return out;
}

CertAndKey make_ca() {
  auto key = generate_private_key();
  REQUIRE(key);
  auto cert = create_ca_certificate(*key, ca_common_name());
  REQUIRE(cert);
  return {*cert, *key};
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::string kHash(64, 'a');

}  // namespace

TEST_CASE("full tokens parse into CA hash, user and password", "[pki][token]") {
  auto token = parse_token("K10" + kHash + "::server:s3cret");
  REQUIRE(token);
  CHECK(token->ca_hash == kHash);
  CHECK(token->username == "server");
  CHECK(token->password == "s3cret");
  CHECK(token->bootstrap_token.empty());

  // Only the first colon separates user from password.
  CHECK(parse_token("K10" + kHash + "::node:a:b")->password == "a:b");
  // An empty hash is allowed, as in k3s.
  auto no_hash = parse_token("K10::server:pw");
  REQUIRE(no_hash);
  CHECK(no_hash->ca_hash.empty());
  CHECK(no_hash->password == "pw");
  // Hashes compare in lower case.
  CHECK(parse_token("K10" + std::string(64, 'A') + "::server:pw")->ca_hash == kHash);
}

TEST_CASE("short tokens are taken whole as the password", "[pki][token]") {
  auto token = parse_token("abc123");
  REQUIRE(token);
  CHECK(token->ca_hash.empty());
  CHECK(token->username.empty());
  CHECK(token->password == "abc123");
  CHECK(parse_token("user:pass")->password == "user:pass");
  CHECK(parse_token("a::b")->password == "a::b");
}

TEST_CASE("bootstrap tokens are recognised", "[pki][token]") {
  auto bare = parse_token("abcdef.0123456789abcdef");
  REQUIRE(bare);
  CHECK(bare->bootstrap_token == "abcdef.0123456789abcdef");
  CHECK(bare->password.empty());
  auto full = parse_token("K10" + kHash + "::abcdef.0123456789abcdef");
  REQUIRE(full);
  CHECK(full->ca_hash == kHash);
  CHECK(full->bootstrap_token == "abcdef.0123456789abcdef");
}

TEST_CASE("malformed tokens are refused with clear errors", "[pki][token]") {
  auto check = [](const std::string& token, const std::string& message) {
    INFO(token);
    auto parsed = parse_token(token);
    REQUIRE_FALSE(parsed);
    CHECK_THAT(parsed.error().message, Catch::Contains(message));
    // The secret never appears in the error.
    if (token.size() > 4) CHECK_THAT(parsed.error().message, !Catch::Contains("hunter2"));
  };
  check("", "token must not be empty");
  check("K10abc::server:hunter2", "invalid token CA hash length: 3 characters, want 64");
  check("K10" + std::string(64, 'z') + "::server:hunter2", "not hexadecimal");
  check("K10hunter2", "invalid token format");
  check("K10" + kHash + "::hunter2", "invalid token format");
  check("K10" + kHash + "::server:", "invalid token format");
}

TEST_CASE("format_token hashes the CA PEM bytes and round-trips", "[pki][token]") {
  CertAndKey ca = make_ca();
  auto hash = ca_hash(ca.cert_pem);
  REQUIRE(hash);
  CHECK(*hash == sha256_hex(ca.cert_pem));
  auto token = format_token("server:pw", ca.cert_pem);
  REQUIRE(token);
  CHECK(*token == "K10" + *hash + "::server:pw");
  auto parsed = parse_token(*token);
  REQUIRE(parsed);
  CHECK(check_ca_hash(*parsed, ca.cert_pem));

  auto other = make_ca();
  auto mismatch = check_ca_hash(*parsed, other.cert_pem);
  REQUIRE_FALSE(mismatch);
  CHECK_THAT(mismatch.error().message,
             Catch::Contains("token CA hash does not match the Cluster CA certificate hash: " + *hash));
  // A short token carries no hash and so accepts any CA.
  CHECK(check_ca_hash(*parse_token("pw"), other.cert_pem));

  CHECK_FALSE(format_token("", ca.cert_pem));
  auto bad_ca = format_token("server:pw", "not a certificate");
  REQUIRE_FALSE(bad_ca);
  CHECK_THAT(bad_ca.error().message, Catch::Contains("no PEM certificate"));
}

TEST_CASE("a CA bundle hashes as its root certificate's DER", "[pki][token]") {
  CertAndKey ca = make_ca();
  auto key = generate_private_key();
  auto leaf = issue_certificate(ca, *key, {"kscratch", {}, classify_names({"localhost"}), Usage::server});
  REQUIRE(leaf);
  auto hash = ca_hash(*leaf + ca.cert_pem);
  REQUIRE(hash);
  CHECK(*hash == sha256_hex(der_of(ca.cert_pem)));
  // A bundle that does not chain falls back to the file's bytes.
  CertAndKey other = make_ca();
  std::string unrelated = *leaf + other.cert_pem;
  CHECK(*ca_hash(unrelated) == sha256_hex(unrelated));
}

TEST_CASE("the server token is generated once and reused", "[pki][token]") {
  TempDir tmp;
  CertAndKey ca = make_ca();
  auto first = ensure_server_token(tmp.path(), ca.cert_pem);
  REQUIRE(first);
  CHECK(first->file == tmp.path() / "server" / "token");
  CHECK(first->password.size() == 32);
  CHECK(first->password.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(first->join_token == *format_token("server:" + first->password, ca.cert_pem));
  CHECK(slurp(first->file) == first->join_token + "\n");
  struct stat st {};
  REQUIRE(::stat(first->file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto second = ensure_server_token(tmp.path(), ca.cert_pem);
  REQUIRE(second);
  CHECK(second->join_token == first->join_token);

  // A new CA keeps the password and rewrites the hash.
  CertAndKey rotated = make_ca();
  auto third = ensure_server_token(tmp.path(), rotated.cert_pem);
  REQUIRE(third);
  CHECK(third->password == first->password);
  CHECK(check_ca_hash(*parse_token(slurp(third->file).substr(0, third->join_token.size())), rotated.cert_pem));
}

TEST_CASE("a --token value wins and is stored", "[pki][token]") {
  TempDir tmp;
  CertAndKey ca = make_ca();
  REQUIRE(ensure_server_token(tmp.path(), ca.cert_pem));
  auto given = ensure_server_token(tmp.path(), ca.cert_pem, "my-secret");
  REQUIRE(given);
  CHECK(given->password == "my-secret");
  CHECK(ensure_server_token(tmp.path(), ca.cert_pem)->password == "my-secret");

  // The full form is accepted when its hash matches this CA...
  auto full = ensure_server_token(tmp.path(), ca.cert_pem, given->join_token);
  REQUIRE(full);
  CHECK(full->password == "my-secret");
  // ...and refused when it belongs to another cluster.
  CertAndKey other = make_ca();
  auto foreign = ensure_server_token(tmp.path(), other.cert_pem, given->join_token);
  REQUIRE_FALSE(foreign);
  CHECK_THAT(foreign.error().message, Catch::StartsWith("--token: token CA hash does not match"));
  auto malformed = ensure_server_token(tmp.path(), ca.cert_pem, "K10short::x");
  REQUIRE_FALSE(malformed);
  CHECK_THAT(malformed.error().message, Catch::StartsWith("--token: invalid token CA hash length"));
}

TEST_CASE("a corrupt token file is reported", "[pki][token]") {
  TempDir tmp;
  CertAndKey ca = make_ca();
  fs::create_directories(tmp.path() / "server");
  std::ofstream(tmp.path() / "server" / "token") << "K10zz::";
  auto result = ensure_server_token(tmp.path(), ca.cert_pem);
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().message, Catch::Contains("server/token") && Catch::Contains("invalid token"));
}

TEST_CASE("random_hex gives fresh hex strings", "[pki][token]") {
  auto a = random_hex(16);
  auto b = random_hex(16);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->size() == 32);
  CHECK(*a != *b);
}
