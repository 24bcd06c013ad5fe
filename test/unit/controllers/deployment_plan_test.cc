// plan_deployment, one sync at a time: what each situation makes the controller write.

#include <catch2/catch.hpp>

#include "controllers/deployment/plan.h"
#include "controllers/deployment/util.h"
#include "fixtures.h"

using namespace kscratch::controllers;
using namespace kscratch::controllers::deployment;
using std::chrono::seconds;

namespace {

// A ReplicaSet of deployment `d` as the controller would have made it, for `image`.
json::object rs_for(const json::object& d, const std::string& image, int replicas, int available, int revision,
                    TimePoint created, int desired_annotation, int max_annotation) {
  json::object dcopy = d;
  fx::set_image(dcopy, image);
  json::object tmpl = dcopy.at("spec").at("template").as_object();
  const std::string hash = compute_hash(tmpl, std::nullopt);
  tmpl["metadata"].as_object()["labels"].as_object()["pod-template-hash"] = hash;
  json::object rs = fx::replicaset(name_of(d) + "-" + hash, replicas,
                                   {{"app", name_of(d)}, {"pod-template-hash", hash}}, &d, created);
  rs["spec"].as_object()["template"] = tmpl;
  rs["status"] = json::object{{"replicas", replicas}, {"readyReplicas", available},
                              {"availableReplicas", available}, {"observedGeneration", 1}};
  set_annotation(rs, std::string(kRevisionAnnotation), std::to_string(revision));
  set_annotation(rs, std::string(kDesiredReplicasAnnotation), std::to_string(desired_annotation));
  set_annotation(rs, std::string(kMaxReplicasAnnotation), std::to_string(max_annotation));
  return rs;
}

const Step* find_step(const DeploymentPlan& plan, StepKind kind, const std::string& name = "") {
  for (const Step& s : plan.steps) {
    if (s.kind == kind && (name.empty() || s.name == name)) return &s;
  }
  return nullptr;
}

const json::value* condition(const json::object& status, const std::string& type) {
  for (const json::value& c : status.at("conditions").as_array()) {
    if (c.at("type") == type.c_str()) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a new Deployment gets its first ReplicaSet, revision 1") {
  json::object d = fx::deployment("nginx", 10, "nginx:1");
  DeploymentPlan plan = plan_deployment(d, {}, {}, fx::t0());
  CHECK_FALSE(plan.error);
  REQUIRE(plan.steps.size() == 2);
  const Step& create = plan.steps[0];
  REQUIRE(create.kind == StepKind::kCreateReplicaSet);
  const std::string hash = compute_hash(d.at("spec").at("template").as_object(), std::nullopt);
  CHECK(create.name == "nginx-" + hash);
  const json::object& rs = create.object;
  CHECK(rs.at("metadata").at("labels") == json::parse(R"({"app":"nginx","pod-template-hash":")" + hash + "\"}"));
  CHECK(rs.at("metadata").at("annotations") ==
        json::parse(R"({"deployment.kubernetes.io/revision":"1","deployment.kubernetes.io/desired-replicas":"10",
                        "deployment.kubernetes.io/max-replicas":"13"})"));
  CHECK(rs.at("metadata").at("ownerReferences") ==
        json::parse(R"([{"apiVersion":"apps/v1","kind":"Deployment","name":"nginx","uid":"uid-deploy-nginx",
                         "controller":true,"blockOwnerDeletion":true}])"));
  CHECK(rs.at("spec").at("replicas") == 10);
  CHECK(rs.at("spec").at("selector") == json::parse(R"({"matchLabels":{"app":"nginx","pod-template-hash":")" + hash + "\"}}"));
  CHECK(rs.at("spec").at("template").at("metadata").at("labels").at("pod-template-hash") == hash.c_str());

  const Step& status = plan.steps[1];
  REQUIRE(status.kind == StepKind::kUpdateDeploymentStatus);
  CHECK(status.object.at("metadata").at("annotations") == json::parse(R"({"deployment.kubernetes.io/revision":"1"})"));
  const json::object& st = status.object.at("status").as_object();
  CHECK(st.at("observedGeneration") == 1);
  CHECK(*condition(st, "Progressing") ==
        json::parse(R"({"type":"Progressing","status":"True","lastUpdateTime":"2026-01-01T00:00:00Z",
                        "lastTransitionTime":"2026-01-01T00:00:00Z","reason":"NewReplicaSetCreated",
                        "message":"Created new replica set \"nginx-)" + hash + R"(\""})"));
  CHECK(*condition(st, "Available") ==
        json::parse(R"({"type":"Available","status":"False","lastUpdateTime":"2026-01-01T00:00:00Z",
                        "lastTransitionTime":"2026-01-01T00:00:00Z","reason":"MinimumReplicasUnavailable",
                        "message":"Deployment does not have minimum availability."})"));
  REQUIRE(plan.events.size() == 1);
  CHECK(plan.events[0].message == "Scaled up replica set nginx-" + hash + " to 10");
}

