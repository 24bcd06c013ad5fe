// PodInfo and Node parsing: requests as upstream's computePodResourceRequest, ports, affinity.

#include <catch2/catch.hpp>

#include "builders.h"
#include "kscratch/scheduler/node_info.h"
#include "kscratch/scheduler/pod_info.h"

namespace sched = kscratch::scheduler;
using namespace kscratch::scheduler::testing;

TEST_CASE("pod requests sum containers, take the largest init container, add overhead", "[scheduler][pod]") {
  auto pod = pod_json("p", "500m", "1Gi");
  auto& spec = spec_of(pod);
  spec["containers"].as_array().push_back(container("second", "250m", "512Mi"));
  spec["initContainers"] = boost::json::array{container("init-big", "2", "256Mi"), container("init-small", "100m", "3Gi")};
  spec["overhead"] = {{"cpu", "10m"}, {"memory", "1Mi"}};
  sched::PodInfo info = sched::parse_pod(pod);
  CHECK(info.requests.milli_cpu == 2000 + 10);           // max(750m, 2, 100m) + overhead
  CHECK(info.requests.memory == (3LL << 30) + (1 << 20));  // max(1.5Gi, 256Mi, 3Gi) + overhead
}

TEST_CASE("restartable init containers (sidecars) add to the pod's requests", "[scheduler][pod]") {
  auto pod = pod_json("p", "500m", "");
  auto sidecar = container("sidecar", "200m", "");
  sidecar["restartPolicy"] = "Always";
  spec_of(pod)["initContainers"] = boost::json::array{sidecar, container("init", "600m", "")};
  sched::PodInfo info = sched::parse_pod(pod);
  // containers 500m + sidecar 200m = 700m; the init container runs next to the sidecar: 800m.
  CHECK(info.requests.milli_cpu == 800);
}

TEST_CASE("non-zero requests default cpu and memory per container that omits them", "[scheduler][pod]") {
  auto pod = pod_json("p", "", "64Mi");
  spec_of(pod)["containers"].as_array().push_back(container("second", "0", ""));
  sched::PodInfo info = sched::parse_pod(pod);
  CHECK(info.requests.milli_cpu == 0);
  CHECK(info.requests.memory == 64 << 20);
  CHECK(info.non_zero_milli_cpu == 100);  // The explicit "0" stays 0; the missing one is 100m.
  CHECK(info.non_zero_memory == (64 << 20) + sched::kDefaultMemoryRequest);
}

TEST_CASE("extended resources are scalars; unknown native names are ignored", "[scheduler][pod]") {
  auto pod = pod_json("p");
  spec_of(pod)["containers"].as_array()[0].as_object()["resources"] =
      boost::json::object{{"requests", {{"example.com/gpu", "2"}, {"hugepages-2Mi", "4Mi"}, {"foo", "3"}}}};
  sched::PodInfo info = sched::parse_pod(pod);
  REQUIRE(info.requests.scalars.size() == 2);
  CHECK(info.requests.scalar("example.com/gpu") == 2);
  CHECK(info.requests.scalar("hugepages-2Mi") == 4 << 20);
}

TEST_CASE("host ports are sanitized; owner, terminating and preemption policy are read", "[scheduler][pod]") {
  auto pod = pod_json("p");
  auto& c = spec_of(pod)["containers"].as_array()[0].as_object();
  c["ports"] = boost::json::array{{{"containerPort", 80}, {"hostPort", 8080}},
                                  {{"containerPort", 53}, {"hostPort", 53}, {"protocol", "UDP"}, {"hostIP", "10.0.0.1"}},
                                  {{"containerPort", 9090}}};
  set_owner(pod, "rs-1");
  spec_of(pod)["preemptionPolicy"] = "Never";
  pod["metadata"].as_object()["deletionTimestamp"] = "2024-01-01T00:00:00Z";
  sched::PodInfo info = sched::parse_pod(pod);
  REQUIRE(info.host_ports.size() == 2);
  CHECK(info.host_ports[0] == sched::HostPort{"0.0.0.0", "TCP", 8080});
  CHECK(info.host_ports[1] == sched::HostPort{"10.0.0.1", "UDP", 53});
  CHECK(info.spread_owner_uid == "rs-1");
  CHECK(info.terminating);
  CHECK(info.preemption_never);
  CHECK(info.key() == "uid-p");

  auto job_pod = pod_json("j");
  set_owner(job_pod, "job-1", "Job");  // upstream's default spreading ignores Jobs.
  CHECK(sched::parse_pod(job_pod).spread_owner_uid.empty());
}

TEST_CASE("nodes parse allocatable, labels, taints, unschedulable and readiness", "[scheduler][node]") {
  auto node = node_json("n1", "3500m", "2Gi", "20");
  add_taint(node, "dedicated", "gpu", "NoSchedule");
  node["spec"].as_object()["unschedulable"] = true;
  sched::Node parsed = sched::parse_node(node);
  CHECK(parsed.name == "n1");
  CHECK(parsed.allocatable.milli_cpu == 3500);
  CHECK(parsed.allocatable.memory == 2LL << 30);
  CHECK(parsed.allocatable.pods == 20);
  CHECK(parsed.allocatable.ephemeral_storage == 100LL << 30);
  CHECK(parsed.labels.at("kubernetes.io/hostname") == "n1");
  REQUIRE(parsed.taints.size() == 1);
  CHECK(parsed.taints[0].key == "dedicated");
  CHECK(parsed.unschedulable);
  CHECK(parsed.ready == sched::Node::Ready::kTrue);

  node["status"].as_object()["conditions"] = boost::json::array{{{"type", "Ready"}, {"status", "Unknown"}}};
  CHECK(sched::parse_node(node).ready == sched::Node::Ready::kUnknown);
  node["status"].as_object().erase("conditions");
  CHECK(sched::parse_node(node).ready == sched::Node::Ready::kAbsent);
}

TEST_CASE("tolerations follow upstream ToleratesTaint", "[scheduler][taints]") {
  sched::Taint taint{"key", "value", "NoSchedule"};
  CHECK(sched::Toleration{"key", "Equal", "value", "NoSchedule"}.tolerates(taint));
  CHECK(sched::Toleration{"key", "", "value", ""}.tolerates(taint));  // Empty operator is Equal.
  CHECK_FALSE(sched::Toleration{"key", "Equal", "other", ""}.tolerates(taint));
  CHECK(sched::Toleration{"key", "Exists", "", ""}.tolerates(taint));
  CHECK(sched::Toleration{"", "Exists", "", ""}.tolerates(taint));  // Tolerates everything.
  CHECK_FALSE(sched::Toleration{"", "Exists", "", "NoExecute"}.tolerates(taint));
  CHECK_FALSE(sched::Toleration{"other", "Exists", "", ""}.tolerates(taint));
  CHECK_FALSE(sched::Toleration{"key", "Bogus", "value", ""}.tolerates(taint));
}
