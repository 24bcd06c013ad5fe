#include <catch2/catch.hpp>

#include <string>

#include <boost/json.hpp>

#include "kscratch/apiserver/schema.h"
#include "kubectl_bodies.h"

namespace schema = kscratch::apiserver::schema;
namespace fixtures = kscratch::apiserver::schema::fixtures;
namespace json = boost::json;

namespace {

// A minimal protobuf encoder, enough to build the bodies kubectl would send.
class Pb {
 public:
  Pb& varint(std::uint32_t field, std::uint64_t value) {
    key(field, 0);
    raw_varint(value);
    return *this;
  }
  Pb& bytes(std::uint32_t field, std::string_view value) {
    key(field, 2);
    raw_varint(value.size());
    out_.append(value);
    return *this;
  }
  Pb& msg(std::uint32_t field, const Pb& message) { return bytes(field, message.out_); }
  Pb& raw(std::string_view bytes) {
    out_.append(bytes);
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  void key(std::uint32_t field, std::uint32_t wire_type) { raw_varint(field << 3 | wire_type); }
  void raw_varint(std::uint64_t value) {
    while (value >= 0x80) {
      out_ += static_cast<char>(value | 0x80);
      value >>= 7;
    }
    out_ += static_cast<char>(value);
  }
  std::string out_;
};

// The k8s\0 + runtime.Unknown envelope around an encoded object.
std::string envelope(std::string_view api_version, std::string_view kind, const Pb& object) {
  Pb unknown;
  unknown.msg(1, Pb().bytes(1, api_version).bytes(2, kind)).msg(2, object);
  return std::string("k8s\0", 4) + unknown.str();
}

json::value decode(std::string_view body) {
  auto decoded = schema::decode_protobuf(body);
  if (!decoded.ok()) FAIL(decoded.error().message);
  return decoded.value();
}

Pb object_meta(std::string_view name, std::string_view ns = "") {
  // gogo writes every non-pointer string, so empty ones are on the wire like kubectl's.
  Pb meta;
  meta.bytes(1, name).bytes(2, "").bytes(3, ns).bytes(4, "").bytes(5, "").bytes(6, "");
  meta.varint(7, 0).msg(8, Pb());
  return meta;
}

Pb int_or_string_int(std::int32_t value) {
  return Pb().varint(1, 0).varint(2, static_cast<std::uint32_t>(value)).bytes(3, "");
}
Pb int_or_string_str(std::string_view value) {
  return Pb().varint(1, 1).varint(2, 0).bytes(3, value);
}
Pb quantity(std::string_view value) { return Pb().bytes(1, value); }
Pb map_entry(std::string_view key, std::string_view value) {
  return Pb().bytes(1, key).bytes(2, value);
}

}  // namespace

TEST_CASE("kubectl create namespace: the real protobuf body decodes to the JSON object") {
  CHECK(decode(fixtures::kNamespaceDemo) ==
        json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"},
                        "spec":{},"status":{}})"));
}

TEST_CASE("kubectl create deployment: the real protobuf body decodes to the JSON object") {
  CHECK(decode(fixtures::kDeploymentWeb) == json::parse(R"({
    "apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","labels":{"app":"web"}},
    "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
            "template":{"metadata":{"labels":{"app":"web"}},
                        "spec":{"containers":[{"name":"nginx","image":"nginx","resources":{}}]}},
            "strategy":{}},
    "status":{}})"));
}

TEST_CASE("kubectl create configmap and secret: data maps, secret bytes as base64") {
  CHECK(decode(fixtures::kConfigMapCfg) ==
        json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},
                        "data":{"a":"1","b":"two"}})"));
  CHECK(decode(fixtures::kSecretSec) ==
        json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"sec"},
                        "data":{"password":"czNjcjN0"}})"));
}

TEST_CASE("kubectl create service: targetPort as a number, zero defaults left out") {
  CHECK(decode(fixtures::kServiceSvc) == json::parse(R"({
    "apiVersion":"v1","kind":"Service","metadata":{"name":"svc","labels":{"app":"svc"}},
    "spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],
            "selector":{"app":"svc"},"type":"ClusterIP"},
    "status":{"loadBalancer":{}}})"));
}

TEST_CASE("hand-built Namespace, ConfigMap and Secret") {
  CHECK(decode(envelope("v1", "Namespace", Pb().msg(1, object_meta("ns1")))) ==
        json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns1"}})"));

  Pb configmap;
  configmap.msg(1, object_meta("cm", "default")).msg(2, map_entry("k", "v")).varint(4, 0);
  CHECK(decode(envelope("v1", "ConfigMap", configmap)) ==
        json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
                        "metadata":{"name":"cm","namespace":"default"},
                        "immutable":false,"data":{"k":"v"}})"));

  Pb secret;
  secret.msg(1, object_meta("s")).msg(2, map_entry("bin", std::string("\0\xff\x10", 3)))
      .msg(2, map_entry("empty", "")).bytes(3, "Opaque");
  CHECK(decode(envelope("v1", "Secret", secret)) ==
        json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
                        "data":{"bin":"AP8Q","empty":""},"type":"Opaque"})"));
}

