// The control plane end to end in one process: real API handler and store, the scheduler
// and every controller, with simulated kubelets. Each case drives the cluster only through
// the API, as a user would.

#include "api_fixture.h"
#include "fake_kubelet.h"

#include "kscratch/client/transport.h"
#include "kscratch/controllers/controller_manager.h"
#include "kscratch/scheduler/scheduler.h"
#include "rest/api.h"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <map>

using namespace kscratch;
using namespace kscratch::client;
namespace asio = boost::asio;

namespace {

std::string str(const json::object& o, std::string_view a, std::string_view b) {
  auto* s = o.if_contains(a);
  if (!s || !s->is_object()) return {};
  auto* v = s->get_object().if_contains(b);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

asio::awaitable<void> run_kubelet(std::shared_ptr<testing::FakeKubelet> kubelet) { co_await kubelet->run(); }

struct ControlPlane : testing::ApiClientFixture {
  controllers::ControllerManagerOptions cm;
  scheduler::SchedulerOptions sched;
  // Shared with their running loops, which may finish an API call after the test ends.
  std::vector<std::shared_ptr<testing::FakeKubelet>> kubelets;

  explicit ControlPlane(std::vector<testing::FakeNodeSpec> nodes) {
    cm.node_monitor_grace_period = std::chrono::seconds(2);
    cm.node_monitor_period = std::chrono::seconds(1);
    background(controllers::run_controller_manager(make_client("cm", "kube-controller-manager"), cm));
    background(scheduler::run_scheduler(make_client("sched", "default-scheduler"), sched));
    int i = 0;
    for (auto& n : nodes) {
      kubelets.push_back(std::make_shared<testing::FakeKubelet>(*client, n, i++));
      background(run_kubelet(kubelets.back()));
    }
  }

  ~ControlPlane() { stop_background(); }

  std::vector<json::object> pods(const std::string& selector = "") {
    ListOptions o;
    o.label_selector = selector;
    std::string ns = "default";
    auto l = run(client->list(kinds::pods, ns, o));
    return l ? l->items : std::vector<json::object>{};
  }
  // Pods per node, counting only pods not being deleted.
  std::map<std::string, int> spread(const std::string& selector) {
    std::map<std::string, int> out;
    for (auto& p : pods(selector)) {
      if (p.at("metadata").as_object().contains("deletionTimestamp")) continue;
      out[str(p, "spec", "nodeName")]++;
    }
    return out;
  }
  json::object get(const Kind& k, const std::string& name) {
    std::string ns = k.namespaced ? "default" : "";
    auto o = run(client->get(k, ns, name));
    return o ? *o : json::object{};
  }
  std::int64_t status_int(const Kind& k, const std::string& name, std::string_view field) {
    auto o = get(k, name);
    auto* s = o.if_contains("status");
    if (!s || !s->is_object()) return 0;
    auto* v = s->get_object().if_contains(field);
    return v && v->is_int64() ? v->get_int64() : 0;
  }
};

json::object deployment(const std::string& name, int replicas, const std::string& extra_pod_spec = "",
                        const std::string& image = "nginx:1") {
  auto text = fmt::format(R"({{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"name":"{0}"}},
    "spec":{{"replicas":{1},"selector":{{"matchLabels":{{"app":"{0}"}}}},
      "strategy":{{"type":"RollingUpdate","rollingUpdate":{{"maxSurge":"25%","maxUnavailable":"25%"}}}},
      "template":{{"metadata":{{"labels":{{"app":"{0}"}}}},"spec":{{{2}"containers":[{{"name":"c","image":"{3}",
        "resources":{{"requests":{{"cpu":"100m","memory":"64Mi"}}}}}}]}}}}}}}})",
                          name, replicas, extra_pod_spec, image);
  return json::parse(text).as_object();
}

std::vector<testing::FakeNodeSpec> three_nodes() {
  return {testing::FakeNodeSpec{"node-a"}, testing::FakeNodeSpec{"node-b"}, testing::FakeNodeSpec{"node-c"}};
}

}  // namespace

TEST_CASE("a deployment of 6 on 3 nodes spreads 2/2/2 and becomes available", "[controlplane]") {
  ControlPlane cp(three_nodes());
  std::string ns = "default";
  auto d = deployment("web", 6);
  REQUIRE(cp.run(cp.client->create(kinds::deployments, ns, d)));
  REQUIRE(cp.eventually([&] { return cp.status_int(kinds::deployments, "web", "availableReplicas") == 6; },
                        std::chrono::seconds(20)));
  auto spread = cp.spread("app=web");
  CHECK(spread == std::map<std::string, int>{{"node-a", 2}, {"node-b", 2}, {"node-c", 2}});
  // Every pod got an IP, and the ReplicaSet's name carries the template hash.
  for (auto& p : cp.pods("app=web")) {
    CHECK(!str(p, "status", "podIP").empty());
    CHECK(str(p, "metadata", "generateName").rfind("web-", 0) == 0);
  }
}

