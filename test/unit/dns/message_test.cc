// The wire format: round trips, compression, truncation, EDNS0, and malformed packets,
// which must fail with a message, never crash or loop.

#include "dns/message.h"

#include <catch2/catch.hpp>

#include <random>

using namespace kscratch::dns;

namespace {

Message sample() {
  Message m;
  m.header.id = 0xBEEF;
  m.header.qr = true;
  m.header.aa = true;
  m.header.rd = true;
  m.header.ra = true;
  m.questions.push_back({"Web.Default.svc.cluster.local", type::kSRV, kClassIN});
  m.answers.push_back({"Web.Default.svc.cluster.local", type::kSRV, kClassIN, 5,
                       SRV{0, 100, 80, "web.default.svc.cluster.local"}});
  m.answers.push_back({"x.cluster.local", type::kCNAME, kClassIN, 5, NameData{"example.org"}});
  m.answers.push_back({"x.cluster.local", type::kTXT, kClassIN, 5, TXT{{"1.1.0", "two"}}});
  m.answers.push_back({"v6.cluster.local", type::kAAAA, kClassIN, 5, AAAA{{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}});
  m.authority.push_back({"cluster.local", type::kSOA, kClassIN, 5,
                         SOA{"ns.dns.cluster.local", "hostmaster.cluster.local", 7, 7200, 1800, 86400, 5}});
  m.additional.push_back({"web.default.svc.cluster.local", type::kA, kClassIN, 5, A{{10, 43, 0, 20}}});
  m.additional.push_back({"odd.cluster.local", 99, kClassIN, 5, RawData{{1, 2, 3}}});
  m.edns = Edns{1232, 0, 0, true};
  return m;
}

std::size_t count_pointers(const std::vector<std::uint8_t>& bytes) {
  std::size_t n = 0;
  for (std::size_t i = 12; i + 1 < bytes.size(); ++i) n += (bytes[i] & 0xC0) == 0xC0 && bytes[i + 1] == 12;
  return n;
}

}  // namespace

TEST_CASE("a message survives encode and parse unchanged") {
  auto m = sample();
  auto bytes = encode(m);
  auto back = parse(bytes);
  REQUIRE(back);
  CHECK(back->header.id == 0xBEEF);
  CHECK(back->header.qr);
  CHECK(back->header.aa);
  CHECK(back->header.rd);
  CHECK(back->header.ra);
  CHECK_FALSE(back->header.tc);
  REQUIRE(back->questions.size() == 1);
  CHECK(back->questions[0].name == "Web.Default.svc.cluster.local");
  CHECK(back->questions[0].type == type::kSRV);
  REQUIRE(back->answers.size() == 4);
  auto srv = std::get<SRV>(back->answers[0].data);
  CHECK(srv.port == 80);
  CHECK(srv.weight == 100);
  CHECK(srv.target == "web.default.svc.cluster.local");
  CHECK(std::get<NameData>(back->answers[1].data).name == "example.org");
  CHECK(std::get<TXT>(back->answers[2].data).strings == std::vector<std::string>{"1.1.0", "two"});
  CHECK(std::get<AAAA>(back->answers[3].data).address[0] == 0xfd);
  REQUIRE(back->authority.size() == 1);
  auto soa = std::get<SOA>(back->authority[0].data);
  CHECK(soa.mname == "ns.dns.cluster.local");
  CHECK(soa.rname == "hostmaster.cluster.local");
  CHECK(soa.serial == 7);
  CHECK(soa.minimum == 5);
  REQUIRE(back->additional.size() == 2);
  CHECK(std::get<A>(back->additional[0].data).address == std::array<std::uint8_t, 4>{10, 43, 0, 20});
  CHECK(std::get<RawData>(back->additional[1].data).bytes == std::vector<std::uint8_t>{1, 2, 3});
  REQUIRE(back->edns);
  CHECK(back->edns->udp_size == 1232);
  CHECK(back->edns->dnssec_ok);
  // And encoding what was parsed gives the same bytes.
  CHECK(encode(*back) == bytes);
}

TEST_CASE("names are compressed: a repeated suffix becomes a pointer") {
  Message m;
  m.header.qr = true;
  m.questions.push_back({"web.default.svc.cluster.local", type::kA, kClassIN});
  for (int i = 0; i < 3; ++i) {
    m.answers.push_back({"web.default.svc.cluster.local", type::kA, kClassIN, 5,
                         A{{10, 42, 0, static_cast<std::uint8_t>(i)}}});
  }
  auto bytes = encode(m);
  // Each answer's owner is a 2-byte pointer to the question's name at offset 12.
  CHECK(count_pointers(bytes) == 3);
  CHECK(bytes.size() == 12 + (31 + 4) + 3 * (2 + 10 + 4));
  // Compression is case-insensitive, and a suffix is found too.
  m.answers.push_back({"OTHER.Default.SVC.cluster.local", type::kA, kClassIN, 5, A{{1, 2, 3, 4}}});
  auto more = encode(m);
  CHECK(more.size() == bytes.size() + 1 + 5 + 2 + 10 + 4);
  auto back = parse(more);
  REQUIRE(back);
  CHECK(back->answers[3].name == "OTHER.default.svc.cluster.local");
}

TEST_CASE("a message over the size limit is truncated to its question, with TC") {
  Message m;
  m.header.qr = true;
  m.questions.push_back({"big.default.svc.cluster.local", type::kA, kClassIN});
  for (int i = 0; i < 100; ++i) {
    m.answers.push_back({"big.default.svc.cluster.local", type::kA, kClassIN, 5, A{{10, 42, 1, static_cast<std::uint8_t>(i)}}});
  }
  m.edns = Edns{512, 0, 0, false};
  auto bytes = encode(m, 512);
  CHECK(bytes.size() <= 512);
  auto back = parse(bytes);
  REQUIRE(back);
  CHECK(back->header.tc);
  CHECK(back->answers.empty());
  CHECK(back->questions.size() == 1);
  CHECK(back->edns);  // the OPT record stays
  CHECK_FALSE(parse(encode(m, 65535))->header.tc);
}

TEST_CASE("malformed packets are errors with a message") {
  auto good = encode(sample());
  SECTION("every truncation of a good packet") {
    for (std::size_t n = 0; n < good.size(); ++n) {
      auto r = parse(std::span(good.data(), n));
      CHECK_FALSE(r);
    }
  }
  SECTION("trailing bytes") {
    auto longer = good;
    longer.push_back(0);
    auto r = parse(longer);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("after the last record"));
  }
  SECTION("a compression pointer to itself, or forward") {
    std::vector<std::uint8_t> loop = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1};
    auto r = parse(loop);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("does not point back"));
    loop[13] = 14;
    CHECK_FALSE(parse(loop));
  }
  SECTION("two pointers pointing at each other") {
    // offset 12: label "a" then pointer to 16; offset 16: pointer to 12.
    std::vector<std::uint8_t> p = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xC0, 16, 0xC0, 12, 0, 1, 0, 1};
    CHECK_FALSE(parse(p));
  }
  SECTION("a name over 255 octets") {
    std::vector<std::uint8_t> p = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 5; ++i) {
      p.push_back(63);
      p.insert(p.end(), 63, 'x');
    }
    p.insert(p.end(), {0, 0, 1, 0, 1});
    auto r = parse(p);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("255"));
  }
  SECTION("an extended label type") {
    std::vector<std::uint8_t> p = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1};
    CHECK_FALSE(parse(p));
  }
  SECTION("an A record of 5 bytes") {
    std::vector<std::uint8_t> p = {0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 5, 1, 2, 3, 4, 5};
    CHECK_FALSE(parse(p));
  }
  SECTION("two OPT records") {
    Message m;
    m.questions.push_back({"a", type::kA, kClassIN});
    m.edns = Edns{};
    auto bytes = encode(m);
    bytes[11] = 2;
    bytes.insert(bytes.end(), {0, 0, 41, 2, 0, 0, 0, 0, 0, 0, 0});
    auto r = parse(bytes);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("OPT"));
  }
}

TEST_CASE("random bytes and mutations of good packets never crash the parser") {
  std::mt19937 rng(12345);
  auto good = encode(sample());
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::uint8_t> p;
    if (i % 2) {
      p = good;
      for (int k = 0; k < 1 + i % 5; ++k) p[rng() % p.size()] = static_cast<std::uint8_t>(rng());
    } else {
      p.resize(rng() % 80);
      for (auto& b : p) b = static_cast<std::uint8_t>(rng());
    }
    auto r = parse(p);
    if (r) (void)encode(*r);  // whatever parses can be encoded again
  }
  SUCCEED();
}

TEST_CASE("the header parses alone from 12 bytes") {
  std::vector<std::uint8_t> p = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  auto h = parse_header(p);
  REQUIRE(h);
  CHECK(h->id == 0x1234);
  CHECK(h->rd);
  CHECK_FALSE(h->qr);
  CHECK_FALSE(parse_header(std::span(p.data(), 11)));
}
