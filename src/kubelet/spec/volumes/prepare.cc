// prepare_volumes and cleanup_volumes: each volume of the pod through its plugin, and
// their removal when the pod is gone.

#include "kubelet/spec/json_util.h"
#include "kubelet/spec/volumes/volumes.h"

#include "kscratch/util/log.h"

#include <fmt/format.h>

namespace kscratch::kubelet::spec {

namespace {

using volumes::fs::path;

// Writes a payload volume (configMap, secret, downwardAPI, projected): secrets and
// projected volumes live on a tmpfs, as upstream wraps them in a memory emptyDir, so
// that secret bytes never reach the disk.
Expected<PreparedVolume> write_payload_volume(const json::object& pod, const path& dir, const Payload& payload,
                                              bool in_memory) {
  if (auto ok = volumes::setup_dir(dir); !ok) return ok.error();
  if (in_memory) {
    if (auto ok = volumes::mount_tmpfs(dir, ""); !ok) return ok.error();
  }
  auto fs_group = jsonu::opt_int(jsonu::obj(jsonu::obj(pod, "spec"), "securityContext"), "fsGroup");
  SetPerms set_perms;
  if (fs_group) {
    // The whole volume, not only the new timestamped directory: the first write creates
    // the per-name links and ..data outside it.
    set_perms = [dir, gid = *fs_group](const path&) { return volumes::set_volume_ownership(dir, gid, true); };
  }
  if (auto ok = atomic_write(dir, payload, set_perms); !ok) return ok.error();
  if (fs_group) {
    // The links made after the swap get the group too.
    if (auto ok = volumes::set_volume_ownership(dir, *fs_group, true); !ok) return ok.error();
  }
  return PreparedVolume{dir, true};
}

boost::asio::awaitable<Expected<Payload>> config_map_source(const json::object& source, ObjectCache& objects) {
  bool optional = jsonu::boolean(source, "optional");
  std::string name = jsonu::str(source, "name");
  auto got = co_await objects.config_map(name, optional);
  if (!got) co_return got.error();
  ObjectData data = got->value_or(ObjectData{});
  co_return volumes::config_map_payload(jsonu::arr(source, "items"), data, volumes::default_mode(source), optional);
}

// A secret volume names its secret "secretName", a projected volume's source "name".
boost::asio::awaitable<Expected<Payload>> secret_source(const json::object& source, bool projected, std::uint32_t mode,
                                                        ObjectCache& objects) {
  bool optional = jsonu::boolean(source, "optional");
  std::string name = jsonu::str(source, projected ? "name" : "secretName");
  auto got = co_await objects.secret(name, optional);
  if (!got) co_return got.error();
  ObjectData data = got->value_or(ObjectData{});
  co_return volumes::secret_payload(jsonu::arr(source, "items"), data, mode, optional);
}

// projected.collectData: every source's files in one payload; errors are gathered.
boost::asio::awaitable<Expected<Payload>> projected_payload(const json::object& pod, const json::object& source,
                                                            const PodPlacement& placement, ObjectCache& objects) {
  std::uint32_t mode = volumes::default_mode(source);
  Payload payload;
  std::vector<std::string> errors;
  for (const auto& s : jsonu::arr(source, "sources")) {
    const auto& projection = jsonu::as_obj(s);
    Expected<Payload> part = Payload{};
    if (projection.contains("secret")) {
      part = co_await secret_source(jsonu::obj(projection, "secret"), true, mode, objects);
    } else if (projection.contains("configMap")) {
      const auto& cm = jsonu::obj(projection, "configMap");
      bool optional = jsonu::boolean(cm, "optional");
      std::string cm_name = jsonu::str(cm, "name");
      auto got = co_await objects.config_map(cm_name, optional);
      if (!got) {
        part = got.error();
      } else {
        ObjectData data = got->value_or(ObjectData{});
        part = volumes::config_map_payload(jsonu::arr(cm, "items"), data, mode, optional);
      }
    } else if (projection.contains("downwardAPI")) {
      part = volumes::downward_api_payload(jsonu::arr(jsonu::obj(projection, "downwardAPI"), "items"), pod,
                                           placement, mode);
    } else if (projection.contains("serviceAccountToken")) {
      // kscratch has no TokenRequest API yet: the token file is left out rather than
      // failing the pod, which keeps the other sources (ca.crt, namespace) usable.
      log::debug("kubelet", "projected volume: serviceAccountToken source skipped (no TokenRequest)");
      continue;
    } else {
      continue;
    }
    if (!part) {
      errors.push_back(part.error().message);
      continue;
    }
    for (auto& [k, v] : *part) payload[k] = v;
  }
  if (errors.size() == 1) co_return make_error(errors[0]);
  if (!errors.empty()) {
    std::string all = "[";
    for (std::size_t i = 0; i < errors.size(); ++i) all += (i ? ", " : "") + errors[i];
    co_return make_error(all + "]");
  }
  co_return payload;
}

}  // namespace

boost::asio::awaitable<SpecResult<Volumes>> prepare_volumes(const json::object& pod, const std::filesystem::path& pod_dir,
                                                            const PodPlacement& placement, ObjectSource& source) {
  ObjectCache objects(source, jsonu::str(jsonu::obj(pod, "metadata"), "namespace"));
  Volumes out;
  for (const auto& v : jsonu::arr(jsonu::obj(pod, "spec"), "volumes")) {
    const auto& volume = jsonu::as_obj(v);
    std::string name = jsonu::str(volume, "name");
    Expected<PreparedVolume> prepared = PreparedVolume{};
    if (volume.contains("emptyDir")) {
      prepared = volumes::empty_dir(pod, name, jsonu::obj(volume, "emptyDir"), pod_dir);
    } else if (volume.contains("hostPath")) {
      prepared = volumes::host_path(jsonu::obj(volume, "hostPath"));
    } else if (volume.contains("configMap")) {
      auto payload = co_await config_map_source(jsonu::obj(volume, "configMap"), objects);
      if (!payload) {
        prepared = payload.error();
      } else {
        prepared = write_payload_volume(pod, volumes::volume_dir(pod_dir, "configmap", name), *payload, false);
      }
    } else if (volume.contains("secret")) {
      const auto& s = jsonu::obj(volume, "secret");
      auto payload = co_await secret_source(s, false, volumes::default_mode(s), objects);
      if (!payload) {
        prepared = payload.error();
      } else {
        prepared = write_payload_volume(pod, volumes::volume_dir(pod_dir, "secret", name), *payload, true);
      }
    } else if (volume.contains("downwardAPI")) {
      const auto& d = jsonu::obj(volume, "downwardAPI");
      auto payload = volumes::downward_api_payload(jsonu::arr(d, "items"), pod, placement, volumes::default_mode(d));
      if (!payload) {
        prepared = payload.error();
      } else {
        prepared = write_payload_volume(pod, volumes::volume_dir(pod_dir, "downward-api", name), *payload, false);
      }
    } else if (volume.contains("projected")) {
      auto payload = co_await projected_payload(pod, jsonu::obj(volume, "projected"), placement, objects);
      if (!payload) {
        prepared = payload.error();
      } else {
        prepared = write_payload_volume(pod, volumes::volume_dir(pod_dir, "projected", name), *payload, true);
      }
    } else {
      std::string kind = "unknown";
      for (const auto& kv : volume) {
        if (kv.key() != "name") kind = std::string(kv.key());
      }
      prepared = make_error(fmt::format("volume type {} is not supported by kscratch", kind));
    }
    if (!prepared) {
      co_return SpecError{"FailedMount",
                          fmt::format("MountVolume.SetUp failed for volume \"{}\" : {}", name, prepared.error().message)};
    }
    out[name] = *prepared;
  }
  co_return out;
}

Status cleanup_volumes(const std::filesystem::path& pod_dir) {
  auto dir = pod_dir / "volumes";
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return Ok{};
  for (const auto& point : volumes::mounts_under(dir)) {
    if (auto ok = volumes::unmount(point); !ok) return ok;
  }
  // Removing with a mount still in place would delete what it shows (a bind-mounted host
  // directory, say): refuse instead.
  if (auto left = volumes::mounts_under(dir); !left.empty()) {
    return make_error(fmt::format("remove {}: {} is still mounted", dir.string(), left.front().string()));
  }
  std::filesystem::remove_all(dir, ec);
  if (ec) return make_error(fmt::format("remove {}: {}", dir.string(), ec.message()));
  return Ok{};
}

}  // namespace kscratch::kubelet::spec