TEST_CASE("scheduling honours nodeSelector, taints and resources, and explains failures", "[controlplane]") {
  auto nodes = three_nodes();
  nodes[0].labels["disk"] = "ssd";
  nodes[1].taints = json::parse(R"([{"key":"dedicated","value":"db","effect":"NoSchedule"}])").as_array();
  ControlPlane cp(nodes);
  std::string ns = "default";
  auto ssd = deployment("ssd", 2, R"("nodeSelector":{"disk":"ssd"},)");
  REQUIRE(cp.run(cp.client->create(kinds::deployments, ns, ssd)));
  REQUIRE(cp.eventually([&] { return cp.status_int(kinds::deployments, "ssd", "availableReplicas") == 2; },
                        std::chrono::seconds(20)));
  CHECK(cp.spread("app=ssd") == std::map<std::string, int>{{"node-a", 2}});

  auto plain = deployment("plain", 4);
  REQUIRE(cp.run(cp.client->create(kinds::deployments, ns, plain)));
  REQUIRE(cp.eventually([&] { return cp.status_int(kinds::deployments, "plain", "availableReplicas") == 4; },
                        std::chrono::seconds(20)));
  CHECK(cp.spread("app=plain").count("node-b") == 0);  // tainted, not tolerated

  // 100 cpus fit nowhere: the pod stays Pending with upstream's message.
  auto huge = json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"huge"},
    "spec":{"nodeSelector":{"disk":"ssd"},"containers":[{"name":"c","image":"x","resources":{"requests":{"cpu":"100"}}}]}})")
                  .as_object();
  REQUIRE(cp.run(cp.client->create(kinds::pods, ns, huge)));
  std::string message;
  REQUIRE(cp.eventually(
      [&] {
        auto p = cp.get(kinds::pods, "huge");
        auto* conditions = p.at("status").as_object().if_contains("conditions");
        if (!conditions) return false;
        for (auto& c : conditions->as_array()) {
          if (c.at("type") == "PodScheduled" && c.at("status") == "False") {
            message = c.at("message").as_string().c_str();
            return c.at("reason") == "Unschedulable";
          }
        }
        return false;
      },
      std::chrono::seconds(10)));
  CHECK(message.rfind("0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, "
                      "1 node(s) had untolerated taint {dedicated: db}.",
                      0) == 0);
  ListOptions all;
  REQUIRE(cp.eventually([&] {
    auto events = cp.run(cp.client->list(kinds::events, ns, all));
    if (!events) return false;
    for (auto& e : events->items) {
      if (e.at("reason") == "FailedScheduling" && e.at("involvedObject").at("name") == "huge") return true;
    }
    return false;
  }));
}

