// Volumes on the host: configMap, secret, downwardAPI, projected, hostPath, emptyDir, and
// their cleanup. Memory-backed ones mount a tmpfs, which needs root (CI runs as root).

#include "fake_source.h"
#include "kubelet/spec/volumes/volumes.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace kscratch::kubelet::spec;
using test::FakeSource;
using test::parse_object;
using test::run;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

PodPlacement placement() {
  PodPlacement p;
  p.node_name = "node-a";
  p.host_ip = "192.168.1.10";
  p.pod_ip = "10.42.0.7";
  return p;
}

json::object pod_with_volumes(const std::string& volumes_json, const std::string& extra_spec = "") {
  return parse_object(R"J({"metadata":{"name":"web","namespace":"shop","uid":"u1","labels":{"app":"web"}},
    "spec":{)J" + extra_spec + R"J("containers":[{"name":"main","resources":{"limits":{"cpu":"500m","memory":"32Mi"}}}],
    "volumes":)J" + volumes_json + "}}");
}

SpecResult<Volumes> prepare(FakeSource& source, const json::object& pod, const fs::path& pod_dir) {
  PodPlacement where = placement();
  return run(prepare_volumes(pod, pod_dir, where, source));
}

bool root() { return ::geteuid() == 0; }

// Removes what prepare_volumes mounted even when a check fails midway.
struct Cleanup {
  fs::path pod_dir;
  ~Cleanup() { (void)cleanup_volumes(pod_dir); }
};

}  // namespace

TEST_CASE("volumes: configMap with all keys, items, modes and optional") {
  test::TempDir tmp;
  fs::path pod_dir = tmp.path() / "pod";
  FakeSource source;
  source.add_config_map("shop", "cfg", R"J({"app.conf":"port=80\n","other":"x"})J");
  source.config_maps[{"shop", "cfg"}]["binaryData"] = json::object{{"blob", "AAEC"}};
  auto pod = pod_with_volumes(R"J([
    {"name":"all","configMap":{"name":"cfg"}},
    {"name":"some","configMap":{"name":"cfg","defaultMode":256,"items":[
        {"key":"app.conf","path":"conf/app.conf"},{"key":"other","path":"o","mode":384}]}},
    {"name":"opt","configMap":{"name":"gone","optional":true}}])J");
  auto volumes = prepare(source, pod, pod_dir);
  REQUIRE(volumes);
  REQUIRE(volumes->size() == 3);
  fs::path all = pod_dir / "volumes/kubernetes.io~configmap/all";
  CHECK(volumes->at("all").host_path == all);
  CHECK(volumes->at("all").read_only);
  CHECK(mode_of(all) == 0777);
  CHECK(slurp(all / "app.conf") == "port=80\n");
  CHECK(slurp(all / "blob") == std::string("\0\1\2", 3));
  CHECK(mode_of(all / "app.conf") == 0644);
  CHECK(fs::read_symlink(all / "app.conf") == "..data/app.conf");

  fs::path some = volumes->at("some").host_path;
  CHECK(slurp(some / "conf/app.conf") == "port=80\n");
  CHECK(mode_of(some / "conf/app.conf") == 0400);
  CHECK(mode_of(some / "o") == 0600);
  CHECK_FALSE(fs::exists(some / "other"));

  CHECK(fs::is_empty(volumes->at("opt").host_path / "..data"));

  // An update reaches the files on the next call; the links stay.
  source.add_config_map("shop", "cfg", R"J({"app.conf":"port=8080\n","other":"x"})J");
  auto again = prepare(source, pod, pod_dir);
  REQUIRE(again);
  CHECK(slurp(all / "app.conf") == "port=8080\n");
  CHECK_FALSE(fs::exists(fs::symlink_status(all / "blob")));  // binaryData went away
  REQUIRE(cleanup_volumes(pod_dir));
  CHECK_FALSE(fs::exists(pod_dir / "volumes"));
}

TEST_CASE("volumes: configMap errors as upstream's FailedMount") {
  test::TempDir tmp;
  FakeSource source;
  source.add_config_map("shop", "cfg", R"J({"a":"1"})J");
  auto missing = prepare(source, pod_with_volumes(R"J([{"name":"v","configMap":{"name":"nope"}}])J"), tmp.path());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().reason == "FailedMount");
  CHECK(missing.error().message == "MountVolume.SetUp failed for volume \"v\" : configmap \"nope\" not found");
  auto key = prepare(source,
                     pod_with_volumes(R"J([{"name":"v","configMap":{"name":"cfg","items":[{"key":"b","path":"b"}]}}])J"),
                     tmp.path());
  REQUIRE_FALSE(key);
  CHECK(key.error().message == "MountVolume.SetUp failed for volume \"v\" : configmap references non-existent config key: b");
  auto unsupported = prepare(source, pod_with_volumes(R"J([{"name":"v","persistentVolumeClaim":{"claimName":"c"}}])J"),
                             tmp.path());
  REQUIRE_FALSE(unsupported);
  CHECK(unsupported.error().reason == "FailedMount");
}

