// The informer against a real apiserver handler: initial list, later events, indexes,
// and recovery when its watch is too old.

#include "api_fixture.h"

#include "kscratch/client/informer.h"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

using namespace kscratch;
using namespace kscratch::client;

namespace {

json::object pod(const std::string& name, const std::string& node) {
  auto o = json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name +
                       R"(","labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}})")
               .as_object();
  if (!node.empty()) o["spec"].as_object()["nodeName"] = node;
  return o;
}

}  // namespace

TEST_CASE("an informer lists, then follows changes with indexes and handlers", "[client][informer]") {
  testing::ApiClientFixture f;
  auto& c = *f.client;
  std::string ns = "default";
  for (auto [name, node] : {std::pair{"a", "n1"}, {"b", "n1"}, {"c", "n2"}}) {
    auto p = pod(name, node);
    REQUIRE(f.run(c.create(kinds::pods, ns, p)));
  }

  Informer informer(c, kinds::pods);
  informer.add_index("node", index::by_node);
  informer.add_index("app", index::by_label("app"));
  std::vector<std::string> added, updated, deleted;
  informer.add_handlers(EventHandlers{
      [&](const ObjectPtr& o) { added.push_back(object_key(*o)); },
      [&](const ObjectPtr&, const ObjectPtr& o) { updated.push_back(object_key(*o)); },
      [&](const ObjectPtr& o) { deleted.push_back(object_key(*o)); },
  });
  f.background(informer.run());
  REQUIRE(f.eventually([&] { return informer.synced(); }));
  CHECK(informer.size() == 3);
  CHECK(added.size() == 3);
  CHECK(informer.by_index("node", "n1").size() == 2);
  CHECK(informer.by_index("app", "web").size() == 3);
  REQUIRE(informer.get("default", "c"));

  auto d = pod("d", "n2");
  REQUIRE(f.run(c.create(kinds::pods, ns, d)));
  REQUIRE(f.eventually([&] { return informer.size() == 4; }));
  CHECK(added.back() == "default/d");
  CHECK(informer.by_index("node", "n2").size() == 2);

  json::value relabel = json::parse(R"({"metadata":{"labels":{"app":"db"}}})");
  std::string a = "a";
  REQUIRE(f.run(c.patch(kinds::pods, ns, a, PatchType::kMerge, relabel)));
  REQUIRE(f.eventually([&] { return !updated.empty(); }));
  CHECK(updated.back() == "default/a");
  CHECK(informer.by_index("app", "web").size() == 3);
  CHECK(informer.by_index("app", "db").size() == 1);

  DeleteOptions now;
  now.grace_period_seconds = 0;
  std::string b = "b";
  REQUIRE(f.run(c.remove(kinds::pods, ns, b, now)));
  REQUIRE(f.eventually([&] { return !deleted.empty(); }));
  CHECK(deleted.back() == "default/b");
  CHECK_FALSE(informer.get("default/b"));
  CHECK(informer.by_index("node", "n1").size() == 1);
}

TEST_CASE("an informer with a field selector sees only its objects", "[client][informer]") {
  testing::ApiClientFixture f;
  auto& c = *f.client;
  std::string ns = "default";
  auto mine = pod("mine", "n1");
  auto other = pod("other", "n2");
  REQUIRE(f.run(c.create(kinds::pods, ns, mine)));
  REQUIRE(f.run(c.create(kinds::pods, ns, other)));
  InformerOptions o;
  o.field_selector = "spec.nodeName=n1";
  Informer informer(c, kinds::pods, o);
  f.background(informer.run());
  REQUIRE(f.eventually([&] { return informer.synced(); }));
  CHECK(informer.size() == 1);
  CHECK(informer.get("default/mine"));
}

TEST_CASE("an informer pages through large lists", "[client][informer]") {
  testing::ApiClientFixture f;
  auto& c = *f.client;
  std::string ns = "default";
  for (int i = 0; i < 25; ++i) {
    auto p = pod("p" + std::to_string(i), "");
    REQUIRE(f.run(c.create(kinds::pods, ns, p)));
  }
  InformerOptions o;
  o.page_size = 4;
  Informer informer(c, kinds::pods, o);
  f.background(informer.run());
  REQUIRE(f.eventually([&] { return informer.synced(); }));
  CHECK(informer.size() == 25);
}
