#pragma once
// The proxy's rule model, pure: Services and EndpointSlices in, the nf_tables objects
// that upstream kube-proxy's nftables mode (KEP-3866) would write for them out. No
// kernel, no I/O: the writer (nft_writer.h) turns it into netlink messages, and the
// unit tests check it as data or as nft text.
//
// One Service gives, per port:
//   service-ips        daddr . proto . port : goto service-<port chain>   (ClusterIP)
//                      and goto external-<..> for externalIPs and LoadBalancer IPs
//   service-nodeports  proto . nodePort : goto external-<..>
//   service-<..>       ip saddr != <cluster CIDR> jump mark-for-masquerade
//                      meta l4proto tcp dnat to numgen random mod 3 offset <slots> map @endpoint-ips:8080
//   endpoint-ips       <slots> + 0 : ep0, <slots> + 1 : ep1, <slots> + 2 : ep2   (data, not chains)
//   local-<..>         the same over this node's endpoints only (Local policies)
//   external-<..>      jump mark-for-masquerade; goto service-<..>     (Cluster)
//                      or: pods and the node itself go cluster-wide, the rest to local-<..>
//   hairpin-endpoints  ep . ep for every endpoint: postrouting masquerades DNATed packets
//                      a pod sent to itself
//   no-endpoint-services / no-endpoint-nodeports: the keys of ports without usable
//   endpoints: goto reject-chain (nothing at all) or drop (none on this node, Local).
//
// Endpoints are data: a change of endpoint addresses replaces elements of endpoint-ips
// and hairpin-endpoints and adds no rule and no jump, so the kernel's commit skips the
// walk over the table's whole jump graph that every new rule or jump costs (tens of ms at
// 10,000 services). Only a change in the number of endpoints (the modulus) or of the
// target port rewrites the service's chain. When endpoints of one port differ in target
// port (named ports resolved differently), the slots are ip . port in endpoint-targets.
//
// ClientIP affinity keeps upstream's per-endpoint layout (it needs a set per endpoint):
//   service-<..>       [ip saddr @affinity-<ep> goto endpoint-<ep>]...
//                      numgen random mod 3 == 0 goto endpoint-<ep0>      (a uniform pick:
//                      numgen random mod 2 == 0 goto endpoint-<ep1>       1/3, then 1/2 of
//                      goto endpoint-<ep2>                                the rest, ...)
//   endpoint-<..>      update @affinity-<ep> { ip saddr }; meta l4proto tcp dnat to <ep>:<port>

#include "kscratch/util/expected.h"

