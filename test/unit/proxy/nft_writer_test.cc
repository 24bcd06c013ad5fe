// The writer against the real kernel (tests run as root): a table of its own, written,
// read back over netlink, changed incrementally, rewritten as a restart would, deleted.

#include "model.h"
#include "nft_writer.h"

#include "kscratch/netfilter/read.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <set>

namespace json = boost::json;
using namespace kscratch::proxy;
namespace netfilter = kscratch::netfilter;

namespace {

ServiceRules rules_for(const std::string& name, const std::string& cluster_ip, const std::vector<std::string>& ips,
                       bool affinity = false) {
  auto svc = parse_service(json::parse(fmt::format(
      R"({{"metadata":{{"namespace":"t","name":"{}"}},"spec":{{"type":"NodePort","clusterIP":"{}",{}
          "ports":[{{"name":"http","port":80,"nodePort":30{:03}}},{{"name":"dns","port":53,"protocol":"UDP"}}]}}}})",
      name, cluster_ip, affinity ? R"("sessionAffinity":"ClientIP",)" : "", name.size()))
                               .as_object());
  json::array eps;
  for (const auto& ip : ips) eps.push_back(json::object{{"addresses", json::array{ip.c_str()}}});
  json::object slice{{"addressType", "IPv4"},
                     {"ports", json::parse(R"([{"name":"http","port":8080},{"name":"dns","port":53,"protocol":"UDP"}])")},
                     {"endpoints", eps}};
  return build_service_rules(svc, {parse_endpoint_slice(slice)}, {"node", Cidr::parse("10.42.0.0/16")});
}

