#pragma once
// The OCI image spec's JSON documents (and Docker's v2 schema 2 twins): manifests,
// indexes / manifest lists, and image configs.

#include "kscratch/images/images.h"
#include "kscratch/util/expected.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::images {

inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

struct Descriptor {
  std::string media_type;
  std::string digest;
  std::int64_t size = 0;
  std::string os, architecture, variant;  // platform, in indexes
  std::map<std::string, std::string> annotations;
};

struct Manifest {
  bool is_index = false;
  std::vector<Descriptor> manifests;  // an index's entries
  Descriptor config;                  // an image manifest's config and layers
  std::vector<Descriptor> layers;
};

// content_type is the response's Content-Type (OCI manifests may omit mediaType); the
// document's own mediaType is used when it is empty.
Expected<Manifest> parse_manifest(std::string_view body, std::string_view content_type);

// The linux/amd64 entry of an index (the node's platform, as containerd picks it).
Expected<Descriptor> select_platform(const Manifest& index);

struct ParsedConfig {
  ImageConfig config;
  std::vector<std::string> diff_ids;
  std::string os, architecture;
};
Expected<ParsedConfig> parse_image_config(std::string_view json);

}  // namespace kscratch::images
