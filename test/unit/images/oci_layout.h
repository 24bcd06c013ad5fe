#pragma once
// A one-layer OCI image layout written by hand, as the files of an oci-archive.

#include "digest.h"
#include "test_tar.h"

#include <fmt/format.h>

namespace kscratch::images::test {

// An OCI image layout with one single-layer image, as the files of an oci-archive.
struct OciLayout {
  std::vector<Entry> files;
  std::string config_digest, layer_digest, manifest_digest, diff_id;
};

inline OciLayout make_oci_layout(const fs::path& scratch, const std::string& ref_name,
                                 const std::string& content = "hello\n") {
  write_tar(scratch / "layer.tar", {{"hello.txt", AE_IFREG, 0644, content}}, false);
  std::string layer = slurp(scratch / "layer.tar");
  OciLayout out;
  out.diff_id = sha256_digest(layer);
  out.layer_digest = out.diff_id;  // an uncompressed layer: blob digest == diff_id
  std::string config = fmt::format(
      R"({{"architecture":"amd64","os":"linux","config":{{"Entrypoint":["/hello"],"Env":["PATH=/bin"]}},"rootfs":{{"type":"layers","diff_ids":["{}"]}}}})",
      out.diff_id);
  out.config_digest = sha256_digest(config);
  std::string manifest = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{}","size":{}}}]}})",
      out.config_digest, config.size(), out.layer_digest, layer.size());
  out.manifest_digest = sha256_digest(manifest);
  std::string index = fmt::format(
      R"({{"schemaVersion":2,"manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":{},"annotations":{{"org.opencontainers.image.ref.name":"{}"}}}}]}})",
      out.manifest_digest, manifest.size(), ref_name);
  auto blob = [](const std::string& d) { return "blobs/sha256/" + std::string(digest_hex(d)); };
  out.files = {{"oci-layout", AE_IFREG, 0644, R"({"imageLayoutVersion":"1.0.0"})"},
               {"index.json", AE_IFREG, 0644, index},
               {"blobs", AE_IFDIR, 0755},
               {"blobs/sha256", AE_IFDIR, 0755},
               {blob(out.manifest_digest), AE_IFREG, 0644, manifest},
               {blob(out.config_digest), AE_IFREG, 0644, config},
               {blob(out.layer_digest), AE_IFREG, 0644, layer}};
  return out;
}

}  // namespace kscratch::images::test
