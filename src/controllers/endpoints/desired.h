#pragma once
// What a Service's Endpoints and EndpointSlices should hold, from the Service and the
// pods its selector matches: upstream's endpoint and endpointslice controllers'
// computations (ShouldPodBeInEndpoints, FindPort, the address and port building), with no
// I/O so they can be tested directly.

#include "controllers/common/json_fields.h"

#include <optional>
#include <string>
#include <vector>

namespace kscratch::controllers::endpoints {

// podutil.FindPort: a numeric targetPort as it is, a named one looked up among the
// pod's container ports with the same protocol; nullopt when the pod has no such port.
std::optional<int64_t> resolve_target_port(const json::object& service_port, const json::object& pod);

// Whether the Service's selector selects the pod (a Service without a selector selects
// nothing: its endpoints are managed by hand).
bool selects(const json::object& service, const json::object& pod);
bool has_selector(const json::object& service);

// The `subsets` of the Service's Endpoints: ready pods as addresses, others as
// notReadyAddresses (all as addresses with publishNotReadyAddresses), grouped by their
// resolved ports; terminating and finished pods left out, as upstream.
json::array endpoints_subsets(const json::object& service, const std::vector<const json::object*>& pods);

// One EndpointSlice's content: its ports and endpoints (terminating pods included with
// their conditions, as upstream's slices do).
struct SliceContent {
  json::array ports;
  json::array endpoints;
};
// Endpoints grouped by port set, at most max_per_slice per slice, in a stable order.
std::vector<SliceContent> slice_contents(const json::object& service, const std::vector<const json::object*>& pods,
                                         std::size_t max_per_slice = 100);

}  // namespace kscratch::controllers::endpoints
