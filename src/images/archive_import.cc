#include "archive_import.h"

#include "digest.h"
#include "layer_unpack.h"
#include "manifest.h"

#include <archive.h>
#include <archive_entry.h>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <atomic>
#include <memory>
#include <unistd.h>

namespace kscratch::images {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct ArchiveReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};

// Removes a directory tree when the import ends, however it ends.
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

// Unpacks the outer tar into dir (files, directories and symlinks; nothing outside dir).
Status extract_outer(const fs::path& file, const fs::path& dir) {
  std::unique_ptr<archive, ArchiveReadDeleter> in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  archive_read_support_format_gnutar(in.get());
  if (archive_read_open_filename(in.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) {
    std::string msg = archive_error_string(in.get()) ? archive_error_string(in.get()) : "cannot open";
    return make_error("not a tar archive (" + msg + ")");
  }
  std::unique_ptr<archive, ArchiveWriteDeleter> out(archive_write_disk_new());
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                ARCHIVE_EXTRACT_UNLINK);
  archive_entry* entry = nullptr;
  int files = 0;
  for (;;) {
    int r = archive_read_next_header(in.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      std::string msg = archive_error_string(in.get()) ? archive_error_string(in.get()) : "read error";
      if (files == 0) msg = "not a tar archive (" + msg + ")";
      return make_error(msg);
    }
    ++files;
    auto type = archive_entry_filetype(entry);
    if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) continue;
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    while (!name.empty() && name.front() == '/') name.erase(0, 1);
    if (name.empty() || name == "." || name == "./") continue;
    if (name == ".." || name.rfind("../", 0) == 0 || name.find("/../") != std::string::npos) {
      return make_error(fmt::format("entry \"{}\" leaves the archive", name));
    }
    std::string target = (dir / name).string();
    archive_entry_set_pathname(entry, target.c_str());
    archive_entry_set_perm(entry, type == AE_IFDIR ? 0755 : 0644);
    if (archive_write_header(out.get(), entry) < ARCHIVE_WARN) {
      return make_error(fmt::format("{}: {}", name, archive_error_string(out.get())));
    }
    const void* buf = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
      r = archive_read_data_block(in.get(), &buf, &size, &offset);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) return make_error(fmt::format("{}: {}", name, archive_error_string(in.get())));
      if (archive_write_data_block(out.get(), buf, size, offset) < ARCHIVE_WARN) {
        return make_error(fmt::format("{}: {}", name, archive_error_string(out.get())));
      }
    }
    archive_write_finish_entry(out.get());
  }
  if (files == 0) return make_error("not a tar archive (no entries)");
  archive_write_close(out.get());
  return Ok{};
}

// A path named inside the archive, which must stay inside it after symlinks.
Expected<fs::path> inside(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  auto p = fs::weakly_canonical(dir / name, ec);
  auto root = fs::weakly_canonical(dir, ec);
  auto rel = p.lexically_relative(root);
  if (ec || rel.empty() || *rel.begin() == "..") return make_error(fmt::format("\"{}\" leaves the archive", name));
  if (!fs::is_regular_file(p, ec)) return make_error(fmt::format("\"{}\" is missing from the archive", name));
  return p;
}

// A blob of an OCI layout whose content must match its digest.
Expected<fs::path> verified_blob(const fs::path& dir, const std::string& digest) {
  auto p = inside(dir, fmt::format("blobs/sha256/{}", digest_hex(digest)));
  if (!p) return p;
  auto got = sha256_file(*p);
  if (!got) return make_error(got.error().message);
  if (*got != digest) return make_error(fmt::format("blob {} has digest {}", digest, *got));
  return p;
}

// The normalised "name:tag" of a docker-archive RepoTag or an OCI name annotation.
std::optional<std::string> normalise_tag(const std::string& name) {
  auto ref = parse_reference(name);
  if (!ref || !ref->digest.empty()) return std::nullopt;
  return ref->str();
}

Expected<ImageRecord> unpack_image(const ContentStore& store, const ParsedConfig& config, const std::string& id,
                                   const std::vector<fs::path>& layer_files) {
  if (config.diff_ids.size() != layer_files.size()) {
    return make_error(fmt::format("image {}: {} layers but the config lists {} diff_ids", id, layer_files.size(),
                                  config.diff_ids.size()));
  }
  ImageRecord r;
  r.id = id;
  r.diff_ids = config.diff_ids;
  r.config = config.config;
  for (std::size_t i = 0; i < layer_files.size(); ++i) {
    auto dir = ensure_layer(store.layers_dir(), layer_files[i], config.diff_ids[i]);
    if (!dir) return make_error(fmt::format("image {}: {}", id, dir.error().message));
    std::error_code ec;
    r.size += static_cast<std::int64_t>(fs::file_size(layer_files[i], ec));
  }
  return r;
}

