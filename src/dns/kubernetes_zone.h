#pragma once
// The cluster's DNS names, as the Kubernetes DNS specification (kubernetes/dns
// docs/specification.md, schema 1.1.0) defines them and CoreDNS's kubernetes plugin
// answers them (with "pods insecure" and reverse zones that fall through):
//
//   <svc>.<ns>.svc.<zone>                  A: the ClusterIP; headless: each ready endpoint
//   <host>.<svc>.<ns>.svc.<zone>           A: a headless endpoint, by hostname or dashed IP
//   _<port>._<proto>.<svc>.<ns>.svc.<zone> SRV: the named port, at the service or endpoints
//   <d>.<c>.<b>.<a>.in-addr.arpa           PTR: a ClusterIP or an endpoint's name
//   <a>-<b>-<c>-<d>.<ns>.pod.<zone>        A: the address spelled in the name
//   dns-version.<zone>                     TXT: the schema version
//   an ExternalName service                CNAME to its externalName
//
// Other names in the zone are NXDOMAIN, names that exist with no record of the type asked
// are NOERROR and empty (AAAA: kscratch is IPv4 only), both with the zone's SOA in the
// authority section. Pure: answers are computed from a Catalog.

#include "dns/catalog.h"
#include "dns/message.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kscratch::dns {

struct ZoneConfig {
  std::string domain = "cluster.local";
  std::uint32_t ttl = 5;  // CoreDNS's default for the kubernetes plugin
};

struct Answer {
  // Not ours: ask the upstream resolvers (names outside the zone, and reverse lookups of
  // addresses that are not the cluster's, as CoreDNS's `fallthrough in-addr.arpa`).
  bool forward = false;
  bool authoritative = false;
  std::uint8_t rcode = rcode::kNoError;
  std::vector<Record> answers, authority, additional;
  // For an ExternalName target outside the zone: its records, when wanted, come from the
  // upstream resolvers (set with a CNAME in answers).
  std::string chase;
};

Answer lookup(const Question& question, const Catalog& catalog, const ZoneConfig& zone);

// The zone's SOA record, as CoreDNS writes it (ns.dns.<zone>, hostmaster.<zone>).
Record soa_record(const ZoneConfig& zone, std::uint32_t serial);

}  // namespace kscratch::dns