std::vector<std::string> chains_of(const std::string& table) {
  auto chains = netfilter::list_chains(table);
  REQUIRE(chains.ok());
  auto out = *chains;
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("the writer programs, patches and reconciles a real table", "[proxy][nft][root]") {
  if (::geteuid() != 0) {
    WARN("not root: skipped");
    return;
  }
  auto table = fmt::format("kscratch-unit-proxy-{}", ::getpid());
  NftWriter writer(table);
  struct Cleanup {
    std::string table;
    ~Cleanup() { (void)NftWriter::delete_table(table); }
  } cleanup{table};

  std::map<std::string, ServiceRules> all;
  all["t/a"] = rules_for("a", "10.43.200.1", {"10.42.0.7", "10.42.0.8"}, true);
  all["t/bb"] = rules_for("bb", "10.43.200.2", {});
  all["t/c"] = rules_for("c", "10.43.200.3", {"10.42.0.7", "10.42.0.10"});
  auto s = writer.full_sync(all);
  INFO((s.ok() ? std::string() : s.error().message));
  REQUIRE(s.ok());

  auto elements = netfilter::list_set_elements(table, "service-ips");
  REQUIRE(elements.ok());
  CHECK(elements->size() == 4);  // a's and c's two ports
  auto rejects = netfilter::list_set_elements(table, "no-endpoint-services");
  REQUIRE(rejects.ok());
  CHECK(rejects->size() == 2);
  REQUIRE(rejects->front().chain);
  CHECK(*rejects->front().chain == "reject-chain");
  // a has ClientIP affinity: a chain per endpoint, remembering clients.
  auto ep7 = endpoint_chain_name("t", "a", Protocol::kTcp, "http", *parse_ipv4("10.42.0.7"), 8080);
  CHECK(netfilter::chain_exists(table, ep7).value());
  CHECK(netfilter::count_rules(table, ep7).value() == 2);  // affinity update, dnat
  auto sets = netfilter::list_sets(table);
  REQUIRE(sets.ok());
  CHECK(sets->size() == 4 + 2 * 64 + 1 + 4);  // verdict maps, slot maps, hairpin set, a's affinity sets
  // c: its endpoints are slots of endpoint-ips, found from the offset of its chain's numgen.
  auto c_http = service_chain_name("service", "t", "c", Protocol::kTcp, "http");
  auto offsets = netfilter::numgen_offsets(table, c_http);
  REQUIRE(offsets.ok());
  REQUIRE(offsets->size() == 1);
  auto slot = [&](std::uint32_t n) {
    std::vector<std::uint8_t> key(4);
    std::memcpy(key.data(), &n, 4);
    auto e = netfilter::get_set_element(table, NftWriter::slot_map_name(false, n), key);
    REQUIRE(e.ok());
    return e->has_value() ? ipv4_string((**e).data.at(0) << 24 | (**e).data.at(1) << 16 | (**e).data.at(2) << 8 |
                                        (**e).data.at(3))
                          : std::string("none");
  };
  CHECK(slot(offsets->front()) == "10.42.0.7");  // sorted by address
  CHECK(slot(offsets->front() + 1) == "10.42.0.10");
  CHECK(slot(offsets->front() + 2) == "none");
  auto slot_count = [&] {
    std::size_t n = 0;
    for (std::uint32_t shard = 0; shard < 64; ++shard) {
      n += netfilter::list_set_elements(table, NftWriter::slot_map_name(false, shard << kSlotBits))->size();
    }
    return n;
  };
  CHECK(slot_count() == 4);  // c's two ports × 2
  CHECK(netfilter::list_set_elements(table, "hairpin-endpoints")->size() == 3);  // .7 (a and c), .8, .10

  // Scale a down to one endpoint (and drop its affinity), give bb one: only their parts change.
  auto a2 = rules_for("a", "10.43.200.1", {"10.42.0.8"});
  auto b2 = rules_for("bb", "10.43.200.2", {"10.42.0.9"});
  std::vector<NftWriter::Change> changes;
  changes.push_back({&all["t/a"], &a2, diff_rules(all["t/a"], a2)});
  changes.push_back({&all["t/bb"], &b2, diff_rules(all["t/bb"], b2)});
  s = writer.apply(changes);
  INFO((s.ok() ? std::string() : s.error().message));
  REQUIRE(s.ok());
  all["t/a"] = a2;
  all["t/bb"] = b2;
  CHECK_FALSE(netfilter::chain_exists(table, ep7).value());
  CHECK(netfilter::list_set_elements(table, "service-ips")->size() == 6);
  CHECK(netfilter::list_set_elements(table, "no-endpoint-services")->empty());
  CHECK(netfilter::list_sets(table)->size() == 4 + 2 * 64 + 1);
  CHECK(slot_count() == 8);
  // .7 stays: c still sends to it.
  CHECK(netfilter::list_set_elements(table, "hairpin-endpoints")->size() == 4);

  // One of c's endpoints moves: a slot's value changes, c's chain does not.
  auto c2 = rules_for("c", "10.43.200.3", {"10.42.0.7", "10.42.0.11"});
  auto moved = diff_rules(all["t/c"], c2);
  CHECK(moved.changed_chains.empty());
  REQUIRE(writer.apply({{&all["t/c"], &c2, moved}}).ok());
  all["t/c"] = c2;
  CHECK(slot(offsets->front()) == "10.42.0.7");
  CHECK(slot(offsets->front() + 1) == "10.42.0.11");
  CHECK(netfilter::numgen_offsets(table, c_http).value() == *offsets);
  auto hairpins = netfilter::list_set_elements(table, "hairpin-endpoints");
  REQUIRE(hairpins.ok());
  CHECK(hairpins->size() == 4);
  std::set<std::string> hairpin_ips;
  for (const auto& e : *hairpins) {
    REQUIRE(e.key.size() == 8);
    CHECK(std::equal(e.key.begin(), e.key.begin() + 4, e.key.begin() + 4));  // ep . ep
    hairpin_ips.insert(ipv4_string(e.key[0] << 24 | e.key[1] << 16 | e.key[2] << 8 | e.key[3]));
  }
  CHECK(hairpin_ips == std::set<std::string>{"10.42.0.7", "10.42.0.8", "10.42.0.9", "10.42.0.11"});

  // A restarted proxy reconciles: same services, so the same chains; a removed service's go.
  all = {{"t/bb", b2}};
  NftWriter restarted(table);
  auto before = chains_of(table);
  s = restarted.full_sync(all);
  REQUIRE(s.ok());
  auto after = chains_of(table);
  CHECK(after.size() < before.size());
  for (const auto& name : after) {
    CHECK(name.find("-t/a/") == std::string::npos);
    CHECK(name.find("-t/c/") == std::string::npos);
  }
  CHECK(netfilter::list_set_elements(table, "service-ips")->size() == 2);
  CHECK(slot_count() == 2);
  CHECK(netfilter::list_set_elements(table, "hairpin-endpoints")->size() == 1);
  s = restarted.full_sync(all);  // idempotent
  REQUIRE(s.ok());
  CHECK(chains_of(table) == after);

  REQUIRE(NftWriter::delete_table(table).ok());
  CHECK_FALSE(netfilter::table_exists(table).value());
}

// Not run by default (`kscratch-unit-proxy "[perf]"`): the full sync of 10,000 services
// of 3 endpoints, split into the model, the encoding and the kernel's transaction.
TEST_CASE("full sync of 10,000 services", "[.][perf][proxy][root]") {
  if (::geteuid() != 0) return;
  auto table = fmt::format("kscratch-unit-proxy-perf-{}", ::getpid());
  struct Cleanup {
    std::string table;
    ~Cleanup() { (void)NftWriter::delete_table(table); }
  } cleanup{table};
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  std::map<std::string, ServiceRules> all;
  for (int i = 0; i < 10000; ++i) {
    auto ip = [&](int n) { return ipv4_string((10u << 24 | 42u << 16 | 128u << 8) + static_cast<std::uint32_t>(n)); };
    std::vector<std::string> eps = {ip(3 * i), ip(3 * i + 1), ip(3 * i + 2)};
    auto svc = parse_service(json::parse(fmt::format(
        R"({{"metadata":{{"namespace":"perf","name":"svc-{}"}},"spec":{{"clusterIP":"{}","ports":[{{"name":"http","port":80}}]}}}})",
        i, ipv4_string((10u << 24 | 43u << 16) + 300u + static_cast<std::uint32_t>(i)))).as_object());
    json::array endpoints;
    for (const auto& e : eps) endpoints.push_back(json::object{{"addresses", json::array{e.c_str()}}});
    json::object slice{{"ports", json::parse(R"([{"name":"http","port":8080}])")}, {"endpoints", endpoints}};
    all[fmt::format("perf/svc-{}", i)] =
        build_service_rules(svc, {parse_endpoint_slice(slice)}, {"node", Cidr::parse("10.42.0.0/16")});
  }
  auto model = Clock::now();
  // The CPU time of this thread, the kernel's work in sendmsg included: what the numbers
  // are when other processes share the cores.
  auto cpu_ms = [] {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
  };
  NftWriter writer(table);
  auto cpu0 = cpu_ms();
  REQUIRE(writer.full_sync(all).ok());
  auto cpu1 = cpu_ms();
  auto first = Clock::now();
  WARN(fmt::format("first: read+encode {:.0f} ms, kernel {:.0f} ms", writer.last_encode_ms(), writer.last_commit_ms()));
  auto cpu2 = cpu_ms();
  REQUIRE(writer.full_sync(all).ok());
  auto cpu3 = cpu_ms();
  auto second = Clock::now();
  WARN(fmt::format("second: read+encode {:.0f} ms, kernel {:.0f} ms", writer.last_encode_ms(), writer.last_commit_ms()));
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  WARN(fmt::format("full syncs' CPU time: {:.0f} ms, {:.0f} ms", cpu1 - cpu0, cpu3 - cpu2));
  WARN(fmt::format("model {:.0f} ms; full sync into an empty table {:.0f} ms, into the populated table {:.0f} ms; {} messages",
                   ms(model - start), ms(first - model), ms(second - first), writer.last_messages()));

  // One service's endpoints change: the incremental transaction the proxy sends. An
  // endpoint that moves changes map elements only; one that goes changes the modulus of
  // the service's pick, a rule, which costs the kernel's walk of the jump graph.
  auto change = [&](int n, std::vector<std::string> eps) {
    auto key = fmt::format("perf/svc-{}", n);
    auto svc = parse_service(json::parse(fmt::format(
        R"({{"metadata":{{"namespace":"perf","name":"svc-{}"}},"spec":{{"clusterIP":"{}","ports":[{{"name":"http","port":80}}]}}}})",
        n, ipv4_string((10u << 24 | 43u << 16) + 300u + static_cast<std::uint32_t>(n)))).as_object());
    json::array endpoints;
    for (const auto& e : eps) endpoints.push_back(json::object{{"addresses", json::array{e.c_str()}}});
    json::object slice{{"ports", json::parse(R"([{"name":"http","port":8080}])")}, {"endpoints", endpoints}};
    auto after = build_service_rules(svc, {parse_endpoint_slice(slice)}, {"node", Cidr::parse("10.42.0.0/16")});
    auto t0 = cpu_ms();
    std::vector<NftWriter::Change> changes{{&all[key], &after, diff_rules(all[key], after)}};
    REQUIRE(writer.apply(changes).ok());
    all[key] = after;
    return cpu_ms() - t0;
  };
  auto ep = [&](int n) { return ipv4_string((10u << 24 | 42u << 16 | 128u << 8) + static_cast<std::uint32_t>(n)); };
  std::vector<double> moved, removed;
  for (int n = 0; n < 20; ++n) {
    int i = n * 37;
    moved.push_back(change(i, {ipv4_string((10u << 24 | 41u << 16) + static_cast<std::uint32_t>(n)), ep(3 * i + 1), ep(3 * i + 2)}));
    removed.push_back(change(i, {ep(3 * i + 1), ep(3 * i + 2)}));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return fmt::format("median {:.1f} ms, max {:.1f} ms", v[v.size() / 2], v.back());
  };
  WARN(fmt::format("in a table of 10,000 services (CPU time): an endpoint moves: {}; an endpoint goes: {}", median(moved),
                   median(removed)));
}
