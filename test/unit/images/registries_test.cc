#include "registries.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace kscratch::images;

TEST_CASE("registries.yaml: mirrors, rewrites and configs") {
  auto cfg = parse_registries_yaml(R"yaml(
mirrors:
  docker.io:
    endpoint:
      - "https://mirror.internal:5000"
      - "http://10.0.0.1:5000/prefix/v2"
    rewrite:
      "^rancher/(.*)": "mirrored/rancher/$1"
      "^library/(.*)": "hub/$1"
  "example.test":
    endpoint: ["http://127.0.0.1:5000"]
  "plain.internal:5000":
    endpoint: ["http://plain.internal:5000"]
configs:
  "mirror.internal:5000":
    auth:
      username: user
      password: secret
    tls:
      ca_file: /etc/ca.pem
      insecure_skip_verify: false
  "other.internal":
    auth:
      auth: dTI6cDI=
    tls:
      insecure_skip_verify: true
)yaml");
  REQUIRE(cfg.ok());
  REQUIRE(cfg->mirrors.size() == 3);
  auto& hub = cfg->mirrors.at("docker.io");
  CHECK(hub.endpoints.size() == 2);
  REQUIRE(hub.rewrites.size() == 2);
  CHECK(hub.rewrites[0].pattern == "^rancher/(.*)");
  auto& c = cfg->configs.at("mirror.internal:5000");
  REQUIRE(c.auth);
  CHECK(c.auth->username == "user");
  CHECK(c.auth->password == "secret");
  CHECK(c.tls.ca_file == "/etc/ca.pem");
  CHECK_FALSE(c.tls.insecure_skip_verify);
  auto& o = cfg->configs.at("other.internal");
  CHECK(o.auth->username == "u2");
  CHECK(o.auth->password == "p2");
  CHECK(o.tls.insecure_skip_verify);
  CHECK(config_for(*cfg, "mirror.internal:5000") == &c);
  CHECK(config_for(*cfg, "nowhere") == nullptr);

  SECTION("a mirrored docker.io image: mirrors (rewritten) then registry-1.docker.io") {
    auto eps = endpoints_for(*cfg, *parse_reference("rancher/klipper:1"));
    REQUIRE(eps.ok());
    REQUIRE(eps->size() == 3);
    CHECK((*eps)[0].url() == "https://mirror.internal:5000");
    CHECK((*eps)[0].repository == "mirrored/rancher/klipper");
    CHECK((*eps)[0].mirror);
    CHECK((*eps)[1].url() == "http://10.0.0.1:5000/prefix");
    CHECK((*eps)[1].repository == "mirrored/rancher/klipper");
    CHECK((*eps)[2].url() == "https://registry-1.docker.io");
    CHECK((*eps)[2].repository == "rancher/klipper");  // no rewrite on the registry itself
    CHECK_FALSE((*eps)[2].mirror);
    auto lib = endpoints_for(*cfg, *parse_reference("nginx"));
    CHECK((*lib)[0].repository == "hub/nginx");
  }
  SECTION("a fake host served by a mirror") {
    auto eps = endpoints_for(*cfg, *parse_reference("example.test/hello:1"));
    REQUIRE(eps->size() == 2);
    CHECK((*eps)[0].url() == "http://127.0.0.1:5000");
    CHECK((*eps)[0].repository == "hello");
    CHECK((*eps)[1].url() == "https://example.test");
  }
  SECTION("the registry's own host as its endpoint sets its scheme") {
    auto eps = endpoints_for(*cfg, *parse_reference("plain.internal:5000/app"));
    REQUIRE(eps->size() == 1);
    CHECK((*eps)[0].url() == "http://plain.internal:5000");
  }
  SECTION("no mirror: https, except loopback registries over http") {
    CHECK((*endpoints_for(*cfg, *parse_reference("quay.io/a/b")))[0].url() == "https://quay.io");
    CHECK((*endpoints_for(*cfg, *parse_reference("localhost:5000/a")))[0].url() == "http://localhost:5000");
    CHECK((*endpoints_for(*cfg, *parse_reference("127.0.0.1:5000/a")))[0].url() == "http://127.0.0.1:5000");
    CHECK(endpoints_for(*cfg, *parse_reference("127.0.0.1:5000/a"))->size() == 1);
  }
}

TEST_CASE("registries.yaml: the wildcard mirror, an empty file, errors") {
  auto star = parse_registries_yaml("mirrors:\n  \"*\":\n    endpoint: [\"http://127.0.0.1:6000\"]\n");
  REQUIRE(star.ok());
  auto eps = endpoints_for(*star, *parse_reference("quay.io/x/y"));
  REQUIRE(eps->size() == 2);
  CHECK((*eps)[0].url() == "http://127.0.0.1:6000");

  CHECK(parse_registries_yaml("").ok());
  CHECK(load_registries_file("/nonexistent/registries.yaml").ok());
  CHECK(load_registries_file("/nonexistent/registries.yaml")->mirrors.empty());
  CHECK_FALSE(parse_registries_yaml("mirrors: [1, 2]").ok());
  CHECK_FALSE(parse_registries_yaml("mirrors:\n  docker.io:\n    endpoint: \"x\"\n").ok());
  CHECK_FALSE(parse_registries_yaml("mirrors:\n  docker.io:\n    endpoint: [\"ftp://x\"]\n").ok());
  auto bad_regex = parse_registries_yaml("mirrors:\n  docker.io:\n    rewrite:\n      \"(\": \"x\"\n");
  REQUIRE_FALSE(bad_regex.ok());
  CHECK(bad_regex.error().message.find("rewrite") != std::string::npos);
  CHECK_FALSE(parse_registries_yaml("mirrors: {a: [").ok());
}

TEST_CASE("loopback hosts") {
  CHECK(is_loopback_host("localhost"));
  CHECK(is_loopback_host("localhost:5000"));
  CHECK(is_loopback_host("127.0.0.1:5000"));
  CHECK(is_loopback_host("127.1.2.3"));
  CHECK(is_loopback_host("[::1]:5000"));
  CHECK_FALSE(is_loopback_host("10.0.0.1:5000"));
  CHECK_FALSE(is_loopback_host("localhost.example.com"));
}
