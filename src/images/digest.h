#pragma once
// sha256 digests as the OCI distribution and image specs write them: "sha256:<64 hex>".

#include "kscratch/util/expected.h"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace kscratch::images {

// Incremental sha256, for bodies hashed while they stream in.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // "sha256:<hex>"; the object may not be updated afterwards.
  std::string digest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_digest(std::string_view data);
// Hashes a whole file (blocking: call it off the io_context thread for big files).
Expected<std::string> sha256_file(const std::filesystem::path& file);

// True for "sha256:" followed by exactly 64 lower-case hex digits.
bool is_sha256_digest(std::string_view digest);
// "sha256:<hex>" -> "sha256-<hex>": a directory name without ':' (overlayfs splits
// lowerdir on ':').
std::string digest_dir_name(std::string_view digest);
// "sha256:<hex>" -> "<hex>".
std::string_view digest_hex(std::string_view digest);

}  // namespace kscratch::images
