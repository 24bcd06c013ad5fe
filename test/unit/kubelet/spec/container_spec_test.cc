// build_container_spec end to end: every field of the ContainerSpec, subPath mounts,
// the /etc files and the termination message file.

#include "fake_source.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

using namespace kscratch::kubelet::spec;
using kscratch::containers::ContainerSpec;
using kscratch::containers::Mount;
using test::FakeSource;
using test::parse_object;
using test::run;
namespace fs = std::filesystem;

namespace {

PodPlacement placement() {
  PodPlacement p;
  p.node_name = "node-a";
  p.host_ip = "192.168.1.10";
  p.pod_ip = "10.42.0.7";
  return p;
}

kscratch::images::Image image() {
  kscratch::images::Image img;
  img.id = "sha256:abc";
  img.layers = {"/store/sha256-1", "/store/sha256-2"};
  img.config.entrypoint = {"/docker-entrypoint.sh"};
  img.config.cmd = {"nginx", "-g", "daemon off;"};
  img.config.env = {"PATH=/usr/local/sbin:/usr/bin", "NGINX_VERSION=1.27"};
  img.config.working_dir = "/srv";
  img.config.user = "101";
  return img;
}

const Mount* find_mount(const ContainerSpec& spec, const std::string& destination) {
  auto it = std::find_if(spec.mounts.begin(), spec.mounts.end(),
                         [&](const Mount& m) { return m.destination == destination; });
  return it == spec.mounts.end() ? nullptr : &*it;
}

SpecResult<ContainerSpec> build(FakeSource& source, const json::object& pod, const json::object& container,
                                const Volumes& volumes, const ContainerInputs& inputs) {
  auto img = image();
  auto where = placement();
  return run(build_container_spec(pod, container, img, volumes, where, inputs, source));
}

}  // namespace

