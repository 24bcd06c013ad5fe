// The smaller kinds: Namespace, ConfigMap, Secret, Node, Endpoints, EndpointSlice, Event,
// ServiceAccount and Lease.

#include <catch2/catch.hpp>

#include "kscratch/apimachinery/validation.h"
#include "test_support.h"

using namespace kscratch::apiserver;
using namespace kscratch::apiserver::kinds;
using namespace kinds_test;
namespace json = boost::json;
namespace v = kscratch::apimachinery::validation;

TEST_CASE("namespaces get their name label, an Active phase and on create the kubernetes finalizer") {
  json::object ns = obj(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}})");
  set_defaults_namespace(ns);
  prepare_namespace_for_create(ns);
  CHECK(json::value(ns) == json::parse(R"({"apiVersion":"v1","kind":"Namespace",
      "metadata":{"name":"team-a","labels":{"kubernetes.io/metadata.name":"team-a"}},
      "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}})"));
  CHECK(validate_namespace(ns, nullptr).empty());
  json::object bad = obj(R"({"metadata":{"name":"Team_A"}})");
  CHECK(contains(validate_namespace(bad, nullptr), "metadata.name: Invalid value: \"Team_A\": " + v::is_dns1123_label("Team_A")[0]));
  // Defaulting again after the namespace controller emptied spec.finalizers keeps it empty.
  json::object finalized = ns;
  finalized["spec"].as_object()["finalizers"] = json::array();
  set_defaults_namespace(finalized);
  CHECK(finalized["spec"].as_object()["finalizers"].as_array().empty());
}

TEST_CASE("config map keys, sizes and immutability") {
  json::object cm = obj(R"({"metadata":{"name":"cfg","namespace":"default"},"data":{"good.key":"1","a b":"2"},
      "binaryData":{"good.key":"AAAA"}})");
  FieldErrors errs = validate_configmap(cm, nullptr);
  CHECK(contains(errs, "data[a b]: Invalid value: \"a b\": " + v::is_config_map_key("a b")[0]));
  CHECK(contains(errs, "data[good.key]: Invalid value: \"good.key\": duplicate of key present in binaryData"));
  json::object big = obj(R"({"metadata":{"name":"cfg","namespace":"default"}})");
  big["data"] = json::object{{"blob", std::string(1024 * 1024 + 1, 'x')}};
  CHECK(contains(validate_configmap(big, nullptr), ": Too long: must have at most 1048576 bytes"));

  json::object old = obj(R"({"metadata":{"name":"cfg","namespace":"default"},"data":{"k":"v"},"immutable":true})");
  json::object now = old;
  now["data"] = json::parse(R"({"k":"w"})");
  CHECK(contains(validate_configmap(now, &old), "data: Forbidden: field is immutable when `immutable` is set"));
}

TEST_CASE("secrets default to Opaque and check per-type keys") {
  json::object s = obj(R"({"metadata":{"name":"tls","namespace":"default"},"type":"kubernetes.io/tls","data":{"tls.crt":"AAAA"}})");
  set_defaults_secret(s);
  CHECK(texts(validate_secret(s, nullptr)) == std::vector<std::string>{"data[tls.key]: Required value"});
  json::object opaque = obj(R"({"metadata":{"name":"o","namespace":"default"}})");
  set_defaults_secret(opaque);
  CHECK(opaque["type"] == "Opaque");
  CHECK(validate_secret(opaque, nullptr).empty());
  json::object changed = opaque;
  changed["type"] = "kubernetes.io/basic-auth";
  FieldErrors errs = validate_secret(changed, &opaque);
  CHECK(contains(errs, "type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable"));
  CHECK(contains(errs, "data[username]: Required value"));
  json::object docker = obj(R"({"metadata":{"name":"d","namespace":"default"},"type":"kubernetes.io/dockerconfigjson",
      "data":{".dockerconfigjson":"eyJhdXRocyI6e319"}})");
  CHECK(validate_secret(docker, nullptr).empty());
}

