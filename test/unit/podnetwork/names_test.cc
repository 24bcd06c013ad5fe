#include "names.h"

#include <catch2/catch.hpp>

#include <set>

using namespace kscratch::podnetwork;

TEST_CASE("host veth names fit in 15 characters and are stable", "[podnetwork][names]") {
  std::string uid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  auto name = host_veth_name("ksv", uid);
  CHECK(name.size() == 15);
  CHECK(name.rfind("ksv", 0) == 0);
  CHECK(name == host_veth_name("ksv", uid));  // the same after a restart
  CHECK(validate_interface_name(name).ok());

  // The longest prefix options allow still leaves the minimum of hash digits.
  std::string long_prefix(kMaxInterfaceName - kMinVethHashDigits, 'v');
  auto long_name = host_veth_name(long_prefix, uid);
  CHECK(long_name.size() == 15);
  CHECK(long_name.substr(long_prefix.size()).size() == kMinVethHashDigits);

  // Different pods, different names (no collisions among a node's worth of pods).
  std::set<std::string> names;
  for (int i = 0; i < 1000; ++i) names.insert(host_veth_name("ksv", "pod-" + std::to_string(i)));
  CHECK(names.size() == 1000);

  // Even with only the minimum of digits, uids that differ in their last character get
  // different names.
  CHECK(host_veth_name(long_prefix, "pod-a") != host_veth_name(long_prefix, "pod-b"));
  std::set<std::string> short_names;
  for (char c = 'a'; c <= 'z'; ++c) short_names.insert(host_veth_name(long_prefix, std::string("uid-") + c));
  CHECK(short_names.size() == 26);
}

TEST_CASE("the bridge MAC is fixed, unicast and locally administered", "[podnetwork][names]") {
  auto mac = bridge_mac("kscratch0");
  CHECK(mac == bridge_mac("kscratch0"));
  CHECK((mac[0] & 0x01) == 0);  // unicast
  CHECK((mac[0] & 0x02) == 0x02);  // locally administered
  CHECK(mac != bridge_mac("kscratch1"));
  CHECK(format_mac(mac).size() == 17);
  CHECK(format_mac({0x02, 0, 0xab, 1, 2, 0xff}) == "02:00:ab:01:02:ff");
}

TEST_CASE("options and pod uids are validated", "[podnetwork][names]") {
  NetworkOptions o;
  o.bridge_name = "kscratch0";
  o.veth_prefix = "ksv";
  o.nft_table = "kscratch";
  o.state_dir = "/tmp/x";
  o.netns_dir = "/tmp/y";
  CHECK(validate_options(o).ok());

  auto bad = o;
  bad.bridge_name = "a-bridge-name-too-long";
  CHECK_FALSE(validate_options(bad).ok());
  bad = o;
  bad.bridge_name = "";
  CHECK_FALSE(validate_options(bad).ok());
  bad = o;
  bad.veth_prefix = std::string(kMaxInterfaceName - kMinVethHashDigits + 1, 'v');
  CHECK_FALSE(validate_options(bad).ok());
  bad = o;
  bad.veth_prefix = "a/b";
  CHECK_FALSE(validate_options(bad).ok());
  bad = o;
  bad.cluster_cidr = "10.42.0.0";
  CHECK_FALSE(validate_options(bad).ok());
  bad = o;
  bad.nft_table = "";
  CHECK_FALSE(validate_options(bad).ok());

  CHECK(validate_pod_uid("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").ok());
  CHECK(validate_pod_uid("pod_a.1").ok());
  for (const char* u : {"", ".", "..", "../etc", "a/b", "a b", ".hidden"}) {
    INFO(u);
    CHECK_FALSE(validate_pod_uid(u).ok());
  }
  CHECK_FALSE(validate_pod_uid(std::string(129, 'a')).ok());
}
