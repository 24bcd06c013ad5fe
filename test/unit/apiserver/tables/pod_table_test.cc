// Pod rows against upstream's printPod (pkg/printers/internalversion/printers_test.go cases and
// the statuses `kubectl get pods` shows in practice).

#include <catch2/catch.hpp>

#include "tables.h"
#include "test_support.h"

namespace tables = kscratch::apiserver::tables;
namespace t = kscratch::apiserver::tables::test;
using namespace std::chrono_literals;

namespace {

// A pod created three days ago with the given spec and status JSON.
boost::json::object pod(std::string_view spec, std::string_view status,
                        std::string_view extra_metadata = "") {
  std::string text = R"({"metadata":{"name":"p","creationTimestamp":")" + t::ago(72h) + "\"" +
                     std::string(extra_metadata) + "},\"spec\":" + std::string(spec) +
                     ",\"status\":" + std::string(status) + "}";
  return t::object(text);
}

// The READY, STATUS and RESTARTS cells of a pod's row.
std::vector<std::string> summary(const boost::json::object& object) {
  boost::json::array row = tables::pod_row(object, t::now());
  REQUIRE(row.size() == 9);
  return {std::string(row[1].as_string()), std::string(row[2].as_string()),
          std::string(row[3].as_string())};
}

const char* kOneContainer = R"({"nodeName":"n1","containers":[{"name":"app","image":"nginx"}]})";

}  // namespace

TEST_CASE("pod columns are upstream's", "[tables][pod]") {
  t::check_columns(tables::pod_columns(),
                   {"Name:string:0", "Ready:string:0", "Status:string:0", "Restarts:string:0",
                    "Age:string:0", "IP:string:1", "Node:string:1", "Nominated Node:string:1",
                    "Readiness Gates:string:1"});
  auto columns = tables::pod_columns();
  CHECK(columns[3].description ==
        "The number of times the containers in this pod have been restarted and when the last "
        "container in this pod has restarted.");
  CHECK(columns[5].description ==
        "podIP address allocated to the pod. Routable at least within the cluster. Empty if not "
        "yet allocated.");
}

TEST_CASE("running pod with one container not ready and restarts", "[tables][pod]") {
  std::string status = R"({"phase":"Running","podIP":"10.42.0.7",
    "conditions":[{"type":"Ready","status":"False"}],
    "containerStatuses":[
      {"name":"app","ready":true,"restartCount":0,"state":{"running":{}}},
      {"name":"log","ready":false,"restartCount":3,"state":{"running":{}},
       "lastState":{"terminated":{"exitCode":1,"finishedAt":")" + t::ago(5min) + R"("}}}]})";
  auto object = pod(R"({"nodeName":"n1","containers":[{"name":"app"},{"name":"log"}]})", status);
  CHECK(tables::pod_row(object, t::now()) ==
        t::array(R"j(["p","1/2","Running","3 (5m ago)","3d","10.42.0.7","n1","<none>","<none>"])j"));
}

TEST_CASE("pending pod creating its container", "[tables][pod]") {
  auto object = pod(kOneContainer, R"({"phase":"Pending","containerStatuses":[
      {"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ContainerCreating"}}}]})");
  CHECK(tables::pod_row(object, t::now()) ==
        t::array(R"(["p","0/1","ContainerCreating","0","3d","<none>","n1","<none>","<none>"])"));
}

TEST_CASE("unscheduled pending pod", "[tables][pod]") {
  auto object = pod(R"({"containers":[{"name":"app"}]})", R"({"phase":"Pending"})");
  CHECK(tables::pod_row(object, t::now()) ==
        t::array(R"(["p","0/1","Pending","0","3d","<none>","<none>","<none>","<none>"])"));
}

