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
  auto s = writer.full_sync(all);
  INFO((s.ok() ? std::string() : s.error().message));
  REQUIRE(s.ok());

  auto elements = netfilter::list_set_elements(table, "service-ips");
  REQUIRE(elements.ok());
  CHECK(elements->size() == 2);  // a's two ports
  auto rejects = netfilter::list_set_elements(table, "no-endpoint-services");
  REQUIRE(rejects.ok());
  CHECK(rejects->size() == 2);
  REQUIRE(rejects->front().chain);
  CHECK(*rejects->front().chain == "reject-chain");
  auto ep7 = endpoint_chain_name("t", "a", Protocol::kTcp, "http", *parse_ipv4("10.42.0.7"), 8080);
  CHECK(netfilter::chain_exists(table, ep7).value());
  CHECK(netfilter::count_rules(table, ep7).value() == 3);  // hairpin, affinity update, dnat
  auto sets = netfilter::list_sets(table);
  REQUIRE(sets.ok());
  CHECK(sets->size() == 4 + 4);  // the maps and a's affinity sets

  // Scale a down to one endpoint, give bb one: only their parts change.
  auto a2 = rules_for("a", "10.43.200.1", {"10.42.0.8"});
  auto b2 = rules_for("bb", "10.43.200.2", {"10.42.0.9"});
  std::vector<NftWriter::Change> changes;
  changes.push_back({&all["t/a"], &a2, diff_rules(all["t/a"], a2)});
  changes.push_back({&all["t/bb"], &b2, diff_rules(all["t/bb"], b2)});
  s = writer.apply(changes);
  INFO((s.ok() ? std::string() : s.error().message));
  REQUIRE(s.ok());
  CHECK_FALSE(netfilter::chain_exists(table, ep7).value());
  CHECK(netfilter::list_set_elements(table, "service-ips")->size() == 4);
  CHECK(netfilter::list_set_elements(table, "no-endpoint-services")->empty());
  CHECK(netfilter::list_sets(table)->size() == 4);

  // A restarted proxy reconciles: same services, so the same chains; a removed service's go.
  all = {{"t/bb", b2}};
  NftWriter restarted(table);
  auto before = chains_of(table);
  s = restarted.full_sync(all);
  REQUIRE(s.ok());
  auto after = chains_of(table);
  CHECK(after.size() < before.size());
  for (const auto& name : after) CHECK(name.find("-t/a/") == std::string::npos);
  CHECK(netfilter::list_set_elements(table, "service-ips")->size() == 2);
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
  NftWriter writer(table);
  REQUIRE(writer.full_sync(all).ok());
  auto first = Clock::now();
  WARN(fmt::format("first: read+encode {:.0f} ms, kernel {:.0f} ms", writer.last_encode_ms(), writer.last_commit_ms()));
  REQUIRE(writer.full_sync(all).ok());
  auto second = Clock::now();
  WARN(fmt::format("second: read+encode {:.0f} ms, kernel {:.0f} ms", writer.last_encode_ms(), writer.last_commit_ms()));
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  WARN(fmt::format("model {:.0f} ms; full sync into an empty table {:.0f} ms, into the populated table {:.0f} ms; {} messages",
                   ms(model - start), ms(first - model), ms(second - first), writer.last_messages()));

  // One endpoint of one service moves: the incremental transaction the proxy sends.
  std::vector<double> times;
  for (int n = 0; n < 20; ++n) {
    auto key = fmt::format("perf/svc-{}", n * 37);
    auto svc = parse_service(json::parse(fmt::format(
        R"({{"metadata":{{"namespace":"perf","name":"svc-{}"}},"spec":{{"clusterIP":"{}","ports":[{{"name":"http","port":80}}]}}}})",
        n * 37, ipv4_string((10u << 24 | 43u << 16) + 300u + static_cast<std::uint32_t>(n * 37)))).as_object());
    json::array endpoints{json::object{{"addresses", json::array{ipv4_string((10u << 24 | 41u << 16) + static_cast<std::uint32_t>(n)).c_str()}}}};
    json::object slice{{"ports", json::parse(R"([{"name":"http","port":8080}])")}, {"endpoints", endpoints}};
    auto after = build_service_rules(svc, {parse_endpoint_slice(slice)}, {"node", Cidr::parse("10.42.0.0/16")});
    auto t0 = Clock::now();
    std::vector<NftWriter::Change> changes{{&all[key], &after, diff_rules(all[key], after)}};
    REQUIRE(writer.apply(changes).ok());
    times.push_back(ms(Clock::now() - t0));
    all[key] = after;
  }
  std::sort(times.begin(), times.end());
  WARN(fmt::format("one service changed in a table of 10,000: median {:.1f} ms, max {:.1f} ms", times[times.size() / 2],
                   times.back()));
}
