#include "ipam.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

using namespace kscratch::podnetwork;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "kscratch-ipam-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

Ipv4Cidr cidr(const char* text) { return *Ipv4Cidr::parse(text); }

std::string file_content(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}

}  // namespace

TEST_CASE("addresses come from the range, skipping network, gateway and broadcast", "[podnetwork][ipam]") {
  TempDir tmp;
  HostLocalIpam ipam(tmp.path / "state");  // created on first use
  auto range = cidr("10.199.5.0/29");     // .2 .. .6 are for pods
  std::set<std::string> seen;
  for (int i = 0; i < 5; ++i) {
    auto a = ipam.allocate(range, "pod-" + std::to_string(i));
    REQUIRE(a.ok());
    CHECK(a->value >= range.first_pod_address().value);
    CHECK(a->value <= range.last_pod_address().value);
    seen.insert(a->to_string());
  }
  CHECK(seen == std::set<std::string>{"10.199.5.2", "10.199.5.3", "10.199.5.4", "10.199.5.5", "10.199.5.6"});
  auto full = ipam.allocate(range, "pod-5");
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().message.find("no free address") != std::string::npos);

  // Records are files named after the address, holding the owner.
  CHECK(file_content(tmp.path / "state" / "10.199.5.2") == "pod-0");
  CHECK(ipam.allocations().size() == 5);
}

TEST_CASE("an owner keeps its address", "[podnetwork][ipam]") {
  TempDir tmp;
  HostLocalIpam ipam(tmp.path);
  auto range = cidr("10.199.6.0/24");
  auto first = ipam.allocate(range, "a");
  auto again = ipam.allocate(range, "a");
  REQUIRE(first.ok());
  REQUIRE(again.ok());
  CHECK(*first == *again);
  CHECK(ipam.allocations().size() == 1);
  CHECK(ipam.find("a") == *first);
  CHECK_FALSE(ipam.find("b").has_value());
}

TEST_CASE("freed addresses are reused only after the others (round robin)", "[podnetwork][ipam]") {
  TempDir tmp;
  HostLocalIpam ipam(tmp.path);
  auto range = cidr("10.199.7.0/29");
  auto a = *ipam.allocate(range, "a");  // .2
  auto b = *ipam.allocate(range, "b");  // .3
  CHECK(a.to_string() == "10.199.7.2");
  CHECK(b.to_string() == "10.199.7.3");
  REQUIRE(ipam.release("a").ok());
  CHECK_FALSE(ipam.find("a").has_value());
  CHECK(ipam.allocate(range, "c")->to_string() == "10.199.7.4");
  CHECK(ipam.allocate(range, "d")->to_string() == "10.199.7.5");
  CHECK(ipam.allocate(range, "e")->to_string() == "10.199.7.6");
  // Wraps around to the freed .2, skipping the taken .3.
  CHECK(ipam.allocate(range, "f")->to_string() == "10.199.7.2");
  // Releasing an owner with nothing is fine.
  CHECK(ipam.release("nobody").ok());
}

TEST_CASE("records survive a restart and are never handed out twice", "[podnetwork][ipam]") {
  TempDir tmp;
  auto range = cidr("10.199.8.0/24");
  Ipv4Address a;
  {
    HostLocalIpam before(tmp.path);
    a = *before.allocate(range, "a");
  }
  HostLocalIpam after(tmp.path);  // a new process: nothing in memory
  CHECK(after.find("a") == a);
  CHECK(after.allocate(range, "a").value() == a);
  // Even with the round-robin hint gone, the live address is skipped.
  fs::remove(tmp.path / "last_reserved_ip");
  auto b = after.allocate(range, "b");
  REQUIRE(b.ok());
  CHECK_FALSE(*b == a);

  // A record made by someone else (another process) is respected.
  std::ofstream(tmp.path / "10.199.8.9") << "other\n";
  auto all = after.allocations();
  REQUIRE(all.size() == 3);
  CHECK(after.find("other")->to_string() == "10.199.8.9");
}

TEST_CASE("addresses from an old range are dropped when the range changes", "[podnetwork][ipam]") {
  TempDir tmp;
  HostLocalIpam ipam(tmp.path);
  auto old_range = cidr("10.199.9.0/24");
  auto new_range = cidr("10.199.10.0/24");
  auto old_address = *ipam.allocate(old_range, "a");
  auto new_address = ipam.allocate(new_range, "a");
  REQUIRE(new_address.ok());
  CHECK(new_range.contains(*new_address));
  CHECK_FALSE(fs::exists(tmp.path / old_address.to_string()));
  CHECK(ipam.allocations().size() == 1);
}

TEST_CASE("files that are not records are ignored, and clear removes everything", "[podnetwork][ipam]") {
  TempDir tmp;
  HostLocalIpam ipam(tmp.path / "s");
  auto range = cidr("10.199.11.0/24");
  REQUIRE(ipam.allocate(range, "a").ok());
  std::ofstream(tmp.path / "s" / "README") << "not a record\n";
  std::ofstream(tmp.path / "s" / ".claim-x") << "x\n";  // a claim interrupted by a crash
  CHECK(ipam.allocations().size() == 1);
  CHECK(ipam.allocate(range, "b").ok());
  REQUIRE(ipam.clear().ok());
  CHECK_FALSE(fs::exists(tmp.path / "s"));
  CHECK(ipam.allocations().empty());
}

TEST_CASE("a range too small for pods is refused", "[podnetwork][ipam]") {
  TempDir tmp;
  HostLocalIpam ipam(tmp.path);
  CHECK_FALSE(ipam.allocate(cidr("10.199.12.0/31"), "a").ok());
}
