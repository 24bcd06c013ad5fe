// The pure rule model (see model.h), following upstream's pkg/proxy/nftables/proxier.go
// syncProxyRules: per service port, the usable endpoints for cluster and local traffic,
// then chains and map elements for each way in (ClusterIP, externalIPs, LoadBalancer IPs,
// NodePort).

#include "model.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace kscratch::proxy {

namespace json = boost::json;

std::optional<Ipv4> parse_ipv4(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  std::string s(text);
  in_addr a{};
  if (::inet_pton(AF_INET, s.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string ipv4_string(Ipv4 ip) {
  return fmt::format("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = parse_ipv4(text.substr(0, slash));
  auto bits = text.substr(slash + 1);
  if (!ip || bits.empty() || bits.size() > 2 || !std::all_of(bits.begin(), bits.end(), ::isdigit)) return std::nullopt;
  int prefix = std::stoi(std::string(bits));
  if (prefix > 32) return std::nullopt;
  Cidr c{0, prefix};
  c.network = *ip & c.mask();
  return c;
}

std::optional<Protocol> parse_protocol(std::string_view name) {
  if (name == "TCP" || name.empty()) return Protocol::kTcp;  // the API's default
  if (name == "UDP") return Protocol::kUdp;
  if (name == "SCTP") return Protocol::kSctp;
  return std::nullopt;
}

std::string_view protocol_name(Protocol p) {
  switch (p) {
    case Protocol::kTcp: return "tcp";
    case Protocol::kUdp: return "udp";
    case Protocol::kSctp: return "sctp";
  }
  return "tcp";
}

// ---- parsing ----

namespace {

std::string_view str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}
const json::object* obj(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}
const json::array* arr(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}
std::int64_t num(const json::object& o, std::string_view key, std::int64_t fallback = 0) {
  auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return fallback;
}
std::optional<bool> flag(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_bool()) return v->get_bool();
  return std::nullopt;
}
std::uint16_t port_of(std::int64_t n) { return n > 0 && n < 65536 ? static_cast<std::uint16_t>(n) : 0; }

}  // namespace

ServiceInfo parse_service(const json::object& service) {
  ServiceInfo s;
  static const json::object empty;
  const auto* meta = obj(service, "metadata");
  const auto* spec = obj(service, "spec");
  if (meta) {
    s.ns = std::string(str(*meta, "namespace"));
    s.name = std::string(str(*meta, "name"));
  }
  if (!spec) return s;
  auto type = str(*spec, "type");
  if (type == "ExternalName") return s;
  s.cluster_ip = parse_ipv4(str(*spec, "clusterIP"));  // "None" (headless) does not parse
  if (!s.cluster_ip) return s;
  if (const auto* ips = arr(*spec, "externalIPs")) {
    for (const auto& v : *ips) {
      if (!v.is_string()) continue;
      if (auto ip = parse_ipv4(v.get_string())) s.external_ips.push_back(*ip);
    }
  }
  if (const auto* status = obj(service, "status")) {
    if (const auto* lb = obj(*status, "loadBalancer")) {
      if (const auto* ingress = arr(*lb, "ingress")) {
        for (const auto& v : *ingress) {
          if (!v.is_object()) continue;
          if (auto ip = parse_ipv4(str(v.get_object(), "ip"))) s.load_balancer_ips.push_back(*ip);
        }
      }
    }
  }
  bool node_ports = type == "NodePort" || type == "LoadBalancer";
  if (const auto* ports = arr(*spec, "ports")) {
    for (const auto& v : *ports) {
      if (!v.is_object()) continue;
      const auto& p = v.get_object();
      auto protocol = parse_protocol(str(p, "protocol"));
      auto port = port_of(num(p, "port"));
      if (!protocol || !port) continue;
      s.ports.push_back({std::string(str(p, "name")), *protocol, port, node_ports ? port_of(num(p, "nodePort")) : std::uint16_t(0)});
    }
  }
  if (type != "LoadBalancer") s.load_balancer_ips.clear();
  if (str(*spec, "sessionAffinity") == "ClientIP") {
    s.affinity_client_ip = true;
    const auto* cfg = obj(*spec, "sessionAffinityConfig");
    const auto* client_ip = cfg ? obj(*cfg, "clientIP") : nullptr;
    auto timeout = client_ip ? num(*client_ip, "timeoutSeconds", 10800) : 10800;
    s.affinity_timeout_seconds = timeout > 0 && timeout <= 86400 ? static_cast<std::uint32_t>(timeout) : 10800;
  }
  s.external_local = str(*spec, "externalTrafficPolicy") == "Local" && (node_ports || !s.external_ips.empty());
  s.internal_local = str(*spec, "internalTrafficPolicy") == "Local";
  return s;
}

SliceInfo parse_endpoint_slice(const json::object& slice) {
  SliceInfo out;
  auto address_type = str(slice, "addressType");
  if (!address_type.empty() && address_type != "IPv4") return out;
  if (const auto* ports = arr(slice, "ports")) {
    for (const auto& v : *ports) {
      if (!v.is_object()) continue;
      const auto& p = v.get_object();
      auto protocol = parse_protocol(str(p, "protocol"));
      auto port = port_of(num(p, "port"));
      if (!protocol || !port) continue;
      out.ports.push_back({std::string(str(p, "name")), *protocol, port});
    }
  }
  if (const auto* endpoints = arr(slice, "endpoints")) {
    for (const auto& v : *endpoints) {
      if (!v.is_object()) continue;
      const auto& e = v.get_object();
      const auto* addresses = arr(e, "addresses");
      if (!addresses || addresses->empty() || !(*addresses)[0].is_string()) continue;
      auto ip = parse_ipv4((*addresses)[0].get_string());
      if (!ip) continue;
      SliceEndpoint ep;
      ep.ip = *ip;
      ep.node_name = std::string(str(e, "nodeName"));
      if (const auto* c = obj(e, "conditions")) {
        // As upstream: ready unset means ready; serving unset means ready's value.
        ep.ready = flag(*c, "ready").value_or(true);
        ep.serving = flag(*c, "serving").value_or(ep.ready);
        ep.terminating = flag(*c, "terminating").value_or(false);
      }
      out.endpoints.push_back(std::move(ep));
    }
  }
  return out;
}

// ---- names and text ----

namespace {
std::uint32_t fnv1a(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}
}  // namespace

std::string service_chain_name(std::string_view prefix, std::string_view ns, std::string_view name,
                               Protocol protocol, std::string_view port_name) {
  auto id = fmt::format("{}/{}/{}/{}", ns, name, protocol_name(protocol), port_name);
  return fmt::format("{}-{:08x}-{}", prefix, fnv1a(id), id);
}

std::string endpoint_chain_name(std::string_view ns, std::string_view name, Protocol protocol,
                                std::string_view port_name, Ipv4 ip, std::uint16_t port) {
  auto id = fmt::format("{}/{}/{}/{}__{}/{}", ns, name, protocol_name(protocol), port_name, ipv4_string(ip), port);
  return fmt::format("endpoint-{:08x}-{}", fnv1a(id), id);
}

std::string Target::to_string() const { return fmt::format("{}:{}", ipv4_string(ip), port); }

std::string Verdict::to_string() const { return kind == Kind::kDrop ? "drop" : "goto " + chain; }

std::string ElementKey::to_string() const {
  if (ip == 0) return fmt::format("{} . {}", protocol_name(protocol), port);
  return fmt::format("{} . {} . {}", ipv4_string(ip), protocol_name(protocol), port);
}

std::string Rule::to_string() const {
  auto first = chains.empty() ? std::string() : chains[0];
  auto cidr = Cidr{ip, prefix}.to_string();
  switch (kind) {
    case Kind::kMarkIfSaddrNotIn: return fmt::format("ip saddr != {} meta mark set meta mark | 0x4000", cidr);
    case Kind::kMark: return "jump mark-for-masquerade";
    case Kind::kMarkIfLocalSource: return "fib saddr type local jump mark-for-masquerade";
    case Kind::kGotoIfSaddrIn: return fmt::format("ip saddr {} goto {}", cidr, first);
    case Kind::kGotoIfLocalSource: return fmt::format("fib saddr type local goto {}", first);
    case Kind::kAffinityGoto: return fmt::format("ip saddr @{} goto {}", set, first);
    case Kind::kAffinityUpdate: return fmt::format("update @{} {{ ip saddr }}", set);
    case Kind::kDnat:
      return fmt::format("meta l4proto {} dnat to {}:{}", protocol_name(protocol), ipv4_string(ip), port);
    case Kind::kDnatSlots:
      if (port == 0) {
        return fmt::format("meta l4proto {} dnat ip to numgen random mod {} offset <slots> map @endpoint-targets",
                           protocol_name(protocol), modulus);
      }
      return fmt::format("meta l4proto {} dnat to numgen random mod {} offset <slots> map @endpoint-ips:{}",
                         protocol_name(protocol), modulus, port);
    case Kind::kNumgen: return fmt::format("numgen random mod {} == 0 goto {}", modulus, first);
    case Kind::kGoto: return "goto " + first;
    case Kind::kDrop: return "drop";
  }
  return "";
}

bool ServiceRules::empty() const {
  return chains.empty() && affinity_sets.empty() && slots.empty() && service_ips.empty() && service_nodeports.empty() &&
         no_endpoint_services.empty() && no_endpoint_nodeports.empty();
}

// ---- building ----

namespace {

struct Endpoint {
  Ipv4 ip;
  std::uint16_t port;
  const SliceEndpoint* info;
};

// Upstream's CategorizeEndpoints: the ready endpoints, or when there are none, the
// serving ones that are terminating (so a rolling update never drops connections).
std::vector<Endpoint> usable(const std::vector<Endpoint>& all, bool local_only, const std::string& node) {
  std::vector<Endpoint> ready, terminating;
  for (const auto& e : all) {
    if (local_only && e.info->node_name != node) continue;
    if (e.info->ready) {
      ready.push_back(e);
    } else if (e.info->serving && e.info->terminating) {
      terminating.push_back(e);
    }
  }
  return ready.empty() ? terminating : ready;
}

Rule rule(Rule::Kind kind) { return Rule{kind}; }
Rule goto_rule(Rule::Kind kind, std::string chain) {
  Rule r{kind};
  r.chains.push_back(std::move(chain));
  return r;
}

}  // namespace

ServiceRules build_service_rules(const ServiceInfo& svc, const std::vector<SliceInfo>& slices, const ModelContext& ctx) {
  ServiceRules out;
  if (!svc.cluster_ip) return out;  // headless and ExternalName: DNS only, no proxying
  const Verdict reject{Verdict::Kind::kGoto, "reject-chain"};
  const Verdict drop{Verdict::Kind::kDrop, ""};

  for (const auto& sp : svc.ports) {
    // This port's endpoints: the slices' port of the same name and protocol carries the
    // target port as resolved for the slice's pods (named target ports differ per pod,
    // so the endpoint slice controller groups pods by resolved port).
    std::vector<Endpoint> all;
    std::set<std::pair<Ipv4, std::uint16_t>> seen;
    for (const auto& slice : slices) {
      for (const auto& p : slice.ports) {
        if (p.name != sp.name || p.protocol != sp.protocol) continue;
        for (const auto& e : slice.endpoints) {
          if (seen.insert({e.ip, p.port}).second) all.push_back({e.ip, p.port, &e});
        }
      }
    }
    std::sort(all.begin(), all.end(), [](const Endpoint& a, const Endpoint& b) {
      return std::pair(a.ip, a.port) < std::pair(b.ip, b.port);
    });
    auto cluster = usable(all, false, ctx.node_name);
    bool needs_local = svc.internal_local || svc.external_local;
    auto local = needs_local ? usable(all, true, ctx.node_name) : std::vector<Endpoint>{};
    const auto& internal = svc.internal_local ? local : cluster;
    const auto& external = svc.external_local ? local : cluster;

    // ClientIP affinity only: a chain per endpoint, remembering the client, then DNAT.
    auto endpoint_chain = [&](const Endpoint& e) {
      auto name = endpoint_chain_name(svc.ns, svc.name, sp.protocol, sp.name, e.ip, e.port);
      if (!out.chains.count(name)) {
        std::vector<Rule> rules;
        auto set = "affinity-" + name.substr(std::string_view("endpoint-").size());
        out.affinity_sets[set] = svc.affinity_timeout_seconds;
        Rule update{Rule::Kind::kAffinityUpdate};
        update.set = set;
        rules.push_back(update);
        Rule dnat{Rule::Kind::kDnat};
        dnat.protocol = sp.protocol;
        dnat.ip = e.ip;
        dnat.port = e.port;
        rules.push_back(dnat);
        out.chains[name] = std::move(rules);
      }
      return name;
    };
    // A chain load-balancing over endpoints: affinity first, then a random pick.
    auto balance = [&](const std::string& name, const std::vector<Endpoint>& eps, bool mark_outside_pods) {
      if (out.chains.count(name)) return;
      std::vector<Rule> rules;
      if (mark_outside_pods && ctx.cluster_cidr) {
        Rule mark{Rule::Kind::kMarkIfSaddrNotIn};
        mark.ip = ctx.cluster_cidr->network;
        mark.prefix = ctx.cluster_cidr->prefix;
        rules.push_back(mark);
      }
      for (const auto& e : eps) {
        out.endpoint_ips.insert(e.ip);
        if (sp.protocol == Protocol::kUdp) out.udp_endpoints.insert(e.ip);
      }
      if (!svc.affinity_client_ip) {
        // The pick is one rule; the endpoints are elements of a data map (see model.h).
        Slots slots;
        std::size_t n = std::min(eps.size(), kMaxSlots);
        for (std::size_t i = 0; i < n; ++i) slots.targets.push_back({eps[i].ip, eps[i].port});
        slots.with_port = std::any_of(slots.targets.begin(), slots.targets.end(),
                                      [&](const Target& t) { return t.port != slots.targets.front().port; });
        Rule dnat = goto_rule(Rule::Kind::kDnatSlots, name);
        dnat.protocol = sp.protocol;
        dnat.port = slots.with_port ? 0 : slots.targets.front().port;
        dnat.modulus = static_cast<std::uint32_t>(n);
        rules.push_back(dnat);
        out.slots[name] = std::move(slots);
        out.chains[name] = std::move(rules);
        return;
      }
      std::vector<std::string> targets;
      for (const auto& e : eps) targets.push_back(endpoint_chain(e));
      for (const auto& target : targets) {
        Rule sticky = goto_rule(Rule::Kind::kAffinityGoto, target);
        sticky.set = "affinity-" + target.substr(std::string_view("endpoint-").size());
        rules.push_back(sticky);
      }
      // A uniform random pick as a ladder of coin flips (the first of N with 1/N, the
      // next with 1/(N-1) of the rest, ...), as iptables mode does with `statistic`.
      // Upstream's nftables mode uses one anonymous verdict map instead; the kernel finds
      // anonymous sets by scanning the table's sets and the transaction, so 10,000 of them
      // in one full sync cost minutes, while rules cost nothing extra.
      for (std::size_t i = 0; i + 1 < targets.size(); ++i) {
        Rule pick = goto_rule(Rule::Kind::kNumgen, targets[i]);
        pick.modulus = static_cast<std::uint32_t>(targets.size() - i);
        rules.push_back(pick);
      }
      rules.push_back(goto_rule(Rule::Kind::kGoto, targets.back()));
      out.chains[name] = std::move(rules);
    };

    auto cluster_chain = service_chain_name("service", svc.ns, svc.name, sp.protocol, sp.name);
    auto local_chain = service_chain_name("local", svc.ns, svc.name, sp.protocol, sp.name);
    // What traffic meets when there is nowhere to send it: nothing anywhere is refused
    // at once; nothing on this node (Local) is dropped, as upstream.
    auto nowhere = [&] { return all.empty() || cluster.empty() ? reject : drop; };

    // ClusterIP.
    ElementKey cluster_key{*svc.cluster_ip, sp.protocol, sp.port};
    if (!internal.empty()) {
      if (svc.internal_local) {
        balance(local_chain, local, false);
        out.service_ips[cluster_key] = {Verdict::Kind::kGoto, local_chain};
      } else {
        balance(cluster_chain, cluster, true);
        out.service_ips[cluster_key] = {Verdict::Kind::kGoto, cluster_chain};
      }
    } else {
      out.no_endpoint_services[cluster_key] = nowhere();
    }

    // The ways in from outside: externalIPs, LoadBalancer IPs (both on the service port)
    // and the node port on every local address.
    std::vector<ElementKey> external_keys;
    for (auto ip : svc.external_ips) external_keys.push_back({ip, sp.protocol, sp.port});
    for (auto ip : svc.load_balancer_ips) external_keys.push_back({ip, sp.protocol, sp.port});
    bool has_node_port = sp.node_port != 0;
    if (external_keys.empty() && !has_node_port) continue;
    ElementKey node_port_key{0, sp.protocol, sp.node_port};
    if (external.empty()) {
      for (const auto& k : external_keys) out.no_endpoint_services[k] = nowhere();
      if (has_node_port) out.no_endpoint_nodeports[node_port_key] = nowhere();
      continue;
    }
    auto external_chain = service_chain_name("external", svc.ns, svc.name, sp.protocol, sp.name);
    std::vector<Rule> rules;
    if (!svc.external_local) {
      balance(cluster_chain, cluster, true);
      rules.push_back(rule(Rule::Kind::kMark));
      rules.push_back(goto_rule(Rule::Kind::kGoto, cluster_chain));
    } else {
      // Local keeps the client's address, so only this node's endpoints can answer; pods
      // and the node itself are not "external" and may use any endpoint (upstream's
      // short-circuit), the node's own traffic masqueraded so replies come back.
      balance(local_chain, local, false);
      if (!cluster.empty()) {
        balance(cluster_chain, cluster, true);
        if (ctx.cluster_cidr) {
          Rule pods = goto_rule(Rule::Kind::kGotoIfSaddrIn, cluster_chain);
          pods.ip = ctx.cluster_cidr->network;
          pods.prefix = ctx.cluster_cidr->prefix;
          rules.push_back(pods);
        }
        rules.push_back(rule(Rule::Kind::kMarkIfLocalSource));
        rules.push_back(goto_rule(Rule::Kind::kGotoIfLocalSource, cluster_chain));
      }
      rules.push_back(goto_rule(Rule::Kind::kGoto, local_chain));
    }
    out.chains[external_chain] = std::move(rules);
    for (const auto& k : external_keys) out.service_ips[k] = {Verdict::Kind::kGoto, external_chain};
    if (has_node_port) out.service_nodeports[node_port_key] = {Verdict::Kind::kGoto, external_chain};
  }
  return out;
}

// ---- diff ----

namespace {
void diff_elements(const ElementMap& before, const ElementMap& after, ElementChanges& out) {
  for (const auto& [k, v] : before) {
    auto it = after.find(k);
    if (it == after.end() || !(it->second == v)) out.remove.push_back(k);
  }
  for (const auto& [k, v] : after) {
    auto it = before.find(k);
    if (it == before.end() || !(it->second == v)) out.add.emplace_back(k, v);
  }
}
}  // namespace

RulesDiff diff_rules(const ServiceRules& before, const ServiceRules& after) {
  RulesDiff d;
  for (const auto& [name, rules] : before.chains) {
    auto it = after.chains.find(name);
    if (it == after.chains.end()) {
      d.removed_chains.push_back(name);
    } else if (it->second != rules) {
      d.changed_chains.push_back(name);
    }
  }
  for (const auto& [name, rules] : after.chains) {
    if (!before.chains.count(name)) d.added_chains.push_back(name);
  }
  for (const auto& [name, timeout] : after.affinity_sets) {
    if (!before.affinity_sets.count(name)) d.added_sets[name] = timeout;
  }
  for (const auto& [name, timeout] : before.affinity_sets) {
    if (!after.affinity_sets.count(name)) d.removed_sets.push_back(name);
  }
  diff_elements(before.service_ips, after.service_ips, d.service_ips);
  diff_elements(before.service_nodeports, after.service_nodeports, d.service_nodeports);
  diff_elements(before.no_endpoint_services, after.no_endpoint_services, d.no_endpoint_services);
  diff_elements(before.no_endpoint_nodeports, after.no_endpoint_nodeports, d.no_endpoint_nodeports);
  for (const auto& [chain, slots] : before.slots) {
    auto it = after.slots.find(chain);
    const Slots* next = it == after.slots.end() ? nullptr : &it->second;
    bool same_map = next && next->with_port == slots.with_port;
    for (std::size_t i = 0; i < slots.targets.size(); ++i) {
      if (same_map && i < next->targets.size() && next->targets[i] == slots.targets[i]) continue;
      d.remove_slots.push_back({chain, static_cast<std::uint32_t>(i), slots.with_port, {}});
    }
  }
  for (const auto& [chain, slots] : after.slots) {
    auto it = before.slots.find(chain);
    const Slots* prev = it == before.slots.end() ? nullptr : &it->second;
    bool same_map = prev && prev->with_port == slots.with_port;
    for (std::size_t i = 0; i < slots.targets.size(); ++i) {
      if (same_map && i < prev->targets.size() && prev->targets[i] == slots.targets[i]) continue;
      d.add_slots.push_back({chain, static_cast<std::uint32_t>(i), slots.with_port, slots.targets[i]});
    }
  }
  std::set_difference(after.endpoint_ips.begin(), after.endpoint_ips.end(), before.endpoint_ips.begin(),
                      before.endpoint_ips.end(), std::back_inserter(d.added_endpoint_ips));
  std::set_difference(before.endpoint_ips.begin(), before.endpoint_ips.end(), after.endpoint_ips.begin(),
                      after.endpoint_ips.end(), std::back_inserter(d.removed_endpoint_ips));
  for (auto ip : before.udp_endpoints) {
    if (!after.udp_endpoints.count(ip)) d.stale_udp_endpoints.push_back(ip);
  }
  return d;
}

bool RulesDiff::empty() const {
  auto none = [](const ElementChanges& c) { return c.add.empty() && c.remove.empty(); };
  return added_chains.empty() && changed_chains.empty() && removed_chains.empty() && added_sets.empty() &&
         removed_sets.empty() && none(service_ips) && none(service_nodeports) && none(no_endpoint_services) &&
         none(no_endpoint_nodeports) && add_slots.empty() && remove_slots.empty() && added_endpoint_ips.empty() &&
         removed_endpoint_ips.empty() && stale_udp_endpoints.empty();
}

}  // namespace kscratch::proxy
