// From a query's bytes to the decision: answers, errors (FORMERR, NOTIMP), drops,
// forwarding, EDNS0 and truncation over UDP.

#include "dns/handler.h"
#include "dns/names.h"
#include "dns/upstreams.h"
#include "map_catalog.h"

#include <catch2/catch.hpp>

using namespace kscratch::dns;
using namespace kscratch::dns::testing;

namespace {

std::vector<std::uint8_t> query(const std::string& name, std::uint16_t t = type::kA, std::optional<Edns> edns = {}) {
  Message m;
  m.header.id = 777;
  m.header.rd = true;
  m.questions.push_back({name, t, kClassIN});
  m.edns = edns;
  return encode(m);
}

MapCatalog big_cluster() {
  MapCatalog c;
  c.add(service("default", "web", "10.43.0.20", {{"http", 80}}));
  c.add(service("default", "many", "None"));
  std::vector<EndpointSpec> endpoints;
  for (int i = 1; i <= 100; ++i) endpoints.push_back({"10.42.1." + std::to_string(i)});
  c.add(slice("default", "many", "many-1", endpoints));
  return c;
}

Message reply_of(const Decision& d) {
  REQUIRE(d.kind == Decision::kReply);
  auto m = parse(d.reply);
  REQUIRE(m);
  return *m;
}

}  // namespace

TEST_CASE("a query in the zone is answered with the question echoed") {
  auto c = big_cluster();
  auto d = decide(query("web.default.svc.cluster.local"), c, ZoneConfig{}, true);
  auto m = reply_of(d);
  CHECK(m.header.id == 777);
  CHECK(m.header.qr);
  CHECK(m.header.aa);
  CHECK(m.header.rd);
  CHECK(m.header.ra);
  CHECK(m.header.rcode == rcode::kNoError);
  REQUIRE(m.questions.size() == 1);
  CHECK(m.questions[0].name == "web.default.svc.cluster.local");
  REQUIRE(m.answers.size() == 1);
  CHECK(format_ipv4(std::get<A>(m.answers[0].data)) == "10.43.0.20");
  CHECK_FALSE(m.edns);  // none asked, none given

  auto nx = reply_of(decide(query("nope.default.svc.cluster.local"), c, ZoneConfig{}, true));
  CHECK(nx.header.rcode == rcode::kNXDomain);
  REQUIRE(nx.authority.size() == 1);
  CHECK(nx.authority[0].type == type::kSOA);
}

TEST_CASE("over UDP a large answer is truncated to 512 bytes, or to the EDNS0 size offered") {
  auto c = big_cluster();
  auto plain = reply_of(decide(query("many.default.svc.cluster.local"), c, ZoneConfig{}, true));
  CHECK(plain.header.tc);
  CHECK(plain.answers.empty());
  CHECK(encode(plain).size() <= 512);

  auto with_edns = decide(query("many.default.svc.cluster.local", type::kA, Edns{4096, 0, 0, false}), c, ZoneConfig{}, true);
  auto big = reply_of(with_edns);
  CHECK_FALSE(big.header.tc);
  CHECK(big.answers.size() == 100);
  REQUIRE(big.edns);
  CHECK(big.edns->udp_size == 4096);

  // An offer below 512 counts as 512; above 4096, as 4096.
  auto tiny = reply_of(decide(query("web.default.svc.cluster.local", type::kA, Edns{100, 0, 0, false}), c, ZoneConfig{}, true));
  CHECK(tiny.edns->udp_size == 512);

  // Over TCP nothing is cut.
  auto tcp = reply_of(decide(query("many.default.svc.cluster.local"), c, ZoneConfig{}, false));
  CHECK_FALSE(tcp.header.tc);
  CHECK(tcp.answers.size() == 100);
}

TEST_CASE("malformed queries get FORMERR, never a crash") {
  auto c = big_cluster();
  auto good = query("web.default.svc.cluster.local");
  for (std::size_t n = 12; n < good.size(); ++n) {
    auto d = decide(std::span(good.data(), n), c, ZoneConfig{}, true);
    auto m = reply_of(d);
    CHECK(m.header.id == 777);
    CHECK(m.header.rcode == rcode::kFormErr);
    CHECK(m.questions.empty());
  }
  // Two questions.
  Message two;
  two.questions = {{"a.cluster.local", type::kA, kClassIN}, {"b.cluster.local", type::kA, kClassIN}};
  CHECK(reply_of(decide(encode(two), c, ZoneConfig{}, true)).header.rcode == rcode::kFormErr);
  // No question.
  CHECK(reply_of(decide(encode(Message{}), c, ZoneConfig{}, true)).header.rcode == rcode::kFormErr);
}

