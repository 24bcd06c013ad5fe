// The proxy's rule model without a kernel: Services and EndpointSlices (as the API
// serves them) in, chains, rules and map elements out, compared as nft text.

#include "model.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

namespace json = boost::json;
using namespace kscratch::proxy;

namespace {

json::object parse(const std::string& text) { return json::parse(text).as_object(); }

ServiceInfo service(const std::string& spec_json, const std::string& status_json = "{}") {
  return parse_service(parse(R"({"metadata":{"namespace":"ns","name":"web"},"spec":)" + spec_json +
                             R"(,"status":)" + status_json + "}"));
}

// A slice with one named port and endpoints "ip[:node][:notready|:terminating]".
SliceInfo slice(const std::string& ports_json, const std::vector<std::string>& endpoints) {
  json::array eps;
  for (const auto& e : endpoints) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= e.size(); ++i) {
      if (i == e.size() || e[i] == ':') {
        parts.push_back(e.substr(start, i - start));
        start = i + 1;
      }
    }
    json::object ep{{"addresses", json::array{parts[0].c_str()}}};
    ep["nodeName"] = parts.size() > 1 ? parts[1] : "node-a";
    std::string state = parts.size() > 2 ? parts[2] : "";
    ep["conditions"] = json::object{{"ready", state.empty()},
                                    {"serving", state != "notready"},
                                    {"terminating", state == "terminating"}};
    eps.push_back(std::move(ep));
  }
  json::object s{{"addressType", "IPv4"}, {"ports", json::parse(ports_json)}, {"endpoints", std::move(eps)}};
  return parse_endpoint_slice(s);
}

const ModelContext kContext{"node-a", Cidr::parse("10.42.0.0/16")};

std::vector<std::string> text(const std::vector<Rule>& rules) {
  std::vector<std::string> out;
  for (const auto& r : rules) out.push_back(r.to_string());
  return out;
}

std::string chain(const std::string& prefix, const std::string& port_name, Protocol p = Protocol::kTcp) {
  return service_chain_name(prefix, "ns", "web", p, port_name);
}
std::string ep(const std::string& port_name, const std::string& ip, std::uint16_t port, Protocol p = Protocol::kTcp) {
  return endpoint_chain_name("ns", "web", p, port_name, *parse_ipv4(ip), port);
}
ElementKey key(const std::string& ip, std::uint16_t port, Protocol p = Protocol::kTcp) {
  return {ip.empty() ? 0 : *parse_ipv4(ip), p, port};
}
Target target(const std::string& ip, std::uint16_t port) { return {*parse_ipv4(ip), port}; }
std::vector<Target> targets(const std::vector<std::string>& ips, std::uint16_t port) {
  std::vector<Target> out;
  for (const auto& ip : ips) out.push_back(target(ip, port));
  return out;
}
std::set<Ipv4> ips(const std::vector<std::string>& list) {
  std::set<Ipv4> out;
  for (const auto& ip : list) out.insert(*parse_ipv4(ip));
  return out;
}

}  // namespace

TEST_CASE("a ClusterIP service balances over its ready endpoints", "[proxy][model]") {
  auto svc = service(R"({"type":"ClusterIP","clusterIP":"10.43.0.5","ports":[{"name":"http","port":80,"targetPort":8080}]})");
  auto rules = build_service_rules(svc, {slice(R"([{"name":"http","port":8080,"protocol":"TCP"}])",
                                               {"10.42.0.7", "10.42.0.8", "10.42.0.9:node-b"})},
                                   kContext);
  auto sc = chain("service", "http");
  REQUIRE(rules.service_ips.size() == 1);
  CHECK(rules.service_ips.at(key("10.43.0.5", 80)).to_string() == "goto " + sc);
  CHECK(sc.starts_with("service-"));
  CHECK(sc.ends_with("-ns/web/tcp/http"));
  // One rule picks; the endpoints are the chain's slots (data, no chain per endpoint).
  CHECK(text(rules.chains.at(sc)) ==
        std::vector<std::string>{"ip saddr != 10.42.0.0/16 meta mark set meta mark | 0x4000",
                                 "meta l4proto tcp dnat to numgen random mod 3 offset <slots> map @endpoint-ips:8080"});
  CHECK(rules.chains.size() == 1);
  REQUIRE(rules.slots.count(sc) == 1);
  CHECK_FALSE(rules.slots.at(sc).with_port);
  CHECK(rules.slots.at(sc).targets == targets({"10.42.0.7", "10.42.0.8", "10.42.0.9"}, 8080));
  CHECK(rules.endpoint_ips == ips({"10.42.0.7", "10.42.0.8", "10.42.0.9"}));
  CHECK(rules.no_endpoint_services.empty());
  CHECK(rules.service_nodeports.empty());
  CHECK(rules.udp_endpoints.empty());
}

