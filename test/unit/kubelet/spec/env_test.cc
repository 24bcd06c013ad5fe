// The container environment: envFrom, env with expansion and valueFrom, service links,
// the merge with the image's environment, and upstream's errors.

#include "fake_source.h"
#include "kubelet/spec/env.h"

#include <catch2/catch.hpp>

using namespace kscratch::kubelet::spec;
using test::FakeSource;
using test::parse_object;
using test::run;

namespace {

const char* kPod = R"J({"metadata":{"name":"web","namespace":"shop","uid":"uid-1",
  "labels":{"app":"web","tier":"front"},"annotations":{"note":"say \"hi\""}},
  "spec":{"nodeName":"node-a","serviceAccountName":"builder","enableServiceLinks":false}})J";

PodPlacement placement() {
  PodPlacement p;
  p.node_name = "node-a";
  p.host_ip = "192.168.1.10";
  p.pod_ip = "10.42.0.7";
  return p;
}

NodeAllocatable node() {
  namespace q = kscratch::apimachinery::quantity;
  return {q::Quantity::from_scaled(4, 0), q::Quantity::from_scaled(8LL << 30, 0),
          q::Quantity::from_scaled(100LL << 30, 0)};
}

SpecResult<std::vector<EnvVar>> environment(FakeSource& source, const json::object& pod,
                                            const json::object& container) {
  ObjectCache objects(source, "shop");
  PodPlacement where = placement();
  NodeAllocatable n = node();
  return run(make_environment(pod, container, where, n, objects, source));
}

std::vector<std::string> names(const std::vector<EnvVar>& env) {
  std::vector<std::string> out;
  for (const auto& v : env) out.push_back(v.name);
  return out;
}

std::string value(const std::vector<EnvVar>& env, const std::string& name) {
  for (const auto& v : env) {
    if (v.name == name) return v.value;
  }
  return "<unset>";
}

}  // namespace

TEST_CASE("env: envFrom, then env in order, with $(VAR) expansion over earlier variables") {
  FakeSource source;
  source.add_config_map("shop", "cfg", R"J({"COLOR":"blue","SIZE":"L","1ST":"x","GOOD.KEY":"y","A=B":"z"})J");
  source.add_secret("shop", "creds", R"J({"PASSWORD":"czNjcjN0"})J");  // "s3cr3t"
  auto pod = parse_object(kPod);
  auto container = parse_object(R"J({"name":"c",
    "envFrom":[{"configMapRef":{"name":"cfg"}},{"secretRef":{"name":"creds"},"prefix":"DB_"}],
    "env":[{"name":"GREETING","value":"hello $(WHO)"},
           {"name":"WHO","value":"world"},
           {"name":"MSG","value":"$(COLOR)-$(WHO)-$$(WHO)-$(MISSING)"},
           {"name":"COLOR","value":"red"},
           {"name":"EMPTY","value":""}]})J");
  auto env = environment(source, pod, container);
  REQUIRE(env);
  CHECK(names(*env) == std::vector<std::string>{"1ST", "COLOR", "GOOD.KEY", "SIZE", "DB_PASSWORD", "GREETING", "WHO", "MSG",
                                                "EMPTY"});
  CHECK(value(*env, "COLOR") == "red");  // env overrides envFrom, in place
  CHECK(value(*env, "DB_PASSWORD") == "s3cr3t");
  CHECK(value(*env, "GREETING") == "hello $(WHO)");  // WHO was not defined yet
  CHECK(value(*env, "MSG") == "blue-world-$(WHO)-$(MISSING)");
  CHECK(value(*env, "EMPTY") == "");
  CHECK(value(*env, "1ST") == "x");        // relaxed names (1.32) are kept
  CHECK(value(*env, "A=B") == "<unset>");  // a name no environment can hold is not
}

