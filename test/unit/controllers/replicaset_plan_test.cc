// plan_replicaset: creating, deleting, adopting and releasing pods, and status.

#include <catch2/catch.hpp>

#include "controllers/common/owner_refs.h"
#include "controllers/replicaset/plan.h"
#include "fixtures.h"

using namespace kscratch::controllers;
using namespace kscratch::controllers::replicaset;
using std::chrono::seconds;

namespace {

const StringMap kLabels{{"app", "web"}};

std::vector<json::object> owned_pods(const json::object& rs, int n, bool ready) {
  std::vector<json::object> pods;
  for (int i = 0; i < n; ++i) {
    pods.push_back(fx::pod("web-" + std::to_string(i), kLabels, &rs, fx::t0() + seconds(i)));
    if (ready) fx::make_ready(pods.back(), fx::t0());
  }
  return pods;
}

}  // namespace

TEST_CASE("a ReplicaSet short of pods plans creations from its template") {
  json::object rs = fx::replicaset("web", 3, kLabels);
  rs["spec"].as_object()["template"].as_object()["metadata"].as_object()["annotations"] = json::object{{"a", "b"}};
  ReplicaSetPlan plan = plan_replicaset(rs, owned_pods(rs, 1, true), fx::t0());
  CHECK(plan.key == "default/web");
  CHECK(plan.create_count == 2);
  CHECK(plan.create_batches == std::vector<int>{1, 1});
  CHECK(plan.delete_pods.empty());
  const json::object& meta = plan.pod_template.at("metadata").as_object();
  CHECK(meta.at("generateName") == "web-");
  CHECK(meta.at("namespace") == "default");
  CHECK(meta.at("labels") == json::value(to_json(kLabels)));
  CHECK(meta.at("annotations") == json::parse(R"({"a":"b"})"));
  CHECK(meta.at("ownerReferences") ==
        json::parse(R"([{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"uid-web",
                         "controller":true,"blockOwnerDeletion":true}])"));
  CHECK(plan.pod_template.at("spec") == rs.at("spec").at("template").at("spec"));
  // Status still reports the one pod.
  REQUIRE(plan.status);
  CHECK(plan.status->replicas == 1);
  CHECK(plan.status->ready_replicas == 1);
  CHECK(plan.status->observed_generation == 1);
}

TEST_CASE("creations are capped by burstReplicas") {
  json::object rs = fx::replicaset("web", 2000, kLabels);
  ReplicaSetPlan plan = plan_replicaset(rs, {}, fx::t0());
  CHECK(plan.create_count == 500);
}

TEST_CASE("pending expectations hold creations and deletions back, but not status") {
  json::object rs = fx::replicaset("web", 3, kLabels);
  ReplicaSetPlanOptions options;
  options.expectations_satisfied = false;
  ReplicaSetPlan plan = plan_replicaset(rs, owned_pods(rs, 1, false), fx::t0(), options);
  CHECK(plan.create_count == 0);
  CHECK(plan.status);
}

