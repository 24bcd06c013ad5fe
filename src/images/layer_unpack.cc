#include "layer_unpack.h"

#include "digest.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

namespace kscratch::images {

namespace fs = std::filesystem;

namespace {

struct ArchiveReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
using ReadPtr = std::unique_ptr<archive, ArchiveReadDeleter>;
using WritePtr = std::unique_ptr<archive, ArchiveWriteDeleter>;

std::string archive_message(archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "unknown libarchive error";
}

// "/a/./b/" -> "a/b"; empty for the root itself; nullopt for names with "..".
std::optional<std::string> clean_name(std::string_view name) {
  std::string out;
  std::size_t i = 0;
  while (i <= name.size()) {
    auto end = name.find('/', i);
    if (end == std::string_view::npos) end = name.size();
    auto part = name.substr(i, end - i);
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") {
      if (!out.empty()) out += '/';
      out += part;
    }
    i = end + 1;
  }
  return out;
}

}  // namespace

fs::path layer_dir(const fs::path& layers, const std::string& diff_id) { return layers / digest_dir_name(diff_id); }

Expected<std::string> uncompressed_digest(const fs::path& blob) {
  ReadPtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  if (archive_read_open_filename(a.get(), blob.c_str(), 1 << 16) != ARCHIVE_OK) {
    return make_error(fmt::format("open {}: {}", blob.string(), archive_message(a.get())));
  }
  Sha256 hash;
  archive_entry* entry = nullptr;
  int r = archive_read_next_header(a.get(), &entry);
  if (r == ARCHIVE_EOF) return hash.digest();
  if (r != ARCHIVE_OK) return make_error(fmt::format("read {}: {}", blob.string(), archive_message(a.get())));
  std::vector<char> buf(1 << 16);
  for (;;) {
    auto n = archive_read_data(a.get(), buf.data(), buf.size());
    if (n < 0) return make_error(fmt::format("decompress {}: {}", blob.string(), archive_message(a.get())));
    if (n == 0) break;
    hash.update(buf.data(), static_cast<std::size_t>(n));
  }
  return hash.digest();
}

