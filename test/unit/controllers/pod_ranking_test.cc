// The order in which a ReplicaSet deletes surplus pods (ActivePodsWithRanks).

#include <catch2/catch.hpp>

#include "controllers/common/json_fields.h"
#include "controllers/replicaset/pod_ranking.h"
#include "fixtures.h"

using namespace kscratch::controllers;
using namespace kscratch::controllers::replicaset;
using std::chrono::hours;
using std::chrono::seconds;

namespace {

const TimePoint kNow = fx::t0() + hours(24 * 30);

bool before(const json::object& a, const json::object& b, int rank_a = 0, int rank_b = 0) {
  return delete_before(a, rank_a, b, rank_b, kNow) && !delete_before(b, rank_b, a, rank_a, kNow);
}

json::object ready_pod(const std::string& name, TimePoint created, TimePoint ready_since) {
  json::object p = fx::pod(name, {}, nullptr, created);
  fx::make_ready(p, ready_since);
  return p;
}

}  // namespace

TEST_CASE("ranking: unassigned < assigned, Pending < Unknown < Running, not ready < ready") {
  json::object unassigned = fx::pod("a", {});
  json::object assigned = fx::pod("b", {});
  assigned["spec"].as_object()["nodeName"] = "n";
  CHECK(before(unassigned, assigned));

  json::object pending = assigned, unknown = assigned, running = assigned;
  fx::set_phase(unknown, "Unknown");
  fx::set_phase(running, "Running");
  CHECK(before(pending, unknown));
  CHECK(before(unknown, running));

  json::object ready = ready_pod("r", fx::t0(), fx::t0());
  CHECK(before(running, ready));
}

TEST_CASE("ranking: lower deletion cost first, then more pods on the same node") {
  json::object a = ready_pod("a", fx::t0(), fx::t0());
  json::object b = ready_pod("b", fx::t0(), fx::t0());
  set_annotation(b, "controller.kubernetes.io/pod-deletion-cost", "-1");
  CHECK(before(b, a));
  // Cost beats rank.
  CHECK(before(b, a, 0, 5));
  set_annotation(b, "controller.kubernetes.io/pod-deletion-cost", "0");
  CHECK(before(a, b, 3, 1));
}

TEST_CASE("ranking: ready for less time first, on a logarithmic scale") {
  json::object young = ready_pod("a", fx::t0(), kNow - seconds(10));
  json::object old = ready_pod("b", fx::t0(), kNow - hours(10));
  CHECK(before(young, old));
  // Within the same power of two of age the uid decides, not the exact time.
  json::object x = ready_pod("x", fx::t0(), kNow - seconds(1000));
  json::object y = ready_pod("y", fx::t0(), kNow - seconds(1001));
  CHECK(before(x, y));  // uid-x < uid-y
  CHECK(before(ready_pod("x", fx::t0(), kNow - seconds(1001)), ready_pod("y", fx::t0(), kNow - seconds(1000))));
}

TEST_CASE("ranking: more restarts first, then newer first") {
  json::object a = ready_pod("a", fx::t0(), fx::t0());
  json::object b = ready_pod("b", fx::t0(), fx::t0());
  a["status"].as_object()["containerStatuses"] = json::array{json::object{{"restartCount", 3}}};
  CHECK(before(a, b));

  json::object newer = fx::pod("n", {}, nullptr, kNow - hours(1));
  json::object older = fx::pod("o", {}, nullptr, kNow - hours(100));
  CHECK(before(newer, older));
  json::object no_time = fx::pod("z", {}, nullptr);
  no_time["metadata"].as_object().erase("creationTimestamp");
  CHECK(before(no_time, newer));
}

TEST_CASE("pods_to_delete takes the first in deletion order, ranked by related pods per node") {
  json::object p1 = ready_pod("p1", fx::t0(), fx::t0());
  json::object p2 = ready_pod("p2", fx::t0(), fx::t0());
  json::object p3 = fx::pod("p3", {});  // pending: goes first
  p1["spec"].as_object()["nodeName"] = "crowded";
  p2["spec"].as_object()["nodeName"] = "quiet";
  json::object sibling1 = ready_pod("s1", fx::t0(), fx::t0());
  json::object sibling2 = ready_pod("s2", fx::t0(), fx::t0());
  sibling1["spec"].as_object()["nodeName"] = "crowded";
  sibling2["spec"].as_object()["nodeName"] = "crowded";

  std::vector<const json::object*> pods{&p1, &p2, &p3};
  std::vector<const json::object*> related{&p1, &p2, &p3, &sibling1, &sibling2};
  CHECK(ranks_by_related_pods_on_same_node(pods, related) == std::vector<int>{3, 1, 1});
  auto chosen = pods_to_delete(pods, related, 2, kNow);
  REQUIRE(chosen.size() == 2);
  CHECK(name_of(*chosen[0]) == "p3");
  CHECK(name_of(*chosen[1]) == "p1");  // doubled up on a node
  CHECK(pods_to_delete(pods, related, 3, kNow).size() == 3);
}
