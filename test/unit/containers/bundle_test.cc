#include "bundle.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>

using namespace kscratch::containers;
namespace json = boost::json;

namespace {

ContainerSpec base_spec() {
  ContainerSpec s;
  s.id = "c1";
  s.args = {"/bin/sh", "-c", "echo hi"};
  s.env = {"FOO=bar"};
  s.working_dir = "/work";
  s.hostname = "pod-a";
  s.netns = "/var/run/netns/pod-a";
  s.cgroup_parent = "/kscratch-x/pod1";
  return s;
}

BundleInputs inputs() {
  BundleInputs in;
  in.rootfs = "/state/c1/rootfs";
  in.user = {1000, 2000, {10, 20}};
  return in;
}

std::vector<std::string> strings(const json::value& v) {
  std::vector<std::string> out;
  for (auto& x : v.as_array()) out.emplace_back(x.as_string());
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const json::object* find_mount(const json::object& config, const std::string& destination) {
  for (auto& m : config.at("mounts").as_array()) {
    if (m.at("destination").as_string() == destination) return &m.as_object();
  }
  return nullptr;
}

}  // namespace

TEST_CASE("bundle: process args, env, cwd, user") {
  auto c = make_oci_config(base_spec(), inputs());
  auto& p = c.at("process").as_object();
  CHECK(strings(p.at("args")) == std::vector<std::string>{"/bin/sh", "-c", "echo hi"});
  auto env = strings(p.at("env"));
  CHECK(contains(env, "FOO=bar"));
  // A default PATH when the image and pod give none, as Docker does.
  CHECK(std::any_of(env.begin(), env.end(), [](auto& e) { return e.rfind("PATH=", 0) == 0; }));
  CHECK(p.at("cwd").as_string() == "/work");
  CHECK(p.at("terminal").as_bool() == false);
  CHECK(p.at("user").at("uid").to_number<int>() == 1000);
  CHECK(p.at("user").at("gid").to_number<int>() == 2000);
  CHECK(p.at("user").at("additionalGids").as_array().size() == 2);
  CHECK(p.at("rlimits").as_array()[0].at("type").as_string() == "RLIMIT_NOFILE");
  CHECK(p.at("rlimits").as_array()[0].at("hard").to_number<int>() == 1048576);
  CHECK(p.at("noNewPrivileges").as_bool() == false);
  // No AppArmor on these machines: a profile would make runc fail.
  CHECK(!p.contains("apparmorProfile"));
  CHECK(c.at("hostname").as_string() == "pod-a");
  CHECK(c.at("root").at("path").as_string() == "/state/c1/rootfs");
  CHECK(c.at("root").at("readonly").as_bool() == false);
}

TEST_CASE("bundle: an explicit PATH is kept and the working directory defaults to /") {
  auto s = base_spec();
  s.env = {"PATH=/bin"};
  s.working_dir.clear();
  auto c = make_oci_config(s, inputs());
  CHECK(strings(c.at("process").at("env")) == std::vector<std::string>{"PATH=/bin"});
  CHECK(c.at("process").at("cwd").as_string() == "/");
}

TEST_CASE("bundle: Docker's default capabilities") {
  auto c = make_oci_config(base_spec(), inputs());
  auto caps = strings(c.at("process").at("capabilities").at("bounding"));
  CHECK(caps.size() == 14);
  for (auto* cap : {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
                    "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"}) {
    CHECK(contains(caps, cap));
  }
  CHECK(!contains(caps, "CAP_SYS_ADMIN"));
  CHECK(strings(c.at("process").at("capabilities").at("effective")) == caps);
  CHECK(strings(c.at("process").at("capabilities").at("permitted")) == caps);
}

TEST_CASE("bundle: capabilities added and dropped") {
  Security sec;
  sec.capabilities_add = {"NET_ADMIN", "cap_sys_time"};
  sec.capabilities_drop = {"CHOWN", "KILL"};
  auto caps = effective_capabilities(sec);
  CHECK(contains(caps, "CAP_NET_ADMIN"));
  CHECK(contains(caps, "CAP_SYS_TIME"));
  CHECK(!contains(caps, "CAP_CHOWN"));
  CHECK(!contains(caps, "CAP_KILL"));
  CHECK(caps.size() == 14);
}

TEST_CASE("bundle: ALL in drop and add") {
  Security drop_all;
  drop_all.capabilities_drop = {"ALL"};
  CHECK(effective_capabilities(drop_all).empty());

  Security drop_all_add_one;
  drop_all_add_one.capabilities_drop = {"ALL"};
  drop_all_add_one.capabilities_add = {"NET_BIND_SERVICE"};
  CHECK(effective_capabilities(drop_all_add_one) == std::vector<std::string>{"CAP_NET_BIND_SERVICE"});

  Security add_all_drop_one;
  add_all_drop_one.capabilities_add = {"ALL"};
  add_all_drop_one.capabilities_drop = {"CHOWN"};
  auto caps = effective_capabilities(add_all_drop_one);
  CHECK(caps.size() == all_capabilities().size() - 1);
  CHECK(contains(caps, "CAP_SYS_ADMIN"));
  CHECK(!contains(caps, "CAP_CHOWN"));
}

TEST_CASE("bundle: privileged") {
  auto s = base_spec();
  s.security.privileged = true;
  s.security.no_new_privileges = true;
  auto in = inputs();
  in.host_devices = {{"/dev/fuse", 'c', 10, 229, 0666, 0, 0}};
  auto c = make_oci_config(s, in);
  auto caps = strings(c.at("process").at("capabilities").at("bounding"));
  CHECK(caps.size() == all_capabilities().size());
  CHECK(c.at("process").at("noNewPrivileges").as_bool() == false);
  auto& l = c.at("linux").as_object();
  CHECK(!l.contains("maskedPaths"));
  CHECK(!l.contains("readonlyPaths"));
  CHECK(l.at("resources").at("devices").as_array()[0].at("allow").as_bool() == true);
  CHECK(l.at("devices").as_array()[0].at("path").as_string() == "/dev/fuse");
  auto* sys = find_mount(c, "/sys");
  REQUIRE(sys);
  CHECK(!contains(strings(sys->at("options")), "ro"));
}

TEST_CASE("bundle: unprivileged defaults: masked and read-only paths, devices denied, ro sysfs") {
  auto c = make_oci_config(base_spec(), inputs());
  auto& l = c.at("linux").as_object();
  auto masked = strings(l.at("maskedPaths"));
  CHECK(contains(masked, "/proc/kcore"));
  CHECK(contains(masked, "/sys/firmware"));
  CHECK(contains(strings(l.at("readonlyPaths")), "/proc/sys"));
  CHECK(l.at("resources").at("devices").as_array()[0].at("allow").as_bool() == false);
  auto* sys = find_mount(c, "/sys");
  REQUIRE(sys);
  CHECK(contains(strings(sys->at("options")), "ro"));
  auto* shm = find_mount(c, "/dev/shm");
  REQUIRE(shm);
  CHECK(contains(strings(shm->at("options")), "size=65536k"));
  for (auto* d : {"/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys/fs/cgroup"}) CHECK(find_mount(c, d));
}

TEST_CASE("bundle: read-only root and no new privileges") {
  auto s = base_spec();
  s.security.read_only_root = true;
  s.security.no_new_privileges = true;
  auto c = make_oci_config(s, inputs());
  CHECK(c.at("root").at("readonly").as_bool() == true);
  CHECK(c.at("process").at("noNewPrivileges").as_bool() == true);
}

TEST_CASE("bundle: resources and the absolute cgroup path") {
  auto s = base_spec();
  s.resources.memory_limit_bytes = 16 << 20;
  s.resources.cpu_quota_us = 50000;
  s.resources.cpu_period_us = 100000;
  s.resources.cpu_shares = 512;
  s.resources.pids_limit = 100;
  auto c = make_oci_config(s, inputs());
  auto& r = c.at("linux").at("resources").as_object();
  CHECK(r.at("memory").at("limit").to_number<std::int64_t>() == 16 << 20);
  CHECK(r.at("cpu").at("quota").to_number<std::int64_t>() == 50000);
  CHECK(r.at("cpu").at("period").to_number<std::int64_t>() == 100000);
  CHECK(r.at("cpu").at("shares").to_number<std::int64_t>() == 512);
  CHECK(r.at("pids").at("limit").to_number<std::int64_t>() == 100);
  CHECK(c.at("linux").at("cgroupsPath").as_string() == "/kscratch-x/pod1/c1");

  auto unlimited = make_oci_config(base_spec(), inputs());
  CHECK(!unlimited.at("linux").at("resources").as_object().contains("memory"));
  CHECK(!unlimited.at("linux").at("resources").as_object().contains("cpu"));
}

TEST_CASE("bundle: namespaces join the pod's network, or none for the host network") {
  auto c = make_oci_config(base_spec(), inputs());
  std::map<std::string, std::string> ns;
  for (auto& n : c.at("linux").at("namespaces").as_array()) {
    ns[std::string(n.at("type").as_string())] = n.as_object().contains("path") ? std::string(n.at("path").as_string()) : "";
  }
  CHECK(ns.count("pid"));
  CHECK(ns.count("ipc"));
  CHECK(ns.count("mount"));
  CHECK(ns.count("uts"));
  CHECK(ns["network"] == "/var/run/netns/pod-a");

  auto host = base_spec();
  host.netns.reset();
  auto h = make_oci_config(host, inputs());
  for (auto& n : h.at("linux").at("namespaces").as_array()) {
    CHECK(n.at("type").as_string() != "network");
    CHECK(n.at("type").as_string() != "uts");
  }
  CHECK(!h.contains("hostname"));
}

TEST_CASE("bundle: the kubelet's mounts, binds made recursive, replacing a default") {
  auto s = base_spec();
  s.mounts = {{"/etc/hosts", "/pods/p/etc/hosts", "bind", {"ro"}},
              {"/dev/shm", "/pods/p/shm", "bind", {"rbind", "rw"}}};
  auto c = make_oci_config(s, inputs());
  auto* hosts = find_mount(c, "/etc/hosts");
  REQUIRE(hosts);
  CHECK(strings(hosts->at("options")) == std::vector<std::string>{"rbind", "ro"});
  int shm = 0;
  for (auto& m : c.at("mounts").as_array()) shm += m.at("destination").as_string() == "/dev/shm";
  CHECK(shm == 1);
  CHECK(find_mount(c, "/dev/shm")->at("source").as_string() == "/pods/p/shm");
}

TEST_CASE("bundle: all capabilities are those the runtime has") {
  Security sec;
  sec.privileged = true;
  std::vector<std::string> available = {"CHOWN", "SYS_ADMIN", "KILL"};
  CHECK(effective_capabilities(sec, available) == std::vector<std::string>{"CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_KILL"});
  Security add_all;
  add_all.capabilities_add = {"ALL"};
  add_all.capabilities_drop = {"KILL"};
  CHECK(effective_capabilities(add_all, available) == std::vector<std::string>{"CAP_CHOWN", "CAP_SYS_ADMIN"});
  CHECK(!current_capabilities().empty());
}

TEST_CASE("bundle: the RLIMIT_NOFILE given") {
  auto in = inputs();
  in.nofile_limit = 20000;
  auto c = make_oci_config(base_spec(), in);
  CHECK(c.at("process").at("rlimits").as_array()[0].at("soft").to_number<int>() == 20000);
}

TEST_CASE("bundle: a terminal when the container asks for one") {
  auto s = base_spec();
  s.tty = true;
  CHECK(make_oci_config(s, inputs()).at("process").at("terminal").as_bool() == true);
}