TEST_CASE("a finished rollout reports success once, then syncs write nothing") {
  json::object d = fx::deployment("nginx", 3, "nginx:1");
  json::object rs = rs_for(d, "nginx:1", 3, 3, 1, fx::t0(), 3, 4);
  set_annotation(d, std::string(kRevisionAnnotation), "1");
  DeploymentPlan plan = plan_deployment(d, {rs}, {}, fx::t0() + seconds(5));
  REQUIRE(plan.steps.size() == 1);
  const json::object& st = plan.steps[0].object.at("status").as_object();
  CHECK(st.at("replicas") == 3);
  CHECK(st.at("updatedReplicas") == 3);
  CHECK(st.at("availableReplicas") == 3);
  CHECK_FALSE(st.contains("unavailableReplicas"));
  CHECK(condition(st, "Progressing")->at("message") ==
        ("ReplicaSet \"" + name_of(rs) + "\" has successfully progressed.").c_str());
  CHECK(condition(st, "Progressing")->at("reason") == "NewReplicaSetAvailable");
  CHECK(condition(st, "Available")->at("reason") == "MinimumReplicasAvailable");
  CHECK(condition(st, "Available")->at("message") == "Deployment has minimum availability.");

  d["status"] = st;
  DeploymentPlan again = plan_deployment(d, {rs}, {}, fx::t0() + seconds(10));
  CHECK(again.steps.empty());
  CHECK_FALSE(again.requeue_after);
}

TEST_CASE("proportional scaling mid-rollout: 5 -> 10 and back to 5") {
  json::object d = fx::deployment("foo", 10, "v2", "0", "1");
  set_annotation(d, std::string(kRevisionAnnotation), "2");
  json::object old_rs = rs_for(d, "v1", 3, 3, 1, fx::t0(), 5, 5);
  json::object new_rs = rs_for(d, "v2", 2, 2, 2, fx::t0() + seconds(60), 5, 5);
  DeploymentPlan plan = plan_deployment(d, {old_rs, new_rs}, {}, fx::t0() + seconds(120));
  CHECK_FALSE(plan.error);
  const Step* up_new = find_step(plan, StepKind::kUpdateReplicaSet, name_of(new_rs));
  const Step* up_old = find_step(plan, StepKind::kUpdateReplicaSet, name_of(old_rs));
  REQUIRE(up_new);
  REQUIRE(up_old);
  CHECK(rs_replicas(up_new->object) == 4);
  CHECK(rs_replicas(up_old->object) == 6);
  CHECK(annotation_of(up_new->object, kDesiredReplicasAnnotation) == "10");
  CHECK(annotation_of(up_new->object, kMaxReplicasAnnotation) == "10");
  // Larger first: the old one (6) is scaled before the new one.
  CHECK(plan.events[0].message == "Scaled up replica set " + name_of(old_rs) + " to 6 from 3");
  CHECK(plan.events[1].message == "Scaled up replica set " + name_of(new_rs) + " to 4 from 2");

  fx::set_replicas(d, 5);
  json::object old2 = rs_for(d, "v1", 6, 6, 1, fx::t0(), 10, 10);
  json::object new2 = rs_for(d, "v2", 4, 4, 2, fx::t0() + seconds(60), 10, 10);
  plan = plan_deployment(d, {old2, new2}, {}, fx::t0() + seconds(120));
  CHECK(rs_replicas(find_step(plan, StepKind::kUpdateReplicaSet, name_of(old2))->object) == 3);
  CHECK(rs_replicas(find_step(plan, StepKind::kUpdateReplicaSet, name_of(new2))->object) == 2);
}

