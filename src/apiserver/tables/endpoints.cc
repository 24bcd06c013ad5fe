// Endpoints and EndpointSlices: upstream's formatEndpoints, formatDiscoveryPorts and
// formatDiscoveryEndpoints, which list at most three entries and then "+ N more...".

#include <fmt/format.h>

#include "columns.h"
#include "json_access.h"
#include "tables.h"

namespace kscratch::apiserver::tables {

namespace json = boost::json;

namespace {

constexpr size_t kMaxListed = 3;

// Go's net.JoinHostPort: IPv6 literals get brackets.
std::string join_host_port(const std::string& host, int64_t port) {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                             : fmt::format("{}:{}", host, port);
}

std::string join(const std::vector<std::string>& list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) out += (i ? "," : "") + list[i];
  return out;
}

// upstream's listWithMoreString: "<unset>" for an empty list.
std::string list_with_more(const std::vector<std::string>& list, bool more, size_t count) {
  if (more) return fmt::format("{} + {} more...", join(list), count - kMaxListed);
  return list.empty() ? "<unset>" : join(list);
}

// Ready addresses as "ip:port" for every port of every subset (bare IPs for a subset without
// ports), stopping at three.
std::string format_endpoints(const json::object& object) {
  const json::array* subsets = array_at(object, "subsets");
  if (!subsets || subsets->empty()) return "<none>";
  std::vector<std::string> list;
  bool more = false;
  size_t count = 0;
  for (const json::value& subset_value : *subsets) {
    const json::object& subset = object_or_empty(subset_value.if_object());
    const json::array* addresses = array_at(subset, "addresses");
    const size_t address_count = addresses ? addresses->size() : 0;
    const json::array* ports = array_at(subset, "ports");
    if (!ports || ports->empty()) {
      // A headless service may have no ports.
      count += address_count;
      for (size_t i = 0; i < address_count; ++i) {
        if (list.size() == kMaxListed) {
          more = true;
          break;
        }
        list.push_back(string_at(object_or_empty((*addresses)[i].if_object()), "ip"));
      }
      continue;
    }
    for (const json::value& port_value : *ports) {
      const int64_t port = int_at(object_or_empty(port_value.if_object()), "port");
      count += address_count;
      for (size_t i = 0; i < address_count; ++i) {
        if (list.size() == kMaxListed) {
          more = true;
          break;
        }
        list.push_back(join_host_port(string_at(object_or_empty((*addresses)[i].if_object()), "ip"),
                                      port));
      }
    }
  }
  // Unlike the discovery lists, an Endpoints with subsets but no addresses prints "".
  return more ? fmt::format("{} + {} more...", join(list), count - kMaxListed) : join(list);
}

// Port numbers, else port names, else "*" for "all ports".
std::string format_discovery_ports(const json::object& slice) {
  std::vector<std::string> list;
  bool more = false;
  size_t count = 0;
  if (const json::array* ports = array_at(slice, "ports")) {
    for (const json::value& v : *ports) {
      const json::object& port = object_or_empty(v.if_object());
      if (list.size() < kMaxListed) {
        if (std::optional<int64_t> number = optional_int_at(port, "port")) {
          list.push_back(std::to_string(*number));
        } else if (std::optional<std::string> name = optional_string_at(port, "name")) {
          list.push_back(*name);
        } else {
          list.push_back("*");
        }
      } else if (list.size() == kMaxListed) {
        more = true;
      }
      ++count;
    }
  }
  return list_with_more(list, more, count);
}

std::string format_discovery_endpoints(const json::object& slice) {
  std::vector<std::string> list;
  bool more = false;
  size_t count = 0;
  if (const json::array* endpoints = array_at(slice, "endpoints")) {
    for (const json::value& v : *endpoints) {
      const json::array* addresses = array_at(object_or_empty(v.if_object()), "addresses");
      if (!addresses) continue;
      for (const json::value& address : *addresses) {
        if (list.size() < kMaxListed) {
          list.push_back(address.is_string() ? std::string(address.get_string()) : "");
        } else if (list.size() == kMaxListed) {
          more = true;
        }
        ++count;
      }
    }
  }
  return list_with_more(list, more, count);
}

}  // namespace

std::vector<TableColumn> endpoints_columns() {
  return {
      name_column(),
      column("Endpoints",
             "The set of all endpoints is the union of all subsets. Addresses are placed into "
             "subsets according to the IPs they share. A single address with multiple ports, some "
             "of which are ready and some of which are not (because they come from different "
             "containers) will result in the address being displayed in different subsets for the "
             "different ports. No address will appear in both Addresses and NotReadyAddresses in "
             "the same subset. Sets of addresses and ports that comprise a service."),
      age_column(),
  };
}

json::array endpoints_row(const json::object& object, Clock::time_point now) {
  return json::array{object_name(object), format_endpoints(object), object_age(object, now)};
}

std::vector<TableColumn> endpointslice_columns() {
  return {
      name_column(),
      column("AddressType",
             "addressType specifies the type of address carried by this EndpointSlice. All "
             "addresses in this slice must be the same type. This field is immutable after "
             "creation. The following address types are currently supported: * IPv4: Represents "
             "an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully "
             "Qualified Domain Name."),
      column("Ports",
             "ports specifies the list of network ports exposed by each endpoint in this slice. "
             "Each port must have a unique name. When ports is empty, it indicates that there are "
             "no defined ports. When a port is defined with a nil port value, it indicates \"all "
             "ports\". Each slice may include a maximum of 100 ports."),
      column("Endpoints",
             "endpoints is a list of unique endpoints in this slice. Each slice may include a "
             "maximum of 1000 endpoints."),
      age_column(),
  };
}

json::array endpointslice_row(const json::object& object, Clock::time_point now) {
  return json::array{
      object_name(object),
      string_at(object, "addressType"),
      format_discovery_ports(object),
      format_discovery_endpoints(object),
      object_age(object, now),
  };
}

}  // namespace kscratch::apiserver::tables