Status extract_layer(const fs::path& blob, const fs::path& dir) {
  auto where = [&](std::string_view what) { return fmt::format("unpack {}: {}", blob.string(), what); };
  ReadPtr in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  archive_read_support_format_gnutar(in.get());
  if (archive_read_open_filename(in.get(), blob.c_str(), 1 << 16) != ARCHIVE_OK) {
    return make_error(where(archive_message(in.get())));
  }
  WritePtr out(archive_write_disk_new());
  // Numeric owners (no user database lookups: the image's ids are not this host's), and
  // nothing written outside dir: no "..", no path through a symlink.
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER |
                                                ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_UNLINK |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT);
  std::vector<std::string> whiteouts, opaque;
  archive_entry* entry = nullptr;
  for (;;) {
    int r = archive_read_next_header(in.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return make_error(where(archive_message(in.get())));
    const char* raw = archive_entry_pathname(entry);
    auto name = clean_name(raw ? raw : "");
    if (!name) return make_error(where(fmt::format("entry \"{}\" leaves the layer", raw ? raw : "")));
    if (name->empty()) continue;  // the layer's root directory itself ("/" or "./")
    auto slash = name->rfind('/');
    std::string parent = slash == std::string::npos ? "" : name->substr(0, slash);
    std::string base = slash == std::string::npos ? *name : name->substr(slash + 1);
    if (base == ".wh..wh..opq") {
      opaque.push_back(parent);
      continue;
    }
    if (base.rfind(".wh..wh.", 0) == 0) continue;  // aufs bookkeeping (hard link dirs), not content
    if (base.rfind(".wh.", 0) == 0) {
      whiteouts.push_back(parent.empty() ? base.substr(4) : parent + "/" + base.substr(4));
      continue;
    }
    std::string target = (dir / *name).string();
    archive_entry_set_pathname(entry, target.c_str());
    std::string link_target;
    if (const char* link = archive_entry_hardlink(entry)) {
      auto cleaned = clean_name(link);
      if (!cleaned || cleaned->empty()) return make_error(where(fmt::format("hard link \"{}\" leaves the layer", link)));
      link_target = (dir / *cleaned).string();
      archive_entry_set_hardlink(entry, link_target.c_str());
    }
    r = archive_write_header(out.get(), entry);
    if (r < ARCHIVE_WARN) return make_error(where(fmt::format("{}: {}", *name, archive_message(out.get()))));
    if (archive_entry_size(entry) > 0 || archive_entry_size_is_set(entry) == 0) {
      const void* buf = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      for (;;) {
        r = archive_read_data_block(in.get(), &buf, &size, &offset);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) return make_error(where(fmt::format("{}: {}", *name, archive_message(in.get()))));
        if (archive_write_data_block(out.get(), buf, size, offset) < ARCHIVE_WARN) {
          return make_error(where(fmt::format("{}: {}", *name, archive_message(out.get()))));
        }
      }
    }
    if (archive_write_finish_entry(out.get()) < ARCHIVE_WARN) {
      return make_error(where(fmt::format("{}: {}", *name, archive_message(out.get()))));
    }
  }
  // overlayfs whiteouts: this layer hides NAME of the layers below it.
  for (auto& w : whiteouts) {
    fs::path p = dir / w;
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    fs::remove_all(p, ec);
    if (::mknod(p.c_str(), S_IFCHR | 0, makedev(0, 0)) != 0) {
      return make_error(where(fmt::format("whiteout {}: mknod: {}", w, std::strerror(errno))));
    }
  }
  for (auto& o : opaque) {
    fs::path p = o.empty() ? dir : dir / o;
    std::error_code ec;
    fs::create_directories(p, ec);
    if (::lsetxattr(p.c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0) {
      return make_error(where(fmt::format("opaque directory {}: setxattr: {}", o.empty() ? "/" : o, std::strerror(errno))));
    }
  }
  // Directory times and modes are restored here, after their contents were written.
  if (archive_write_close(out.get()) < ARCHIVE_WARN) return make_error(where(archive_message(out.get())));
  return Ok{};
}

Expected<fs::path> ensure_layer(const fs::path& layers, const fs::path& blob, const std::string& diff_id) {
  fs::path final_dir = layer_dir(layers, diff_id);
  std::error_code ec;
  if (fs::is_directory(final_dir, ec)) return final_dir;
  auto digest = uncompressed_digest(blob);
  if (!digest) return make_error(digest.error().message);
  if (*digest != diff_id) {
    return make_error(fmt::format("layer {}: uncompressed content has {}, the image config says diff_id {}",
                                  blob.filename().string(), *digest, diff_id));
  }
  static std::atomic<unsigned> counter{0};
  fs::path tmp = layers / fmt::format(".tmp-{}-{}-{}", digest_hex(diff_id).substr(0, 12), ::getpid(), counter++);
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return make_error(fmt::format("create {}: {}", tmp.string(), ec.message()));
  if (::chmod(tmp.c_str(), 0755) != 0) return make_error(fmt::format("chmod {}: {}", tmp.string(), std::strerror(errno)));
  if (auto st = extract_layer(blob, tmp); !st) {
    fs::remove_all(tmp, ec);
    return make_error(st.error().message);
  }
  if (::rename(tmp.c_str(), final_dir.c_str()) != 0) {
    int err = errno;
    fs::remove_all(tmp, ec);
    // Another pull (or process) unpacked the same layer first: theirs is as good.
    if ((err == EEXIST || err == ENOTEMPTY) && fs::is_directory(final_dir, ec)) return final_dir;
    return make_error(fmt::format("rename {} to {}: {}", tmp.string(), final_dir.string(), std::strerror(err)));
  }
  return final_dir;
}

}  // namespace kscratch::images
