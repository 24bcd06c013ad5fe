// Events as kubectl describe shows them: one Event per distinct occurrence, repeats
// counted on it.

#include "api_fixture.h"

#include "kscratch/client/events.h"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

using namespace kscratch;
using namespace kscratch::client;

TEST_CASE("repeated events are aggregated into one with a count", "[client][events]") {
  testing::ApiClientFixture f;
  auto& c = *f.client;
  std::string ns = "default";
  auto pod = json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
    "spec":{"containers":[{"name":"c","image":"busybox"}]}})").as_object();
  auto created = f.run(c.create(kinds::pods, ns, pod));
  REQUIRE(created);

  EventRecorder recorder(f.io.get_executor(), c, "default-scheduler");
  recorder.event(*created, "Warning", "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.");
  ListOptions all;
  REQUIRE(f.eventually([&] {
    auto l = f.run(c.list(kinds::events, ns, all));
    return l && l->items.size() == 1;
  }));
  recorder.event(*created, "Warning", "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.");
  REQUIRE(f.eventually([&] {
    auto l = f.run(c.list(kinds::events, ns, all));
    return l && l->items.size() == 1 && l->items[0].at("count") == 2;
  }));
  recorder.event(*created, "Normal", "Scheduled", "Successfully assigned default/p to n1");
  REQUIRE(f.eventually([&] {
    auto l = f.run(c.list(kinds::events, ns, all));
    return l && l->items.size() == 2;
  }));
  auto l = f.run(c.list(kinds::events, ns, all));
  REQUIRE(l);
  for (auto& e : l->items) {
    CHECK(e.at("involvedObject").at("name") == "p");
    CHECK(e.at("involvedObject").at("kind") == "Pod");
    CHECK(e.at("source").at("component") == "default-scheduler");
    CHECK(std::string(e.at("metadata").at("name").as_string()).rfind("p.", 0) == 0);
  }
}
