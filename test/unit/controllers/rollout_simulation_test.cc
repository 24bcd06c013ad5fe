// Whole rollouts: the Deployment and ReplicaSet plans applied to an in-memory cluster,
// round after round, with pods turning ready in between, checking the guarantees a
// rollout gives at every single write.

#include <catch2/catch.hpp>

#include "controllers/deployment/util.h"
#include "fixtures.h"

using namespace kscratch::controllers;
using namespace kscratch::controllers::deployment;

namespace {

const json::value* condition(const json::object& deployment, const std::string& type) {
  for (const json::value& c : deployment.at("status").at("conditions").as_array()) {
    if (c.at("type") == type.c_str()) return &c;
  }
  return nullptr;
}

std::string progressing_message(const fx::Cluster& c) {
  return std::string(condition(c.deployment, "Progressing")->at("message").as_string());
}

int status_int(const json::object& deployment, const char* field) {
  const json::object& status = deployment.at("status").as_object();
  return status.contains(field) ? static_cast<int>(status.at(field).to_number<int64_t>()) : 0;
}

// `kubectl rollout status` is done when these hold (and the condition is not a timeout).
bool rollout_done(const fx::Cluster& c, int replicas) {
  return status_int(c.deployment, "observedGeneration") >= generation_of(c.deployment) &&
         status_int(c.deployment, "updatedReplicas") == replicas && status_int(c.deployment, "replicas") == replicas &&
         status_int(c.deployment, "availableReplicas") == replicas;
}

}  // namespace

TEST_CASE("rolling update of 10 replicas with 25%/25%: never above 13 pods nor below 8 available") {
  fx::Cluster c(fx::deployment("nginx", 10, "nginx:1"));
  c.run_until_stable();
  REQUIRE(c.active_pods() == 10);
  REQUIRE(c.available_pods() == 10);
  const std::string first_rs = name_of(c.replicaset_named_with_image("nginx:1"));
  CHECK(progressing_message(c) == "ReplicaSet \"" + first_rs + "\" has successfully progressed.");
  CHECK(condition(c.deployment, "Available")->at("status") == "True");
  CHECK(annotation_of(c.deployment, kRevisionAnnotation) == "1");
  CHECK(rollout_done(c, 10));

  int max_pods = 0, min_available = 10, writes = 0;
  c.after_each_write = [&](const fx::Cluster& cluster) {
    ++writes;
    max_pods = std::max(max_pods, cluster.active_pods());
    min_available = std::min(min_available, cluster.available_pods());
    REQUIRE(cluster.active_pods() <= 13);
    REQUIRE(cluster.available_pods() >= 8);
  };
  c.edit([](json::object& d) { fx::set_image(d, "nginx:2"); });

  std::vector<std::string> progress;
  int rounds = 0;
  while (!rollout_done(c, 10) && rounds++ < 100) {
    c.sync_deployment();
    progress.push_back(progressing_message(c));
    c.sync_replicasets();
    c.make_pods_ready();
    c.tick();
  }
  c.run_until_stable();
  CHECK(rounds < 30);
  CHECK(writes > 10);
  CHECK(max_pods == 13);     // the surge was used
  CHECK(min_available == 8);  // and so was the unavailability budget

  const json::object& new_rs = c.replicaset_named_with_image("nginx:2");
  const json::object& old_rs = c.replicaset_named_with_image("nginx:1");
  CHECK(rs_replicas(new_rs) == 10);
  CHECK(rs_replicas(old_rs) == 0);
  CHECK(c.active_pods() == 10);
  CHECK(annotation_of(new_rs, kRevisionAnnotation) == "2");
  CHECK(annotation_of(old_rs, kRevisionAnnotation) == "1");
  CHECK(annotation_of(c.deployment, kRevisionAnnotation) == "2");
  CHECK(progressing_message(c) == "ReplicaSet \"" + name_of(new_rs) + "\" has successfully progressed.");
  CHECK(status_int(c.deployment, "updatedReplicas") == 10);
  CHECK(status_int(c.deployment, "unavailableReplicas") == 0);
  // On the way, the condition said which ReplicaSet was being rolled out.
  CHECK(std::find(progress.begin(), progress.end(), "Created new replica set \"" + name_of(new_rs) + "\"") !=
        progress.end());
  CHECK(std::find(progress.begin(), progress.end(), "ReplicaSet \"" + name_of(new_rs) + "\" is progressing.") !=
        progress.end());

  SECTION("rolling back reuses the old ReplicaSet under a new revision") {
    c.edit([](json::object& d) { fx::set_image(d, "nginx:1"); });
    c.run_until_stable();
    CHECK(rs_replicas(c.replicaset_named_with_image("nginx:1")) == 10);
    CHECK(rs_replicas(c.replicaset_named_with_image("nginx:2")) == 0);
    CHECK(c.replicasets.size() == 2);
    CHECK(annotation_of(c.replicaset_named_with_image("nginx:1"), kRevisionAnnotation) == "3");
    CHECK(annotation_of(c.replicaset_named_with_image("nginx:1"), kRevisionHistoryAnnotation) == "1");
    CHECK(annotation_of(c.deployment, kRevisionAnnotation) == "3");
    CHECK(rollout_done(c, 10));
  }
}