TEST_CASE("volumes: fsGroup gives the group read access") {
  if (!root()) {
    WARN("needs root: skipped");
    return;
  }
  test::TempDir tmp;
  FakeSource source;
  source.add_config_map("shop", "cfg", R"J({"a":"1"})J");
  auto pod = pod_with_volumes(R"J([{"name":"v","configMap":{"name":"cfg","defaultMode":384}}])J",
                              R"J("securityContext":{"fsGroup":4321},)J");
  auto volumes = prepare(source, pod, tmp.path() / "pod");
  REQUIRE(volumes);
  struct stat st {};
  REQUIRE(::stat((volumes->at("v").host_path / "a").c_str(), &st) == 0);
  CHECK(st.st_gid == 4321u);
  CHECK((st.st_mode & 07777) == 0640);
}

TEST_CASE("volumes: secret on a tmpfs, decoded, 0644 by default; cleanup unmounts") {
  if (!root()) {
    WARN("needs root: skipped");
    return;
  }
  test::TempDir tmp;
  fs::path pod_dir = tmp.path() / "pod";
  Cleanup cleanup{pod_dir};
  FakeSource source;
  source.add_secret("shop", "creds", R"J({"user":"YWRtaW4=","password":"czNjcjN0"})J");
  auto pod = pod_with_volumes(R"J([{"name":"s","secret":{"secretName":"creds"}},
      {"name":"k","secret":{"secretName":"creds","items":[{"key":"password","path":"pw","mode":256}]}},
      {"name":"m","secret":{"secretName":"missing"}}])J");
  auto failed = prepare(source, pod, pod_dir);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message == "MountVolume.SetUp failed for volume \"m\" : secret \"missing\" not found");

  pod["spec"].as_object()["volumes"].as_array().pop_back();
  auto volumes = prepare(source, pod, pod_dir);
  REQUIRE(volumes);
  fs::path s = pod_dir / "volumes/kubernetes.io~secret/s";
  CHECK(volumes->at("s").host_path == s);
  CHECK(volumes->at("s").read_only);
  CHECK(volumes::is_mount_point(s));
  CHECK(slurp(s / "user") == "admin");
  CHECK(mode_of(s / "user") == 0644);
  fs::path k = volumes->at("k").host_path;
  CHECK(slurp(k / "pw") == "s3cr3t");
  CHECK(mode_of(k / "pw") == 0400);

  // Idempotent: a second call mounts nothing more.
  auto before = volumes::mounts_under(pod_dir).size();
  REQUIRE(prepare(source, pod, pod_dir));
  CHECK(volumes::mounts_under(pod_dir).size() == before);

  REQUIRE(cleanup_volumes(pod_dir));
  CHECK(volumes::mounts_under(pod_dir).empty());
  CHECK_FALSE(fs::exists(pod_dir / "volumes"));
}

