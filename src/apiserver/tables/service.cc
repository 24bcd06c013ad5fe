// Services: upstream's printService, getServiceExternalIP and makePortString.

#include <fmt/format.h>

#include <set>

#include "columns.h"
#include "json_access.h"
#include "tables.h"

namespace kscratch::apiserver::tables {

namespace json = boost::json;

namespace {

// The cluster IP as the internal Service has it: v1 clusterIP wins over clusterIPs[0].
std::string cluster_ip(const json::object& spec) {
  std::string ip = string_at(spec, "clusterIP");
  if (ip.empty()) {
    if (const json::array* ips = array_at(spec, "clusterIPs"); ips && !ips->empty()) {
      if ((*ips)[0].is_string()) ip = std::string((*ips)[0].get_string());
    }
  }
  return ip.empty() ? "<none>" : ip;
}

// upstream's loadBalancerStatusStringer for wide output: the distinct ingress IPs (or hostnames
// when no IP), sorted as sets.String.List() returns them.
std::string load_balancer_ingress(const json::object& status) {
  std::set<std::string> addresses;
  if (const json::array* ingress = array_at(object_or_empty(status, "loadBalancer"), "ingress")) {
    for (const json::value& v : *ingress) {
      const json::object& entry = object_or_empty(v.if_object());
      std::string ip = string_at(entry, "ip");
      std::string hostname = string_at(entry, "hostname");
      if (!ip.empty()) {
        addresses.insert(ip);
      } else if (!hostname.empty()) {
        addresses.insert(hostname);
      }
    }
  }
  std::string out;
  for (const std::string& address : addresses) out += (out.empty() ? "" : ",") + address;
  return out;
}

std::string external_ip(const std::string& type, const json::object& spec,
                        const json::object& status) {
  const std::string external_ips = join_strings(array_at(spec, "externalIPs"), ",");
  if (type == "ClusterIP" || type == "NodePort") {
    return external_ips.empty() ? "<none>" : external_ips;
  }
  if (type == "LoadBalancer") {
    const std::string ingress = load_balancer_ingress(status);
    if (!external_ips.empty()) return ingress.empty() ? external_ips : ingress + "," + external_ips;
    return ingress.empty() ? "<pending>" : ingress;
  }
  if (type == "ExternalName") return string_at(spec, "externalName");
  return "<unknown>";
}

// "80/TCP" or "80:30080/TCP" per port, comma separated; the protocol defaults to TCP as the
// apiserver's decoding defaults it.
std::string port_string(const json::object& spec) {
  std::string out;
  const json::array* ports = array_at(spec, "ports");
  if (!ports) return out;
  for (size_t i = 0; i < ports->size(); ++i) {
    const json::object& port = object_or_empty((*ports)[i].if_object());
    std::string protocol = string_at(port, "protocol");
    if (protocol.empty()) protocol = "TCP";
    const int64_t node_port = int_at(port, "nodePort");
    if (i > 0) out += ',';
    out += node_port > 0 ? fmt::format("{}:{}/{}", int_at(port, "port"), node_port, protocol)
                         : fmt::format("{}/{}", int_at(port, "port"), protocol);
  }
  return out;
}

}  // namespace

std::vector<TableColumn> service_columns() {
  return {
      name_column(),
      column("Type",
             "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are "
             "ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a "
             "cluster-internal IP address for load-balancing to endpoints. Endpoints are determined "
             "by the selector or if that is not specified, by manual construction of an Endpoints "
             "object or EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated "
             "and the endpoints are published as a set of endpoints rather than a virtual IP. "
             "\"NodePort\" builds on ClusterIP and allocates a port on every node which routes to "
             "the same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and creates "
             "an external load-balancer (if supported in the current cloud) which routes to the "
             "same endpoints as the clusterIP. \"ExternalName\" aliases this service to the "
             "specified externalName. Several other fields do not apply to ExternalName services. "
             "More info: https://kubernetes.io/docs/concepts/services-networking/service/"
             "#publishing-services-service-types"),
      column("Cluster-IP",
             "clusterIP is the IP address of the service and is usually assigned randomly. If an "
             "address is specified manually, is in-range (as per system configuration), and is not "
             "in use, it will be allocated to the service; otherwise creation of the service will "
             "fail. This field may not be changed through updates unless the type field is also "
             "being changed to ExternalName (which requires this field to be blank) or the type "
             "field is being changed from ExternalName (in which case this field may optionally be "
             "specified, as describe above).  Valid values are \"None\", empty string (\"\"), or a "
             "valid IP address. Setting this to \"None\" makes a \"headless service\" (no virtual "
             "IP), which is useful when direct endpoint connections are preferred and proxying is "
             "not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this "
             "field is specified when creating a Service of type ExternalName, creation will fail. "
             "This field will be wiped when updating a Service to type ExternalName. More info: "
             "https://kubernetes.io/docs/concepts/services-networking/service/"
             "#virtual-ips-and-service-proxies"),
      column("External-IP",
             "externalIPs is a list of IP addresses for which nodes in the cluster will also accept "
             "traffic for this service.  These IPs are not managed by Kubernetes.  The user is "
             "responsible for ensuring that traffic arrives at a node with this IP.  A common "
             "example is external load-balancers that are not part of the Kubernetes system."),
      column("Port(s)",
             "The list of ports that are exposed by this service. More info: "
             "https://kubernetes.io/docs/concepts/services-networking/service/"
             "#virtual-ips-and-service-proxies"),
      age_column(),
      column("Selector",
             "Route service traffic to pods with label keys and values matching this selector. If "
             "empty or not present, the service is assumed to have an external process managing "
             "its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, "
             "NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: "
             "https://kubernetes.io/docs/concepts/services-networking/service/",
             1),
  };
}

json::array service_row(const json::object& object, Clock::time_point now) {
  const json::object& spec = object_or_empty(object, "spec");
  const json::object& status = object_or_empty(object, "status");
  // An empty type decodes as ClusterIP (SetDefaults_Service).
  std::string type = string_at(spec, "type");
  if (type.empty()) type = "ClusterIP";
  std::string ports = port_string(spec);
  return json::array{
      object_name(object),
      type,
      cluster_ip(spec),
      external_ip(type, spec, status),
      ports.empty() ? "<none>" : ports,
      object_age(object, now),
      format_labels(object_at(spec, "selector")),
  };
}

}  // namespace kscratch::apiserver::tables
