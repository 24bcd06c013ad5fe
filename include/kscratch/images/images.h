#pragma once
// Container images for the kubelet (containerd's image service, in small): references
// normalised as Docker does, pulls from OCI distribution registries (mirrors and
// credentials from k3s's registries.yaml), air-gap archives, and a content-addressed
// store of unpacked layers that containers' overlay roots are built from.
//
// The store on disk is the truth, so `kscratch images` (another process) and the kubelet
// see the same images; writes are atomic renames.

#include "kscratch/util/expected.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::images {

// "nginx" -> domain docker.io, repository library/nginx, tag latest.
struct Reference {
  std::string domain;      // "docker.io", "127.0.0.1:5000"
  std::string repository;  // "library/nginx"
  std::string tag;         // "latest" when neither a tag nor a digest was given
  std::string digest;      // "sha256:<hex>" for name@sha256:...

  std::string name() const;  // domain/repository
  std::string str() const;   // docker.io/library/nginx:latest, or name@digest
};

Expected<Reference> parse_reference(std::string_view text);

// The part of an image's config the kubelet builds containers from.
struct ImageConfig {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // "K=V"
  std::string working_dir;
  std::string user;  // as in the image: "", "1000", "1000:1000", "nobody", ...
  std::map<std::string, std::string> labels;
};

struct Image {
  std::string id;                          // "sha256:<config digest>"
  std::vector<std::string> repo_tags;      // "docker.io/library/busybox:1.36"
  std::vector<std::string> repo_digests;   // "docker.io/library/busybox@sha256:<manifest digest>"
  std::vector<std::filesystem::path> layers;  // unpacked layer directories, lowest first
  ImageConfig config;
  std::int64_t size = 0;  // bytes of the (compressed) layers
};

struct ImageServiceOptions {
  std::filesystem::path root;             // the content store, e.g. <data-dir>/agent/images-store
  std::filesystem::path import_dir;       // air-gap archives, e.g. <data-dir>/agent/images
  std::filesystem::path registries_file;  // k3s registries.yaml; absent means no mirrors
};

class ImageService {
 public:
  virtual ~ImageService() = default;

  // Pulls ref (resolving mirrors, auth, manifest lists to linux/amd64), verifying every
  // digest, and unpacks missing layers. Concurrent pulls of one reference download once.
  virtual boost::asio::awaitable<Expected<Image>> pull(const std::string& ref) = 0;
  // An image already in the store, by reference (tag or digest) or by id.
  virtual std::optional<Image> find(const std::string& ref) const = 0;
  virtual std::vector<Image> list() const = 0;
  // docker-archive or oci-archive tarballs, optionally gzip or zstd compressed.
  virtual boost::asio::awaitable<Expected<std::vector<Image>>> import_archive(const std::filesystem::path& file) = 0;
  // Imports every archive in import_dir, then each new one as it appears, until cancelled.
  virtual boost::asio::awaitable<void> watch_import_dir() = 0;
};

Expected<std::shared_ptr<ImageService>> open_image_service(boost::asio::any_io_executor executor,
                                                           ImageServiceOptions options);

}  // namespace kscratch::images
