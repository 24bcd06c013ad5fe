#include "kscratch/kubelet/kubelet.h"

#include <catch2/catch.hpp>

using kscratch::kubelet::host_names;

TEST_CASE("host names differ per data dir and node, fit interface names, and are stable") {
  auto a = host_names("/var/lib/kscratch", "node-a");
  auto b = host_names("/var/lib/kscratch", "node-b");
  auto c = host_names("/var/lib/kscratch/", "node-a");
  CHECK(a.tag != b.tag);
  CHECK(a.tag == c.tag);  // the same directory, however spelled
  CHECK(a.tag.size() == 6);
  CHECK(a.bridge.size() <= 15);
  CHECK(a.veth_prefix.size() <= 6);
  CHECK(a.cgroup_parent == "/kscratch-" + a.tag);
  CHECK(a.run_dir == "/run/kscratch-" + a.tag);
  CHECK(host_names("/var/lib/kscratch", "node-a").bridge == a.bridge);
}