TEST_CASE("hand-built Deployment: IntOrString, Quantity, Time, pointer zeros kept") {
  Pb meta = object_meta("web", "default");
  meta.msg(8, Pb().varint(1, 1714564800));  // replaces the empty creationTimestamp
  Pb container;
  container.bytes(1, "app").bytes(2, "nginx:1.27")
      .msg(6, Pb().bytes(1, "http").varint(2, 0).varint(3, 80).bytes(4, "TCP").bytes(5, ""))
      .msg(8, Pb().msg(1, map_entry("cpu", "")).msg(1, Pb().bytes(1, "cpu").msg(2, quantity("500m")))
                  .msg(2, Pb().bytes(1, "memory").msg(2, quantity("128Mi"))))
      .msg(11, Pb().msg(1, Pb().msg(2, Pb().bytes(1, "/healthz").msg(2, int_or_string_str("http"))))
                   .varint(3, 0).varint(4, 10))
      .varint(16, 0).varint(17, 0).varint(18, 0);
  Pb pod_spec;
  pod_spec.msg(2, container).varint(4, 0).bytes(3, "Always");
  Pb template_spec;
  template_spec.msg(1, object_meta("")).msg(2, pod_spec);
  Pb strategy;
  strategy.bytes(1, "RollingUpdate")
      .msg(2, Pb().msg(1, int_or_string_int(0)).msg(2, int_or_string_str("25%")));
  Pb spec;
  spec.varint(1, 0)
      .msg(2, Pb().msg(1, map_entry("app", "web")))
      .msg(3, template_spec)
      .msg(4, strategy)
      .varint(5, 0)
      .varint(7, 0);
  Pb deployment;
  deployment.msg(1, meta).msg(2, spec).msg(3, Pb().varint(1, 0).varint(2, 0));

  const json::value decoded = decode(envelope("apps/v1", "Deployment", deployment));
  CHECK(decoded == json::parse(R"({
    "apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"default","creationTimestamp":"2024-05-01T12:00:00Z"},
    "spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},
      "template":{"metadata":{},"spec":{
        "containers":[{"name":"app","image":"nginx:1.27",
          "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
          "resources":{"limits":{"cpu":"500m"},"requests":{"memory":"128Mi"}},
          "readinessProbe":{"httpGet":{"path":"/healthz","port":"http"},"periodSeconds":10}}],
        "terminationGracePeriodSeconds":0,"restartPolicy":"Always"}},
      "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":"25%"}}},
    "status":{}})"));
}

TEST_CASE("hand-built Service: targetPort as a number and as a name") {
  Pb spec;
  spec.msg(1, Pb().bytes(1, "web").bytes(2, "TCP").varint(3, 80).msg(4, int_or_string_int(8080))
                  .varint(5, 0))
      .msg(1, Pb().bytes(1, "admin").bytes(2, "TCP").varint(3, 9000)
                  .msg(4, int_or_string_str("admin-port")).varint(5, 0))
      .msg(1, Pb().bytes(1, "plain").bytes(2, "UDP").varint(3, 53).msg(4, int_or_string_int(0)))
      .bytes(4, "NodePort")
      .bytes(18, "10.0.0.1").bytes(18, "fd00::1");
  const json::value decoded = decode(envelope("v1", "Service", Pb().msg(1, object_meta("svc")).msg(2, spec)));
  CHECK(decoded.at("spec") == json::parse(R"({
    "ports":[{"name":"web","protocol":"TCP","port":80,"targetPort":8080},
             {"name":"admin","protocol":"TCP","port":9000,"targetPort":"admin-port"},
             {"name":"plain","protocol":"UDP","port":53}],
    "type":"NodePort","clusterIPs":["10.0.0.1","fd00::1"]})"));
}

TEST_CASE("hand-built Pod: securityContext pointers, packed and unpacked int64 lists, volumes") {
  Pb security;
  security.varint(2, 0).varint(3, 1).varint(5, 2000)
      .bytes(4, std::string("\xe8\x07\xe9\x07", 4))  // packed supplementalGroups 1000, 1001
      .varint(4, 1002)                                  // and one more unpacked
      .msg(10, Pb().bytes(1, "RuntimeDefault"));
  Pb volume;
  volume.bytes(1, "config").msg(2, Pb().msg(19, Pb().msg(1, Pb().bytes(1, "app-config")).varint(3, 420)));
  Pb spec;
  spec.msg(1, volume)
      .msg(2, Pb().bytes(1, "c").bytes(2, "busybox").bytes(3, "sh").bytes(3, "-c")
                  .msg(9, Pb().bytes(1, "config").bytes(3, "/etc/config").varint(2, 1)))
      .msg(14, security);
  const json::value decoded =
      decode(envelope("v1", "Pod", Pb().msg(1, object_meta("p")).msg(2, spec)));
  CHECK(decoded.at("spec") == json::parse(R"({
    "volumes":[{"name":"config","configMap":{"name":"app-config","defaultMode":420}}],
    "containers":[{"name":"c","image":"busybox","command":["sh","-c"],
                   "volumeMounts":[{"name":"config","mountPath":"/etc/config","readOnly":true}]}],
    "securityContext":{"runAsUser":0,"runAsNonRoot":true,"fsGroup":2000,
                       "supplementalGroups":[1000,1001,1002],
                       "seccompProfile":{"type":"RuntimeDefault"}}})"));
}