TEST_CASE("env: fieldRef and resourceFieldRef") {
  FakeSource source;
  auto pod = parse_object(kPod);
  auto container = parse_object(R"J({"name":"c",
    "resources":{"requests":{"cpu":"250m","memory":"64Mi"},"limits":{"memory":"128Mi"}},
    "env":[
      {"name":"NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
      {"name":"NS","valueFrom":{"fieldRef":{"fieldPath":"metadata.namespace"}}},
      {"name":"UID","valueFrom":{"fieldRef":{"fieldPath":"metadata.uid"}}},
      {"name":"APP","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels['app']"}}},
      {"name":"NONE","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels['nope']"}}},
      {"name":"LABELS","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels"}}},
      {"name":"NOTES","valueFrom":{"fieldRef":{"fieldPath":"metadata.annotations"}}},
      {"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}},
      {"name":"SA","valueFrom":{"fieldRef":{"fieldPath":"spec.serviceAccountName"}}},
      {"name":"HOST_IP","valueFrom":{"fieldRef":{"fieldPath":"status.hostIP"}}},
      {"name":"POD_IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},
      {"name":"POD_IPS","valueFrom":{"fieldRef":{"fieldPath":"status.podIPs"}}},
      {"name":"CPU_REQ_M","valueFrom":{"resourceFieldRef":{"resource":"requests.cpu","divisor":"1m"}}},
      {"name":"CPU_REQ","valueFrom":{"resourceFieldRef":{"resource":"requests.cpu"}}},
      {"name":"MEM_MI","valueFrom":{"resourceFieldRef":{"resource":"limits.memory","divisor":"1Mi"}}},
      {"name":"CPU_LIMIT","valueFrom":{"resourceFieldRef":{"resource":"limits.cpu"}}},
      {"name":"REF","value":"$(NAME).$(NS)"}]})J");
  auto env = environment(source, pod, container);
  REQUIRE(env);
  CHECK(value(*env, "NAME") == "web");
  CHECK(value(*env, "NS") == "shop");
  CHECK(value(*env, "UID") == "uid-1");
  CHECK(value(*env, "APP") == "web");
  CHECK(value(*env, "NONE") == "");
  CHECK(value(*env, "LABELS") == "app=\"web\"\ntier=\"front\"");
  CHECK(value(*env, "NOTES") == "note=\"say \\\"hi\\\"\"");
  CHECK(value(*env, "NODE") == "node-a");
  CHECK(value(*env, "SA") == "builder");
  CHECK(value(*env, "HOST_IP") == "192.168.1.10");
  CHECK(value(*env, "POD_IP") == "10.42.0.7");
  CHECK(value(*env, "POD_IPS") == "10.42.0.7");
  CHECK(value(*env, "CPU_REQ_M") == "250");
  CHECK(value(*env, "CPU_REQ") == "1");  // rounded up
  CHECK(value(*env, "MEM_MI") == "128");
  CHECK(value(*env, "CPU_LIMIT") == "4");  // no limit: the node's allocatable
  CHECK(value(*env, "REF") == "web.shop");

  auto bad = environment(source, pod,
                         parse_object(R"J({"name":"c","env":[{"name":"X","valueFrom":{"fieldRef":{"fieldPath":"spec.bogus"}}}]})J"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().reason == "CreateContainerConfigError");
}

TEST_CASE("env: configMap and secret keys, missing objects and keys") {
  FakeSource source;
  source.add_config_map("shop", "cfg", R"J({"COLOR":"blue"})J");
  source.add_secret("shop", "creds", R"J({"user":"YWRtaW4="})J");
  auto pod = parse_object(kPod);

  auto ok = environment(source, pod, parse_object(R"J({"name":"c","env":[
      {"name":"C","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"COLOR"}}},
      {"name":"U","valueFrom":{"secretKeyRef":{"name":"creds","key":"user"}}},
      {"name":"OPT_KEY","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"nope","optional":true}}},
      {"name":"OPT_CM","valueFrom":{"configMapKeyRef":{"name":"gone","key":"k","optional":true}}}],
      "envFrom":[{"configMapRef":{"name":"gone","optional":true}}]})J"));
  REQUIRE(ok);
  CHECK(value(*ok, "C") == "blue");
  CHECK(value(*ok, "U") == "admin");
  CHECK(value(*ok, "OPT_KEY") == "<unset>");
  CHECK(value(*ok, "OPT_CM") == "<unset>");

  auto missing_key = environment(source, pod, parse_object(R"J({"name":"c","env":[
      {"name":"C","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"SHAPE"}}}]})J"));
  REQUIRE_FALSE(missing_key);
  CHECK(missing_key.error().reason == "CreateContainerConfigError");
  CHECK(missing_key.error().message == "couldn't find key SHAPE in ConfigMap shop/cfg");

  auto missing_secret_key = environment(source, pod, parse_object(R"J({"name":"c","env":[
      {"name":"P","valueFrom":{"secretKeyRef":{"name":"creds","key":"password"}}}]})J"));
  REQUIRE_FALSE(missing_secret_key);
  CHECK(missing_secret_key.error().message == "couldn't find key password in Secret shop/creds");

  auto missing_cm = environment(source, pod, parse_object(R"J({"name":"c","env":[
      {"name":"C","valueFrom":{"configMapKeyRef":{"name":"x","key":"k"}}}]})J"));
  REQUIRE_FALSE(missing_cm);
  CHECK(missing_cm.error().reason == "CreateContainerConfigError");
  CHECK(missing_cm.error().message == "configmap \"x\" not found");

  auto missing_secret = environment(source, pod, parse_object(R"J({"name":"c","envFrom":[{"secretRef":{"name":"s"}}]})J"));
  REQUIRE_FALSE(missing_secret);
  CHECK(missing_secret.error().message == "secret \"s\" not found");
}

