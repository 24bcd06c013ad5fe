// An in-memory TLS handshake with the files ensure_server_pki writes, configured the way
// boost::asio::ssl::context would load them: the server proves its name, the client its
// identity, both against the cluster CA.

#include "kscratch/pki/pki.h"

#include "run_coro.h"

#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace kscratch::pki;
using kscratch::testing::TempDir;

namespace {

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

CtxPtr make_ctx(const SSL_METHOD* method, const std::string& ca_file, const std::string& cert_file,
                const std::string& key_file) {
  CtxPtr ctx(SSL_CTX_new(method));
  REQUIRE(ctx);
  REQUIRE(SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) == 1);
  if (!cert_file.empty()) {
    REQUIRE(SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(), SSL_FILETYPE_PEM) == 1);
  }
  return ctx;
}

struct Result {
  bool ok = false;
  long client_verify = X509_V_OK;
  std::string peer_der;  // The client certificate the server saw.
};

// Drives both ends over a BIO pair until the handshake completes or one side fails.
Result handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx, const char* host_or_ip) {
  SslPtr server(SSL_new(server_ctx));
  SslPtr client(SSL_new(client_ctx));
  BIO* server_bio = nullptr;
  BIO* client_bio = nullptr;
  REQUIRE(BIO_new_bio_pair(&server_bio, 0, &client_bio, 0) == 1);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(client.get());
  if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(client.get()), host_or_ip) != 1) {
    ERR_clear_error();
    SSL_set1_host(client.get(), host_or_ip);
  }
  SSL_set_tlsext_host_name(client.get(), host_or_ip);

  Result result;
  bool client_done = false, server_done = false;
  for (int round = 0; round < 20 && !(client_done && server_done); ++round) {
    if (!client_done) {
      int rc = SSL_do_handshake(client.get());
      if (rc == 1) client_done = true;
      else if (SSL_get_error(client.get(), rc) != SSL_ERROR_WANT_READ) break;
    }
    if (!server_done) {
      int rc = SSL_do_handshake(server.get());
      if (rc == 1) server_done = true;
      else if (SSL_get_error(server.get(), rc) != SSL_ERROR_WANT_READ) break;
    }
  }
  ERR_clear_error();
  result.ok = client_done && server_done;
  result.client_verify = SSL_get_verify_result(client.get());
  if (X509* peer = SSL_get0_peer_certificate(server.get())) {
    unsigned char* der = nullptr;
    int n = i2d_X509(peer, &der);
    result.peer_der.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
  }
  return result;
}

}  // namespace

TEST_CASE("TLS handshake with mutual authentication against the cluster CA", "[pki][tls]") {
  TempDir tmp;
  auto pki = ensure_server_pki(tmp.path(), classify_names({"127.0.0.1", "localhost", "kubernetes.default.svc"}));
  REQUIRE(pki);
  CtxPtr server = make_ctx(TLS_server_method(), pki->ca_cert_file, pki->serving_cert_file, pki->serving_key_file);
  SSL_CTX_set_verify(server.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  CtxPtr client = make_ctx(TLS_client_method(), pki->ca_cert_file, pki->admin_cert_file, pki->admin_key_file);
  SSL_CTX_set_verify(client.get(), SSL_VERIFY_PEER, nullptr);

  for (const char* name : {"127.0.0.1", "localhost", "kubernetes.default.svc"}) {
    INFO(name);
    Result result = handshake(server.get(), client.get(), name);
    REQUIRE(result.ok);
    auto identity = client_identity(result.peer_der);
    REQUIRE(identity);
    CHECK(identity->user == "system:admin");
    CHECK(identity->groups == std::vector<std::string>{"system:masters"});
  }

  SECTION("a name the serving certificate does not cover fails") {
    Result result = handshake(server.get(), client.get(), "10.9.9.9");
    CHECK_FALSE(result.ok);
    CHECK(result.client_verify == X509_V_ERR_IP_ADDRESS_MISMATCH);
  }
  SECTION("a client without a certificate is refused") {
    CtxPtr anonymous = make_ctx(TLS_client_method(), pki->ca_cert_file, "", "");
    SSL_CTX_set_verify(anonymous.get(), SSL_VERIFY_PEER, nullptr);
    CHECK_FALSE(handshake(server.get(), anonymous.get(), "localhost").ok);
  }
  SECTION("a client certificate from another CA is refused") {
    TempDir other_dir;
    auto other = ensure_server_pki(other_dir.path(), classify_names({"localhost"}));
    REQUIRE(other);
    CtxPtr stranger = make_ctx(TLS_client_method(), pki->ca_cert_file, other->admin_cert_file, other->admin_key_file);
    SSL_CTX_set_verify(stranger.get(), SSL_VERIFY_PEER, nullptr);
    CHECK_FALSE(handshake(server.get(), stranger.get(), "localhost").ok);
  }
}
