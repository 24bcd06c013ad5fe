#pragma once
// Internal: the file operations credentials need — private modes from the first byte on
// disk, and atomic replacement so a crash never leaves half a key.

#include "kscratch/util/expected.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace kscratch::pki::detail {

inline constexpr std::filesystem::perms kPrivateFileMode =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;
inline constexpr std::filesystem::perms kPrivateDirMode = std::filesystem::perms::owner_all;

// The file's contents, std::nullopt when it does not exist, or an Error naming the file.
Expected<std::optional<std::string>> read_file_if_exists(const std::filesystem::path& file);

// Creates `dir` and missing parents with `mode` (existing directories are left as they are).
Status make_directories(const std::filesystem::path& dir, std::filesystem::perms mode);

// Writes a temp file next to `file` with `mode`, fsyncs it, renames it over `file` and
// fsyncs the directory.
Status write_file_atomic(const std::filesystem::path& file, std::string_view content, std::filesystem::perms mode);

}  // namespace kscratch::pki::detail
