// Services: defaults, ports, types, cluster IP rules on create and update.

#include <catch2/catch.hpp>

#include "kscratch/apimachinery/validation.h"
#include "test_support.h"

using namespace kscratch::apiserver;
using namespace kscratch::apiserver::kinds;
using namespace kinds_test;
namespace json = boost::json;

namespace {

json::object service(std::string_view spec) {
  json::object s = obj(std::string(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":)") +
                       std::string(spec) + "}");
  set_defaults_service(s);
  return s;
}

}  // namespace

TEST_CASE("a minimal service gets upstream's defaults") {
  json::object s = service(R"({"selector":{"app":"web"},"ports":[{"port":80}]})");
  // ipFamilies, ipFamilyPolicy and clusterIP(s) come from the allocator, not from defaulting.
  CHECK(json::value(s["spec"]) == json::parse(R"({"selector":{"app":"web"},
      "ports":[{"port":80,"protocol":"TCP","targetPort":80}],
      "sessionAffinity":"None","type":"ClusterIP","internalTrafficPolicy":"Cluster"})"));
  CHECK(validate_service(s, nullptr).empty());

  json::object np = service(R"({"type":"NodePort","ports":[{"port":80,"targetPort":"http"}]})");
  CHECK(np["spec"].as_object()["externalTrafficPolicy"] == "Cluster");
  CHECK(np["spec"].as_object()["ports"].as_array()[0].as_object()["targetPort"] == "http");
  CHECK(validate_service(np, nullptr).empty());

  json::object lb = service(R"({"type":"LoadBalancer","ports":[{"port":443}]})");
  CHECK(lb["spec"].as_object()["allocateLoadBalancerNodePorts"] == true);
  CHECK(validate_service(lb, nullptr).empty());
}

TEST_CASE("service ports are required, named when several, and in range") {
  CHECK(texts(validate_service(service(R"({})"), nullptr)) == std::vector<std::string>{"spec.ports: Required value"});
  CHECK(validate_service(service(R"({"clusterIP":"None"})"), nullptr).empty());
  FieldErrors errs = validate_service(service(R"({"ports":[{"port":80},{"name":"x","port":0},{"name":"x","port":443,"protocol":"HTTP"}]})"), nullptr);
  CHECK(contains(errs, "spec.ports[0].name: Required value"));
  CHECK(contains(errs, "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive"));
  CHECK(contains(errs, "spec.ports[2].name: Duplicate value: \"x\""));
  CHECK(contains(errs, "spec.ports[2].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""));
  errs = validate_service(service(R"({"ports":[{"name":"a","port":80},{"name":"b","port":80}]})"), nullptr);
  CHECK(contains(errs, "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), "
                       "Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"));
  errs = validate_service(service(R"({"ports":[{"port":80,"nodePort":30080}]})"), nullptr);
  CHECK(contains(errs, "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"));
}

TEST_CASE("service types and external names") {
  FieldErrors errs = validate_service(service(R"({"type":"Magic","ports":[{"port":80}]})"), nullptr);
  CHECK(contains(errs, "spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", "
                       "\"LoadBalancer\", \"NodePort\""));
  CHECK(contains(validate_service(service(R"({"type":"ExternalName"})"), nullptr), "spec.externalName: Required value"));
  CHECK(validate_service(service(R"({"type":"ExternalName","externalName":"db.example.com."})"), nullptr).empty());
  CHECK(contains(validate_service(service(R"({"type":"NodePort","clusterIP":"None","ports":[{"port":80}]})"), nullptr),
                 "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"));
  CHECK(contains(validate_service(service(R"({"sessionAffinity":"Sticky","ports":[{"port":80}]})"), nullptr),
                 "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\""));
  CHECK(contains(validate_service(service(R"({"externalTrafficPolicy":"Local","ports":[{"port":80}]})"), nullptr),
                 "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services"));
}

TEST_CASE("cluster IPs are checked and keep their value on update") {
  FieldErrors errs = validate_service(service(R"({"clusterIP":"10.43.0.300","ports":[{"port":80}]})"), nullptr);
  CHECK(contains(errs, "spec.clusterIPs[0]: Invalid value: \"10.43.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
  errs = validate_service(service(R"({"clusterIP":"10.43.0.10","clusterIPs":["10.43.0.11"],"ports":[{"port":80}]})"), nullptr);
  CHECK(contains(errs, "spec.clusterIPs: Invalid value: []string{\"10.43.0.11\"}: first value must match `clusterIP`"));

  json::object old = service(R"({"clusterIP":"10.43.0.10","clusterIPs":["10.43.0.10"],"ipFamilies":["IPv4"],
      "ipFamilyPolicy":"SingleStack","ports":[{"port":80}]})");
  old["metadata"].as_object()["resourceVersion"] = "7";
  json::object now = old;
  now["spec"].as_object()["clusterIP"] = "10.43.0.11";
  now["spec"].as_object()["clusterIPs"] = json::parse(R"(["10.43.0.11"])");
  CHECK(texts(validate_service(now, &old)) ==
        std::vector<std::string>{"spec.clusterIPs[0]: Invalid value: []string{\"10.43.0.11\"}: may not change once set"});
  // A replace that leaves the allocated IP out keeps it.
  json::object omitted = service(R"({"ports":[{"port":8080}]})");
  omitted["metadata"].as_object()["resourceVersion"] = "7";
  CHECK(validate_service(omitted, &old).empty());
}

TEST_CASE("wrongly typed service fields give errors, never exceptions") {
  for (const char* spec : {R"({"ports":"80"})", R"({"ports":[80]})", R"({"ports":[{"port":"http"}]})", R"({"type":1})",
                           R"({"selector":["app"]})", R"({"clusterIPs":"10.0.0.1","ports":[{"port":80}]})", R"(7)"}) {
    INFO(spec);
    json::object s;
    REQUIRE_NOTHROW(s = service(spec));
    FieldErrors errs;
    REQUIRE_NOTHROW(errs = validate_service(s, nullptr));
    REQUIRE_NOTHROW(validate_service(s, &s));
    REQUIRE_NOTHROW(validate_service_status_update(s, s));
    CHECK(std::any_of(errs.begin(), errs.end(), [](const FieldError& e) { return e.type == FieldErrorType::type_invalid; }));
  }
}

TEST_CASE("service status: load balancer ingress") {
  json::object old = service(R"({"type":"LoadBalancer","ports":[{"port":80}]})");
  json::object now = old;
  now["status"] = json::parse(R"({"loadBalancer":{"ingress":[{"ip":"192.0.2.10","ipMode":"VIP"},{"ip":"nope","ipMode":"Tunnel"}]}})");
  FieldErrors errs = validate_service_status_update(now, old);
  CHECK(contains(errs, "status.loadBalancer.ingress[1].ip: Invalid value: \"nope\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
  CHECK(contains(errs, "status.loadBalancer.ingress[1].ipMode: Unsupported value: \"Tunnel\": supported values: \"Proxy\", \"VIP\""));
  json::object cluster = service(R"({"ports":[{"port":80}]})");
  json::object with_ingress = cluster;
  with_ingress["status"] = json::parse(R"({"loadBalancer":{"ingress":[{"ip":"192.0.2.10","ipMode":"VIP"}]}})");
  CHECK(contains(validate_service_status_update(with_ingress, cluster),
                 "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'"));
}
