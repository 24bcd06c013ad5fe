// Each filter plugin, through the default profile, with upstream's reasons and codes.

#include <catch2/catch.hpp>

#include "builders.h"
#include "kscratch/scheduler/registry.h"

namespace sched = kscratch::scheduler;
using namespace kscratch::scheduler::testing;
using sched::Code;

namespace {

sched::NodeInfo node_info(const boost::json::object& node) {
  sched::NodeInfo info;
  info.set_node(sched::parse_node(node));
  return info;
}

sched::Status run(std::string_view plugin, const boost::json::object& pod, const sched::NodeInfo& node) {
  static const sched::Profile profile = sched::default_profile();
  const sched::FilterPlugin* filter = profile.filter(plugin);
  REQUIRE(filter != nullptr);
  return filter->filter(sched::parse_pod(pod), node);
}

void add_required_term(boost::json::object& pod, boost::json::array expressions, boost::json::array fields = {}) {
  auto& affinity = spec_of(pod)["affinity"].emplace_object();
  boost::json::object term;
  if (!expressions.empty()) term["matchExpressions"] = std::move(expressions);
  if (!fields.empty()) term["matchFields"] = std::move(fields);
  affinity["nodeAffinity"] = {{"requiredDuringSchedulingIgnoredDuringExecution",
                               {{"nodeSelectorTerms", boost::json::array{term}}}}};
}

boost::json::object expr(const std::string& key, const std::string& op, boost::json::array values = {}) {
  boost::json::object e{{"key", key}, {"operator", op}};
  if (!values.empty()) e["values"] = std::move(values);
  return e;
}

}  // namespace

