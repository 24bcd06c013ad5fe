// cgroup limits from requests and limits; the security context merge and runAsNonRoot.

#include "fake_source.h"
#include "kubelet/spec/resources.h"
#include "kubelet/spec/security.h"

#include <catch2/catch.hpp>

using namespace kscratch::kubelet::spec;
using test::parse_object;

TEST_CASE("resources: shares, quota and memory limit") {
  CHECK(milli_cpu_to_shares(0) == 2);
  CHECK(milli_cpu_to_shares(1) == 2);
  CHECK(milli_cpu_to_shares(100) == 102);
  CHECK(milli_cpu_to_shares(1000) == 1024);
  CHECK(milli_cpu_to_shares(1000000) == 262144);
  CHECK(milli_cpu_to_quota(0, 100000) == 0);
  CHECK(milli_cpu_to_quota(5, 100000) == 1000);
  CHECK(milli_cpu_to_quota(250, 100000) == 25000);
  CHECK(milli_cpu_to_quota(2000, 100000) == 200000);

  auto both = container_resources(
      parse_object(R"J({"resources":{"requests":{"cpu":"250m"},"limits":{"cpu":"500m","memory":"64Mi"}}})J"));
  REQUIRE(both);
  CHECK(both->cpu_shares == 256u);
  CHECK(both->cpu_quota_us == 50000);
  CHECK(both->cpu_period_us == 100000u);
  CHECK(both->memory_limit_bytes == 64 * 1024 * 1024);

  // A limit alone also gives the shares.
  auto limit_only = container_resources(parse_object(R"J({"resources":{"limits":{"cpu":"1.5"}}})J"));
  REQUIRE(limit_only);
  CHECK(limit_only->cpu_shares == 1536u);
  CHECK(limit_only->cpu_quota_us == 150000);
  CHECK_FALSE(limit_only->memory_limit_bytes);

  // BestEffort: the minimum shares, no quota, no memory limit.
  auto none = container_resources(parse_object(R"J({"name":"c"})J"));
  REQUIRE(none);
  CHECK(none->cpu_shares == 2u);
  CHECK_FALSE(none->cpu_quota_us);
  CHECK_FALSE(none->cpu_period_us);
  CHECK_FALSE(none->memory_limit_bytes);

  CHECK_FALSE(container_resources(parse_object(R"J({"resources":{"limits":{"memory":"lots"}}})J")));
}

TEST_CASE("security: pod context under the container's") {
  auto pod = parse_object(R"J({"metadata":{"name":"p","namespace":"ns","uid":"u1"},"spec":{"securityContext":{
      "runAsUser":1000,"runAsGroup":3000,"fsGroup":2000,"supplementalGroups":[4000,5000]}}})J");
  auto container = parse_object(R"J({"name":"c","securityContext":{"runAsUser":1001,"privileged":true,
      "capabilities":{"add":["NET_ADMIN","CAP_SYS_TIME"],"drop":["all"]},"readOnlyRootFilesystem":true,
      "allowPrivilegeEscalation":false}})J");
  auto sec = effective_security(pod, container);
  CHECK(sec.run_as_user == 1001);
  CHECK(sec.run_as_group == 3000);
  CHECK(sec.supplemental_groups == std::vector<std::int64_t>{2000, 4000, 5000});
  CHECK(sec.privileged);
  CHECK(sec.capabilities_add == std::vector<std::string>{"NET_ADMIN", "SYS_TIME"});
  CHECK(sec.capabilities_drop == std::vector<std::string>{"ALL"});
  CHECK(sec.read_only_root);
  CHECK(sec.no_new_privileges);

  auto plain = effective_security(parse_object(R"J({"spec":{}})J"), parse_object(R"J({"name":"c"})J"));
  CHECK_FALSE(plain.run_as_user);
  CHECK_FALSE(plain.privileged);
  CHECK_FALSE(plain.no_new_privileges);
  CHECK(plain.supplemental_groups.empty());

  // allowPrivilegeEscalation: true (or unset) leaves no_new_privs off.
  CHECK_FALSE(effective_security(pod, parse_object(R"J({"securityContext":{"allowPrivilegeEscalation":true}})J"))
                  .no_new_privileges);
}

TEST_CASE("security: runAsNonRoot against the image user") {
  auto pod = parse_object(R"J({"metadata":{"name":"p","namespace":"ns","uid":"u1"},
                              "spec":{"securityContext":{"runAsNonRoot":true}}})J");
  auto container = parse_object(R"J({"name":"c"})J");
  auto root = verify_run_as_non_root(pod, container, "");
  REQUIRE_FALSE(root);
  CHECK(root.error().reason == "CreateContainerConfigError");
  CHECK(root.error().message ==
        "container has runAsNonRoot and image will run as root (pod: \"p_ns(u1)\", container: c)");
  CHECK_FALSE(verify_run_as_non_root(pod, container, "0:0"));
  CHECK(verify_run_as_non_root(pod, container, "1000"));
  CHECK(verify_run_as_non_root(pod, container, "1000:1000"));
  auto named = verify_run_as_non_root(pod, container, "nobody");
  REQUIRE_FALSE(named);
  CHECK(named.error().message.find("non-numeric user (nobody)") != std::string::npos);
  // runAsUser decides over the image.
  CHECK(verify_run_as_non_root(pod, parse_object(R"J({"name":"c","securityContext":{"runAsUser":65534}})J"), ""));
  auto uid0 = verify_run_as_non_root(pod, parse_object(R"J({"name":"c","securityContext":{"runAsUser":0}})J"), "1000");
  REQUIRE_FALSE(uid0);
  CHECK(uid0.error().message == "container's runAsUser breaks non-root policy (pod: \"p_ns(u1)\", container: c)");
  // Not asked for: anything goes.
  CHECK(verify_run_as_non_root(parse_object(R"J({"spec":{}})J"), container, ""));
}