#include <boost/json/object.hpp>

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::proxy {

using Ipv4 = std::uint32_t;  // host byte order
std::optional<Ipv4> parse_ipv4(std::string_view text);
std::string ipv4_string(Ipv4 ip);

struct Cidr {
  Ipv4 network = 0;
  int prefix = 0;
  static std::optional<Cidr> parse(std::string_view text);
  Ipv4 mask() const { return prefix == 0 ? 0 : ~Ipv4{0} << (32 - prefix); }
  std::string to_string() const { return ipv4_string(network) + "/" + std::to_string(prefix); }
  friend bool operator==(const Cidr&, const Cidr&) = default;
};

enum class Protocol : std::uint8_t { kTcp = 6, kUdp = 17, kSctp = 132 };
std::optional<Protocol> parse_protocol(std::string_view api_name);  // "TCP", "UDP", "SCTP"
std::string_view protocol_name(Protocol p);                         // "tcp", "udp", "sctp"

// ---- What the proxy reads from the API ----

struct ServicePort {
  std::string name;
  Protocol protocol = Protocol::kTcp;
  std::uint16_t port = 0;
  std::uint16_t node_port = 0;  // 0: none
};

struct ServiceInfo {
  std::string ns, name;
  std::optional<Ipv4> cluster_ip;  // none: headless or ExternalName (no rules)
  std::vector<Ipv4> external_ips;
  std::vector<Ipv4> load_balancer_ips;  // status.loadBalancer.ingress[].ip
  std::vector<ServicePort> ports;
  bool affinity_client_ip = false;
  std::uint32_t affinity_timeout_seconds = 10800;
  bool external_local = false;  // externalTrafficPolicy: Local
  bool internal_local = false;  // internalTrafficPolicy: Local
};
// Unknown protocols and unparsable addresses are skipped (the apiserver validated them).
ServiceInfo parse_service(const boost::json::object& service);

struct SlicePort {
  std::string name;
  Protocol protocol = Protocol::kTcp;
  std::uint16_t port = 0;
};
struct SliceEndpoint {
  Ipv4 ip = 0;
  std::string node_name;
  bool ready = true;
  bool serving = true;
  bool terminating = false;
};
struct SliceInfo {
  std::vector<SlicePort> ports;  // one set of (resolved) target ports for every endpoint
  std::vector<SliceEndpoint> endpoints;
};
// Non-IPv4 slices give no endpoints.
SliceInfo parse_endpoint_slice(const boost::json::object& slice);

// ---- What the proxy writes ----

// The verdict of a map element or the target of a rule.
struct Verdict {
  enum class Kind { kGoto, kDrop };
  Kind kind = Kind::kGoto;
  std::string chain;
  friend bool operator==(const Verdict&, const Verdict&) = default;
  std::string to_string() const;
};

// ipv4_addr . inet_proto . inet_service (ip is 0 in service-nodeports, keyed by proto . port).
struct ElementKey {
  Ipv4 ip = 0;
  Protocol protocol = Protocol::kTcp;
  std::uint16_t port = 0;
  friend auto operator<=>(const ElementKey&, const ElementKey&) = default;
  std::string to_string() const;  // "10.43.0.5 . tcp . 80" or "tcp . 30080"
};

struct Rule {
  enum class Kind {
    kMarkIfSaddrNotIn,  // ip saddr != cidr meta mark set meta mark | 0x4000 (in every service
                        // chain: inline, so the kernel's validation does not follow a jump)
    kMark,              // jump mark-for-masquerade
    kMarkIfLocalSource, // fib saddr type local jump mark-for-masquerade
    kGotoIfSaddrIn,     // ip saddr cidr goto chains[0]
    kGotoIfLocalSource, // fib saddr type local goto chains[0]
    kAffinityGoto,      // ip saddr @set goto chains[0]
    kAffinityUpdate,    // update @set { ip saddr }
    kDnat,              // meta l4proto P dnat to ip:port
    kDnatSlots,         // meta l4proto P dnat to numgen random mod <modulus> offset <slots of
                        // chains[0]> map @endpoint-ips:port (port 0: map @endpoint-targets)
    kNumgen,            // numgen random mod <modulus> == 0 goto chains[0]
    kGoto,              // goto chains[0]
    kDrop,              // drop
  };
  Kind kind;
  Ipv4 ip = 0;
  int prefix = 32;
  Protocol protocol = Protocol::kTcp;
  std::uint16_t port = 0;
  std::uint32_t modulus = 0;
  std::string set;
  std::vector<std::string> chains;
  friend bool operator==(const Rule&, const Rule&) = default;
  std::string to_string() const;  // nft syntax
};

using ElementMap = std::map<ElementKey, Verdict>;

// Where a random pick sends traffic: slot i of a chain's pick is targets[i].
struct Target {
  Ipv4 ip = 0;
  std::uint16_t port = 0;
  friend auto operator<=>(const Target&, const Target&) = default;
  std::string to_string() const;  // "10.42.0.7:8080"
};
struct Slots {
  bool with_port = false;  // endpoint-targets (ip . port), else endpoint-ips (the rule has the port)
  std::vector<Target> targets;
  friend bool operator==(const Slots&, const Slots&) = default;
};
// Slots of one pick are keyed <id> << kSlotBits | i, the id given by the writer per chain.
constexpr int kSlotBits = 12;
constexpr std::size_t kMaxSlots = std::size_t{1} << kSlotBits;  // endpoints per pick; more are left out

// Everything one Service contributes. Chain and set names embed the service's namespace
// and name, so two services never share one; map keys are unique per service.
struct ServiceRules {
  std::map<std::string, std::vector<Rule>> chains;
  std::map<std::string, std::uint32_t> affinity_sets;  // name -> timeout in seconds
  std::map<std::string, Slots> slots;                  // chain -> its pick's endpoints
  ElementMap service_ips, service_nodeports, no_endpoint_services, no_endpoint_nodeports;
  std::set<Ipv4> endpoint_ips;   // every endpoint traffic may go to (hairpin masquerade)
  std::set<Ipv4> udp_endpoints;  // endpoints of UDP ports (conntrack clean-up)
  friend bool operator==(const ServiceRules&, const ServiceRules&) = default;
  bool empty() const;
};

struct ModelContext {
  std::string node_name;           // for Local traffic policies
  std::optional<Cidr> cluster_cidr;  // pod traffic needs no masquerade
};

ServiceRules build_service_rules(const ServiceInfo& service, const std::vector<SliceInfo>& slices,
                                 const ModelContext& context);

// Chain names, as upstream: "<prefix>-<hash>-<ns>/<name>/<proto>/<port name>", endpoints
// with "__<ip>/<port>"; the hash keeps names unique whatever the text.
std::string service_chain_name(std::string_view prefix, std::string_view ns, std::string_view name,
                               Protocol protocol, std::string_view port_name);
std::string endpoint_chain_name(std::string_view ns, std::string_view name, Protocol protocol,
                                std::string_view port_name, Ipv4 ip, std::uint16_t port);

// What to send to move the kernel from `before` to `after` (one service).
struct ElementChanges {
  std::vector<std::pair<ElementKey, Verdict>> add;
  std::vector<ElementKey> remove;  // changed verdicts are removed, then added
};
struct SlotChange {
  std::string chain;
  std::uint32_t index = 0;
  bool with_port = false;
  Target target;  // unused in removals
  friend bool operator==(const SlotChange&, const SlotChange&) = default;
};
struct RulesDiff {
  std::vector<std::string> added_chains, changed_chains, removed_chains;
  std::map<std::string, std::uint32_t> added_sets;
  std::vector<std::string> removed_sets;
  ElementChanges service_ips, service_nodeports, no_endpoint_services, no_endpoint_nodeports;
  std::vector<SlotChange> add_slots, remove_slots;  // changed slots are removed, then added
  std::vector<Ipv4> added_endpoint_ips, removed_endpoint_ips;
  std::vector<Ipv4> stale_udp_endpoints;
  bool empty() const;
};
RulesDiff diff_rules(const ServiceRules& before, const ServiceRules& after);

}  // namespace kscratch::proxy
