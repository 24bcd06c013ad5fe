// How long track_update takes per call: the ConfigMap creates of the API benchmark, a
// Deployment create and a ConfigMap update. Hidden from ctest; run it with
//   build/test/unit/apiserver/fieldmanager/kscratch-unit-apiserver-fieldmanager "[.bench]"

#include <catch2/catch.hpp>

#include "test_support.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

using namespace fm_test;

namespace {

constexpr int kCalls = 20000;
constexpr int kRounds = 5;

const char* kBenchConfigMap = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1",
  "namespace":"kscratch-bench","labels":{"app":"kscratch-bench"},"uid":"7d0c5d3e-8c57-4b0e-9d6e-1f2a3b4c5d6e",
  "creationTimestamp":"2024-01-01T00:00:00Z"},"data":{"client":"7","color":"blue","size":"small",
  "note":"created by kscratch-bench api"}})";

const char* kBenchDeployment = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web",
  "namespace":"default","uid":"7d0c5d3e-8c57-4b0e-9d6e-1f2a3b4c5d6f","generation":1,
  "creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"web"}},"spec":{"replicas":3,
  "selector":{"matchLabels":{"app":"web"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%",
  "maxUnavailable":"25%"}},"revisionHistoryLimit":10,"progressDeadlineSeconds":600,"template":{"metadata":{
  "labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80,
  "protocol":"TCP"}],"env":[{"name":"MODE","value":"prod"},{"name":"POD","valueFrom":{"fieldRef":{
  "fieldPath":"metadata.name"}}}],"resources":{"limits":{"cpu":"500m","memory":"128Mi"}},
  "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],
  "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},
  "schedulerName":"default-scheduler"}}},"status":{}})";

// Times kRounds rounds of kCalls calls of `call`; prints each round and the median, in µs per call.
void time_rounds(const char* name, const std::function<void()>& call) {
  std::vector<double> per_call;
  for (int round = 0; round < kRounds; ++round) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i) call();
    std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
    per_call.push_back(took.count() / kCalls);
  }
  auto sorted = per_call;
  std::sort(sorted.begin(), sorted.end());
  std::printf("%-22s median %.2f us/call (rounds:", name, sorted[kRounds / 2]);
  for (double us : per_call) std::printf(" %.2f", us);
  std::printf(")\n");
}

// A create of `text`: the entries it gets are erased again, so every call sees the same object.
void bench_create(const char* name, const Scope& scope, const char* text) {
  auto o = obj(text);
  time_rounds(name, [&] {
    track_update(scope, nullptr, o, "kscratch-bench", "2024-01-01T00:00:00Z");
    o["metadata"].as_object().erase("managedFields");
  });
}

}  // namespace

TEST_CASE("bench: track_update", "[.bench]") {
  bench_create("create ConfigMap", configmap_scope(), kBenchConfigMap);
  bench_create("create Deployment", deployment_scope(), kBenchDeployment);

  // An update of one data field by another manager; the result is the same every time.
  auto live = obj(kBenchConfigMap);
  track_update(configmap_scope(), nullptr, live, "kscratch-bench", "2024-01-01T00:00:00Z");
  auto next = live;
  next["data"].as_object()["color"] = "red";
  time_rounds("update ConfigMap", [&] {
    track_update(configmap_scope(), &live, next, "kubectl-edit", "2024-01-02T00:00:00Z");
  });
}
