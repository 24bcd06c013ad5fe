#include "dns/kubernetes_zone.h"

#include "dns/names.h"
#include "kscratch/apimachinery/object.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace kscratch::dns {

namespace {

namespace obj = apimachinery::object;
namespace json = boost::json;

constexpr const char* kSchemaVersion = "1.1.0";
constexpr int kMaxChase = 8;  // CNAMEs followed inside the zone

const json::array& array_at(const json::object& o, std::string_view key) {
  static const json::array empty;
  auto* v = o.if_contains(key);
  return v && v->is_array() ? v->get_array() : empty;
}

const json::object& spec_of(const json::object& o) {
  static const json::object empty;
  auto* s = obj::object_at(o, "spec");
  return s ? *s : empty;
}

bool is_headless(const json::object& service) { return obj::string_at(spec_of(service), "clusterIP") == "None"; }

std::string protocol_of(const json::object& port) {
  auto p = obj::string_at(port, "protocol");
  return p.empty() ? "tcp" : lower(p);
}

// One address of a Service's endpoints, with the name DNS gives it: the endpoint's
// hostname, or its address with dashes (CoreDNS's endpointHostname).
struct Endpoint {
  std::string ip, name;
  std::vector<const json::object*> slice_ports;  // the ports of the endpoint's slice
};

std::vector<Endpoint> ready_endpoints(const json::object& service, const std::vector<ObjectPtr>& slices) {
  bool publish_not_ready = obj::bool_at(spec_of(service), "publishNotReadyAddresses");
  std::vector<Endpoint> out;
  std::set<std::string> seen;
  for (const auto& slice : slices) {
    if (obj::string_at(*slice, "addressType") != "IPv4") continue;
    std::vector<const json::object*> ports;
    for (const auto& p : array_at(*slice, "ports")) {
      if (p.is_object()) ports.push_back(&p.get_object());
    }
    for (const auto& e : array_at(*slice, "endpoints")) {
      if (!e.is_object()) continue;
      const auto& ep = e.get_object();
      // A missing ready condition means ready (the API's documented meaning of nil).
      const auto* conditions = obj::object_at(ep, "conditions");
      bool ready = true;
      if (conditions) {
        if (auto* r = conditions->if_contains("ready"); r && r->is_bool()) ready = r->get_bool();
      }
      if (!ready && !publish_not_ready) continue;
      auto hostname = obj::string_at(ep, "hostname");
      for (const auto& a : array_at(ep, "addresses")) {
        if (!a.is_string() || !parse_ipv4(a.get_string())) continue;
        std::string ip(a.get_string());
        if (!seen.insert(ip + "/" + hostname).second) continue;
        out.push_back(Endpoint{ip, hostname.empty() ? dashed_ip(ip) : lower(hostname), ports});
      }
    }
  }
  return out;
}

class Lookup {
 public:
  Lookup(const Catalog& catalog, const ZoneConfig& zone) : catalog_(catalog), zone_(zone) {}

  Answer run(const Question& q) {
    std::string name = lower(q.name);
    if (q.type == type::kPTR && ends_with_label(name, "in-addr.arpa")) return reverse(q, name);
    if (!in_zone(name)) return forwarded();
    if (q.klass != kClassIN && q.klass != type::kANY) {
      Answer a;
      a.rcode = rcode::kRefused;
      return a;
    }
    answer_.authoritative = true;
    in_zone_name(q, name, 0);
    return finish();
  }

 private:
  bool in_zone(const std::string& name) const { return name == zone_.domain || ends_with_label(name, zone_.domain); }

  Answer forwarded() {
    Answer a;
    a.forward = true;
    return a;
  }

  Record record(const std::string& owner, std::uint16_t t, Rdata data) const {
    return Record{owner, t, kClassIN, zone_.ttl, std::move(data)};
  }

  std::string fqdn(std::string_view relative) const { return fmt::format("{}.{}", relative, zone_.domain); }

  // Answers `owner` (the name asked, or a CNAME's target inside the zone).
  void in_zone_name(const Question& q, const std::string& name, int depth) {
    std::string relative = name == zone_.domain ? "" : name.substr(0, name.size() - zone_.domain.size() - 1);
    auto labels = split_labels(relative);
    const std::string& owner = depth == 0 ? q.name : name;
    if (labels.empty()) return apex(q, owner);
    const std::string& kind = labels.back();
    if (labels.size() == 1 && labels[0] == "dns-version") {
      if (wants(q, type::kTXT)) answer_.answers.push_back(record(owner, type::kTXT, TXT{{kSchemaVersion}}));
      return;
    }
    if (kind == "svc") return services(q, owner, labels, depth);
    if (kind == "pod") return pods(q, owner, labels);
    nxdomain();
  }

