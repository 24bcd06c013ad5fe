#pragma once
// Image layers unpacked into separate directories that overlayfs stacks as lowerdirs.
// Blocking (libarchive and the file system): run on a thread pool, never on the
// io_context thread.

#include "kscratch/util/expected.h"

#include <filesystem>
#include <string>

namespace kscratch::images {

// sha256 of a layer's uncompressed tar stream (gzip, zstd or none): its diff_id.
Expected<std::string> uncompressed_digest(const std::filesystem::path& blob);

// Extracts a layer tar (compressed or not) into dir, which must exist and be empty.
// Whiteouts become overlayfs's: ".wh.NAME" a 0/0 character device NAME, ".wh..wh..opq"
// the trusted.overlay.opaque=y xattr on its directory. Numeric owners, modes, times,
// xattrs, symlinks, hard links and devices are kept; a leading '/' is stripped; entries
// with ".." or that would be written through a symlink are refused.
Status extract_layer(const std::filesystem::path& blob, const std::filesystem::path& dir);

// The directory <layers>/sha256-<hex of diff_id>, unpacked from blob if it is not there
// yet: the uncompressed stream must hash to diff_id; unpacking goes to a temporary
// directory renamed into place, so a crash never leaves half a layer.
Expected<std::filesystem::path> ensure_layer(const std::filesystem::path& layers, const std::filesystem::path& blob,
                                             const std::string& diff_id);

// The directory a layer with this diff_id lives in (whether or not it exists yet).
std::filesystem::path layer_dir(const std::filesystem::path& layers, const std::string& diff_id);

}  // namespace kscratch::images