TEST_CASE("a rolling update stays within maxSurge and maxUnavailable, and rolls back", "[controlplane]") {
  ControlPlane cp(three_nodes());
  std::string ns = "default";
  auto d = deployment("roll", 8);
  REQUIRE(cp.run(cp.client->create(kinds::deployments, ns, d)));
  REQUIRE(cp.eventually([&] { return cp.status_int(kinds::deployments, "roll", "availableReplicas") == 8; },
                        std::chrono::seconds(20)));
  json::value patch = json::parse(R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}}})");
  std::string name = "roll";
  REQUIRE(cp.run(cp.client->patch(kinds::deployments, ns, name, PatchType::kStrategic, patch)));
  // 25% of 8: at most 10 pods, at least 6 ready, at every moment observed.
  int max_pods = 0, min_ready = 100;
  REQUIRE(cp.eventually(
      [&] {
        int total = 0, ready = 0, updated = 0;
        for (auto& p : cp.pods("app=roll")) {
          if (p.at("metadata").as_object().contains("deletionTimestamp")) continue;
          ++total;
          if (str(p, "status", "phase") == "Running") ++ready;
          if (p.at("spec").at("containers").at(0).at("image") == "nginx:2") ++updated;
        }
        max_pods = std::max(max_pods, total);
        min_ready = std::min(min_ready, ready);
        return updated == 8 && total == 8 && cp.status_int(kinds::deployments, "roll", "updatedReplicas") == 8 &&
               cp.status_int(kinds::deployments, "roll", "availableReplicas") == 8;
      },
      std::chrono::seconds(30)));
  CHECK(max_pods <= 10);
  CHECK(min_ready >= 6);
  ListOptions owned;
  owned.label_selector = "app=roll";
  auto rss = cp.run(cp.client->list(kinds::replicasets, ns, owned));
  REQUIRE(rss);
  CHECK(rss->items.size() == 2);

  // Rollback as kubectl rollout undo does: the old template back, revision 3.
  json::value undo = json::parse(R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}}})");
  REQUIRE(cp.run(cp.client->patch(kinds::deployments, ns, name, PatchType::kStrategic, undo)));
  REQUIRE(cp.eventually(
      [&] {
        int old_image = 0;
        for (auto& p : cp.pods("app=roll")) {
          if (!p.at("metadata").as_object().contains("deletionTimestamp") &&
              p.at("spec").at("containers").at(0).at("image") == "nginx:1")
            ++old_image;
        }
        return old_image == 8 && cp.status_int(kinds::deployments, "roll", "availableReplicas") == 8;
      },
      std::chrono::seconds(30)));
  rss = cp.run(cp.client->list(kinds::replicasets, ns, owned));
  REQUIRE(rss);
  CHECK(rss->items.size() == 2);  // the first ReplicaSet is reused
  bool revision3 = false;
  for (auto& rs : rss->items) {
    if (str(rs, "metadata", "name").empty()) continue;
    auto* ann = rs.at("metadata").as_object().if_contains("annotations");
    if (ann && ann->as_object().contains("deployment.kubernetes.io/revision") &&
        ann->at("deployment.kubernetes.io/revision") == "3")
      revision3 = true;
  }
  CHECK(revision3);
}

TEST_CASE("scaling up and down", "[controlplane]") {
  ControlPlane cp(three_nodes());
  std::string ns = "default", name = "scale";
  auto d = deployment(name, 2);
  REQUIRE(cp.run(cp.client->create(kinds::deployments, ns, d)));
  REQUIRE(cp.eventually([&] { return cp.status_int(kinds::deployments, name, "availableReplicas") == 2; },
                        std::chrono::seconds(20)));
  json::value up = json::parse(R"({"spec":{"replicas":7}})");
  REQUIRE(cp.run(cp.client->patch(kinds::deployments, ns, name, PatchType::kMerge, up)));
  REQUIRE(cp.eventually([&] { return cp.status_int(kinds::deployments, name, "availableReplicas") == 7; },
                        std::chrono::seconds(20)));
  json::value down = json::parse(R"({"spec":{"replicas":1}})");
  REQUIRE(cp.run(cp.client->patch(kinds::deployments, ns, name, PatchType::kMerge, down)));
  REQUIRE(cp.eventually(
      [&] {
        int total = 0;
        for (auto& [node, n] : cp.spread("app=scale")) total += n;
        return total == 1 && cp.status_int(kinds::deployments, name, "replicas") == 1;
      },
      std::chrono::seconds(20)));
}

TEST_CASE("a node that stops renewing its lease loses its pods to the others", "[controlplane]") {
  ControlPlane cp(three_nodes());
  std::string ns = "default";
  // Short toleration of unreachable nodes so the test need not wait the default 300 s.
  auto d = deployment("evict", 6,
                      R"("tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":1}],)");
  REQUIRE(cp.run(cp.client->create(kinds::deployments, ns, d)));
  REQUIRE(cp.eventually([&] { return cp.status_int(kinds::deployments, "evict", "availableReplicas") == 6; },
                        std::chrono::seconds(20)));
  cp.kubelets[0]->stop();
  REQUIRE(cp.eventually(
      [&] {
        auto s = cp.spread("app=evict");
        return s.count("node-a") == 0 && s["node-b"] + s["node-c"] == 6;
      },
      std::chrono::seconds(30)));
  auto node = cp.get(kinds::nodes, "node-a");
  bool unreachable = false;
  for (auto& t : node.at("spec").at("taints").as_array()) {
    if (t.at("key") == "node.kubernetes.io/unreachable") unreachable = true;
  }
  CHECK(unreachable);
}

