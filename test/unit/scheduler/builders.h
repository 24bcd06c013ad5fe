#pragma once
// Small builders for Node and Pod JSON in scheduler tests.

#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

namespace kscratch::scheduler::testing {

// A Ready node with the given allocatable cpu, memory and pods.
inline boost::json::object node_json(const std::string& name, const std::string& cpu = "4",
                                     const std::string& memory = "8Gi", const std::string& pods = "110") {
  return boost::json::object{
      {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/hostname", name}}}}},
      {"spec", boost::json::object{}},
      {"status",
       {{"allocatable", {{"cpu", cpu}, {"memory", memory}, {"pods", pods}, {"ephemeral-storage", "100Gi"}}},
        {"conditions", boost::json::array{{{"type", "Ready"}, {"status", "True"}}}}}},
  };
}

inline void set_label(boost::json::object& obj, const std::string& key, const std::string& value) {
  auto& meta = obj["metadata"].as_object();
  if (!meta.contains("labels")) meta["labels"] = boost::json::object{};
  meta["labels"].as_object()[key] = value;
}

inline void add_taint(boost::json::object& node, const std::string& key, const std::string& value,
                      const std::string& effect) {
  auto& spec = node["spec"].as_object();
  if (!spec.contains("taints")) spec["taints"] = boost::json::array{};
  spec["taints"].as_array().push_back(boost::json::object{{"key", key}, {"value", value}, {"effect", effect}});
}

inline boost::json::object container(const std::string& name, const std::string& cpu = "",
                                     const std::string& memory = "") {
  boost::json::object requests;
  if (!cpu.empty()) requests["cpu"] = cpu;
  if (!memory.empty()) requests["memory"] = memory;
  boost::json::object c{{"name", name}, {"image", "busybox"}};
  if (!requests.empty()) c["resources"] = boost::json::object{{"requests", requests}};
  return c;
}

// A pending pod in namespace default with one container requesting cpu and memory.
inline boost::json::object pod_json(const std::string& name, const std::string& cpu = "",
                                    const std::string& memory = "") {
  return boost::json::object{
      {"metadata", {{"name", name}, {"namespace", "default"}, {"uid", "uid-" + name}}},
      {"spec", {{"containers", boost::json::array{container("app", cpu, memory)}}}},
  };
}

inline boost::json::object& spec_of(boost::json::object& pod) { return pod["spec"].as_object(); }

inline void set_owner(boost::json::object& pod, const std::string& uid, const std::string& kind = "ReplicaSet") {
  pod["metadata"].as_object()["ownerReferences"] = boost::json::array{
      {{"apiVersion", "apps/v1"}, {"kind", kind}, {"name", "rs"}, {"uid", uid}, {"controller", true}}};
}

inline boost::json::object bound(boost::json::object pod, const std::string& node) {
  spec_of(pod)["nodeName"] = node;
  return pod;
}

}  // namespace kscratch::scheduler::testing