  void apex(const Question& q, const std::string& owner) {
    if (wants(q, type::kSOA)) {
      auto soa = soa_record(zone_, catalog_.serial());
      soa.name = owner;
      answer_.answers.push_back(std::move(soa));
    }
    if (wants(q, type::kNS)) answer_.answers.push_back(record(owner, type::kNS, NameData{"ns.dns." + zone_.domain}));
  }

  // labels end with "svc": [svc] [ns svc] [name ns svc] [endpoint name ns svc]
  // [_port _proto name ns svc].
  void services(const Question& q, const std::string& owner, const std::vector<std::string>& labels, int depth) {
    if (labels.size() == 1) return;  // svc.<zone> exists, holding namespaces
    if (labels.size() < 3 || labels.size() > 5) return nxdomain();
    std::size_t n = labels.size();
    const std::string& ns = labels[n - 2];
    const std::string& service_name = labels[n - 3];
    auto service = catalog_.service(ns, service_name);
    if (!service) return nxdomain();
    std::string service_fqdn = fqdn(fmt::format("{}.{}.svc", service_name, ns));
    if (n == 3) return service_records(q, owner, *service, service_fqdn, depth);
    if (n == 4) return endpoint_by_name(q, owner, *service, labels[0]);
    if (labels[0].size() < 2 || labels[1].size() < 2 || labels[0][0] != '_' || labels[1][0] != '_') return nxdomain();
    srv(q, owner, *service, service_fqdn, labels[0].substr(1), labels[1].substr(1));
  }

  void service_records(const Question& q, const std::string& owner, const json::object& service,
                       const std::string& service_fqdn, int depth) {
    const auto& spec = spec_of(service);
    if (obj::string_at(spec, "type") == "ExternalName") return external_name(q, owner, spec, depth);
    if (q.type == type::kSRV) return srv(q, owner, service, service_fqdn, "", "");
    if (!wants(q, type::kA)) return;  // AAAA and the rest: NOERROR, empty
    if (!is_headless(service)) {
      if (auto ip = parse_ipv4(obj::string_at(spec, "clusterIP"))) {
        answer_.answers.push_back(record(owner, type::kA, *ip));
      }
      return;
    }
    std::set<std::string> ips;  // one A per address, though it be in several slices
    for (const auto& e : ready_endpoints(service, slices_of(service))) {
      if (ips.insert(e.ip).second) answer_.answers.push_back(record(owner, type::kA, *parse_ipv4(e.ip)));
    }
  }

  void external_name(const Question& q, const std::string& owner, const json::object& spec, int depth) {
    std::string target = lower(obj::string_at(spec, "externalName"));
    while (!target.empty() && target.back() == '.') target.pop_back();
    if (target.empty() || !valid_name(target)) return;
    answer_.answers.push_back(record(owner, type::kCNAME, NameData{target}));
    if (q.type == type::kCNAME) return;
    if (in_zone(target)) {
      if (depth + 1 < kMaxChase) in_zone_name(q, target, depth + 1);
      answer_.rcode = rcode::kNoError;  // the CNAME exists, whatever its target does
    } else {
      answer_.chase = target;
    }
  }

  void endpoint_by_name(const Question& q, const std::string& owner, const json::object& service,
                        const std::string& endpoint) {
    bool found = false;
    for (const auto& e : ready_endpoints(service, slices_of(service))) {
      if (e.name != endpoint) continue;
      if (!found && wants(q, type::kA)) answer_.answers.push_back(record(owner, type::kA, *parse_ipv4(e.ip)));
      found = true;
    }
    if (!found) nxdomain();
  }

