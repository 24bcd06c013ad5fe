#include "digest.h"
#include "layer_unpack.h"
#include "test_tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace kscratch::images;
namespace fs = std::filesystem;

using namespace kscratch::images::test;

namespace {

std::vector<Entry> layer_entries() {
  return {
      {"/", AE_IFDIR, 0755},
      {"./etc/", AE_IFDIR, 0755},
      {"etc/hosts", AE_IFREG, 0640, "127.0.0.1 localhost\n", false, 1000, 1001, 0, "user.kscratch", "v"},
      {"etc/.wh.passwd", AE_IFREG, 0644, ""},
      {"bin", AE_IFDIR, 0755},
      {"bin/busybox", AE_IFREG, 04755, "#!busybox\n"},
      {"bin/sh", AE_IFLNK, 0777, "busybox"},
      {"bin/ls", AE_IFREG, 0644, "bin/busybox", true},
      {"var/", AE_IFDIR, 0700},
      {"var/.wh..wh..opq", AE_IFREG, 0644, ""},
      {"var/new", AE_IFREG, 0644, "fresh"},
      {"dev", AE_IFDIR, 0755},
      {"dev/null", AE_IFCHR, 0666, "", false, 0, 0, makedev(1, 3)},
      {"opaque-only/.wh..wh..opq", AE_IFREG, 0644, ""},
  };
}

}  // namespace

TEST_CASE("a layer unpacks with overlayfs whiteouts, owners, modes, links, devices and xattrs") {
  TempDir tmp;
  write_tar(tmp.path / "layer.tar", layer_entries(), false);
  write_tar(tmp.path / "layer.tar.gz", layer_entries(), true);
  auto diff_id = sha256_file(tmp.path / "layer.tar");
  REQUIRE(diff_id.ok());
  auto from_gzip = uncompressed_digest(tmp.path / "layer.tar.gz");
  REQUIRE(from_gzip.ok());
  CHECK(*from_gzip == *diff_id);
  CHECK(*uncompressed_digest(tmp.path / "layer.tar") == *diff_id);

  auto layers = tmp.path / "layers";
  fs::create_directories(layers);
  auto dir = ensure_layer(layers, tmp.path / "layer.tar.gz", *diff_id);
  REQUIRE(dir.ok());
  CHECK(dir->filename().string() == "sha256-" + std::string(digest_hex(*diff_id)));
  CHECK(dir->string().find(':') == std::string::npos);

  struct stat st {};
  REQUIRE(::lstat((*dir / "etc/hosts").c_str(), &st) == 0);
  CHECK(slurp(*dir / "etc/hosts") == "127.0.0.1 localhost\n");
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(st.st_uid == 1000);
  CHECK(st.st_gid == 1001);
  char value[8] = {};
  CHECK(::lgetxattr((*dir / "etc/hosts").c_str(), "user.kscratch", value, sizeof value) == 1);
  CHECK(std::string(value) == "v");

  // ".wh.passwd" becomes a 0/0 character device named passwd; the marker itself is gone.
  REQUIRE(::lstat((*dir / "etc/passwd").c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK(st.st_rdev == makedev(0, 0));
  CHECK_FALSE(fs::exists(*dir / "etc/.wh.passwd"));

  // ".wh..wh..opq" becomes trusted.overlay.opaque=y on its directory.
  char opq[4] = {};
  REQUIRE(::lgetxattr((*dir / "var").c_str(), "trusted.overlay.opaque", opq, sizeof opq) == 1);
  CHECK(opq[0] == 'y');
  CHECK_FALSE(fs::exists(*dir / "var/.wh..wh..opq"));
  CHECK(slurp(*dir / "var/new") == "fresh");
  REQUIRE(::lstat((*dir / "var").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);
  CHECK(::lgetxattr((*dir / "opaque-only").c_str(), "trusted.overlay.opaque", opq, sizeof opq) == 1);

  REQUIRE(::lstat((*dir / "bin/busybox").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 04755);
  auto busybox_ino = st.st_ino;
  REQUIRE(::lstat((*dir / "bin/ls").c_str(), &st) == 0);
  CHECK(st.st_ino == busybox_ino);  // a hard link, not a copy
  CHECK(fs::is_symlink(*dir / "bin/sh"));
  CHECK(fs::read_symlink(*dir / "bin/sh") == "busybox");
  REQUIRE(::lstat((*dir / "dev/null").c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK(st.st_rdev == makedev(1, 3));

  // Nothing temporary is left; a second call finds the layer in place.
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(layers)) ++entries;
  CHECK(entries == 1);
  auto again = ensure_layer(layers, tmp.path / "does-not-matter", *diff_id);
  REQUIRE(again.ok());
  CHECK(*again == *dir);
}

TEST_CASE("a layer whose content does not match its diff_id is rejected") {
  TempDir tmp;
  write_tar(tmp.path / "layer.tar.gz", {{"a", AE_IFREG, 0644, "x"}}, true);
  auto layers = tmp.path / "layers";
  fs::create_directories(layers);
  std::string wrong = "sha256:" + std::string(64, '0');
  auto dir = ensure_layer(layers, tmp.path / "layer.tar.gz", wrong);
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.error().message.find("diff_id") != std::string::npos);
  CHECK(fs::is_empty(layers));
}

TEST_CASE("entries that would leave the layer directory are refused") {
  TempDir tmp;
  auto layers = tmp.path / "layers";
  fs::create_directories(layers);
  fs::create_directories(tmp.path / "outside");

  write_tar(tmp.path / "dotdot.tar", {{"../escape", AE_IFREG, 0644, "x"}}, false);
  auto d1 = ensure_layer(layers, tmp.path / "dotdot.tar", *sha256_file(tmp.path / "dotdot.tar"));
  CHECK_FALSE(d1.ok());
  CHECK_FALSE(fs::exists(tmp.path / "escape"));

  write_tar(tmp.path / "symlink.tar",
            {{"evil", AE_IFLNK, 0777, (tmp.path / "outside").string()}, {"evil/file", AE_IFREG, 0644, "x"}}, false);
  auto symlink_diff = *sha256_file(tmp.path / "symlink.tar");
  auto d2 = ensure_layer(layers, tmp.path / "symlink.tar", symlink_diff);
  // libarchive either refuses the entry or replaces the symlink by a directory of the
  // layer: never does the file land outside.
  CHECK_FALSE(fs::exists(tmp.path / "outside/file"));
  if (d2.ok()) {
    CHECK_FALSE(fs::is_symlink(*d2 / "evil"));
    CHECK(fs::is_regular_file(*d2 / "evil/file"));
    fs::remove_all(*d2);
  }
  CHECK(fs::is_empty(layers));  // no temporary directory is left behind
}
