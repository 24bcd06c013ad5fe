// Pulls against a small registry written here (the distribution API's GETs over
// asio), to check what docker-registry on loopback cannot show: bearer tokens fetched
// with registries.yaml credentials, a blob redirected to another host (which must not
// see the registry's Authorization), shared concurrent pulls, and tampered blobs.

#include "kscratch/images/images.h"

#include "digest.h"
#include "oci_layout.h"
#include "test_tar.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include <map>

using namespace kscratch::images;
using kscratch::Expected;
using namespace kscratch::images::test;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

struct Request {
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// One-request-per-connection HTTP/1.1 server on 127.0.0.1 (an ephemeral port).
class TinyServer {
 public:
  TinyServer(asio::io_context& io, std::function<Response(const Request&)> handler)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), handler_(std::move(handler)) {
    asio::co_spawn(io, accept_loop(), asio::detached);
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void stop() { acceptor_.close(); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> serve(tcp::socket socket) {
    std::string buf;
    auto [ec, n] = co_await asio::async_read_until(socket, asio::dynamic_buffer(buf), "\r\n\r\n",
                                                   asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    Request req;
    std::string head = buf.substr(0, n);
    auto line_end = head.find("\r\n");
    std::string line = head.substr(0, line_end);
    auto sp1 = line.find(' '), sp2 = line.rfind(' ');
    req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t pos = line_end + 2;
    while (pos < head.size()) {
      auto end = head.find("\r\n", pos);
      std::string h = head.substr(pos, end - pos);
      pos = end + 2;
      auto colon = h.find(':');
      if (colon == std::string::npos) continue;
      std::string name = h.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers[name] = h.substr(h.find_first_not_of(' ', colon + 1));
    }
    Response res = handler_(req);
    std::string out = "HTTP/1.1 " + std::to_string(res.status) + " X\r\nConnection: close\r\nContent-Length: " +
                      std::to_string(res.body.size()) + "\r\n";
    for (auto& [k, v] : res.headers) out += k + ": " + v + "\r\n";
    out += "\r\n" + res.body;
    co_await asio::async_write(socket, asio::buffer(out), asio::as_tuple(asio::use_awaitable));
  }

  tcp::acceptor acceptor_;
  std::function<Response(const Request&)> handler_;
};

std::string blob_content(const OciLayout& layout, const std::string& digest) {
  for (auto& f : layout.files) {
    if (f.name == "blobs/sha256/" + std::string(digest_hex(digest))) return f.content;
  }
  return {};
}

struct Fixture {
  TempDir tmp;
  asio::io_context io;
  OciLayout layout = make_oci_layout(tmp.path, "unused:1", "pulled\n");
  bool tamper = false;
  int tag_manifest_requests = 0;
  int token_requests = 0;
  std::vector<std::string> cdn_authorizations;
  TinyServer cdn{io, [this](const Request& req) {
                   cdn_authorizations.push_back(req.headers.count("authorization") ? req.headers.at("authorization") : "");
                   std::string digest = req.target.substr(req.target.rfind('/') + 1);
                   std::string body = blob_content(layout, digest);
                   if (tamper) body[body.size() / 2] ^= 1;
                   return Response{200, {}, body};
                 }};
  TinyServer registry{io, [this](const Request& req) { return serve_registry(req); }};

  Response serve_registry(const Request& req) {
    std::string self = "http://127.0.0.1:" + std::to_string(registry.port());
    if (req.target.rfind("/token?", 0) == 0) {
      ++token_requests;
      // registries.yaml's user:secret, as basic auth on the token request.
      if (!req.headers.count("authorization") || req.headers.at("authorization") != "Basic dXNlcjpzZWNyZXQ=") {
        return Response{401, {}, R"({"errors":[{"code":"UNAUTHORIZED"}]})"};
      }
      if (req.target.find("scope=repository%3Ahello%3Apull") == std::string::npos) return Response{400, {}, "bad scope"};
      return Response{200, {}, R"({"token":"tok-123"})"};
    }
    if (!req.headers.count("authorization") || req.headers.at("authorization") != "Bearer tok-123") {
      return Response{401,
                      {{"WWW-Authenticate",
                        "Bearer realm=\"" + self + "/token\",service=\"tiny\",scope=\"repository:hello:pull\""}},
                      "{}"};
    }
    const std::string manifest_prefix = "/v2/hello/manifests/";
    if (req.target.rfind(manifest_prefix, 0) == 0) {
      std::string ref = req.target.substr(manifest_prefix.size());
      if (ref == "1") ++tag_manifest_requests;
      if (ref != "1" && ref != layout.manifest_digest) return Response{404, {}, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})"};
      return Response{200,
                      {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                       {"Docker-Content-Digest", layout.manifest_digest}},
                      blob_content(layout, layout.manifest_digest)};
    }
    const std::string blob_prefix = "/v2/hello/blobs/";
    if (req.target.rfind(blob_prefix, 0) == 0) {
      std::string digest = req.target.substr(blob_prefix.size());
      if (digest == layout.config_digest) return Response{200, {}, blob_content(layout, digest)};
      // Layers live on "storage" elsewhere, as Docker Hub's CDN.
      return Response{307, {{"Location", "http://127.0.0.1:" + std::to_string(cdn.port()) + "/cdn/" + digest}}, ""};
    }
    return Response{404, {}, "{}"};
  }

  std::shared_ptr<ImageService> open() {
    {
      std::ofstream(tmp.path / "registries.yaml") << "configs:\n  \"127.0.0.1:" << registry.port()
                                                  << "\":\n    auth:\n      username: user\n      password: secret\n";
    }
    ImageServiceOptions options;
    options.root = tmp.path / "store";
    options.registries_file = tmp.path / "registries.yaml";
    auto service = open_image_service(io.get_executor(), options);
    REQUIRE(service.ok());
    return *service;
  }
};

}  // namespace

TEST_CASE("a pull with a bearer token and a redirected layer; concurrent pulls share one download") {
  Fixture f;
  auto service = f.open();
  const std::string ref = "127.0.0.1:" + std::to_string(f.registry.port()) + "/hello:1";
  std::vector<Expected<Image>> results;
  auto one = [&]() -> asio::awaitable<void> {
    auto r = co_await service->pull(ref);
    results.push_back(std::move(r));
    if (results.size() == 2) {
      f.registry.stop();
      f.cdn.stop();
    }
  };
  asio::co_spawn(f.io, one(), asio::detached);
  asio::co_spawn(f.io, one(), asio::detached);
  f.io.run();
  REQUIRE(results.size() == 2);
  for (auto& r : results) {
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
    CHECK(r->id == f.layout.config_digest);
    CHECK(r->repo_tags == std::vector<std::string>{ref});
    CHECK(r->repo_digests == std::vector<std::string>{ref.substr(0, ref.find(':', 10)) + "@" + f.layout.manifest_digest});
  }
  CHECK(f.tag_manifest_requests == 1);
  CHECK(f.token_requests == 1);
  // The layer came from the other host, without the registry's token.
  REQUIRE(f.cdn_authorizations.size() == 1);
  CHECK(f.cdn_authorizations[0].empty());
  REQUIRE(results[0]->layers.size() == 1);
  CHECK(slurp(results[0]->layers[0] / "hello.txt") == "pulled\n");
  CHECK(service->find(ref));
  CHECK(service->find(f.layout.config_digest));
}

TEST_CASE("a layer whose bytes do not match its digest fails the pull") {
  Fixture f;
  f.tamper = true;
  auto service = f.open();
  const std::string ref = "127.0.0.1:" + std::to_string(f.registry.port()) + "/hello:1";
  std::optional<Expected<Image>> result;
  auto run = [&]() -> asio::awaitable<void> {
    result.emplace(co_await service->pull(ref));
    f.registry.stop();
    f.cdn.stop();
  };
  asio::co_spawn(f.io, run(), asio::detached);
  f.io.run();
  REQUIRE(result);
  REQUIRE_FALSE(result->ok());
  CHECK(result->error().message.find("layer blob " + f.layout.layer_digest + ": content has digest") != std::string::npos);
  CHECK(fs::is_empty(f.tmp.path / "store" / "layers"));
  CHECK(fs::is_empty(f.tmp.path / "store" / "tmp"));
  CHECK_FALSE(service->find(ref));
}