Expected<std::vector<ImageRecord>> import_docker(const ContentStore& store, const fs::path& dir) {
  auto text = read_file(dir / "manifest.json");
  if (!text) return make_error(text.error().message);
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec || !v.is_array()) return make_error("manifest.json is not a JSON array");
  std::vector<ImageRecord> out;
  for (auto& e : v.as_array()) {
    if (!e.is_object()) return make_error("manifest.json: an entry is not an object");
    auto& o = e.as_object();
    auto* cfg = o.if_contains("Config");
    if (!cfg || !cfg->is_string()) return make_error("manifest.json: an entry has no Config");
    auto config_path = inside(dir, std::string(cfg->as_string()));
    if (!config_path) return make_error("manifest.json: " + config_path.error().message);
    auto config_text = read_file(*config_path);
    if (!config_text) return make_error(config_text.error().message);
    std::string id = sha256_digest(*config_text);
    // The config's file name is its digest (<hex>.json or blobs/sha256/<hex>).
    auto stem = config_path->filename().string();
    if (auto dot = stem.find('.'); dot != std::string::npos) stem.resize(dot);
    if (stem.size() == 64 && stem != digest_hex(id)) {
      return make_error(fmt::format("config {} has digest {}", std::string(cfg->as_string()), id));
    }
    auto config = parse_image_config(*config_text);
    if (!config) return make_error(fmt::format("config {}: {}", std::string(cfg->as_string()), config.error().message));
    std::vector<fs::path> layers;
    if (auto* l = o.if_contains("Layers"); l && l->is_array()) {
      for (auto& name : l->as_array()) {
        if (!name.is_string()) return make_error("manifest.json: a layer is not a string");
        auto p = inside(dir, std::string(name.as_string()));
        if (!p) return make_error("manifest.json: " + p.error().message);
        layers.push_back(*p);
      }
    }
    auto record = unpack_image(store, *config, id, layers);
    if (!record) return record.error();
    if (auto* tags = o.if_contains("RepoTags"); tags && tags->is_array()) {
      for (auto& t : tags->as_array()) {
        if (!t.is_string()) continue;
        if (auto tag = normalise_tag(std::string(t.as_string()))) record->repo_tags.push_back(*tag);
      }
    }
    out.push_back(std::move(*record));
  }
  return out;
}

// One entry of index.json: an image manifest, or a nested index resolved to linux/amd64.
Expected<ImageRecord> import_oci_descriptor(const ContentStore& store, const fs::path& dir, const Descriptor& top) {
  Descriptor desc = top;
  for (int depth = 0;; ++depth) {
    auto blob = verified_blob(dir, desc.digest);
    if (!blob) return make_error(blob.error().message);
    auto text = read_file(*blob);
    if (!text) return make_error(text.error().message);
    auto m = parse_manifest(*text, desc.media_type);
    if (!m) return make_error(fmt::format("manifest {}: {}", desc.digest, m.error().message));
    if (m->is_index) {
      if (depth > 4) return make_error("indexes nested too deeply");
      auto chosen = select_platform(*m);
      if (!chosen) return make_error(fmt::format("index {}: {}", desc.digest, chosen.error().message));
      desc = *chosen;
      continue;
    }
    auto config_blob = verified_blob(dir, m->config.digest);
    if (!config_blob) return make_error(config_blob.error().message);
    auto config_text = read_file(*config_blob);
    if (!config_text) return make_error(config_text.error().message);
    auto config = parse_image_config(*config_text);
    if (!config) return make_error(fmt::format("config {}: {}", m->config.digest, config.error().message));
    std::vector<fs::path> layers;
    for (auto& l : m->layers) {
      auto p = verified_blob(dir, l.digest);
      if (!p) return make_error(p.error().message);
      layers.push_back(*p);
    }
    return unpack_image(store, *config, m->config.digest, layers);
  }
}

Expected<std::vector<ImageRecord>> import_oci(const ContentStore& store, const fs::path& dir) {
  auto text = read_file(dir / "index.json");
  if (!text) return make_error(text.error().message);
  auto index = parse_manifest(*text, kOciIndex);
  if (!index) return make_error("index.json: " + index.error().message);
  std::vector<ImageRecord> out;
  for (auto& desc : index->manifests) {
    auto record = import_oci_descriptor(store, dir, desc);
    if (!record) return record.error();
    std::string name;
    if (auto it = desc.annotations.find("io.containerd.image.name"); it != desc.annotations.end()) {
      name = it->second;
    } else if (auto ref = desc.annotations.find("org.opencontainers.image.ref.name"); ref != desc.annotations.end()) {
      // A bare tag ("1", "latest") names no repository: the image stays unnamed.
      if (ref->second.find_first_of("/:") != std::string::npos) name = ref->second;
    }
    if (auto tag = name.empty() ? std::nullopt : normalise_tag(name)) {
      record->repo_tags.push_back(*tag);
      auto parsed = parse_reference(*tag);
      record->repo_digests.push_back(parsed->name() + "@" + desc.digest);
    }
    out.push_back(std::move(*record));
  }
  return out;
}

}  // namespace

Expected<std::vector<ImageRecord>> import_archive_file(const ContentStore& store, const fs::path& file) {
  auto fail = [&](const std::string& why) { return make_error(fmt::format("import {}: {}", file.string(), why)); };
  std::error_code ec;
  if (!fs::exists(file, ec)) return fail("no such file");
  if (!fs::is_regular_file(file, ec)) return fail("not a regular file");
  static std::atomic<unsigned> counter{0};
  TempDir tmp{store.tmp_dir() / fmt::format("import-{}-{}", ::getpid(), counter++)};
  fs::remove_all(tmp.path, ec);
  fs::create_directories(tmp.path, ec);
  if (ec) return fail(fmt::format("create {}: {}", tmp.path.string(), ec.message()));
  if (auto st = extract_outer(file, tmp.path); !st) return fail(st.error().message);
  Expected<std::vector<ImageRecord>> records = std::vector<ImageRecord>{};
  if (fs::is_regular_file(tmp.path / "manifest.json", ec)) {
    records = import_docker(store, tmp.path);
  } else if (fs::is_regular_file(tmp.path / "index.json", ec)) {
    records = import_oci(store, tmp.path);
  } else {
    return fail("neither a docker-archive (no manifest.json) nor an oci-archive (no index.json)");
  }
  if (!records) return fail(records.error().message);
  if (records->empty()) return fail("the archive holds no image");
  for (auto& r : *records) {
    if (auto st = store.save(r); !st) return fail(st.error().message);
  }
  return records;
}

}  // namespace kscratch::images
