#pragma once
// A Catalog over objects held in memory, and builders of the Services and EndpointSlices
// the DNS tests answer from.

#include "dns/catalog.h"

#include "kscratch/apimachinery/object.h"

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace kscratch::dns::testing {

namespace json = boost::json;

class MapCatalog : public Catalog {
 public:
  void add(json::object o) { objects_.push_back(std::make_shared<const json::object>(std::move(o))); }

  ObjectPtr service(const std::string& ns, const std::string& name) const override {
    for (const auto& o : objects_) {
      if (kind(*o) == "Service" && apimachinery::object::namespace_of(*o) == ns &&
          apimachinery::object::name_of(*o) == name) {
        return o;
      }
    }
    return nullptr;
  }
  std::vector<ObjectPtr> endpoint_slices(const std::string& ns, const std::string& name) const override {
    std::vector<ObjectPtr> out;
    for (const auto& o : objects_) {
      if (kind(*o) == "EndpointSlice" && apimachinery::object::namespace_of(*o) == ns &&
          apimachinery::object::labels_of(*o)["kubernetes.io/service-name"] == name) {
        out.push_back(o);
      }
    }
    return out;
  }
  std::vector<ObjectPtr> services_with_cluster_ip(const std::string& ip) const override {
    std::vector<ObjectPtr> out;
    for (const auto& o : objects_) {
      if (kind(*o) == "Service" && apimachinery::object::string_at(o->at("spec").as_object(), "clusterIP") == ip) out.push_back(o);
    }
    return out;
  }
  std::vector<ObjectPtr> slices_with_address(const std::string& ip) const override {
    std::vector<ObjectPtr> out;
    for (const auto& o : objects_) {
      if (kind(*o) != "EndpointSlice") continue;
      bool has = false;
      for (const auto& e : o->at("endpoints").as_array()) {
        for (const auto& a : e.at("addresses").as_array()) has = has || a.as_string() == ip;
      }
      if (has) out.push_back(o);
    }
    return out;
  }
  std::uint32_t serial() const override { return 42; }

 private:
  static std::string kind(const json::object& o) { return apimachinery::object::string_at(o, "kind"); }
  std::vector<ObjectPtr> objects_;
};

struct Port {
  std::string name;
  int port;
  std::string protocol = "TCP";
};

inline json::object service(const std::string& ns, const std::string& name, const std::string& cluster_ip,
                            const std::vector<Port>& ports = {}) {
  json::array p;
  for (const auto& port : ports) {
    p.push_back(json::object{{"name", port.name}, {"port", port.port}, {"protocol", port.protocol}});
  }
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Service"},
                      {"metadata", json::object{{"name", name}, {"namespace", ns}}},
                      {"spec", json::object{{"clusterIP", cluster_ip}, {"type", "ClusterIP"}, {"ports", p}}}};
}

inline json::object external_name(const std::string& ns, const std::string& name, const std::string& target) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Service"},
                      {"metadata", json::object{{"name", name}, {"namespace", ns}}},
                      {"spec", json::object{{"type", "ExternalName"}, {"externalName", target}}}};
}

struct EndpointSpec {
  std::string ip;
  std::string hostname;
  bool ready = true;
};

inline json::object slice(const std::string& ns, const std::string& service_name, const std::string& name,
                          const std::vector<EndpointSpec>& endpoints, const std::vector<Port>& ports = {}) {
  json::array e;
  for (const auto& ep : endpoints) {
    json::object o{{"addresses", json::array{json::value(ep.ip)}}, {"conditions", json::object{{"ready", ep.ready}}}};
    if (!ep.hostname.empty()) o["hostname"] = ep.hostname;
    e.push_back(std::move(o));
  }
  json::array p;
  for (const auto& port : ports) {
    p.push_back(json::object{{"name", port.name}, {"port", port.port}, {"protocol", port.protocol}});
  }
  return json::object{
      {"apiVersion", "discovery.k8s.io/v1"},
      {"kind", "EndpointSlice"},
      {"metadata", json::object{{"name", name},
                                {"namespace", ns},
                                {"labels", json::object{{"kubernetes.io/service-name", service_name}}}}},
      {"addressType", "IPv4"},
      {"endpoints", e},
      {"ports", p}};
}

}  // namespace kscratch::dns::testing