TEST_CASE("container spec: every field") {
  test::TempDir tmp;
  fs::path pod_dir = tmp.path() / "pod";
  fs::path data = tmp.path() / "data";
  fs::create_directories(data);
  FakeSource source;
  auto pod = parse_object(R"J({"metadata":{"name":"web","namespace":"shop","uid":"uid-1"},
    "spec":{"enableServiceLinks":false,"securityContext":{"runAsGroup":3000},
      "containers":[{"name":"nginx"}],
      "volumes":[{"name":"data","hostPath":{"path":")J" + data.string() + R"J("}}]}})J");
  auto container = parse_object(R"J({"name":"nginx","image":"nginx:1.27",
    "args":["-c","$(CONF)"],"workingDir":"/work","stdin":true,"tty":true,
    "env":[{"name":"CONF","value":"/etc/nginx/nginx.conf"},{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
    "resources":{"requests":{"cpu":"100m"},"limits":{"cpu":"200m","memory":"128Mi"}},
    "securityContext":{"readOnlyRootFilesystem":true},
    "volumeMounts":[
      {"name":"data","mountPath":"/var/data"},
      {"name":"data","mountPath":"/var/logs","subPath":"logs/nginx","readOnly":true},
      {"name":"data","mountPath":"/var/pod","subPathExpr":"pods/$(POD)"}],
    "terminationMessagePath":"/tmp/why"})J");
  Volumes volumes = {{"data", PreparedVolume{data, false}}};
  ContainerInputs inputs{"c0ffee", 3, "/kscratch/podu1", fs::path("/run/netns/pod-u1"),
                         "/var/log/pods/shop_web_uid-1/nginx/3.log", pod_dir};
  auto spec = build(source, pod, container, volumes, inputs);
  REQUIRE(spec);

  CHECK(spec->id == "c0ffee");
  CHECK(spec->pod_uid == "uid-1");
  CHECK(spec->pod_name == "web");
  CHECK(spec->pod_namespace == "shop");
  CHECK(spec->container_name == "nginx");
  CHECK(spec->attempt == 3);
  CHECK(spec->image_layers == std::vector<fs::path>{"/store/sha256-1", "/store/sha256-2"});
  CHECK(spec->image_user == "101");
  CHECK(spec->args == std::vector<std::string>{"/docker-entrypoint.sh", "-c", "/etc/nginx/nginx.conf"});
  CHECK(spec->env == std::vector<std::string>{"PATH=/usr/local/sbin:/usr/bin", "HOSTNAME=web", "NGINX_VERSION=1.27",
                                              "CONF=/etc/nginx/nginx.conf", "POD=web"});
  CHECK(spec->working_dir == "/work");
  CHECK(spec->hostname == "web");
  CHECK(spec->netns == fs::path("/run/netns/pod-u1"));
  CHECK(spec->resources.cpu_shares == 102u);
  CHECK(spec->resources.cpu_quota_us == 20000);
  CHECK(spec->resources.memory_limit_bytes == 128 << 20);
  CHECK(spec->security.run_as_group == 3000);
  CHECK(spec->security.read_only_root);
  CHECK(spec->cgroup_parent == "/kscratch/podu1");
  CHECK(spec->log_path == "/var/log/pods/shop_web_uid-1/nginx/3.log");
  CHECK(spec->stdin_open);
  CHECK(spec->tty);
  CHECK(spec->labels.at(kLabelPodUid) == "uid-1");
  CHECK(spec->labels.at(kLabelPodName) == "web");
  CHECK(spec->labels.at(kLabelPodNamespace) == "shop");
  CHECK(spec->labels.at(kLabelContainerName) == "nginx");
  CHECK(spec->labels.at(kLabelRestartCount) == "3");
  CHECK(spec->labels.at(kLabelTerminationMessagePath) == "/tmp/why");

  // Volume mounts, subPath made inside the volume.
  const Mount* plain = find_mount(*spec, "/var/data");
  REQUIRE(plain);
  CHECK(plain->source == data.string());
  CHECK(plain->options == std::vector<std::string>{"rbind", "rprivate", "rw"});
  const Mount* logs = find_mount(*spec, "/var/logs");
  REQUIRE(logs);
  CHECK(logs->source == (fs::canonical(data) / "logs/nginx").string());
  CHECK(fs::is_directory(data / "logs/nginx"));
  CHECK(logs->options.back() == "ro");
  const Mount* expr = find_mount(*spec, "/var/pod");
  REQUIRE(expr);
  CHECK(expr->source == (fs::canonical(data) / "pods/web").string());

  // The pod's /etc files: read-only with a read-only root, except hosts.
  const Mount* hosts = find_mount(*spec, "/etc/hosts");
  REQUIRE(hosts);
  CHECK(hosts->source == (pod_dir / "etc/hosts").string());
  CHECK(hosts->options.back() == "rw");
  const Mount* resolv = find_mount(*spec, "/etc/resolv.conf");
  REQUIRE(resolv);
  CHECK(resolv->options.back() == "ro");
  REQUIRE(find_mount(*spec, "/etc/hostname"));

  // The termination message file.
  const Mount* message = find_mount(*spec, "/tmp/why");
  REQUIRE(message);
  fs::path message_file = termination_message_path(pod_dir, "nginx", "c0ffee");
  CHECK(message->source == message_file.string());
  CHECK(spec->labels.at(kLabelTerminationMessageHostPath) == message_file.string());
  CHECK(fs::is_regular_file(message_file));
  CHECK((fs::status(message_file).permissions() & fs::perms::all) == fs::perms(0666));

  // Parents are mounted before children.
  for (std::size_t i = 1; i < spec->mounts.size(); ++i) {
    auto depth = [](const std::string& p) { return std::count(p.begin(), p.end(), '/'); };
    CHECK(depth(spec->mounts[i - 1].destination) <= depth(spec->mounts[i].destination));
  }
}

