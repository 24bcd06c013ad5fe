#include "registry_pull.h"
#include "www_authenticate.h"

#include <catch2/catch.hpp>

using namespace kscratch::images;

TEST_CASE("WWW-Authenticate: Docker Hub's bearer challenge") {
  auto c = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull")");
  REQUIRE(c.ok());
  CHECK(c->scheme == "bearer");
  CHECK(c->params.at("realm") == "https://auth.docker.io/token");
  CHECK(c->params.at("service") == "registry.docker.io");
  CHECK(c->params.at("scope") == "repository:library/nginx:pull");
}

TEST_CASE("WWW-Authenticate: basic, spaces, escapes, unquoted values, several challenges") {
  auto basic = parse_www_authenticate(R"(Basic realm="Registry Realm")");
  REQUIRE(basic.ok());
  CHECK(basic->scheme == "basic");
  CHECK(basic->params.at("realm") == "Registry Realm");

  auto spaced = parse_www_authenticate(R"(  BEARER  Realm = "https://a/t" , Service=reg , scope="x\"y")");
  REQUIRE(spaced.ok());
  CHECK(spaced->scheme == "bearer");
  CHECK(spaced->params.at("realm") == "https://a/t");
  CHECK(spaced->params.at("service") == "reg");
  CHECK(spaced->params.at("scope") == "x\"y");

  auto two = parse_www_authenticate(R"(Bearer realm="https://a/t", Basic realm="b")");
  REQUIRE(two.ok());
  CHECK(two->params.at("realm") == "https://a/t");

  CHECK_FALSE(parse_www_authenticate("").ok());
  CHECK_FALSE(parse_www_authenticate(R"(Bearer realm="unterminated)").ok());
}

TEST_CASE("basic credentials and token query parameters are encoded") {
  CHECK(base64_encode("user:secret") == "dXNlcjpzZWNyZXQ=");
  CHECK(base64_encode("u2:p2") == "dTI6cDI=");
  CHECK(base64_encode("ab") == "YWI=");
  CHECK(base64_encode("") == "");
  CHECK(url_query_escape("repository:library/nginx:pull") == "repository%3Alibrary%2Fnginx%3Apull");
}