TEST_CASE("several ports, protocols and named target ports resolved per slice", "[proxy][model]") {
  auto svc = service(R"({"clusterIP":"10.43.0.6","ports":[
      {"name":"http","port":80,"targetPort":"web"},{"name":"dns","port":53,"protocol":"UDP"}]})");
  // Pods whose "web" port differs land in two slices, as the endpoint slice controller groups them.
  auto a = slice(R"([{"name":"http","port":8080,"protocol":"TCP"},{"name":"dns","port":5353,"protocol":"UDP"}])",
                 {"10.42.0.7"});
  auto b = slice(R"([{"name":"http","port":9090,"protocol":"TCP"},{"name":"dns","port":5353,"protocol":"UDP"}])",
                 {"10.42.0.8"});
  auto rules = build_service_rules(svc, {a, b}, kContext);
  CHECK(rules.service_ips.at(key("10.43.0.6", 80)).chain == chain("service", "http"));
  CHECK(rules.service_ips.at(key("10.43.0.6", 53, Protocol::kUdp)).chain == chain("service", "dns", Protocol::kUdp));
  // The two pods' "web" ports differ: their slots carry the port (ip . port values).
  auto http = chain("service", "http");
  CHECK(text(rules.chains.at(http)).back() ==
        "meta l4proto tcp dnat ip to numgen random mod 2 offset <slots> map @endpoint-targets");
  CHECK(rules.slots.at(http).with_port);
  CHECK(rules.slots.at(http).targets == std::vector<Target>{target("10.42.0.7", 8080), target("10.42.0.8", 9090)});
  auto dns = chain("service", "dns", Protocol::kUdp);
  CHECK(text(rules.chains.at(dns)).back() ==
        "meta l4proto udp dnat to numgen random mod 2 offset <slots> map @endpoint-ips:5353");
  CHECK(rules.slots.at(dns).targets == targets({"10.42.0.7", "10.42.0.8"}, 5353));
  CHECK(rules.udp_endpoints == std::set<Ipv4>{*parse_ipv4("10.42.0.7"), *parse_ipv4("10.42.0.8")});
}

TEST_CASE("NodePort, externalIPs and LoadBalancer IPs go through the external chain", "[proxy][model]") {
  auto svc = service(R"({"type":"LoadBalancer","clusterIP":"10.43.0.7","externalIPs":["192.0.2.50"],
                         "ports":[{"port":80,"nodePort":30080}]})",
                     R"({"loadBalancer":{"ingress":[{"ip":"192.0.2.2"}]}})");
  auto rules = build_service_rules(svc, {slice(R"([{"port":8080,"protocol":"TCP"}])", {"10.42.0.7"})}, kContext);
  auto ext = chain("external", "");
  CHECK(rules.service_nodeports.at(key("", 30080)).chain == ext);
  CHECK(rules.service_ips.at(key("192.0.2.50", 80)).chain == ext);
  CHECK(rules.service_ips.at(key("192.0.2.2", 80)).chain == ext);
  CHECK(rules.service_ips.at(key("10.43.0.7", 80)).chain == chain("service", ""));
  CHECK(text(rules.chains.at(ext)) ==
        std::vector<std::string>{"jump mark-for-masquerade", "goto " + chain("service", "")});
  CHECK(text(rules.chains.at(chain("service", ""))).back() ==
        "meta l4proto tcp dnat to numgen random mod 1 offset <slots> map @endpoint-ips:8080");
  CHECK(rules.slots.size() == 1);  // the external chain goes through the service chain's pick
}

TEST_CASE("a service without endpoints is rejected at once", "[proxy][model]") {
  auto svc = service(R"({"type":"NodePort","clusterIP":"10.43.0.8","ports":[{"port":80,"nodePort":30081}]})");
  for (const auto& slices : {std::vector<SliceInfo>{},
                             std::vector<SliceInfo>{slice(R"([{"port":8080}])", {"10.42.0.7::notready"})}}) {
    auto rules = build_service_rules(svc, slices, kContext);
    CHECK(rules.service_ips.empty());
    CHECK(rules.service_nodeports.empty());
    CHECK(rules.chains.empty());
    CHECK(rules.slots.empty());
    CHECK(rules.endpoint_ips.empty());
    CHECK(rules.no_endpoint_services.at(key("10.43.0.8", 80)).to_string() == "goto reject-chain");
    CHECK(rules.no_endpoint_nodeports.at(key("", 30081)).to_string() == "goto reject-chain");
  }
}