TEST_CASE("deleting a deployment cascades in background, foreground and orphan modes", "[controlplane]") {
  ControlPlane cp(three_nodes());
  std::string ns = "default";
  for (auto name : {"bg", "fg", "orphan"}) {
    auto d = deployment(name, 2);
    REQUIRE(cp.run(cp.client->create(kinds::deployments, ns, d)));
  }
  for (auto name : {"bg", "fg", "orphan"}) {
    REQUIRE(cp.eventually([&] { return cp.status_int(kinds::deployments, name, "availableReplicas") == 2; },
                          std::chrono::seconds(20)));
  }
  auto count_rs = [&](const std::string& app) {
    ListOptions o;
    o.label_selector = "app=" + app;
    auto l = cp.run(cp.client->list(kinds::replicasets, ns, o));
    return l ? l->items.size() : 0;
  };
  DeleteOptions background;
  background.propagation_policy = "Background";
  std::string bg = "bg";
  REQUIRE(cp.run(cp.client->remove(kinds::deployments, ns, bg, background)));
  REQUIRE(cp.eventually([&] { return count_rs("bg") == 0 && cp.pods("app=bg").empty(); }, std::chrono::seconds(20)));

  DeleteOptions foreground;
  foreground.propagation_policy = "Foreground";
  std::string fg = "fg";
  REQUIRE(cp.run(cp.client->remove(kinds::deployments, ns, fg, foreground)));
  // The owner stays (with its finalizer) until its dependents are gone.
  CHECK(!cp.get(kinds::deployments, "fg").empty());
  REQUIRE(cp.eventually([&] { return cp.get(kinds::deployments, "fg").empty(); }, std::chrono::seconds(20)));
  CHECK(count_rs("fg") == 0);
  CHECK(cp.pods("app=fg").empty());

  DeleteOptions orphan;
  orphan.propagation_policy = "Orphan";
  std::string orphan_name = "orphan";
  REQUIRE(cp.run(cp.client->remove(kinds::deployments, ns, orphan_name, orphan)));
  REQUIRE(cp.eventually([&] { return cp.get(kinds::deployments, "orphan").empty(); }, std::chrono::seconds(20)));
  CHECK(count_rs("orphan") == 1);
  ListOptions o;
  o.label_selector = "app=orphan";
  auto rss = cp.run(cp.client->list(kinds::replicasets, ns, o));
  REQUIRE(rss);
  REQUIRE(rss->items.size() == 1);
  auto* refs = rss->items[0].at("metadata").as_object().if_contains("ownerReferences");
  CHECK((!refs || refs->as_array().empty()));
  CHECK(cp.pods("app=orphan").size() == 2);
}

TEST_CASE("deleting a namespace deletes everything in it, then the namespace", "[controlplane]") {
  ControlPlane cp(three_nodes());
  std::string ns = "team", none;
  json::object team{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", json::object{{"name", ns}}}};
  REQUIRE(cp.run(cp.client->create(kinds::namespaces, none, team)));
  auto d = deployment("app", 3);
  REQUIRE(cp.run(cp.client->create(kinds::deployments, ns, d)));
  auto cm = json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"}})").as_object();
  REQUIRE(cp.run(cp.client->create(kinds::configmaps, ns, cm)));
  ListOptions all;
  REQUIRE(cp.eventually(
      [&] {
        auto pods = cp.run(cp.client->list(kinds::pods, ns, all));
        return pods && pods->items.size() == 3;
      },
      std::chrono::seconds(20)));

  DeleteOptions plain;
  REQUIRE(cp.run(cp.client->remove(kinds::namespaces, none, ns, plain)));
  auto terminating = cp.run(cp.client->get(kinds::namespaces, none, ns));
  REQUIRE(terminating);
  CHECK(str(*terminating, "status", "phase") == "Terminating");
  // Nothing new may be created meanwhile.
  auto late = json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"late"}})").as_object();
  auto refused = cp.run(cp.client->create(kinds::configmaps, ns, late));
  if (!refused) {
    CHECK(refused.error().code == 403);
    CHECK(refused.error().message ==
          "configmaps \"late\" is forbidden: unable to create new content in namespace team because it is being terminated");
  }
  REQUIRE(cp.eventually(
      [&] {
        auto gone = cp.run(cp.client->get(kinds::namespaces, none, ns));
        return !gone && gone.error().not_found();
      },
      std::chrono::seconds(30)));
  for (auto* kind : {&kinds::pods, &kinds::deployments, &kinds::replicasets, &kinds::configmaps}) {
    auto left = cp.run(cp.client->list(*kind, ns, all));
    REQUIRE(left);
    CHECK(left->items.empty());
  }
  // A namespace that does not exist takes no objects.
  auto orphan = json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})").as_object();
  std::string nowhere = "nowhere";
  auto missing = cp.run(cp.client->create(kinds::configmaps, nowhere, orphan));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "namespaces \"nowhere\" not found");
}
