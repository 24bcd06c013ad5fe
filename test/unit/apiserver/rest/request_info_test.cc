#include "rest/request_info.h"

#include <catch2/catch.hpp>

using kscratch::apiserver::rest::parse_resource_path;

TEST_CASE("resource paths resolve as upstream's RequestInfoFactory", "[apiserver]") {
  auto pods = parse_resource_path("/api/v1/namespaces/default/pods/web-1/status");
  REQUIRE(pods);
  CHECK(pods->group.empty());
  CHECK(pods->version == "v1");
  CHECK(pods->namespace_ == "default");
  CHECK(pods->resource == "pods");
  CHECK(pods->name == "web-1");
  CHECK(pods->subresource == "status");

  auto all = parse_resource_path("/apis/apps/v1/deployments");
  REQUIRE(all);
  CHECK(all->group == "apps");
  CHECK(all->namespace_.empty());
  CHECK(all->resource == "deployments");

  auto ns = parse_resource_path("/api/v1/namespaces/kube-system");
  REQUIRE(ns);
  CHECK(ns->resource == "namespaces");
  CHECK(ns->name == "kube-system");

  auto ns_status = parse_resource_path("/api/v1/namespaces/dev/status");
  REQUIRE(ns_status);
  CHECK(ns_status->resource == "namespaces");
  CHECK(ns_status->name == "dev");
  CHECK(ns_status->subresource == "status");

  CHECK_FALSE(parse_resource_path("/version"));
  CHECK_FALSE(parse_resource_path("/api"));
  CHECK_FALSE(parse_resource_path("/api/v1/namespaces/a/pods/b/status/extra"));
}
