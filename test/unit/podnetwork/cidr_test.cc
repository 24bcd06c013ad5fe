#include "cidr.h"

#include <catch2/catch.hpp>

using kscratch::podnetwork::Ipv4Address;
using kscratch::podnetwork::Ipv4Cidr;

TEST_CASE("IPv4 addresses parse and print", "[podnetwork][cidr]") {
  auto a = Ipv4Address::parse("10.42.0.5");
  REQUIRE(a.ok());
  CHECK(a->value == 0x0a2a0005u);
  CHECK(a->to_string() == "10.42.0.5");
  CHECK(a->bytes() == std::array<std::uint8_t, 4>{10, 42, 0, 5});
  CHECK(Ipv4Address::parse("0.0.0.0")->value == 0);
  CHECK(Ipv4Address::parse("255.255.255.255")->value == 0xffffffffu);

  for (const char* bad : {"", "10.42.0", "10.42.0.5.1", "10.42.0.256", "10.42.0.-1", "10..0.1", "10.42.0.5 ",
                          "a.b.c.d", "010.42.0.5", "10.42.0.5/24"}) {
    INFO(bad);
    CHECK_FALSE(Ipv4Address::parse(bad).ok());
  }
}

TEST_CASE("CIDRs parse, normalise and compute gateway and broadcast", "[podnetwork][cidr]") {
  auto c = Ipv4Cidr::parse("10.42.3.0/24");
  REQUIRE(c.ok());
  CHECK(c->to_string() == "10.42.3.0/24");
  CHECK(c->mask() == 0xffffff00u);
  CHECK(c->gateway().to_string() == "10.42.3.1");
  CHECK(c->broadcast().to_string() == "10.42.3.255");
  CHECK(c->first_pod_address().to_string() == "10.42.3.2");
  CHECK(c->last_pod_address().to_string() == "10.42.3.254");
  CHECK(c->pod_address_count() == 253);

  // Host bits are cleared.
  CHECK(Ipv4Cidr::parse("10.42.3.77/24")->to_string() == "10.42.3.0/24");
  CHECK(Ipv4Cidr::parse("10.42.0.0/16")->broadcast().to_string() == "10.42.255.255");
  CHECK(Ipv4Cidr::parse("10.42.0.0/16")->pod_address_count() == 65533);

  SECTION("edge prefixes") {
    CHECK(Ipv4Cidr::parse("0.0.0.0/0")->mask() == 0);
    CHECK(Ipv4Cidr::parse("1.2.3.4/0")->to_string() == "0.0.0.0/0");
    CHECK(Ipv4Cidr::parse("10.0.0.4/30")->pod_address_count() == 1);
    CHECK(Ipv4Cidr::parse("10.0.0.4/30")->first_pod_address().to_string() == "10.0.0.6");
    CHECK(Ipv4Cidr::parse("10.0.0.4/31")->pod_address_count() == 0);
    CHECK(Ipv4Cidr::parse("10.0.0.4/32")->pod_address_count() == 0);
    CHECK(Ipv4Cidr::parse("10.0.0.4/32")->mask() == 0xffffffffu);
  }

  for (const char* bad : {"10.42.0.0", "10.42.0.0/", "10.42.0.0/33", "10.42.0.0/-1", "10.42.0.0/2a", "10.42.0/24",
                          "/24"}) {
    INFO(bad);
    CHECK_FALSE(Ipv4Cidr::parse(bad).ok());
  }
}

TEST_CASE("CIDR containment", "[podnetwork][cidr]") {
  auto cluster = *Ipv4Cidr::parse("10.42.0.0/16");
  auto node = *Ipv4Cidr::parse("10.42.7.0/24");
  CHECK(cluster.contains(node));
  CHECK_FALSE(node.contains(cluster));
  CHECK(node.contains(node));
  CHECK_FALSE(cluster.contains(*Ipv4Cidr::parse("10.43.0.0/24")));
  CHECK(cluster.contains(*Ipv4Address::parse("10.42.255.1")));
  CHECK_FALSE(cluster.contains(*Ipv4Address::parse("10.43.0.1")));
  CHECK(Ipv4Cidr::parse("0.0.0.0/0")->contains(cluster));
}
