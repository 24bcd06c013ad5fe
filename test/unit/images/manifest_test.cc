#include "manifest.h"

#include <catch2/catch.hpp>

using namespace kscratch::images;

namespace {
std::string d(char c) { return "sha256:" + std::string(64, c); }
}  // namespace

TEST_CASE("an index resolves to linux/amd64") {
  std::string index = R"({"schemaVersion":2,"manifests":[
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + d('1') + R"(","size":1,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + d('2') + R"(","size":1,"platform":{"os":"linux","architecture":"amd64","variant":"v3"}},
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + d('3') + R"(","size":1,"platform":{"os":"linux","architecture":"amd64"}},
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + d('4') + R"(","size":1,"platform":{"os":"windows","architecture":"amd64"}}]})";
  auto m = parse_manifest(index, "application/vnd.oci.image.index.v1+json");
  REQUIRE(m.ok());
  CHECK(m->is_index);
  CHECK(m->manifests.size() == 4);
  auto chosen = select_platform(*m);
  REQUIRE(chosen.ok());
  CHECK(chosen->digest == d('3'));

  // A Docker manifest list, typed only by its mediaType field.
  std::string list = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
    {"digest":")" + d('5') + R"(","size":1,"platform":{"os":"linux","architecture":"arm"}}]})";
  auto l = parse_manifest(list, "");
  REQUIRE(l.ok());
  CHECK(l->is_index);
  auto none = select_platform(*l);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message.find("linux/arm") != std::string::npos);
}

TEST_CASE("image manifests and configs") {
  std::string manifest = R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                         d('c') + R"(","size":10},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
                         d('f') + R"(","size":20}]})";
  // OCI manifests may omit mediaType: the Content-Type says what it is.
  auto m = parse_manifest(manifest, "application/vnd.oci.image.manifest.v1+json");
  REQUIRE(m.ok());
  CHECK_FALSE(m->is_index);
  CHECK(m->config.digest == d('c'));
  REQUIRE(m->layers.size() == 1);
  CHECK(m->layers[0].size == 20);

  auto schema1 = parse_manifest(R"({"schemaVersion":1})", "application/vnd.docker.distribution.manifest.v1+prettyjws");
  REQUIRE_FALSE(schema1.ok());
  CHECK(schema1.error().message.find("schema 1") != std::string::npos);
  CHECK_FALSE(parse_manifest(R"({"config":{"digest":"md5:x"}})", "application/vnd.oci.image.manifest.v1+json").ok());
  CHECK_FALSE(parse_manifest("not json", "").ok());

  auto config = parse_image_config(R"({"os":"linux","architecture":"amd64","config":{"Entrypoint":["/bin/start.sh"],
    "Cmd":["-x"],"Env":["PATH=/bin"],"WorkingDir":"/w","User":"1000:1000","Labels":{"k":"v"}},
    "rootfs":{"type":"layers","diff_ids":[")" + d('a') + R"("]}})");
  REQUIRE(config.ok());
  CHECK(config->config.entrypoint == std::vector<std::string>{"/bin/start.sh"});
  CHECK(config->config.cmd == std::vector<std::string>{"-x"});
  CHECK(config->config.working_dir == "/w");
  CHECK(config->config.user == "1000:1000");
  CHECK(config->config.labels.at("k") == "v");
  CHECK(config->diff_ids == std::vector<std::string>{d('a')});
  CHECK_FALSE(parse_image_config(R"({"config":{}})").ok());
}