  // SRV records of the ports named `port` with protocol `proto` ("" matches any): at the
  // service name for a ClusterIP, at each ready endpoint's name for a headless service.
  void srv(const Question& q, const std::string& owner, const json::object& service, const std::string& service_fqdn,
           const std::string& port, const std::string& proto) {
    struct Target {
      std::uint16_t port;
      std::string name, ip;
    };
    std::vector<Target> targets;
    auto matches = [&](const json::object& p) {
      if (!port.empty() && lower(obj::string_at(p, "name")) != port) return false;
      return proto.empty() || protocol_of(p) == proto;
    };
    if (!is_headless(service)) {
      auto ip = obj::string_at(spec_of(service), "clusterIP");
      for (const auto& p : array_at(spec_of(service), "ports")) {
        if (!p.is_object() || !matches(p.get_object())) continue;
        auto number = obj::int_at(p.get_object(), "port").value_or(0);
        if (number > 0 && number < 65536) targets.push_back({static_cast<std::uint16_t>(number), service_fqdn, ip});
      }
    } else {
      for (const auto& e : ready_endpoints(service, slices_of(service))) {
        for (const auto* p : e.slice_ports) {
          if (!matches(*p)) continue;
          auto number = obj::int_at(*p, "port").value_or(0);
          if (number > 0 && number < 65536) {
            targets.push_back({static_cast<std::uint16_t>(number), e.name + "." + service_fqdn, e.ip});
          }
        }
      }
    }
    if (targets.empty()) {
      // A port that does not exist is a name that does not exist (CoreDNS).
      if (!port.empty()) nxdomain();
      return;
    }
    if (!wants(q, type::kSRV)) return;
    // CoreDNS spreads a weight of 100 over the records of one priority.
    auto weight = static_cast<std::uint16_t>(std::max<std::size_t>(1, 100 / targets.size()));
    std::set<std::string> extra;
    for (const auto& t : targets) {
      answer_.answers.push_back(record(owner, type::kSRV, SRV{0, weight, t.port, t.name}));
      auto ip = parse_ipv4(t.ip);
      if (ip && extra.insert(t.name).second) answer_.additional.push_back(record(t.name, type::kA, *ip));
    }
  }

  // <a>-<b>-<c>-<d>.<ns>.pod.<zone>, answered without checking that such a pod exists
  // (CoreDNS's "pods insecure", what kube-dns did).
  void pods(const Question& q, const std::string& owner, const std::vector<std::string>& labels) {
    if (labels.size() == 1) return;  // pod.<zone>
    if (labels.size() != 3) return nxdomain();
    auto ip = parse_dashed_ipv4(labels[0]);
    if (!ip) return nxdomain();
    if (wants(q, type::kA)) answer_.answers.push_back(record(owner, type::kA, *ip));
  }

  Answer reverse(const Question& q, const std::string& name) {
    auto ip = ip_from_reverse(name);
    if (!ip) return forwarded();
    std::set<std::string> targets;
    for (const auto& service : catalog_.services_with_cluster_ip(*ip)) {
      targets.insert(fqdn(fmt::format("{}.{}.svc", obj::name_of(*service), obj::namespace_of(*service))));
    }
    for (const auto& slice : catalog_.slices_with_address(*ip)) {
      auto service_name = obj::labels_of(*slice)["kubernetes.io/service-name"];
      auto service = catalog_.service(obj::namespace_of(*slice), service_name);
      if (!service) continue;
      for (const auto& e : ready_endpoints(*service, {slice})) {
        if (e.ip == *ip) targets.insert(fqdn(fmt::format("{}.{}.{}.svc", e.name, service_name, obj::namespace_of(*slice))));
      }
    }
    // Not a cluster address: the host's resolvers may know it (`fallthrough in-addr.arpa`).
    if (targets.empty()) return forwarded();
    answer_.authoritative = true;
    for (const auto& t : targets) answer_.answers.push_back(record(q.name, type::kPTR, NameData{t}));
    return finish();
  }

  std::vector<ObjectPtr> slices_of(const json::object& service) const {
    return catalog_.endpoint_slices(obj::namespace_of(service), obj::name_of(service));
  }

  static bool wants(const Question& q, std::uint16_t t) { return q.type == t || q.type == type::kANY; }

  void nxdomain() { answer_.rcode = rcode::kNXDomain; }

  Answer finish() {
    // NXDOMAIN and NODATA carry the SOA, whose minimum TTL says how long to cache them.
    if (answer_.rcode == rcode::kNXDomain || (answer_.rcode == rcode::kNoError && answer_.answers.empty())) {
      answer_.authority.push_back(soa_record(zone_, catalog_.serial()));
    }
    return std::move(answer_);
  }

  const Catalog& catalog_;
  const ZoneConfig& zone_;
  Answer answer_;
};

}  // namespace

Record soa_record(const ZoneConfig& zone, std::uint32_t serial) {
  return Record{zone.domain, type::kSOA, kClassIN, zone.ttl,
                SOA{"ns.dns." + zone.domain, "hostmaster." + zone.domain, serial, 7200, 1800, 86400, zone.ttl}};
}

Answer lookup(const Question& question, const Catalog& catalog, const ZoneConfig& zone) {
  return Lookup(catalog, zone).run(question);
}

}  // namespace kscratch::dns
