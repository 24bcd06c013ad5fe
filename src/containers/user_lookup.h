#pragma once
// Who a container runs as: the kubelet's runAsUser/runAsGroup, else the image's USER
// ("name", "uid", "uid:gid", "name:group") resolved against the image's /etc/passwd and
// /etc/group, as runc and containerd resolve it. Pure functions on the files' text, plus a
// reader that opens them confined to the root filesystem.

#include "kscratch/util/expected.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::containers {

struct ResolvedUser {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::vector<std::uint32_t> additional_gids;
};

struct UserInputs {
  std::string image_user;
  std::optional<std::int64_t> run_as_user;
  std::optional<std::int64_t> run_as_group;
  std::vector<std::int64_t> supplemental_groups;
};

// passwd and group are the files' contents (empty when the image has none).
Expected<ResolvedUser> resolve_user(const UserInputs& in, std::string_view passwd, std::string_view group);

// Reads a file of the root filesystem with every path component resolved inside it
// (openat2 RESOLVE_IN_ROOT), so an image's symlink cannot point the kubelet at a host file.
// Empty when the file does not exist.
std::string read_file_in_root(const std::filesystem::path& root, const std::string& relative);

}  // namespace kscratch::containers