TEST_CASE("what is not a query is dropped or refused") {
  auto c = big_cluster();
  // Under 12 bytes: no id to answer to.
  std::vector<std::uint8_t> short_packet = {1, 2, 3};
  CHECK(decide(short_packet, c, ZoneConfig{}, true).kind == Decision::kDrop);
  // A response: answering it could start a loop between two servers.
  auto response = query("web.default.svc.cluster.local");
  response[2] |= 0x80;
  CHECK(decide(response, c, ZoneConfig{}, true).kind == Decision::kDrop);
  // Another opcode (NOTIFY).
  Message notify;
  notify.header.opcode = 4;
  notify.questions.push_back({"cluster.local", type::kSOA, kClassIN});
  CHECK(reply_of(decide(encode(notify), c, ZoneConfig{}, true)).header.rcode == rcode::kNotImp);
}

TEST_CASE("names outside the zone are to be forwarded, and replies relayed") {
  auto c = big_cluster();
  auto q = query("example.org", type::kA, Edns{1232, 0, 0, false});
  auto d = decide(q, c, ZoneConfig{}, true);
  REQUIRE(d.kind == Decision::kForward);
  CHECK(d.query.questions[0].name == "example.org");

  // The upstream's reply comes back under the client's id.
  Message upstream;
  upstream.header.id = 999;
  upstream.header.qr = true;
  upstream.questions = d.query.questions;
  upstream.answers.push_back({"example.org", type::kA, kClassIN, 60, A{{192, 0, 2, 1}}});
  auto relayed = relay(d.query, encode(upstream), 512);
  REQUIRE(relayed);
  auto m = parse(*relayed);
  REQUIRE(m);
  CHECK(m->header.id == 777);
  CHECK(m->answers.size() == 1);
  // Too big for the client's UDP: TC, so it asks again over TCP.
  for (int i = 0; i < 60; ++i) upstream.answers.push_back({"example.org", type::kA, kClassIN, 60, A{{192, 0, 2, 2}}});
  auto cut = parse(*relay(d.query, encode(upstream), 512));
  REQUIRE(cut);
  CHECK(cut->header.tc);
  CHECK(cut->header.id == 777);
  // A query coming back is no reply.
  CHECK_FALSE(relay(d.query, q, 512));

  auto failed = parse(servfail(d.query));
  REQUIRE(failed);
  CHECK(failed->header.rcode == rcode::kServFail);
  CHECK(failed->questions.size() == 1);
}

TEST_CASE("resolv.conf nameservers, less those that would loop back to kscratch") {
  auto servers = nameservers_of("# comment\nsearch example.org\nnameserver 10.0.0.2\nnameserver  127.0.0.53\n"
                                "nameserver 10.43.0.10\nnameserver fe80::1%eth0\nnameserver ::1\noptions ndots:2\n");
  CHECK(servers == std::vector<std::string>{"10.0.0.2", "127.0.0.53", "10.43.0.10", "::1"});
  // Listening on the node IP: the cluster DNS address is skipped (the proxy sends it back).
  CHECK(usable_upstreams(servers, "10.43.0.10", "192.168.1.5", 53) ==
        std::vector<Upstream>{{"10.0.0.2", 53}, {"127.0.0.53", 53}, {"::1", 53}});
  // Listening on that very nameserver's address and port 53.
  CHECK(usable_upstreams({"192.168.1.5", "10.0.0.2"}, "10.43.0.10", "192.168.1.5", 53) ==
        std::vector<Upstream>{{"10.0.0.2", 53}});
  // Listening on every address at port 53: loopback resolvers would be kscratch itself.
  CHECK(usable_upstreams(servers, "10.43.0.10", "0.0.0.0", 53) == std::vector<Upstream>{{"10.0.0.2", 53}});
  // Another port: no loop.
  CHECK(usable_upstreams({"127.0.0.1"}, "10.43.0.10", "127.0.0.1", 5353) == std::vector<Upstream>{{"127.0.0.1", 53}});
  CHECK(parse_upstream("127.0.0.1:5353") == Upstream{"127.0.0.1", 5353});
  CHECK(parse_upstream("[::1]:53") == Upstream{"::1", 53});
  CHECK(parse_upstream("10.0.0.1") == Upstream{"10.0.0.1", 53});
  CHECK_FALSE(parse_upstream("example.org:53"));
  CHECK_FALSE(parse_upstream("10.0.0.1:99999"));
}