TEST_CASE("crash looping pod shows the last restart's age", "[tables][pod]") {
  std::string status = R"({"phase":"Running","containerStatuses":[
      {"name":"app","ready":false,"restartCount":4,
       "state":{"waiting":{"reason":"CrashLoopBackOff"}},
       "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":")" +
                       t::ago(30s) + R"("}}}]})";
  CHECK(summary(pod(kOneContainer, status)) ==
        std::vector<std::string>{"0/1", "CrashLoopBackOff", "4 (30s ago)"});
}

TEST_CASE("restarts without a termination time print the count only", "[tables][pod]") {
  auto object = pod(kOneContainer, R"({"phase":"Running","containerStatuses":[
      {"name":"app","ready":true,"restartCount":2,"state":{"running":{}}}]})");
  CHECK(summary(object) == std::vector<std::string>{"1/1", "Running", "2"});
}

TEST_CASE("image pull failures", "[tables][pod]") {
  for (const char* reason : {"ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError"}) {
    std::string status = std::string(R"({"phase":"Pending","containerStatuses":[{"name":"app",)") +
                         R"("state":{"waiting":{"reason":")" + reason + "\"}}}]}";
    CHECK(summary(pod(kOneContainer, status)) == std::vector<std::string>{"0/1", reason, "0"});
  }
}

TEST_CASE("terminating pod", "[tables][pod]") {
  auto object = pod(kOneContainer,
                    R"({"phase":"Running","containerStatuses":[
                        {"name":"app","ready":true,"state":{"running":{}}}]})",
                    R"(,"deletionTimestamp":"2024-06-01T11:59:00Z")");
  CHECK(summary(object) == std::vector<std::string>{"1/1", "Terminating", "0"});
}

TEST_CASE("deleted pods that already finished keep their status", "[tables][pod]") {
  auto object = pod(kOneContainer,
                    R"({"phase":"Succeeded","containerStatuses":[{"name":"app",
                        "state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]})",
                    R"(,"deletionTimestamp":"2024-06-01T11:59:00Z")");
  CHECK(summary(object) == std::vector<std::string>{"0/1", "Completed", "0"});
}

TEST_CASE("deleted pod on a lost node is Unknown", "[tables][pod]") {
  auto object = pod(kOneContainer, R"({"phase":"Running","reason":"NodeLost"})",
                    R"(,"deletionTimestamp":"2024-06-01T11:59:00Z")");
  CHECK(summary(object)[1] == "Unknown");
}

TEST_CASE("status.reason overrides the phase", "[tables][pod]") {
  CHECK(summary(pod(kOneContainer, R"({"phase":"Failed","reason":"Evicted"})"))[1] == "Evicted");
}

TEST_CASE("terminated containers without a reason", "[tables][pod]") {
  CHECK(summary(pod(kOneContainer, R"({"phase":"Failed","containerStatuses":[{"name":"app",
            "state":{"terminated":{"exitCode":137}}}]})"))[1] == "ExitCode:137");
  CHECK(summary(pod(kOneContainer, R"({"phase":"Failed","containerStatuses":[{"name":"app",
            "state":{"terminated":{"exitCode":2,"signal":9}}}]})"))[1] == "Signal:9");
}

TEST_CASE("completed pod with a container still running", "[tables][pod]") {
  std::string spec = R"({"containers":[{"name":"job"},{"name":"proxy"}]})";
  std::string statuses = R"("containerStatuses":[
      {"name":"job","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
      {"name":"proxy","ready":true,"state":{"running":{}}}])";
  CHECK(summary(pod(spec, R"({"phase":"Running","conditions":[{"type":"Ready","status":"True"}],)" +
                              statuses + "}")) ==
        std::vector<std::string>{"1/2", "Running", "0"});
  CHECK(summary(pod(spec, R"({"phase":"Running",)" + statuses + "}"))[1] == "NotReady");
}

