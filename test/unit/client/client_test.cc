// The client's verbs and watches against a real apiserver handler, in process.

#include "api_fixture.h"

#include "kscratch/client/client.h"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

using namespace kscratch;
using namespace kscratch::client;
namespace asio = boost::asio;

namespace {

json::object config_map(const std::string& name, const std::string& app) {
  return json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
                     R"(","labels":{"app":")" + app + R"("}},"data":{"k":"v"}})")
      .as_object();
}

std::string rv_of(const json::object& o) { return std::string(o.at("metadata").at("resourceVersion").as_string()); }

}  // namespace

TEST_CASE("Kind paths follow the REST layout", "[client]") {
  CHECK(kinds::pods.path("default", "web-1", "binding") == "/api/v1/namespaces/default/pods/web-1/binding");
  CHECK(kinds::pods.path() == "/api/v1/pods");
  CHECK(kinds::nodes.path("ignored", "n1") == "/api/v1/nodes/n1");
  CHECK(kinds::deployments.path("ns") == "/apis/apps/v1/namespaces/ns/deployments");
  CHECK(kinds::deployments.api_version() == "apps/v1");
}

TEST_CASE("create, get, update, patch, list and delete in process", "[client]") {
  testing::ApiClientFixture f;
  auto& c = *f.client;
  std::string ns = "default";
  auto a = config_map("a", "one");
  auto created = f.run(c.create(kinds::configmaps, ns, a));
  REQUIRE(created);
  CHECK(!rv_of(*created).empty());

  auto dup = f.run(c.create(kinds::configmaps, ns, a));
  REQUIRE_FALSE(dup);
  CHECK(dup.error().already_exists());

  auto b = config_map("b", "two");
  REQUIRE(f.run(c.create(kinds::configmaps, ns, b)));

  std::string name = "a";
  auto got = f.run(c.get(kinds::configmaps, ns, name));
  REQUIRE(got);
  (*got)["data"].as_object()["k"] = "changed";
  auto updated = f.run(c.update(kinds::configmaps, *got));
  REQUIRE(updated);
  CHECK(updated->at("data").at("k") == "changed");

  // A stale resourceVersion is a conflict, as upstream.
  auto stale = f.run(c.update(kinds::configmaps, *got));
  REQUIRE_FALSE(stale);
  CHECK(stale.error().conflict());

  json::value patch = json::parse(R"({"data":{"extra":"x"}})");
  auto patched = f.run(c.patch(kinds::configmaps, ns, name, PatchType::kMerge, patch));
  REQUIRE(patched);
  CHECK(patched->at("data").at("extra") == "x");

  ListOptions selected;
  selected.label_selector = "app in (two,three)";
  auto list = f.run(c.list(kinds::configmaps, ns, selected));
  REQUIRE(list);
  REQUIRE(list->items.size() == 1);
  CHECK(list->items[0].at("metadata").at("name") == "b");
  CHECK(!list->resource_version.empty());

  DeleteOptions none;
  REQUIRE(f.run(c.remove(kinds::configmaps, ns, name, none)));
  auto missing = f.run(c.get(kinds::configmaps, ns, name));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().not_found());
  CHECK(missing.error().reason == "NotFound");
  CHECK(missing.error().message == "configmaps \"a\" not found");
}

TEST_CASE("a watch delivers later changes in order, and closes", "[client]") {
  testing::ApiClientFixture f;
  auto& c = *f.client;
  std::string ns = "default";
  ListOptions from_now;
  auto start = f.run(c.list(kinds::configmaps, ns, from_now));
  REQUIRE(start);
  from_now.resource_version = start->resource_version;
  auto w = f.run(c.watch(kinds::configmaps, ns, from_now));
  REQUIRE(w);
  auto a = config_map("a", "one");
  REQUIRE(f.run(c.create(kinds::configmaps, ns, a)));
  std::string name = "a";
  DeleteOptions none;
  REQUIRE(f.run(c.remove(kinds::configmaps, ns, name, none)));
  auto first = f.run((*w)->next());
  REQUIRE(first);
  CHECK(first->type == "ADDED");
  // In process, the server hands its own decoded object (no JSON in between), with the
  // change's resourceVersion stamped as a JSON watch would carry it.
  REQUIRE(first->shared);
  CHECK(first->get().at("metadata").at("name") == "a");
  CHECK(first->get().at("metadata").at("resourceVersion").as_string().size() > 0);
  auto second = f.run((*w)->next());
  REQUIRE(second);
  CHECK(second->type == "DELETED");
  CHECK(second->get().at("metadata").at("name") == "a");
  (*w)->close();
  CHECK_FALSE(f.run((*w)->next()));
}

TEST_CASE("binding a pod sets its node once", "[client]") {
  testing::ApiClientFixture f;
  auto& c = *f.client;
  std::string ns = "default";
  auto pod = json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
    "spec":{"containers":[{"name":"c","image":"busybox"}]}})").as_object();
  auto created = f.run(c.create(kinds::pods, ns, pod));
  REQUIRE(created);
  std::string name = "p", uid(created->at("metadata").at("uid").as_string()), node = "node-1";
  REQUIRE(f.run(c.bind(ns, name, uid, node)));
  auto got = f.run(c.get(kinds::pods, ns, name));
  REQUIRE(got);
  CHECK(got->at("spec").at("nodeName") == "node-1");
  std::string other = "node-2";
  auto again = f.run(c.bind(ns, name, uid, other));
  REQUIRE_FALSE(again);
  CHECK(again.error().conflict());
}
