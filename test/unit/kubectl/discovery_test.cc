// Resolving what users type against what the server lists.

#include "discovery.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace kscratch::kubectl;

namespace {

Discovery sample() {
  auto core = boost::json::parse(R"({"kind":"APIGroupDiscoveryList","items":[
    {"metadata":{"name":""},"versions":[{"version":"v1","resources":[
      {"resource":"pods","responseKind":{"group":"","version":"v1","kind":"Pod"},"scope":"Namespaced",
       "singularResource":"pod","verbs":["get","list"],"shortNames":["po"],"categories":["all"]},
      {"resource":"events","responseKind":{"kind":"Event"},"scope":"Namespaced","singularResource":"event","verbs":["get"],"shortNames":["ev"]},
      {"resource":"namespaces","responseKind":{"kind":"Namespace"},"scope":"Cluster","singularResource":"namespace","verbs":["get"],"shortNames":["ns"]}]}]},
    {"metadata":{"name":"apps"},"versions":[{"version":"v1","resources":[
      {"resource":"deployments","responseKind":{"kind":"Deployment"},"scope":"Namespaced","singularResource":"deployment",
       "verbs":["get"],"shortNames":["deploy"],"categories":["all"]}]}]},
    {"metadata":{"name":"events.k8s.io"},"versions":[{"version":"v1","resources":[
      {"resource":"events","responseKind":{"kind":"Event"},"scope":"Namespaced","singularResource":"event","verbs":["get"],"shortNames":["ev"]}]}]}
  ]})").as_object();
  return Discovery(parse_aggregated(core));
}

}  // namespace

TEST_CASE("plural, singular, short name and kind all name a resource") {
  auto d = sample();
  for (auto word : {"pods", "pod", "po", "Pod", "PODS"}) {
    auto r = d.find(word);
    REQUIRE(r);
    CHECK(r->name == "pods");
  }
  auto deploy = d.find("deploy");
  REQUIRE(deploy);
  CHECK(deploy->group == "apps");
  CHECK(deploy->kind_prefix() == "deployment.apps");
  CHECK(deploy->group_resource() == "deployments.apps");
  CHECK_FALSE(d.find("nodes"));
}

TEST_CASE("the core group wins a name two groups share unless the word names a group") {
  auto d = sample();
  CHECK(d.find("events")->group == "");
  CHECK(d.find("events.events.k8s.io")->group == "events.k8s.io");
  CHECK(d.find("deployments.v1.apps")->group == "apps");
  CHECK(d.find("deploy.apps")->group == "apps");
  CHECK_FALSE(d.find("deployments.batch"));
}

TEST_CASE("categories list their members in discovery order") {
  auto d = sample();
  auto all = d.category("all");
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "pods");
  CHECK(all[1].name == "deployments");
  CHECK_FALSE(d.find("namespaces")->namespaced);
}

TEST_CASE("the cache directory is named after the server as kubectl names it") {
  CHECK(discovery_cache_dir("/h/.kube/cache", "https://127.0.0.1:6443") == "/h/.kube/cache/discovery/127.0.0.1_6443");
}