TEST_CASE("init containers", "[tables][pod]") {
  std::string spec = R"({"initContainers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"app"}]})";
  std::string app_waiting =
      R"("containerStatuses":[{"name":"app","state":{"waiting":{"reason":"PodInitializing"}}}])";

  SECTION("the first running one") {
    auto object = pod(spec, R"({"phase":"Pending","initContainerStatuses":[
        {"name":"a","state":{"running":{}}},{"name":"b","state":{"waiting":{"reason":"PodInitializing"}}}],)" +
                                app_waiting + "}");
    CHECK(summary(object) == std::vector<std::string>{"0/1", "Init:0/2", "0"});
  }
  SECTION("the second after the first completed") {
    auto object = pod(spec, R"({"phase":"Pending","initContainerStatuses":[
        {"name":"a","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
        {"name":"b","state":{"running":{}}}],)" + app_waiting + "}");
    CHECK(summary(object)[1] == "Init:1/2");
  }
  SECTION("crash looping") {
    auto object = pod(spec, R"({"phase":"Pending","initContainerStatuses":[
        {"name":"a","restartCount":5,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
         "lastState":{"terminated":{"exitCode":1,"finishedAt":")" + t::ago(1min) + R"("}}}]})");
    CHECK(summary(object) == std::vector<std::string>{"0/1", "Init:CrashLoopBackOff", "5 (60s ago)"});
  }
  SECTION("failed with and without a reason") {
    CHECK(summary(pod(spec, R"({"phase":"Pending","initContainerStatuses":[
        {"name":"a","state":{"terminated":{"exitCode":1,"reason":"Error"}}}]})"))[1] == "Init:Error");
    CHECK(summary(pod(spec, R"({"phase":"Pending","initContainerStatuses":[
        {"name":"a","state":{"terminated":{"exitCode":3}}}]})"))[1] == "Init:ExitCode:3");
    CHECK(summary(pod(spec, R"({"phase":"Pending","initContainerStatuses":[
        {"name":"a","state":{"terminated":{"exitCode":3,"signal":15}}}]})"))[1] == "Init:Signal:15");
  }
  SECTION("all done") {
    auto object = pod(spec, R"({"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],
        "initContainerStatuses":[
        {"name":"a","restartCount":1,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
        {"name":"b","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}],
        "containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]})");
    // Completed init containers' restarts no longer count once the pod is initialized.
    CHECK(summary(object) == std::vector<std::string>{"1/1", "Running", "0"});
  }
}

TEST_CASE("sidecar containers count as containers", "[tables][pod]") {
  std::string spec = R"({"initContainers":[{"name":"mesh","restartPolicy":"Always"}],
                         "containers":[{"name":"app"}]})";
  std::string status = R"({"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],
      "initContainerStatuses":[{"name":"mesh","ready":true,"started":true,"restartCount":2,
        "state":{"running":{}},
        "lastState":{"terminated":{"exitCode":1,"finishedAt":")" + t::ago(10min) + R"("}}}],
      "containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]})";
  CHECK(summary(pod(spec, status)) == std::vector<std::string>{"2/2", "Running", "2 (10m ago)"});
}

TEST_CASE("scheduling gated pod", "[tables][pod]") {
  auto object = pod(kOneContainer, R"({"phase":"Pending","conditions":[
      {"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]})");
  CHECK(summary(object)[1] == "SchedulingGated");
}

TEST_CASE("wide cells: IPs, nominated node and readiness gates", "[tables][pod]") {
  auto object = pod(R"({"containers":[{"name":"app"}],"readinessGates":[
      {"conditionType":"example.com/lb"},{"conditionType":"example.com/dns"}]})",
                    R"({"phase":"Pending","nominatedNodeName":"n2",
      "podIPs":[{"ip":"10.42.1.9"},{"ip":"fd00::9"}],
      "conditions":[{"type":"example.com/lb","status":"True"},{"type":"example.com/dns","status":"False"}]})");
  boost::json::array row = tables::pod_row(object, t::now());
  CHECK(row[5] == "10.42.1.9");
  CHECK(row[6] == "<none>");
  CHECK(row[7] == "n2");
  CHECK(row[8] == "1/2");
}