TEST_CASE("NodeUnschedulable rejects cordoned nodes unless the pod tolerates it", "[scheduler][filter]") {
  auto node = node_json("n1");
  node["spec"].as_object()["unschedulable"] = true;
  auto pod = pod_json("p");
  sched::Status status = run("NodeUnschedulable", pod, node_info(node));
  CHECK(status.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(status.message() == "node(s) were unschedulable");
  spec_of(pod)["tolerations"] = boost::json::array{
      {{"key", "node.kubernetes.io/unschedulable"}, {"operator", "Exists"}, {"effect", "NoSchedule"}}};
  CHECK(run("NodeUnschedulable", pod, node_info(node)).ok());
  CHECK(run("NodeUnschedulable", pod_json("q"), node_info(node_json("n2"))).ok());
}

TEST_CASE("NodeName admits only the named node", "[scheduler][filter]") {
  auto pod = pod_json("p");
  CHECK(run("NodeName", pod, node_info(node_json("n1"))).ok());
  spec_of(pod)["nodeName"] = "n2";
  sched::Status status = run("NodeName", pod, node_info(node_json("n1")));
  CHECK(status.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(status.message() == "node(s) didn't match the requested node name");
  CHECK(run("NodeName", pod, node_info(node_json("n2"))).ok());
}

TEST_CASE("TaintToleration filters NoSchedule and NoExecute taints only", "[scheduler][filter]") {
  auto node = node_json("n1");
  add_taint(node, "soft", "x", "PreferNoSchedule");
  add_taint(node, "dedicated", "gpu", "NoSchedule");
  add_taint(node, "evict", "", "NoExecute");
  auto pod = pod_json("p");
  sched::Status status = run("TaintToleration", pod, node_info(node));
  CHECK(status.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(status.message() == "node(s) had untolerated taint {dedicated: gpu}");

  spec_of(pod)["tolerations"] = boost::json::array{{{"key", "dedicated"}, {"operator", "Equal"}, {"value", "gpu"}}};
  CHECK(run("TaintToleration", pod, node_info(node)).message() == "node(s) had untolerated taint {evict: }");

  spec_of(pod)["tolerations"].as_array().push_back(boost::json::object{{"key", "evict"}, {"operator", "Exists"}, {"effect", "NoExecute"}});
  CHECK(run("TaintToleration", pod, node_info(node)).ok());

  spec_of(pod)["tolerations"] = boost::json::array{{{"operator", "Exists"}}};  // Tolerates all.
  CHECK(run("TaintToleration", pod, node_info(node)).ok());
}

TEST_CASE("NodeReady rejects nodes not Ready, unless tolerated or tainted already", "[scheduler][filter]") {
  auto node = node_json("n1");
  auto pod = pod_json("p");
  CHECK(run("NodeReady", pod, node_info(node)).ok());

  node["status"].as_object()["conditions"] = boost::json::array{{{"type", "Ready"}, {"status", "False"}}};
  sched::Status status = run("NodeReady", pod, node_info(node));
  CHECK(status.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(status.message() == "node(s) had untolerated taint {node.kubernetes.io/not-ready: }");

  node["status"].as_object()["conditions"] = boost::json::array{{{"type", "Ready"}, {"status", "Unknown"}}};
  CHECK(run("NodeReady", pod, node_info(node)).message() ==
        "node(s) had untolerated taint {node.kubernetes.io/unreachable: }");

  node["status"].as_object().erase("conditions");  // Never reported: not ready.
  CHECK(run("NodeReady", pod, node_info(node)).message() ==
        "node(s) had untolerated taint {node.kubernetes.io/not-ready: }");

  auto tolerant = pod_json("daemon");
  spec_of(tolerant)["tolerations"] = boost::json::array{
      {{"key", "node.kubernetes.io/not-ready"}, {"operator", "Exists"}, {"effect", "NoSchedule"}}};
  CHECK(run("NodeReady", tolerant, node_info(node)).ok());

  add_taint(node, "node.kubernetes.io/not-ready", "", "NoSchedule");  // TaintToleration's job.
  CHECK(run("NodeReady", pod, node_info(node)).ok());
}

TEST_CASE("NodeAffinity: nodeSelector must match every label", "[scheduler][filter]") {
  auto node = node_json("n1");
  set_label(node, "disk", "ssd");
  set_label(node, "zone", "a");
  auto pod = pod_json("p");
  spec_of(pod)["nodeSelector"] = {{"disk", "ssd"}, {"zone", "a"}};
  CHECK(run("NodeAffinity", pod, node_info(node)).ok());
  spec_of(pod)["nodeSelector"] = {{"disk", "ssd"}, {"zone", "b"}};
  sched::Status status = run("NodeAffinity", pod, node_info(node));
  CHECK(status.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(status.message() == "node(s) didn't match Pod's node affinity/selector");
}

TEST_CASE("NodeAffinity: required terms with every operator", "[scheduler][filter]") {
  auto node = node_json("n1");
  set_label(node, "disk", "ssd");
  set_label(node, "cores", "16");
  auto info = node_info(node);
  struct Case {
    boost::json::object expression;
    bool fits;
  };
  std::vector<Case> cases = {
      {expr("disk", "In", {"ssd", "nvme"}), true},
      {expr("disk", "In", {"hdd"}), false},
      {expr("disk", "NotIn", {"hdd"}), true},
      {expr("disk", "NotIn", {"ssd"}), false},
      {expr("missing", "NotIn", {"x"}), true},
      {expr("disk", "Exists"), true},
      {expr("missing", "Exists"), false},
      {expr("missing", "DoesNotExist"), true},
      {expr("disk", "DoesNotExist"), false},
      {expr("cores", "Gt", {"8"}), true},
      {expr("cores", "Gt", {"16"}), false},
      {expr("cores", "Lt", {"32"}), true},
      {expr("cores", "Lt", {"16"}), false},
      {expr("disk", "Gt", {"1"}), false},      // Label is not an integer.
      {expr("cores", "Gt", {"x"}), false},     // Invalid requirement: the term matches nothing.
      {expr("cores", "Gt", {"1", "2"}), false},
      {expr("disk", "Bogus", {"ssd"}), false},
  };
  for (const auto& c : cases) {
    auto pod = pod_json("p");
    add_required_term(pod, boost::json::array{c.expression});
    INFO(boost::json::serialize(c.expression));
    CHECK(run("NodeAffinity", pod, info).ok() == c.fits);
  }
}

TEST_CASE("NodeAffinity: expressions are ANDed, terms ORed, matchFields on metadata.name", "[scheduler][filter]") {
  auto node = node_json("n1");
  set_label(node, "disk", "ssd");
  auto info = node_info(node);

  auto pod = pod_json("p");
  add_required_term(pod, boost::json::array{expr("disk", "In", {"ssd"}), expr("gpu", "Exists")});
  CHECK_FALSE(run("NodeAffinity", pod, info).ok());  // AND: gpu missing.

  auto& terms = spec_of(pod)["affinity"].as_object()["nodeAffinity"].as_object()
                    ["requiredDuringSchedulingIgnoredDuringExecution"].as_object()["nodeSelectorTerms"].as_array();
  terms.push_back(boost::json::object{{"matchExpressions", boost::json::array{expr("disk", "Exists")}}});
  CHECK(run("NodeAffinity", pod, info).ok());  // OR: the second term matches.

  auto by_name = pod_json("daemon");
  add_required_term(by_name, {}, boost::json::array{expr("metadata.name", "In", {"n1"})});
  CHECK(run("NodeAffinity", by_name, info).ok());
  CHECK_FALSE(run("NodeAffinity", by_name, node_info(node_json("n2"))).ok());

  auto not_name = pod_json("q");
  add_required_term(not_name, boost::json::array{expr("disk", "Exists")},
                    boost::json::array{expr("metadata.name", "NotIn", {"n1"})});
  CHECK_FALSE(run("NodeAffinity", not_name, info).ok());

  auto empty = pod_json("e");  // A required affinity with no terms matches no node.
  spec_of(empty)["affinity"] = {{"nodeAffinity", {{"requiredDuringSchedulingIgnoredDuringExecution",
                                                   {{"nodeSelectorTerms", boost::json::array{}}}}}}};
  CHECK_FALSE(run("NodeAffinity", empty, info).ok());
}

TEST_CASE("NodePorts: clashes by protocol, port and host IP", "[scheduler][filter]") {
  auto with_port = [](const std::string& name, int port, const std::string& protocol, const std::string& ip) {
    auto pod = pod_json(name);
    boost::json::object p{{"containerPort", port}, {"hostPort", port}};
    if (!protocol.empty()) p["protocol"] = protocol;
    if (!ip.empty()) p["hostIP"] = ip;
    spec_of(pod)["containers"].as_array()[0].as_object()["ports"] = boost::json::array{p};
    return pod;
  };
  auto info = node_info(node_json("n1"));
  info.add_pod(sched::parse_pod(with_port("existing", 8080, "", "10.0.0.1")));

  CHECK(run("NodePorts", with_port("a", 8080, "TCP", "10.0.0.1"), info).message() ==
        "node(s) didn't have free ports for the requested pod ports");
  CHECK(run("NodePorts", with_port("a", 8080, "TCP", "10.0.0.1"), info).code() == Code::kUnschedulable);
  CHECK_FALSE(run("NodePorts", with_port("b", 8080, "", ""), info).ok());  // 0.0.0.0 clashes with any IP.
  CHECK(run("NodePorts", with_port("c", 8080, "UDP", "10.0.0.1"), info).ok());
  CHECK(run("NodePorts", with_port("d", 8080, "TCP", "10.0.0.2"), info).ok());
  CHECK(run("NodePorts", with_port("e", 9090, "", ""), info).ok());

  info.add_pod(sched::parse_pod(with_port("wild", 53, "UDP", "")));
  CHECK_FALSE(run("NodePorts", with_port("f", 53, "UDP", "10.0.0.9"), info).ok());  // Specific vs 0.0.0.0.

  info.remove_pod(sched::parse_pod(with_port("existing", 8080, "", "10.0.0.1")));
  CHECK(run("NodePorts", with_port("a", 8080, "TCP", "10.0.0.1"), info).ok());
}

TEST_CASE("NodeResourcesFit: requests against allocatable minus requested", "[scheduler][filter]") {
  auto info = node_info(node_json("n1", "2", "4Gi", "3"));
  info.add_pod(sched::parse_pod(pod_json("existing", "1500m", "3Gi")));

  CHECK(run("NodeResourcesFit", pod_json("fits", "500m", "1Gi"), info).ok());
  sched::Status cpu = run("NodeResourcesFit", pod_json("cpu", "501m", "1Gi"), info);
  CHECK(cpu.code() == Code::kUnschedulable);
  CHECK(cpu.message() == "Insufficient cpu");
  sched::Status both = run("NodeResourcesFit", pod_json("both", "1", "2Gi"), info);
  CHECK(both.reasons() == std::vector<std::string>{"Insufficient cpu", "Insufficient memory"});
  // More than the node has at all: preemption cannot help.
  CHECK(run("NodeResourcesFit", pod_json("huge", "3", ""), info).code() == Code::kUnschedulableAndUnresolvable);
  // Best-effort pods only need a pod slot.
  CHECK(run("NodeResourcesFit", pod_json("besteffort"), info).ok());

  info.add_pod(sched::parse_pod(pod_json("x")));
  info.add_pod(sched::parse_pod(pod_json("y")));
  sched::Status full = run("NodeResourcesFit", pod_json("z", "1", ""), info);
  CHECK(full.reasons() == std::vector<std::string>{"Too many pods", "Insufficient cpu"});
}

TEST_CASE("NodeResourcesFit: ephemeral-storage and extended resources", "[scheduler][filter]") {
  auto node = node_json("n1");
  node["status"].as_object()["allocatable"].as_object()["example.com/gpu"] = "1";
  auto info = node_info(node);
  auto pod = pod_json("p");
  spec_of(pod)["containers"].as_array()[0].as_object()["resources"] =
      boost::json::object{{"requests", {{"example.com/gpu", "2"}, {"ephemeral-storage", "200Gi"}}}};
  CHECK(run("NodeResourcesFit", pod, info).reasons() ==
        std::vector<std::string>{"Insufficient ephemeral-storage", "Insufficient example.com/gpu"});
}