TEST_CASE("scaling a Deployment with one active ReplicaSet scales just that one") {
  json::object d = fx::deployment("foo", 7, "v1");
  json::object rs = rs_for(d, "v1", 3, 3, 1, fx::t0(), 3, 4);
  DeploymentPlan plan = plan_deployment(d, {rs}, {}, fx::t0());
  const Step* up = find_step(plan, StepKind::kUpdateReplicaSet);
  REQUIRE(up);
  CHECK(rs_replicas(up->object) == 7);
  CHECK(annotation_of(up->object, kDesiredReplicasAnnotation) == "7");
  CHECK(annotation_of(up->object, kMaxReplicasAnnotation) == "9");
}

TEST_CASE("a paused Deployment does not roll out, but scales and says it is paused") {
  json::object d = fx::deployment("foo", 3, "v2");
  fx::set_paused(d, true);
  set_annotation(d, std::string(kRevisionAnnotation), "1");
  json::object rs = rs_for(d, "v1", 3, 3, 1, fx::t0(), 3, 4);
  DeploymentPlan plan = plan_deployment(d, {rs}, {}, fx::t0());
  CHECK_FALSE(find_step(plan, StepKind::kCreateReplicaSet));
  CHECK_FALSE(find_step(plan, StepKind::kUpdateReplicaSet));
  const Step* status = find_step(plan, StepKind::kUpdateDeploymentStatus);
  REQUIRE(status);
  const json::value* progressing = condition(status->object.at("status").as_object(), "Progressing");
  REQUIRE(progressing);
  CHECK(progressing->at("status") == "Unknown");
  CHECK(progressing->at("reason") == "DeploymentPaused");
  CHECK(progressing->at("message") == "Deployment is paused");
  const json::value paused_status = status->object.at("status");

  fx::set_replicas(d, 5);
  plan = plan_deployment(d, {rs}, {}, fx::t0());
  const Step* up = find_step(plan, StepKind::kUpdateReplicaSet);
  REQUIRE(up);
  CHECK(rs_replicas(up->object) == 5);

  // Resumed: DeploymentResumed, then the rollout proceeds.
  d["status"] = paused_status;
  fx::set_paused(d, false);
  fx::set_replicas(d, 3);
  plan = plan_deployment(d, {rs}, {}, fx::t0() + seconds(1));
  CHECK(find_step(plan, StepKind::kCreateReplicaSet));
  CHECK(condition(find_step(plan, StepKind::kUpdateDeploymentStatus)->object.at("status").as_object(),
                  "Progressing")->at("reason") == "NewReplicaSetCreated");
}

TEST_CASE("revisionHistoryLimit: the oldest scaled-down ReplicaSets are deleted") {
  json::object d = fx::deployment("foo", 2, "v5");
  d["spec"].as_object()["revisionHistoryLimit"] = 2;
  set_annotation(d, std::string(kRevisionAnnotation), "5");
  std::vector<json::object> rss;
  for (int i = 1; i <= 4; ++i) rss.push_back(rs_for(d, "v" + std::to_string(i), 0, 0, i, fx::t0() + seconds(i), 2, 3));
  rss[0]["status"].as_object()["replicas"] = 0;
  rss.push_back(rs_for(d, "v5", 2, 2, 5, fx::t0() + seconds(5), 2, 3));
  d["status"] = json::object{{"observedGeneration", 1}, {"replicas", 2}, {"updatedReplicas", 2},
                             {"readyReplicas", 2}, {"availableReplicas", 2}};

  DeploymentPlan plan = plan_deployment(d, rss, {}, fx::t0() + seconds(10));
  std::vector<std::string> deleted;
  for (const Step& s : plan.steps) {
    if (s.kind == StepKind::kDeleteReplicaSet) deleted.push_back(s.name);
  }
  CHECK(deleted == std::vector<std::string>{name_of(rss[0]), name_of(rss[1])});

  SECTION("a ReplicaSet still reporting pods, or not yet observed, is kept") {
    rss[0]["status"].as_object()["replicas"] = 1;
    rss[1]["metadata"].as_object()["generation"] = 2;
    plan = plan_deployment(d, rss, {}, fx::t0() + seconds(10));
    CHECK_FALSE(find_step(plan, StepKind::kDeleteReplicaSet));
  }
}

