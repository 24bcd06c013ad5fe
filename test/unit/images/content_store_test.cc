#include "archive_import.h"
#include "content_store.h"
#include "digest.h"
#include "oci_layout.h"
#include "test_tar.h"

#include <catch2/catch.hpp>

#include <fmt/format.h>

using namespace kscratch::images;
using namespace kscratch::images::test;

namespace {

std::string id_of(char c) { return "sha256:" + std::string(64, c); }

ImageRecord record(char c, std::vector<std::string> tags, std::vector<std::string> digests = {}) {
  ImageRecord r;
  r.id = id_of(c);
  r.repo_tags = std::move(tags);
  r.repo_digests = std::move(digests);
  r.diff_ids = {id_of('d')};
  r.config.entrypoint = {"/bin/sh"};
  r.config.env = {"PATH=/bin"};
  r.config.user = "1000";
  r.config.labels["a"] = "b";
  r.size = 1234;
  return r;
}

}  // namespace

TEST_CASE("image records round-trip through JSON") {
  auto r = record('a', {"docker.io/library/x:1"}, {"docker.io/library/x@" + id_of('e')});
  auto back = record_from_json(record_to_json(r));
  REQUIRE(back.ok());
  CHECK(back->id == r.id);
  CHECK(back->repo_tags == r.repo_tags);
  CHECK(back->repo_digests == r.repo_digests);
  CHECK(back->diff_ids == r.diff_ids);
  CHECK(back->config.entrypoint == r.config.entrypoint);
  CHECK(back->config.env == r.config.env);
  CHECK(back->config.user == "1000");
  CHECK(back->config.labels == r.config.labels);
  CHECK(back->size == 1234);
  CHECK_FALSE(record_from_json("{}").ok());
  CHECK_FALSE(record_from_json("nope").ok());
}

TEST_CASE("the store finds images by tag, digest, id and id prefix; tags move between images") {
  TempDir tmp;
  auto store = ContentStore::open(tmp.path / "store");
  REQUIRE(store.ok());
  REQUIRE(store->save(record('a', {"docker.io/library/x:1"}, {"docker.io/library/x@" + id_of('e')})).ok());
  REQUIRE(store->save(record('b', {"127.0.0.1:5000/y:2"})).ok());
  CHECK(store->records().size() == 2);

  auto by_tag = store->find("x:1");
  REQUIRE(by_tag);
  CHECK(by_tag->id == id_of('a'));
  REQUIRE(by_tag->layers.size() == 1);
  CHECK(by_tag->layers[0] == store->layers_dir() / ("sha256-" + std::string(64, 'd')));
  CHECK(store->find("docker.io/library/x:1")->id == id_of('a'));
  CHECK(store->find("x@" + id_of('e'))->id == id_of('a'));
  CHECK(store->find(id_of('b'))->id == id_of('b'));
  CHECK(store->find("bbbb")->id == id_of('b'));
  CHECK(store->find("sha256:aaa")->id == id_of('a'));
  CHECK_FALSE(store->find("x:2"));
  CHECK_FALSE(store->find("cccc"));

  // The same image again merges its names; a tag given to another image leaves the first.
  REQUIRE(store->save(record('a', {"docker.io/library/x:latest"})).ok());
  CHECK(store->find("x:1")->id == id_of('a'));
  CHECK(store->find("x")->id == id_of('a'));
  REQUIRE(store->save(record('c', {"docker.io/library/x:1"})).ok());
  CHECK(store->find("x:1")->id == id_of('c'));
  auto a = store->find(id_of('a'));
  REQUIRE(a);
  CHECK(a->repo_tags == std::vector<std::string>{"docker.io/library/x:latest"});

  // Another opening of the same directory (another process) sees the same images.
  auto again = ContentStore::open(tmp.path / "store");
  CHECK(again->records().size() == 3);
}

TEST_CASE("an oci-archive imports; a tampered blob is rejected") {
  TempDir tmp;
  auto store = ContentStore::open(tmp.path / "store");
  REQUIRE(store.ok());
  auto layout = make_oci_layout(tmp.path, "example.test/hello:1");
  write_tar(tmp.path / "hello-oci.tar.gz", layout.files, true);
  auto imported = import_archive_file(*store, tmp.path / "hello-oci.tar.gz");
  REQUIRE(imported.ok());
  REQUIRE(imported->size() == 1);
  auto& r = imported->front();
  CHECK(r.id == layout.config_digest);
  CHECK(r.repo_tags == std::vector<std::string>{"example.test/hello:1"});
  CHECK(r.repo_digests == std::vector<std::string>{"example.test/hello@" + layout.manifest_digest});
  CHECK(r.config.entrypoint == std::vector<std::string>{"/hello"});
  auto found = store->find("example.test/hello:1");
  REQUIRE(found);
  CHECK(slurp(found->layers.at(0) / "hello.txt") == "hello\n");

  // The layer blob's content no longer matches its name.
  auto tampered = make_oci_layout(tmp.path, "example.test/bad:1");
  for (auto& f : tampered.files) {
    if (f.name.find(digest_hex(tampered.layer_digest)) != std::string::npos) f.content[f.content.size() / 2] ^= 1;
  }
  write_tar(tmp.path / "bad.tar", tampered.files, false);
  auto bad = import_archive_file(*store, tmp.path / "bad.tar");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("digest") != std::string::npos);
  CHECK_FALSE(store->find("example.test/bad:1"));
  CHECK(fs::is_empty(store->tmp_dir()));

  auto missing = import_archive_file(*store, tmp.path / "nope.tar");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("no such file") != std::string::npos);
  {
    std::ofstream(tmp.path / "text.tar") << "this is not an archive\n";
  }
  auto not_tar = import_archive_file(*store, tmp.path / "text.tar");
  REQUIRE_FALSE(not_tar.ok());
  CHECK(not_tar.error().message.find("not a tar archive") != std::string::npos);
}
