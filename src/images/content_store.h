#pragma once
// The image store on disk, shared by the kubelet and `kscratch images` (another
// process), so the disk is the truth and nothing is cached:
//
//   <root>/images/<hex of id>.json   one record per image, written by rename
//   <root>/layers/sha256-<hex>/       unpacked layers, by diff_id (no ':' for overlayfs)
//   <root>/tmp/                       downloads and archive contents in progress
//   <root>/lock                       flock'd while records are read-modified-written
//   <root>/imported.json              archives of the import directory already imported

#include "kscratch/images/images.h"
#include "kscratch/util/expected.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::images {

struct ImageRecord {
  std::string id;  // sha256:<config digest>
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  std::vector<std::string> diff_ids;
  ImageConfig config;
  std::int64_t size = 0;
};

class ContentStore {
 public:
  // Creates the directories; the root is made canonical so no symlink sits in the
  // paths layers are extracted under.
  static Expected<ContentStore> open(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path layers_dir() const { return root_ / "layers"; }
  std::filesystem::path tmp_dir() const { return root_ / "tmp"; }

  std::vector<ImageRecord> records() const;
  // Adds or merges a record (same id: tags and digests are united). A tag names one
  // image: it is taken from any other image that had it, as `docker pull` moves tags.
  Status save(const ImageRecord& record) const;

  Image to_image(const ImageRecord& record) const;
  // By normalised reference (tag or digest), by id ("sha256:<hex>"), or by a unique
  // prefix of the id's hex (at least 3 digits).
  std::optional<Image> find(const std::string& ref) const;

 private:
  explicit ContentStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

std::string record_to_json(const ImageRecord& record);
Expected<ImageRecord> record_from_json(std::string_view text);

// Writes a file by rename of a fsynced temporary next to it.
Status write_file_atomic(const std::filesystem::path& file, std::string_view content);
Expected<std::string> read_file(const std::filesystem::path& file);

}  // namespace kscratch::images