TEST_CASE("no progress within progressDeadlineSeconds: ProgressDeadlineExceeded") {
  json::object d = fx::deployment("foo", 3, "v2");
  set_annotation(d, std::string(kRevisionAnnotation), "2");
  json::object old_rs = rs_for(d, "v1", 2, 2, 1, fx::t0(), 3, 4);
  json::object new_rs = rs_for(d, "v2", 2, 0, 2, fx::t0(), 3, 4);
  new_rs["status"].as_object()["replicas"] = 2;
  d["status"] = json::parse(R"({"observedGeneration":1,"replicas":4,"updatedReplicas":2,"readyReplicas":2,
      "availableReplicas":2,"unavailableReplicas":2,"conditions":[
      {"type":"Available","status":"False","lastUpdateTime":"2026-01-01T00:00:00Z","lastTransitionTime":"2026-01-01T00:00:00Z",
       "reason":"MinimumReplicasUnavailable","message":"Deployment does not have minimum availability."},
      {"type":"Progressing","status":"True","lastUpdateTime":"2026-01-01T00:00:00Z","lastTransitionTime":"2026-01-01T00:00:00Z",
       "reason":"ReplicaSetUpdated","message":"ReplicaSet \"x\" is progressing."}]})");

  SECTION("before the deadline: nothing to write, requeued for when it passes") {
    DeploymentPlan plan = plan_deployment(d, {old_rs, new_rs}, {}, fx::t0() + seconds(100));
    CHECK(plan.steps.empty());
    REQUIRE(plan.requeue_after);
    CHECK(*plan.requeue_after == std::chrono::milliseconds(501000));
  }
  SECTION("after it") {
    DeploymentPlan plan = plan_deployment(d, {old_rs, new_rs}, {}, fx::t0() + seconds(601));
    const Step* status = find_step(plan, StepKind::kUpdateDeploymentStatus);
    REQUIRE(status);
    const json::value* progressing = condition(status->object.at("status").as_object(), "Progressing");
    CHECK(progressing->at("status") == "False");
    CHECK(progressing->at("reason") == "ProgressDeadlineExceeded");
    CHECK(progressing->at("message") == ("ReplicaSet \"" + name_of(new_rs) + "\" has timed out progressing.").c_str());
  }
}

TEST_CASE("Recreate: old ReplicaSets to zero, wait for their pods, then the new one") {
  json::object d = fx::deployment("foo", 3, "v2");
  fx::set_recreate(d);
  json::object old_rs = rs_for(d, "v1", 3, 3, 1, fx::t0(), 3, 3);
  DeploymentPlan plan = plan_deployment(d, {old_rs}, {}, fx::t0());
  const Step* down = find_step(plan, StepKind::kUpdateReplicaSet);
  REQUIRE(down);
  CHECK(rs_replicas(down->object) == 0);
  CHECK_FALSE(find_step(plan, StepKind::kCreateReplicaSet));

  old_rs = with_replicas(old_rs, 0);
  PodsByReplicaSet pods{{uid_of(old_rs), {fx::pod("p", {{"app", "foo"}}, &old_rs)}}};
  fx::set_phase(pods.begin()->second[0], "Running");
  plan = plan_deployment(d, {old_rs}, pods, fx::t0());
  CHECK_FALSE(find_step(plan, StepKind::kCreateReplicaSet));  // status.replicas 3 still

  old_rs["status"].as_object()["replicas"] = 0;
  plan = plan_deployment(d, {old_rs}, pods, fx::t0());
  CHECK_FALSE(find_step(plan, StepKind::kCreateReplicaSet));  // a pod still runs

  fx::set_phase(pods.begin()->second[0], "Succeeded");
  plan = plan_deployment(d, {old_rs}, pods, fx::t0());
  const Step* create = find_step(plan, StepKind::kCreateReplicaSet);
  REQUIRE(create);
  CHECK(rs_replicas(create->object) == 3);
}