TEST_CASE("terminating endpoints serve only when none is ready", "[proxy][model]") {
  auto svc = service(R"({"clusterIP":"10.43.0.9","ports":[{"port":80}]})");
  auto ports = R"([{"port":8080}])";
  auto mixed = build_service_rules(svc, {slice(ports, {"10.42.0.7", "10.42.0.8::terminating"})}, kContext);
  CHECK(mixed.slots.at(chain("service", "")).targets == targets({"10.42.0.7"}, 8080));
  auto only_terminating = build_service_rules(svc, {slice(ports, {"10.42.0.8::terminating"})}, kContext);
  CHECK(only_terminating.slots.at(chain("service", "")).targets == targets({"10.42.0.8"}, 8080));
  CHECK(only_terminating.no_endpoint_services.empty());
}

TEST_CASE("Local traffic policies use this node's endpoints only", "[proxy][model]") {
  auto svc = service(R"({"type":"NodePort","clusterIP":"10.43.0.10","externalTrafficPolicy":"Local",
                         "internalTrafficPolicy":"Local","ports":[{"port":80,"nodePort":30082}]})");
  auto ports = R"([{"port":8080}])";
  auto rules = build_service_rules(svc, {slice(ports, {"10.42.0.7:node-a", "10.42.1.7:node-b"})}, kContext);
  auto local = chain("local", "");
  CHECK(rules.service_ips.at(key("10.43.0.10", 80)).chain == local);
  CHECK(text(rules.chains.at(local)) ==
        std::vector<std::string>{"meta l4proto tcp dnat to numgen random mod 1 offset <slots> map @endpoint-ips:8080"});
  CHECK(rules.slots.at(local).targets == targets({"10.42.0.7"}, 8080));
  CHECK(rules.slots.at(chain("service", "")).targets == targets({"10.42.0.7", "10.42.1.7"}, 8080));
  // From outside: local endpoints only, client address kept; pods and the node itself
  // may use any endpoint.
  CHECK(text(rules.chains.at(chain("external", ""))) ==
        std::vector<std::string>{"ip saddr 10.42.0.0/16 goto " + chain("service", ""),
                                 "fib saddr type local jump mark-for-masquerade",
                                 "fib saddr type local goto " + chain("service", ""), "goto " + local});

  // No endpoint on this node: dropped (there are endpoints elsewhere), not rejected.
  auto elsewhere = build_service_rules(svc, {slice(ports, {"10.42.1.7:node-b"})}, kContext);
  CHECK(elsewhere.no_endpoint_services.at(key("10.43.0.10", 80)).to_string() == "drop");
  CHECK(elsewhere.no_endpoint_nodeports.at(key("", 30082)).to_string() == "drop");
}

TEST_CASE("ClientIP session affinity remembers the client per endpoint", "[proxy][model]") {
  auto svc = service(R"({"clusterIP":"10.43.0.11","sessionAffinity":"ClientIP",
                         "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":60}},"ports":[{"port":80}]})");
  auto rules = build_service_rules(svc, {slice(R"([{"port":8080}])", {"10.42.0.7", "10.42.0.8"})}, kContext);
  auto ep7 = ep("", "10.42.0.7", 8080);
  auto set7 = "affinity-" + ep7.substr(9);
  CHECK(rules.affinity_sets.size() == 2);
  CHECK(rules.affinity_sets.at(set7) == 60);
  auto sc = text(rules.chains.at(chain("service", "")));
  REQUIRE(sc.size() == 5);
  CHECK(sc[1] == "ip saddr @" + set7 + " goto " + ep7);
  CHECK(sc[3] == "numgen random mod 2 == 0 goto " + ep7);
  CHECK(text(rules.chains.at(ep7)) ==
        std::vector<std::string>{"update @" + set7 + " { ip saddr }", "meta l4proto tcp dnat to 10.42.0.7:8080"});
  CHECK(rules.slots.empty());
  CHECK(rules.endpoint_ips == ips({"10.42.0.7", "10.42.0.8"}));  // hairpin as for any service
}

TEST_CASE("headless and ExternalName services get no rules", "[proxy][model]") {
  auto slices = std::vector<SliceInfo>{slice(R"([{"port":8080}])", {"10.42.0.7"})};
  CHECK(build_service_rules(service(R"({"clusterIP":"None","ports":[{"port":80}]})"), slices, kContext).empty());
  CHECK(build_service_rules(service(R"({"type":"ExternalName","externalName":"example.com"})"), slices, kContext)
            .empty());
}

TEST_CASE("bad input is skipped, never fatal", "[proxy][model]") {
  auto svc = service(R"({"clusterIP":"10.43.0.12","externalIPs":["nope",7],"ports":[{"port":"x"},{"port":80,"protocol":"ICMP"},{"port":81}]})");
  CHECK(svc.ports.size() == 1);
  CHECK(svc.external_ips.empty());
  auto s = parse_endpoint_slice(parse(R"({"addressType":"IPv6","endpoints":[{"addresses":["fd00::1"]}]})"));
  CHECK(s.endpoints.empty());
  auto t = parse_endpoint_slice(parse(R"({"ports":[{"port":8080}],"endpoints":[{"addresses":[]},{"addresses":["10.42.0.300"]},{}]})"));
  CHECK(t.endpoints.empty());
  CHECK_FALSE(Cidr::parse("10.42.0.0/33"));
  CHECK(Cidr::parse("10.42.7.1/16")->to_string() == "10.42.0.0/16");
}