TEST_CASE("a ReplicaSet being deleted creates nothing") {
  json::object rs = fx::replicaset("web", 3, kLabels);
  rs["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  CHECK(plan_replicaset(rs, {}, fx::t0()).create_count == 0);
}

TEST_CASE("surplus pods are deleted not-ready first, then newest first") {
  json::object rs = fx::replicaset("web", 2, kLabels);
  std::vector<json::object> pods = owned_pods(rs, 4, true);
  pods[1]["status"].as_object().erase("conditions");  // web-1 is not ready
  // Ages 4s, 2s and 1s fall in different powers of two of nanoseconds: the newest goes.
  ReplicaSetPlan plan = plan_replicaset(rs, pods, fx::t0() + seconds(4));
  REQUIRE(plan.delete_pods.size() == 2);
  CHECK(plan.delete_pods[0].name == "web-1");
  CHECK(plan.delete_pods[0].key == "default/web-1");
  CHECK(plan.delete_pods[1].name == "web-3");
}

TEST_CASE("terminating and finished pods are ignored") {
  json::object rs = fx::replicaset("web", 2, kLabels);
  std::vector<json::object> pods = owned_pods(rs, 3, true);
  pods[0]["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  fx::set_phase(pods[1], "Succeeded");
  ReplicaSetPlan plan = plan_replicaset(rs, pods, fx::t0());
  CHECK(plan.create_count == 1);
  CHECK(plan.owned_pods.size() == 1);
  CHECK(plan.status->replicas == 1);
}

TEST_CASE("orphans matching the selector are adopted and counted; strays released") {
  json::object rs = fx::replicaset("web", 2, kLabels);
  json::object other = fx::replicaset("other", 1, {{"app", "other"}});
  std::vector<json::object> pods;
  pods.push_back(fx::pod("orphan", kLabels));
  pods.push_back(fx::pod("stray", {{"app", "changed"}}, &rs));
  pods.push_back(fx::pod("foreign", kLabels, &other));
  pods.push_back(fx::pod("unrelated", {{"app", "x"}}));
  ReplicaSetPlan plan = plan_replicaset(rs, pods, fx::t0());
  REQUIRE(plan.adopt.size() == 1);
  CHECK(plan.adopt[0].name == "orphan");
  CHECK(plan.adopt[0].patch == adopt_patch(rs, kReplicaSetKind, "uid-orphan"));
  REQUIRE(plan.release.size() == 1);
  CHECK(plan.release[0].name == "stray");
  CHECK(plan.release[0].patch == release_patch("uid-web", "uid-stray"));
  CHECK(plan.create_count == 1);  // the adopted orphan counts
}

TEST_CASE("status counts fully labeled, ready and available pods") {
  json::object rs = fx::replicaset("web", 3, kLabels);
  rs["spec"].as_object()["minReadySeconds"] = 30;
  rs["spec"].as_object()["template"].as_object()["metadata"].as_object()["labels"] =
      json::object{{"app", "web"}, {"tier", "front"}};
  std::vector<json::object> pods = owned_pods(rs, 3, true);
  pods[0]["metadata"].as_object()["labels"].as_object()["tier"] = "front";
  fx::make_ready(pods[2], fx::t0() + seconds(20));
  ReplicaSetPlan plan = plan_replicaset(rs, pods, fx::t0() + seconds(40));
  REQUIRE(plan.status);
  CHECK(plan.status->replicas == 3);
  CHECK(plan.status->fully_labeled_replicas == 1);
  CHECK(plan.status->ready_replicas == 3);
  CHECK(plan.status->available_replicas == 2);
  // All ready but not all available: come back after minReadySeconds.
  CHECK(plan.requeue_after == seconds(30));
  CHECK(json::value(plan.status->to_json()) ==
        json::parse(R"({"replicas":3,"fullyLabeledReplicas":1,"readyReplicas":3,"availableReplicas":2,
                        "observedGeneration":1})"));
}

TEST_CASE("an unchanged status is not written") {
  json::object rs = fx::replicaset("web", 1, kLabels);
  std::vector<json::object> pods = owned_pods(rs, 1, true);
  rs["status"] = json::parse(
      R"({"replicas":1,"fullyLabeledReplicas":1,"readyReplicas":1,"availableReplicas":1,"observedGeneration":1})");
  CHECK_FALSE(plan_replicaset(rs, pods, fx::t0()).status);
  rs["metadata"].as_object()["generation"] = 2;
  auto plan = plan_replicaset(rs, pods, fx::t0());
  REQUIRE(plan.status);
  CHECK(plan.status->observed_generation == 2);
}

TEST_CASE("failed creations set the ReplicaFailure condition, success clears it") {
  json::object rs = fx::replicaset("web", 2, kLabels);
  ReplicaSetPlan plan = plan_replicaset(rs, {}, fx::t0());
  auto status = status_after_error(rs, plan, fx::t0(), "pods \"web-x\" is forbidden: exceeded quota");
  REQUIRE(status);
  REQUIRE(status->conditions.size() == 1);
  CHECK(status->conditions[0] == json::parse(R"({"type":"ReplicaFailure","status":"True",
      "lastTransitionTime":"2026-01-01T00:00:00Z","reason":"FailedCreate",
      "message":"pods \"web-x\" is forbidden: exceeded quota"})"));
  rs["status"] = status->to_json();
  plan = plan_replicaset(rs, {}, fx::t0());
  REQUIRE(plan.status);
  CHECK(plan.status->conditions.empty());
}

TEST_CASE("related_pods gathers the pods of every ReplicaSet with the same controller") {
  json::object d = fx::deployment("web", 1, "img");
  json::object a = fx::replicaset("web-a", 1, {{"app", "web"}, {"pod-template-hash", "a"}}, &d);
  json::object b = fx::replicaset("web-b", 1, {{"app", "web"}, {"pod-template-hash", "b"}}, &d);
  json::object lone = fx::replicaset("lone", 1, {{"app", "lone"}});
  std::vector<json::object> rss{a, b, lone};
  std::vector<json::object> pods{fx::pod("pa", {{"app", "web"}, {"pod-template-hash", "a"}}),
                                 fx::pod("pb", {{"app", "web"}, {"pod-template-hash", "b"}}),
                                 fx::pod("pl", {{"app", "lone"}})};
  CHECK(related_pods(a, rss, pods).size() == 2);
  CHECK(related_pods(lone, rss, pods).empty());
}