TEST_CASE("a ReplicaSet with the new name but another template is a hash collision") {
  json::object d = fx::deployment("foo", 3, "v2");
  json::object impostor = rs_for(d, "v1", 0, 0, 1, fx::t0(), 3, 4);
  const std::string hash = compute_hash(d.at("spec").at("template").as_object(), std::nullopt);
  impostor["metadata"].as_object()["name"] = "foo-" + hash;
  DeploymentPlan plan = plan_deployment(d, {impostor}, {}, fx::t0());
  REQUIRE(plan.error);
  CHECK(*plan.error == "replicasets.apps \"foo-" + hash + "\" already exists");
  const Step* status = find_step(plan, StepKind::kUpdateDeploymentStatus);
  REQUIRE(status);
  CHECK(status->object.at("status").at("collisionCount") == 1);

  d["status"] = json::object{{"collisionCount", 1}};
  plan = plan_deployment(d, {impostor}, {}, fx::t0());
  CHECK_FALSE(plan.error);
  REQUIRE(find_step(plan, StepKind::kCreateReplicaSet));
  CHECK(find_step(plan, StepKind::kCreateReplicaSet)->name == "foo-" + compute_hash(d.at("spec").at("template").as_object(), 1));
}

TEST_CASE("create failures: AlreadyExists and other errors") {
  json::object d = fx::deployment("foo", 3, "v1");
  json::object ours = rs_for(d, "v1", 0, 0, 1, fx::t0(), 3, 4);
  CHECK_FALSE(on_create_already_exists(d, ours));
  json::object theirs = rs_for(d, "v9", 0, 0, 1, fx::t0(), 3, 4);
  auto bumped = on_create_already_exists(d, theirs);
  REQUIRE(bumped);
  CHECK(bumped->at("status").at("collisionCount") == 1);

  CreateFailure failure = on_create_failed(d, "foo-abc", "quota exceeded", fx::t0());
  CHECK(failure.event.reason == "ReplicaSetCreateError");
  CHECK(failure.event.message == "Failed to create new replica set \"foo-abc\": quota exceeded");
  REQUIRE(failure.deployment_status_update);
  CHECK(condition(failure.deployment_status_update->at("status").as_object(), "Progressing")->at("status") == "False");
}

TEST_CASE("a Deployment selecting everything is refused with an event") {
  json::object d = fx::deployment("foo", 3, "v1");
  d["spec"].as_object()["selector"] = json::object();
  d["metadata"].as_object()["generation"] = 4;
  DeploymentPlan plan = plan_deployment(d, {}, {}, fx::t0());
  REQUIRE(plan.events.size() == 1);
  CHECK(plan.events[0].reason == "SelectingAll");
  CHECK(plan.events[0].message == "This deployment is selecting all pods. A non-empty selector is required.");
  REQUIRE(plan.steps.size() == 1);
  CHECK(plan.steps[0].object.at("status").at("observedGeneration") == 4);
}

TEST_CASE("a Deployment being deleted only gets its status updated") {
  json::object d = fx::deployment("foo", 3, "v2");
  d["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  json::object old_rs = rs_for(d, "v1", 3, 3, 1, fx::t0(), 3, 4);
  DeploymentPlan plan = plan_deployment(d, {old_rs}, {}, fx::t0());
  REQUIRE(plan.steps.size() == 1);
  CHECK(plan.steps[0].kind == StepKind::kUpdateDeploymentStatus);
}

TEST_CASE("claim_replicasets adopts matching orphans and releases strays") {
  json::object d = fx::deployment("foo", 3, "v1");
  json::object owned = fx::replicaset("foo-1", 1, {{"app", "foo"}}, &d);
  json::object orphan = fx::replicaset("foo-2", 1, {{"app", "foo"}});
  json::object stray = fx::replicaset("foo-3", 1, {{"app", "bar"}}, &d);
  ReplicaSetClaim claim = claim_replicasets(d, {owned, orphan, stray});
  CHECK(claim.owned.size() == 2);
  REQUIRE(claim.adopt.size() == 1);
  CHECK(claim.adopt[0].name == "foo-2");
  CHECK(claim.adopt[0].patch.at("metadata").at("ownerReferences").at(0).at("kind") == "Deployment");
  REQUIRE(claim.release.size() == 1);
  CHECK(claim.release[0].name == "foo-3");

  PodsByReplicaSet pods = group_pods_by_replicaset(d, claim.owned, {fx::pod("p", {{"app", "foo"}}, &owned)});
  CHECK(pods.size() == 2);
  CHECK(pods[uid_of(owned)].size() == 1);
}
