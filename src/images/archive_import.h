#pragma once
// Air-gap image archives, as k3s imports them from agent/images/:
//   docker-archive: manifest.json ([{Config, RepoTags, Layers}]), the config JSON and
//                   layer tars (`docker save`, `skopeo copy ... docker-archive:`);
//   oci-archive:    oci-layout, index.json and blobs/sha256/<hex> (`skopeo copy ...
//                   oci-archive:`); an image is named by its io.containerd.image.name
//                   or a full-reference org.opencontainers.image.ref.name annotation.
// Either may be gzip or zstd compressed as a whole. Every digest is verified: config
// and blob names against their content, layers against the config's diff_ids.

#include "content_store.h"

#include "kscratch/util/expected.h"

#include <filesystem>
#include <vector>

namespace kscratch::images {

// Blocking (reads and unpacks the whole archive): run it on a thread pool.
Expected<std::vector<ImageRecord>> import_archive_file(const ContentStore& store, const std::filesystem::path& file);

}  // namespace kscratch::images