TEST_CASE("Event, Lease and EndpointSlice decode MicroTime and pointer booleans") {
  Pb lease_spec;
  lease_spec.bytes(1, "node-1").varint(2, 40).msg(4, Pb().varint(1, 1714564800).varint(2, 123456789));
  CHECK(decode(envelope("coordination.k8s.io/v1", "Lease",
                        Pb().msg(1, object_meta("node-1", "kube-node-lease")).msg(2, lease_spec)))
            .at("spec") == json::parse(R"({"holderIdentity":"node-1","leaseDurationSeconds":40,
                                           "renewTime":"2024-05-01T12:00:00.123456Z"})"));
  Pb endpoint;
  endpoint.bytes(1, "10.1.0.5").msg(2, Pb().varint(1, 0).varint(2, 1)).bytes(6, "node-1");
  Pb slice;
  slice.msg(1, object_meta("s-1")).msg(2, endpoint).msg(3, Pb().bytes(1, "http").varint(3, 80))
      .bytes(4, "IPv4");
  CHECK(decode(envelope("discovery.k8s.io/v1", "EndpointSlice", slice)) == json::parse(R"({
    "apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"s-1"},
    "endpoints":[{"addresses":["10.1.0.5"],"conditions":{"ready":false,"serving":true},
                  "nodeName":"node-1"}],
    "ports":[{"name":"http","port":80}],"addressType":"IPv4"})"));
}

TEST_CASE("DeleteOptions decode in any group version") {
  Pb options;
  options.varint(1, 0).bytes(4, "Foreground").bytes(5, "All");
  CHECK(decode(envelope("v1", "DeleteOptions", options)) ==
        json::parse(R"({"apiVersion":"v1","kind":"DeleteOptions","gracePeriodSeconds":0,
                        "propagationPolicy":"Foreground","dryRun":["All"]})"));
  CHECK(schema::decode_protobuf(envelope("apps/v1", "DeleteOptions", options)).ok());
}

TEST_CASE("fields newer than the table are skipped") {
  Pb ns;
  ns.msg(1, object_meta("n")).varint(99, 7).bytes(100, "future");
  CHECK(decode(envelope("v1", "Namespace", ns)) ==
        json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n"}})"));
}

TEST_CASE("hostile protobuf bodies are errors, never crashes") {
  const std::string good(fixtures::kDeploymentWeb);
  CHECK_FALSE(schema::decode_protobuf("").ok());
  CHECK_FALSE(schema::decode_protobuf("{\"kind\":\"Pod\"}").ok());
  CHECK_FALSE(schema::decode_protobuf(envelope("v1", "Widget", Pb())).ok());
  CHECK(schema::decode_protobuf(envelope("v1", "Widget", Pb())).error().message ==
        "no kind \"Widget\" is registered for version \"v1\"");
  // Every truncation of a real body either decodes (a prefix can be a valid message) or fails.
  for (std::size_t n = 0; n < good.size(); ++n) {
    (void)schema::decode_protobuf(std::string_view(good).substr(0, n));
  }
  // Every single-byte corruption likewise.
  for (std::size_t i = 4; i < good.size(); ++i) {
    for (int delta : {1, 0x40, 0x80, 0xff}) {
      std::string bad = good;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ delta);
      (void)schema::decode_protobuf(bad);
    }
  }
  // A length far beyond the body.
  CHECK_FALSE(schema::decode_protobuf(envelope("v1", "Namespace", Pb().raw("\x0a\xff\xff\xff\xff\x0f"))).ok());
  // Wrong wire type: metadata (a message) sent as a varint.
  CHECK_FALSE(schema::decode_protobuf(envelope("v1", "Namespace", Pb().varint(1, 5))).ok());
  // A varint that never ends.
  CHECK_FALSE(schema::decode_protobuf(envelope("v1", "Namespace", Pb().raw(std::string(20, '\xff')))).ok());
  // Deep nesting: no message type of the table contains itself, so protobuf nesting is bounded
  // by the schema; free-form JSON (FieldsV1 here) is where depth is unbounded, and is capped.
  std::string deep = "1";
  for (int i = 0; i < 5000; ++i) deep = "[" + deep + "]";
  Pb managed;
  managed.msg(7, Pb().bytes(1, deep));
  Pb meta = object_meta("n");
  meta.msg(17, managed);
  CHECK_FALSE(schema::decode_protobuf(envelope("v1", "Namespace", Pb().msg(1, meta))).ok());
}