TEST_CASE("volumes: downwardAPI and projected") {
  if (!root()) {
    WARN("needs root: skipped");
    return;
  }
  test::TempDir tmp;
  fs::path pod_dir = tmp.path() / "pod";
  Cleanup cleanup{pod_dir};
  FakeSource source;
  source.add_config_map("shop", "kube-root-ca.crt", R"J({"ca.crt":"CERT"})J");
  source.add_secret("shop", "creds", R"J({"user":"YWRtaW4="})J");
  auto pod = pod_with_volumes(R"J([
    {"name":"info","downwardAPI":{"items":[
       {"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}},
       {"path":"name","fieldRef":{"fieldPath":"metadata.name"}},
       {"path":"cpu","resourceFieldRef":{"containerName":"main","resource":"limits.cpu","divisor":"1m"}},
       {"path":"mem","resourceFieldRef":{"containerName":"main","resource":"limits.memory","divisor":"1Mi"}}]}},
    {"name":"kube-api-access","projected":{"defaultMode":420,"sources":[
       {"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},
       {"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},
       {"secret":{"name":"creds"}},
       {"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"fieldPath":"metadata.namespace"}}]}}]}}])J");
  auto volumes = prepare(source, pod, pod_dir);
  REQUIRE(volumes);
  fs::path info = pod_dir / "volumes/kubernetes.io~downward-api/info";
  CHECK(slurp(info / "labels") == "app=\"web\"");
  CHECK(slurp(info / "name") == "web");
  CHECK(slurp(info / "cpu") == "500");
  CHECK(slurp(info / "mem") == "32");
  CHECK(volumes->at("info").read_only);

  fs::path projected = pod_dir / "volumes/kubernetes.io~projected/kube-api-access";
  CHECK(volumes::is_mount_point(projected));
  CHECK(slurp(projected / "ca.crt") == "CERT");
  CHECK(slurp(projected / "namespace") == "shop");
  CHECK(slurp(projected / "user") == "admin");
  CHECK_FALSE(fs::exists(projected / "token"));  // no TokenRequest: skipped, not failed

  // A label change reaches the file on the next call.
  pod["metadata"].as_object()["labels"].as_object()["tier"] = "front";
  REQUIRE(prepare(source, pod, pod_dir));
  CHECK(slurp(info / "labels") == "app=\"web\"\ntier=\"front\"");
}

TEST_CASE("volumes: hostPath type checks") {
  test::TempDir tmp;
  fs::path dir = tmp.path() / "dir";
  fs::path file = tmp.path() / "file";
  fs::create_directories(dir);
  std::ofstream(file) << "x";
  auto check = [&](const fs::path& path, const std::string& type) {
    json::object source{{"path", path.string()}, {"type", type}};
    return volumes::host_path(source);
  };
  CHECK(check(dir, "Directory"));
  CHECK(check(dir, ""));
  CHECK(check(tmp.path() / "absent", ""));
  auto not_dir = check(file, "Directory");
  REQUIRE_FALSE(not_dir);
  CHECK(not_dir.error().message == "hostPath type check failed: " + file.string() + " is not a directory");
  CHECK_FALSE(check(tmp.path() / "absent", "Directory"));
  auto not_file = check(dir, "File");
  REQUIRE_FALSE(not_file);
  CHECK(not_file.error().message == "hostPath type check failed: " + dir.string() + " is not a file");

  auto created = check(tmp.path() / "made/deep", "DirectoryOrCreate");
  REQUIRE(created);
  CHECK(created->host_path == tmp.path() / "made/deep");
  CHECK_FALSE(created->read_only);
  CHECK(fs::is_directory(tmp.path() / "made/deep"));
  CHECK(check(tmp.path() / "newfile", "FileOrCreate"));
  CHECK(fs::is_regular_file(tmp.path() / "newfile"));
  CHECK_FALSE(check(dir, "FileOrCreate"));

  CHECK(check("/dev/null", "CharDevice"));
  auto sock = check(file, "Socket");
  REQUIRE_FALSE(sock);
  CHECK(sock.error().message == "hostPath type check failed: " + file.string() + " is not a socket file");
  CHECK(check(file, "BlockDevice").error().message.ends_with("is not a block device"));
  CHECK(check(file, "Weird").error().message == "Weird is an invalid volume type");

  // Through prepare_volumes the error names the volume.
  FakeSource source;
  auto failed = prepare(source, pod_with_volumes(R"J([{"name":"h","hostPath":{"path":")J" + file.string() +
                                                 R"J(","type":"Directory"}}])J"),
                        tmp.path() / "pod");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message ==
        "MountVolume.SetUp failed for volume \"h\" : hostPath type check failed: " + file.string() + " is not a directory");
}

TEST_CASE("volumes: emptyDir on disk and in memory") {
  test::TempDir tmp;
  fs::path pod_dir = tmp.path() / "pod";
  Cleanup cleanup{pod_dir};
  FakeSource source;
  auto disk = prepare(source, pod_with_volumes(R"J([{"name":"cache","emptyDir":{}}])J"), pod_dir);
  REQUIRE(disk);
  fs::path cache = pod_dir / "volumes/kubernetes.io~empty-dir/cache";
  CHECK(disk->at("cache").host_path == cache);
  CHECK_FALSE(disk->at("cache").read_only);
  CHECK(mode_of(cache) == 0777);
  std::ofstream(cache / "kept") << "data";
  REQUIRE(prepare(source, pod_with_volumes(R"J([{"name":"cache","emptyDir":{}}])J"), pod_dir));
  CHECK(slurp(cache / "kept") == "data");

  if (!root()) {
    WARN("needs root: tmpfs part skipped");
    return;
  }
  auto pod = pod_with_volumes(R"J([{"name":"mem","emptyDir":{"medium":"Memory","sizeLimit":"8Mi"}},
                                  {"name":"big","emptyDir":{"medium":"Memory","sizeLimit":"1Gi"}}])J");
  auto memory = prepare(source, pod, pod_dir);
  REQUIRE(memory);
  fs::path mem = memory->at("mem").host_path;
  CHECK(volumes::is_mount_point(mem));
  std::ofstream(mem / "kept") << "data";
  // sizeLimit, or the pod's memory limit when that is smaller (32Mi here).
  std::ifstream mounts("/proc/self/mounts");
  std::string line, mem_line, big_line;
  while (std::getline(mounts, line)) {
    if (line.find(mem.string() + " ") != std::string::npos) mem_line = line;
    if (line.find(memory->at("big").host_path.string() + " ") != std::string::npos) big_line = line;
  }
  CHECK(mem_line.find("size=8192k") != std::string::npos);
  CHECK(big_line.find("size=32768k") != std::string::npos);

  auto count = volumes::mounts_under(pod_dir).size();
  REQUIRE(prepare(source, pod, pod_dir));
  CHECK(volumes::mounts_under(pod_dir).size() == count);
  CHECK(slurp(mem / "kept") == "data");

  REQUIRE(cleanup_volumes(pod_dir));
  CHECK(volumes::mounts_under(pod_dir).empty());
  CHECK_FALSE(fs::exists(pod_dir / "volumes"));
}
