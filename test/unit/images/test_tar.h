#pragma once
// Test helpers: a scratch directory, and tars written with libarchive.

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace kscratch::images::test {

namespace fs = std::filesystem;


struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("kscratch-images-test-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

struct Entry {
  std::string name;
  mode_t type = AE_IFREG;
  mode_t perm = 0644;
  std::string content;  // file data, or link target
  bool hardlink = false;
  int uid = 0, gid = 0;
  dev_t rdev = 0;
  std::string xattr_name, xattr_value;
};

// Writes a tar (optionally gzip-compressed) with the given entries, with libarchive.
inline void write_tar(const fs::path& file, const std::vector<Entry>& entries, bool gzip) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (gzip) archive_write_add_filter_gzip(a);
  REQUIRE(archive_write_open_filename(a, file.c_str()) == ARCHIVE_OK);
  for (auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    if (e.hardlink) {
      archive_entry_set_hardlink(entry, e.content.c_str());
    } else {
      archive_entry_set_filetype(entry, e.type);
      archive_entry_set_perm(entry, e.perm);
      if (e.type == AE_IFLNK) archive_entry_set_symlink(entry, e.content.c_str());
      if (e.type == AE_IFREG) archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
      if (e.type == AE_IFCHR) archive_entry_set_rdev(entry, e.rdev);
    }
    archive_entry_set_uid(entry, e.uid);
    archive_entry_set_gid(entry, e.gid);
    archive_entry_set_mtime(entry, 1700000000, 0);
    if (!e.xattr_name.empty()) {
      archive_entry_xattr_add_entry(entry, e.xattr_name.c_str(), e.xattr_value.data(), e.xattr_value.size());
    }
    REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
    if (e.type == AE_IFREG && !e.hardlink && !e.content.empty()) {
      archive_write_data(a, e.content.data(), e.content.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace kscratch::images::test