TEST_CASE("env: service links") {
  FakeSource source;
  source.services_by_ns["default"] = {parse_object(R"J({"metadata":{"name":"kubernetes","namespace":"default"},
      "spec":{"clusterIP":"10.43.0.1","ports":[{"name":"https","port":443,"protocol":"TCP"}]}})J"),
                                      parse_object(R"J({"metadata":{"name":"other","namespace":"default"},
      "spec":{"clusterIP":"10.43.0.9","ports":[{"port":1}]}})J")};
  source.services_by_ns["shop"] = {
      parse_object(R"J({"metadata":{"name":"redis-master","namespace":"shop"},
          "spec":{"clusterIP":"10.43.0.20","ports":[{"port":6379},{"name":"metrics","port":9121,"protocol":"UDP"}]}})J"),
      parse_object(R"J({"metadata":{"name":"headless","namespace":"shop"},
          "spec":{"clusterIP":"None","ports":[{"port":80}]}})J")};

  auto pod = parse_object(kPod);
  pod["spec"].as_object()["enableServiceLinks"] = true;
  auto env = environment(source, pod, parse_object(R"J({"name":"c","env":[{"name":"REDIS_MASTER_SERVICE_HOST","value":"mine"}]})J"));
  REQUIRE(env);
  CHECK(value(*env, "KUBERNETES_SERVICE_HOST") == "10.43.0.1");
  CHECK(value(*env, "KUBERNETES_SERVICE_PORT") == "443");
  CHECK(value(*env, "KUBERNETES_SERVICE_PORT_HTTPS") == "443");
  CHECK(value(*env, "KUBERNETES_PORT") == "tcp://10.43.0.1:443");
  CHECK(value(*env, "KUBERNETES_PORT_443_TCP") == "tcp://10.43.0.1:443");
  CHECK(value(*env, "KUBERNETES_PORT_443_TCP_PROTO") == "tcp");
  CHECK(value(*env, "KUBERNETES_PORT_443_TCP_PORT") == "443");
  CHECK(value(*env, "KUBERNETES_PORT_443_TCP_ADDR") == "10.43.0.1");
  CHECK(value(*env, "REDIS_MASTER_SERVICE_HOST") == "mine");  // the container's own wins
  CHECK(value(*env, "REDIS_MASTER_SERVICE_PORT") == "6379");
  CHECK(value(*env, "REDIS_MASTER_SERVICE_PORT_METRICS") == "9121");
  CHECK(value(*env, "REDIS_MASTER_PORT") == "tcp://10.43.0.20:6379");
  CHECK(value(*env, "REDIS_MASTER_PORT_9121_UDP") == "udp://10.43.0.20:9121");
  CHECK(value(*env, "REDIS_MASTER_PORT_9121_UDP_PROTO") == "udp");
  CHECK(value(*env, "HEADLESS_SERVICE_HOST") == "<unset>");
  CHECK(value(*env, "OTHER_SERVICE_HOST") == "<unset>");  // another namespace's
  CHECK(names(*env).front() == "REDIS_MASTER_SERVICE_HOST");  // the container's variables come first

  // enableServiceLinks: false keeps only the master service.
  pod["spec"].as_object()["enableServiceLinks"] = false;
  auto without = environment(source, pod, parse_object(R"J({"name":"c"})J"));
  REQUIRE(without);
  CHECK(value(*without, "KUBERNETES_SERVICE_HOST") == "10.43.0.1");
  CHECK(value(*without, "REDIS_MASTER_SERVICE_HOST") == "<unset>");
}

TEST_CASE("env: image environment first, the container's replacing by name") {
  std::vector<EnvVar> kubelet = {{"PATH", "/custom"}, {"A", "1"}, {"LANG", "C"}};
  auto env = final_environment({"PATH=/image/bin", "LANG=en", "IMAGE_ONLY=yes"}, "web", kubelet);
  CHECK(env == std::vector<std::string>{"PATH=/custom", "HOSTNAME=web", "LANG=C", "IMAGE_ONLY=yes", "A=1"});
  // No PATH in the image: the runtime's default.
  auto defaulted = final_environment({}, "h", {});
  CHECK(defaulted == std::vector<std::string>{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                              "HOSTNAME=h"});
}