TEST_CASE("rolling update with maxSurge 0 / maxUnavailable 1 and with maxSurge 1 / maxUnavailable 0") {
  for (auto [surge, unavailable] : std::vector<std::pair<std::string, std::string>>{{"0", "1"}, {"1", "0"}}) {
    CAPTURE(surge, unavailable);
    fx::Cluster c(fx::deployment("web", 3, "v1", surge, unavailable));
    c.run_until_stable();
    REQUIRE(c.available_pods() == 3);
    const int max_pods = 3 + std::stoi(surge), min_available = 3 - std::stoi(unavailable);
    c.after_each_write = [&](const fx::Cluster& cluster) {
      REQUIRE(cluster.active_pods() <= max_pods);
      REQUIRE(cluster.available_pods() >= min_available);
    };
    c.edit([](json::object& d) { fx::set_image(d, "v2"); });
    c.run_until_stable();
    CHECK(rollout_done(c, 3));
    CHECK(rs_replicas(c.replicaset_named_with_image("v2")) == 3);
    CHECK(c.active_pods() == 3);
  }
}

TEST_CASE("a broken release stalls: healthy old pods are kept, the deadline reports it") {
  fx::Cluster c(fx::deployment("web", 10, "v1"));
  c.run_until_stable();
  c.broken_images.insert("v2");
  c.after_each_write = [](const fx::Cluster& cluster) { REQUIRE(cluster.available_pods() >= 8); };
  c.edit([](json::object& d) { fx::set_image(d, "v2"); });
  c.run_until_stable();
  CHECK(c.active_pods() <= 13);
  CHECK(c.available_pods() == 8);
  CHECK(rs_replicas(c.replicaset_named_with_image("v2")) == 5);  // 13 - 8
  CHECK_FALSE(rollout_done(c, 10));
  CHECK(condition(c.deployment, "Progressing")->at("reason") == "ReplicaSetUpdated");

  c.tick(std::chrono::seconds(601));
  c.sync_deployment();
  CHECK(condition(c.deployment, "Progressing")->at("reason") == "ProgressDeadlineExceeded");
  CHECK(progressing_message(c) ==
        "ReplicaSet \"" + name_of(c.replicaset_named_with_image("v2")) + "\" has timed out progressing.");

  SECTION("rolling back to the good version recovers") {
    c.broken_images.clear();
    c.edit([](json::object& d) { fx::set_image(d, "v1"); });
    c.run_until_stable();
    CHECK(rollout_done(c, 10));
    CHECK(rs_replicas(c.replicaset_named_with_image("v1")) == 10);
    CHECK(condition(c.deployment, "Progressing")->at("reason") == "NewReplicaSetAvailable");
  }
}