TEST_CASE("nodes: allocatable defaults to capacity, taints and pod CIDRs") {
  json::object node = obj(R"({"metadata":{"name":"node-1"},"spec":{"podCIDRs":["10.42.0.0/24"]},
      "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"}}})");
  set_defaults_node(node);
  CHECK(json::value(node["status"].as_object()["allocatable"]) == json::parse(R"({"cpu":"4","memory":"8Gi","pods":"110"})"));
  CHECK(validate_node(node, nullptr).empty());
  json::object bad = obj(R"({"metadata":{"name":"node-1","namespace":"x"},"spec":{"podCIDRs":["10.42.0.0/33"],
      "taints":[{"key":"k","effect":"Sometimes"},{"key":"dup","effect":"NoSchedule"},{"key":"dup","effect":"NoSchedule"}]}})");
  FieldErrors errs = validate_node(bad, nullptr);
  CHECK(contains(errs, "metadata.namespace: Forbidden: not allowed on this type"));
  CHECK(contains(errs, "spec.podCIDRs[0]: Invalid value: \"10.42.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
  CHECK(contains(errs, "metadata.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", "
                       "\"PreferNoSchedule\", \"NoExecute\""));
  CHECK(contains(errs, "metadata.taints[2]: Duplicate value: core.Taint{Key:\"dup\", Value:\"\", Effect:\"NoSchedule\", "
                       "TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair"));
  json::object moved = node;
  moved["spec"].as_object()["podCIDRs"] = json::parse(R"(["10.42.1.0/24"])");
  CHECK(contains(validate_node_status_update(moved, node),
                 "spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid"));
}

TEST_CASE("endpoints default port protocols and need addresses") {
  json::object ep = obj(R"({"metadata":{"name":"web","namespace":"default"},
      "subsets":[{"addresses":[{"ip":"10.42.0.5"}],"ports":[{"port":80}]},{"ports":[{"name":"a","port":1},{"port":2}]}]})");
  set_defaults_endpoints(ep);
  CHECK(ep["subsets"].as_array()[0].as_object()["ports"].as_array()[0].as_object()["protocol"] == "TCP");
  FieldErrors errs = validate_endpoints(ep, nullptr);
  CHECK(contains(errs, "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`"));
  CHECK(contains(errs, "subsets[1].ports[1].name: Required value"));
  json::object loop = obj(R"({"metadata":{"name":"web","namespace":"default"},"subsets":[{"addresses":[{"ip":"127.0.0.1"}]}]})");
  CHECK(texts(validate_endpoints(loop, nullptr)) ==
        std::vector<std::string>{"subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"});
}

TEST_CASE("endpoint slices: address types, addresses and port defaults") {
  json::object slice = obj(R"({"metadata":{"name":"web-abc","namespace":"default"},"addressType":"IPv4",
      "endpoints":[{"addresses":["10.42.0.5"]}],"ports":[{"port":80}]})");
  set_defaults_endpointslice(slice);
  CHECK(json::value(slice["ports"]) == json::parse(R"([{"port":80,"name":"","protocol":"TCP"}])"));
  CHECK(validate_endpointslice(slice, nullptr).empty());
  json::object bad = obj(R"({"metadata":{"name":"web-abc","namespace":"default"},"addressType":"IPv4",
      "endpoints":[{"addresses":[]},{"addresses":["fe80::1"]}]})");
  FieldErrors errs = validate_endpointslice(bad, nullptr);
  CHECK(contains(errs, "endpoints[0].addresses: Required value: must contain at least 1 address"));
  CHECK(contains(errs, "endpoints[1].addresses[0]: Invalid value: \"fe80::1\": must be a valid IPv4 address"));
  CHECK(contains(validate_endpointslice(obj(R"({"metadata":{"name":"a","namespace":"b"}})"), nullptr), "addressType: Required value"));
  json::object fqdn = slice;
  fqdn["addressType"] = "FQDN";
  CHECK(contains(validate_endpointslice(fqdn, &slice), "addressType: Invalid value: \"FQDN\": field is immutable"));
}

TEST_CASE("core/v1 events get the legacy checks only") {
  json::object ev = obj(R"({"metadata":{"name":"web.17c","namespace":"default"},
      "involvedObject":{"kind":"Pod","name":"web","namespace":"default"},"reason":"Started","message":"ok","type":"Normal"})");
  CHECK(validate_event(ev, nullptr).empty());
  ev["involvedObject"].as_object()["namespace"] = "other";
  CHECK(texts(validate_event(ev, nullptr)) ==
        std::vector<std::string>{"involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"});
  json::object renamed = ev;
  renamed["involvedObject"].as_object()["namespace"] = "default";
  renamed["metadata"].as_object()["name"] = "other";
  CHECK(texts(validate_event(renamed, &ev)) ==
        std::vector<std::string>{"metadata.name: Invalid value: \"other\": field is immutable"});
  json::object modern = obj(R"({"metadata":{"name":"e","namespace":"default"},"eventTime":"2024-05-01T10:00:00.000000Z",
      "involvedObject":{"kind":"Node","name":"n1"}})");
  FieldErrors errs = validate_event(modern, nullptr);
  CHECK(contains(errs, "reportingController: Required value"));
  CHECK(contains(errs, "action: Required value"));
  CHECK(contains(errs, "reason: Required value"));
}

TEST_CASE("service accounts and leases") {
  CHECK(validate_serviceaccount(obj(R"({"metadata":{"name":"default","namespace":"kube-system"}})"), nullptr).empty());
  CHECK(has_field(validate_serviceaccount(obj(R"({"metadata":{"name":"Bad!","namespace":"a"}})"), nullptr), "metadata.name",
                  FieldErrorType::invalid));
  json::object lease = obj(R"({"metadata":{"name":"kube-scheduler","namespace":"kube-system"},
      "spec":{"holderIdentity":"n1","leaseDurationSeconds":0,"leaseTransitions":-1}})");
  FieldErrors errs = validate_lease(lease, nullptr);
  CHECK(contains(errs, "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"));
  CHECK(contains(errs, "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"));
  lease["spec"] = json::parse(R"({"leaseDurationSeconds":"15"})");
  CHECK(contains(validate_lease(lease, nullptr), "spec.leaseDurationSeconds: Invalid value: \"15\": must be of type integer"));
}