TEST_CASE("the diff of a scale-down touches only what changed", "[proxy][model]") {
  auto svc = service(R"({"clusterIP":"10.43.0.13","ports":[{"port":53,"protocol":"UDP"}]})");
  auto ports = R"([{"port":5353,"protocol":"UDP"}])";
  auto before = build_service_rules(svc, {slice(ports, {"10.42.0.7", "10.42.0.8", "10.42.0.9"})}, kContext);
  auto after = build_service_rules(svc, {slice(ports, {"10.42.0.7"})}, kContext);
  auto sc = chain("service", "", Protocol::kUdp);
  auto d = diff_rules(before, after);
  CHECK(d.added_chains.empty());
  CHECK(d.changed_chains == std::vector<std::string>{sc});  // the modulus: 3, now 1
  CHECK(d.removed_chains.empty());
  CHECK(d.add_slots.empty());
  CHECK(d.remove_slots == std::vector<SlotChange>{{sc, 1, false, {}}, {sc, 2, false, {}}});
  CHECK(d.removed_endpoint_ips == std::vector<Ipv4>{*parse_ipv4("10.42.0.8"), *parse_ipv4("10.42.0.9")});
  CHECK(d.service_ips.add.empty());
  CHECK(d.service_ips.remove.empty());
  CHECK(d.stale_udp_endpoints == std::vector<Ipv4>{*parse_ipv4("10.42.0.8"), *parse_ipv4("10.42.0.9")});
  CHECK(diff_rules(after, after).empty());

  // Losing the last endpoint moves the ClusterIP from service-ips to no-endpoint-services.
  auto none = build_service_rules(svc, {}, kContext);
  auto gone = diff_rules(after, none);
  CHECK(gone.service_ips.remove == std::vector<ElementKey>{key("10.43.0.13", 53, Protocol::kUdp)});
  CHECK(gone.no_endpoint_services.add.size() == 1);
  CHECK(gone.removed_chains == std::vector<std::string>{sc});
  CHECK(gone.remove_slots == std::vector<SlotChange>{{sc, 0, false, {}}});
}

TEST_CASE("an endpoint that moves changes data, not rules", "[proxy][model]") {
  auto svc = service(R"({"type":"NodePort","clusterIP":"10.43.0.14","ports":[{"port":80,"nodePort":30083}]})");
  auto ports = R"([{"port":8080}])";
  auto before = build_service_rules(svc, {slice(ports, {"10.42.0.7", "10.42.0.8", "10.42.0.9"})}, kContext);
  auto after = build_service_rules(svc, {slice(ports, {"10.42.0.7", "10.42.0.8", "10.42.0.12"})}, kContext);
  auto sc = chain("service", "");
  auto d = diff_rules(before, after);
  // No chain, rule or jump is written: the kernel has no jump graph to re-validate.
  CHECK(d.added_chains.empty());
  CHECK(d.changed_chains.empty());
  CHECK(d.removed_chains.empty());
  CHECK(d.service_ips.add.empty());
  CHECK(d.service_nodeports.add.empty());
  CHECK(d.remove_slots == std::vector<SlotChange>{{sc, 2, false, {}}});
  CHECK(d.add_slots == std::vector<SlotChange>{{sc, 2, false, target("10.42.0.12", 8080)}});
  CHECK(d.added_endpoint_ips == std::vector<Ipv4>{*parse_ipv4("10.42.0.12")});
  CHECK(d.removed_endpoint_ips == std::vector<Ipv4>{*parse_ipv4("10.42.0.9")});
  CHECK(d.stale_udp_endpoints.empty());  // TCP

  // A pod whose named port resolves differently moves the pick to ip . port slots.
  auto svc2 = service(R"({"clusterIP":"10.43.0.15","ports":[{"port":80,"targetPort":"web"}]})");
  auto one = build_service_rules(svc2, {slice(ports, {"10.42.0.7"})}, kContext);
  auto two = build_service_rules(svc2, {slice(ports, {"10.42.0.7"}), slice(R"([{"port":9090}])", {"10.42.0.8"})},
                                 kContext);
  auto m = diff_rules(one, two);
  CHECK(m.changed_chains == std::vector<std::string>{sc});
  CHECK(m.remove_slots == std::vector<SlotChange>{{sc, 0, false, {}}});
  CHECK(m.add_slots == std::vector<SlotChange>{{sc, 0, true, target("10.42.0.7", 8080)},
                                               {sc, 1, true, target("10.42.0.8", 9090)}});
}
