#include "pods/pod_status.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

namespace json = boost::json;
using namespace kscratch::kubelet;
using kscratch::containers::ContainerStatus;
using kscratch::containers::State;

namespace {

json::object pod(std::string_view restart_policy, bool with_init = false) {
  auto p = json::parse(R"({"metadata":{"name":"web","namespace":"default","uid":"u1"},
    "spec":{"containers":[{"name":"app","image":"busybox"}]},
    "status":{"conditions":[{"type":"PodScheduled","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z"}]}})")
               .as_object();
  auto& spec = p["spec"].as_object();
  if (!restart_policy.empty()) spec["restartPolicy"] = restart_policy;
  if (with_init) spec["initContainers"] = json::array{json::object{{"name", "init"}, {"image", "busybox"}}};
  return p;
}

ContainerStatus container(std::string id, State state, int exit_code = 0) {
  ContainerStatus c;
  c.id = std::move(id);
  c.state = state;
  c.exit_code = exit_code;
  if (state == State::exited) c.reason = exit_code == 0 ? "Completed" : "Error";
  return c;
}

const json::object& condition(const json::object& status, std::string_view type) {
  for (auto& c : status.at("conditions").as_array()) {
    if (c.at("type").as_string() == type) return c.as_object();
  }
  FAIL("no condition " << type);
  static json::object none;
  return none;
}

const json::object& app_status(const json::object& status) {
  return status.at("containerStatuses").as_array().at(0).as_object();
}

}  // namespace

TEST_CASE("a pod whose container is being created is Pending with ContainerCreating") {
  PodState s;
  s.sandbox_ready = true;
  s.pod_ip = "10.42.0.5";
  s.host_ip = "192.0.2.1";
  auto p = pod("Always");
  auto status = compute_pod_status(p, s, p.at("status").as_object(), std::chrono::system_clock::now());
  CHECK(status.at("phase") == "Pending");
  CHECK(app_status(status).at("state").at("waiting").at("reason") == "ContainerCreating");
  CHECK(status.at("podIP") == "10.42.0.5");
  CHECK(status.at("podIPs").as_array().at(0).at("ip") == "10.42.0.5");
  CHECK(status.at("hostIP") == "192.0.2.1");
  CHECK(condition(status, "PodReadyToStartContainers").at("status") == "True");
  CHECK(condition(status, "Ready").at("reason") == "ContainersNotReady");
  CHECK(condition(status, "Ready").at("message") == "containers with unready status: [app]");
  // Conditions the kubelet does not own are kept as they were.
  CHECK(condition(status, "PodScheduled").at("lastTransitionTime") == "2026-01-01T00:00:00Z");
}

TEST_CASE("a running, ready container makes the pod Running and Ready") {
  PodState s;
  s.sandbox_ready = true;
  auto& c = s.containers["app"];
  c.current = container("u1-app-0", State::running);
  c.ready = c.started = true;
  c.image = "docker.io/library/busybox:latest";
  c.image_id = "docker.io/library/busybox@sha256:abc";
  auto p = pod("Always");
  auto status = compute_pod_status(p, s, p.at("status").as_object(), std::chrono::system_clock::now());
  CHECK(status.at("phase") == "Running");
  const auto& cs = app_status(status);
  CHECK(cs.at("ready") == true);
  CHECK(cs.at("started") == true);
  CHECK(cs.at("containerID") == "runc://u1-app-0");
  CHECK(cs.at("imageID") == "docker.io/library/busybox@sha256:abc");
  CHECK(cs.at("state").as_object().contains("running"));
  CHECK(condition(status, "Ready").at("status") == "True");
  CHECK(condition(status, "ContainersReady").at("status") == "True");
}

TEST_CASE("a crash-looping container waits with CrashLoopBackOff and shows its last termination") {
  PodState s;
  s.sandbox_ready = true;
  auto& c = s.containers["app"];
  c.current = container("u1-app-2", State::exited, 1);
  c.restart_count = 2;
  c.waiting_reason = "CrashLoopBackOff";
  c.waiting_message = "back-off 20s restarting failed container=app pod=web_default(u1)";
  auto p = pod("Always");
  auto status = compute_pod_status(p, s, p.at("status").as_object(), std::chrono::system_clock::now());
  const auto& cs = app_status(status);
  CHECK(cs.at("state").at("waiting").at("reason") == "CrashLoopBackOff");
  CHECK(cs.at("lastState").at("terminated").at("exitCode") == 1);
  CHECK(cs.at("lastState").at("terminated").at("reason") == "Error");
  CHECK(cs.at("restartCount") == 2);
  // Upstream counts a waiting container with a last termination as stopped: Running.
  CHECK(status.at("phase") == "Running");
}

TEST_CASE("phases of finished pods follow the restart policy") {
  PodState s;
  s.sandbox_ready = true;
  s.containers["app"].current = container("u1-app-0", State::exited, 0);
  auto never = pod("Never");
  CHECK(compute_pod_status(never, s, {}, std::chrono::system_clock::now()).at("phase") == "Succeeded");
  s.containers["app"].current = container("u1-app-0", State::exited, 2);
  CHECK(compute_pod_status(never, s, {}, std::chrono::system_clock::now()).at("phase") == "Failed");
  auto on_failure = pod("OnFailure");
  CHECK(compute_pod_status(on_failure, s, {}, std::chrono::system_clock::now()).at("phase") == "Running");
  s.containers["app"].current = container("u1-app-0", State::exited, 137);
  s.containers["app"].current->reason = "OOMKilled";
  auto st = compute_pod_status(never, s, {}, std::chrono::system_clock::now());
  CHECK(app_status(st).at("state").at("terminated").at("reason") == "OOMKilled");
  CHECK(condition(st, "Ready").at("reason") == "PodCompleted");
  // A terminal phase stays, whatever comes later.
  json::object old{{"phase", "Failed"}};
  s.containers["app"].current = container("u1-app-1", State::running);
  CHECK(compute_pod_status(never, s, old, std::chrono::system_clock::now()).at("phase") == "Failed");
}

TEST_CASE("init containers hold the pod in Pending and PodInitializing until they succeed") {
  PodState s;
  s.sandbox_ready = true;
  s.containers["init"].current = container("u1-init-0", State::running);
  auto p = pod("Always", true);
  auto status = compute_pod_status(p, s, {}, std::chrono::system_clock::now());
  CHECK(status.at("phase") == "Pending");
  CHECK(app_status(status).at("state").at("waiting").at("reason") == "PodInitializing");
  CHECK(condition(status, "Initialized").at("status") == "False");
  CHECK(condition(status, "Initialized").at("message") == "containers with incomplete status: [init]");
  s.containers["init"].current = container("u1-init-0", State::exited, 0);
  status = compute_pod_status(p, s, {}, std::chrono::system_clock::now());
  CHECK(condition(status, "Initialized").at("status") == "True");
  CHECK(app_status(status).at("state").at("waiting").at("reason") == "ContainerCreating");
  CHECK(status.at("initContainerStatuses").as_array().at(0).at("state").at("terminated").at("reason") == "Completed");
}

TEST_CASE("transition times stay while a condition keeps its status") {
  PodState s;
  auto p = pod("Always");
  auto t1 = std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 56);
  auto first = compute_pod_status(p, s, {}, t1);
  auto second = compute_pod_status(p, s, first, t1 + std::chrono::hours(1));
  CHECK(condition(first, "Ready").at("lastTransitionTime") == condition(second, "Ready").at("lastTransitionTime"));
}