TEST_CASE("scaling mid-rollout distributes the change proportionally") {
  fx::Cluster c(fx::deployment("web", 10, "v1"));
  c.run_until_stable();
  c.broken_images.insert("v2");  // keeps the rollout half-way
  c.edit([](json::object& d) { fx::set_image(d, "v2"); });
  c.run_until_stable();
  REQUIRE(rs_replicas(c.replicaset_named_with_image("v1")) == 8);
  REQUIRE(rs_replicas(c.replicaset_named_with_image("v2")) == 5);

  c.edit([](json::object& d) { fx::set_replicas(d, 20); });
  c.sync_deployment();
  // 13 pods were sized for 10 + 3; now 20 + 5 = 25: each ReplicaSet grows by its share.
  CHECK(rs_replicas(c.replicaset_named_with_image("v1")) == 15);
  CHECK(rs_replicas(c.replicaset_named_with_image("v2")) == 10);
  CHECK(annotation_of(c.replicaset_named_with_image("v1"), kDesiredReplicasAnnotation) == "20");
  CHECK(annotation_of(c.replicaset_named_with_image("v2"), kMaxReplicasAnnotation) == "25");

  c.broken_images.clear();
  c.run_until_stable();
  CHECK(rollout_done(c, 20));
  CHECK(rs_replicas(c.replicaset_named_with_image("v2")) == 20);
  CHECK(rs_replicas(c.replicaset_named_with_image("v1")) == 0);
}

TEST_CASE("Recreate: every old pod is gone before the first new one is created") {
  json::object d = fx::deployment("db", 3, "v1");
  fx::set_recreate(d);
  fx::Cluster c(d);
  c.graceful_deletion = true;
  c.run_until_stable();
  REQUIRE(c.available_pods() == 3);
  c.after_each_write = [](const fx::Cluster& cluster) {
    bool old_pods = false, new_pods = false;
    for (const auto& [name, pod] : cluster.pods) {
      const auto& image = pod.at("spec").at("containers").at(0).at("image");
      (image == "v1" ? old_pods : new_pods) = true;
    }
    REQUIRE_FALSE((old_pods && new_pods));
  };
  c.edit([](json::object& dep) { fx::set_image(dep, "v2"); });
  c.run_until_stable();
  CHECK(rollout_done(c, 3));
  CHECK(rs_replicas(c.replicaset_named_with_image("v2")) == 3);
  CHECK(rs_replicas(c.replicaset_named_with_image("v1")) == 0);
}

TEST_CASE("revisionHistoryLimit keeps only the newest old ReplicaSets") {
  json::object d = fx::deployment("web", 2, "v1");
  d["spec"].as_object()["revisionHistoryLimit"] = 1;
  fx::Cluster c(d);
  c.run_until_stable();
  for (const char* image : {"v2", "v3", "v4"}) {
    c.edit([image](json::object& dep) { fx::set_image(dep, image); });
    c.run_until_stable();
  }
  CHECK(rollout_done(c, 2));
  CHECK(c.replicasets.size() == 2);  // v4 and the one before it
  CHECK(rs_replicas(c.replicaset_named_with_image("v4")) == 2);
  CHECK(rs_replicas(c.replicaset_named_with_image("v3")) == 0);
  CHECK(annotation_of(c.deployment, kRevisionAnnotation) == "4");
}

TEST_CASE("a paused Deployment holds its rollout until resumed") {
  fx::Cluster c(fx::deployment("web", 4, "v1"));
  c.run_until_stable();
  c.edit([](json::object& d) {
    fx::set_paused(d, true);
    fx::set_image(d, "v2");
  });
  c.run_until_stable();
  CHECK(c.replicasets.size() == 1);
  CHECK(condition(c.deployment, "Progressing")->at("reason") == "DeploymentPaused");
  c.edit([](json::object& d) { fx::set_replicas(d, 6); });
  c.run_until_stable();
  CHECK(c.available_pods() == 6);
  CHECK(c.replicasets.size() == 1);
  c.edit([](json::object& d) { fx::set_paused(d, false); });
  c.run_until_stable();
  CHECK(rollout_done(c, 6));
  CHECK(rs_replicas(c.replicaset_named_with_image("v2")) == 6);
  CHECK(condition(c.deployment, "Progressing")->at("reason") == "NewReplicaSetAvailable");
}

TEST_CASE("scaling down to zero and back up") {
  fx::Cluster c(fx::deployment("web", 3, "v1"));
  c.run_until_stable();
  c.edit([](json::object& d) { fx::set_replicas(d, 0); });
  c.run_until_stable();
  CHECK(c.active_pods() == 0);
  CHECK(rollout_done(c, 0));
  c.edit([](json::object& d) { fx::set_replicas(d, 2); });
  c.run_until_stable();
  CHECK(c.available_pods() == 2);
  CHECK(rollout_done(c, 2));
}
