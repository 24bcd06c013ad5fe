#pragma once
// Upstream's AtomicWriter (pkg/volume/util/atomic_writer.go): the files of a configMap,
// secret, downwardAPI or projected volume live in a timestamped directory
// (..2006_01_02_15_04_05.XXXXXX); the symlink ..data points at it and is replaced by a
// rename, so a reader sees either the old set of files or the new one, never a mix; each
// top-level name is a symlink name -> ..data/name that never changes.

#include "kscratch/util/expected.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace kscratch::kubelet::spec {

struct FileProjection {
  std::string data;
  std::uint32_t mode = 0644;
  std::optional<std::int64_t> fs_user;  // chown of the file when set
};
// Relative path in the volume -> contents.
using Payload = std::map<std::string, FileProjection>;

// Called on the new timestamped directory after the files are written and before ..data
// moves to it (the fsGroup ownership change).
using SetPerms = std::function<Status(const std::filesystem::path& ts_dir)>;

// Writes payload into target_dir (created when missing). Does nothing when the files and
// their modes are already as in payload; removes user-visible names no longer in it.
Status atomic_write(const std::filesystem::path& target_dir, const Payload& payload, const SetPerms& set_perms = {});

// validatePath: relative, no "..", no leading "..name" that could shadow the writer's own
// entries.
Status validate_payload_path(const std::string& path);

}  // namespace kscratch::kubelet::spec
