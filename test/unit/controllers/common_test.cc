// Shared controller helpers: canonical JSON, owner references and claiming, pod state.

#include <catch2/catch.hpp>

#include "controllers/common/canonical_json.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pods.h"
#include "fixtures.h"

using namespace kscratch::controllers;
namespace json = boost::json;

TEST_CASE("canonical_json sorts keys at every level and drops whitespace") {
  json::value a = json::parse(R"({"b": 1, "a": {"d": [1, {"z": 0, "y": "x"}], "c": null}})");
  json::value b = json::parse(R"({"a": {"c": null, "d": [1, {"y": "x", "z": 0}]}, "b": 1})");
  CHECK(canonical_json(a) == R"({"a":{"c":null,"d":[1,{"y":"x","z":0}]},"b":1})");
  CHECK(canonical_json(a) == canonical_json(b));
}

TEST_CASE("controller_ref and the adopt/release patches have upstream's shape") {
  json::object rs = fx::replicaset("web-1", 1, {{"app", "web"}});
  CHECK(json::value(controller_ref(rs, kReplicaSetKind)) ==
        json::parse(R"({"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","uid":"uid-web-1",
                        "controller":true,"blockOwnerDeletion":true})"));
  CHECK(json::value(adopt_patch(rs, kReplicaSetKind, "pod-uid")) ==
        json::parse(R"({"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1",
                        "uid":"uid-web-1","controller":true,"blockOwnerDeletion":true}],"uid":"pod-uid"}})"));
  CHECK(json::value(release_patch("uid-web-1", "pod-uid")) ==
        json::parse(R"({"metadata":{"ownerReferences":[{"$patch":"delete","uid":"uid-web-1"}],"uid":"pod-uid"}})"));
}

TEST_CASE("claim_object follows ClaimObject") {
  json::object rs = fx::replicaset("web-1", 1, {{"app", "web"}});
  json::object other = fx::replicaset("other", 1, {{"app", "web"}});
  json::object orphan = fx::pod("p", {{"app", "web"}});
  json::object mine = fx::pod("q", {{"app", "web"}}, &rs);
  json::object theirs = fx::pod("r", {{"app", "web"}}, &other);

  CHECK(claim_object(rs, mine, true) == Claim::kOwned);
  CHECK(claim_object(rs, mine, false) == Claim::kRelease);
  CHECK(claim_object(rs, theirs, true) == Claim::kIgnore);
  CHECK(claim_object(rs, orphan, true) == Claim::kAdopt);
  CHECK(claim_object(rs, orphan, false) == Claim::kIgnore);

  SECTION("nothing is adopted or released by a controller being deleted") {
    rs["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
    CHECK(claim_object(rs, orphan, true) == Claim::kIgnore);
    CHECK(claim_object(rs, mine, false) == Claim::kIgnore);
    CHECK(claim_object(rs, mine, true) == Claim::kOwned);
  }
  SECTION("a terminating orphan, or one in another namespace, is not adopted") {
    json::object terminating = orphan;
    terminating["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
    CHECK(claim_object(rs, terminating, true) == Claim::kIgnore);
    json::object elsewhere = orphan;
    elsewhere["metadata"].as_object()["namespace"] = "kube-system";
    CHECK(claim_object(rs, elsewhere, true) == Claim::kIgnore);
  }
}

TEST_CASE("pod readiness, availability and activity") {
  json::object p = fx::pod("p", {{"app", "web"}});
  CHECK_FALSE(is_pod_ready(p));
  CHECK(is_pod_active(p));
  fx::make_ready(p, fx::t0());
  CHECK(is_pod_ready(p));
  CHECK(pod_ready_time(p) == fx::t0());
  CHECK(is_pod_available(p, 0, fx::t0()));
  // Available strictly after minReadySeconds, as upstream's Before(now).
  CHECK_FALSE(is_pod_available(p, 10, fx::t0() + std::chrono::seconds(10)));
  CHECK(is_pod_available(p, 10, fx::t0() + std::chrono::seconds(11)));

  fx::set_phase(p, "Succeeded");
  CHECK_FALSE(is_pod_active(p));
  fx::set_phase(p, "Running");
  p["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  CHECK_FALSE(is_pod_active(p));
}

TEST_CASE("pod deletion cost reads the annotation as an int32") {
  json::object p = fx::pod("p", {});
  CHECK(pod_deletion_cost(p) == 0);
  set_annotation(p, "controller.kubernetes.io/pod-deletion-cost", "-15");
  CHECK(pod_deletion_cost(p) == -15);
  set_annotation(p, "controller.kubernetes.io/pod-deletion-cost", "abc");
  CHECK(pod_deletion_cost(p) == 0);
  set_annotation(p, "controller.kubernetes.io/pod-deletion-cost", "4294967296");
  CHECK(pod_deletion_cost(p) == 0);
}