TEST_CASE("container spec: defaults, own /etc/hosts, host network, errors") {
  test::TempDir tmp;
  fs::path pod_dir = tmp.path() / "pod";
  fs::path data = tmp.path() / "data";
  fs::create_directories(data);
  FakeSource source;
  auto pod = parse_object(R"J({"metadata":{"name":"web","namespace":"shop","uid":"uid-1"},
    "spec":{"hostNetwork":true,"enableServiceLinks":false}})J");
  Volumes volumes = {{"data", PreparedVolume{data, false}}, {"cfg", PreparedVolume{data, true}}};
  ContainerInputs inputs{"id1", 0, "/kscratch/podu1", std::nullopt, "/l/0.log", pod_dir};

  auto spec = build(source, pod,
                    parse_object(R"J({"name":"c","volumeMounts":[{"name":"data","mountPath":"/etc/hosts","subPath":"h"},
                                     {"name":"cfg","mountPath":"etc/cfg"}]})J"),
                    volumes, inputs);
  REQUIRE(spec);
  CHECK(spec->args == std::vector<std::string>{"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"});
  CHECK(spec->working_dir == "/srv");
  CHECK(spec->hostname == "node-a");
  CHECK_FALSE(spec->netns);
  CHECK_FALSE(spec->stdin_open);
  CHECK(find_mount(*spec, "/etc/hosts")->source == (fs::canonical(data) / "h").string());
  CHECK(find_mount(*spec, "/etc/cfg")->options.back() == "ro");  // a read-only volume stays so
  CHECK(find_mount(*spec, "/dev/termination-log"));
  CHECK(spec->labels.at(kLabelTerminationMessagePath) == "/dev/termination-log");
  CHECK(spec->resources.cpu_shares == 2u);

  // An unchecked hostPath that does not exist is made a directory, as containerd does.
  Volumes absent = {{"h", PreparedVolume{tmp.path() / "absent/dir", false}}};
  auto made = build(source, pod, parse_object(R"J({"name":"c","volumeMounts":[{"name":"h","mountPath":"/h"}]})J"),
                    absent, inputs);
  REQUIRE(made);
  CHECK(fs::is_directory(tmp.path() / "absent/dir"));

  auto missing = build(source, pod, parse_object(R"J({"name":"c","volumeMounts":[{"name":"nope","mountPath":"/x"}]})J"),
                       volumes, inputs);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().reason == "CreateContainerConfigError");
  CHECK(missing.error().message == "cannot find volume \"nope\" to mount into container \"c\"");

  auto escape = build(source, pod,
                      parse_object(R"J({"name":"c","volumeMounts":[{"name":"data","mountPath":"/x","subPath":"../etc"}]})J"),
                      volumes, inputs);
  REQUIRE_FALSE(escape);
  CHECK(escape.error().message == "unable to provision SubPath `../etc`: must not contain '..'");

  // A symlink in the volume may not lead the subPath out of it.
  fs::create_directory_symlink("/etc", data / "evil");
  auto symlink = build(source, pod,
                       parse_object(R"J({"name":"c","volumeMounts":[{"name":"data","mountPath":"/x","subPath":"evil"}]})J"),
                       volumes, inputs);
  REQUIRE_FALSE(symlink);

  auto unset_expr = build(
      source, pod,
      parse_object(R"J({"name":"c","volumeMounts":[{"name":"data","mountPath":"/x","subPathExpr":"$(A)/$(B)"}]})J"),
      volumes, inputs);
  REQUIRE_FALSE(unset_expr);
  CHECK(unset_expr.error().message == "missing value for A, B");

  auto non_root = build(source,
                        parse_object(R"J({"metadata":{"name":"web","namespace":"shop","uid":"uid-1"},
                           "spec":{"securityContext":{"runAsNonRoot":true,"runAsUser":0}}})J"),
                        parse_object(R"J({"name":"c"})J"), volumes, inputs);
  REQUIRE_FALSE(non_root);
  CHECK(non_root.error().reason == "CreateContainerConfigError");

  auto cm = build(source, pod,
                  parse_object(R"J({"name":"c","env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"k"}}}]})J"),
                  volumes, inputs);
  REQUIRE_FALSE(cm);
  CHECK(cm.error().message == "configmap \"cfg\" not found");
}
