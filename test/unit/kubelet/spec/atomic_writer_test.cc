// The atomic writer's layout: timestamped directory, ..data, per-name links, updates.

#include "fake_source.h"
#include "kubelet/spec/atomic_writer.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

using namespace kscratch::kubelet::spec;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("atomic writer: layout of a first write") {
  test::TempDir tmp;
  fs::path target = tmp.path() / "vol";
  Payload payload = {{"config.yaml", {"a: 1\n", 0644, std::nullopt}},
                     {"nested/dir/key", {"deep", 0600, std::nullopt}},
                     {"script.sh", {"#!/bin/sh\n", 0755, std::nullopt}}};
  REQUIRE(atomic_write(target, payload));

  auto names = entries(target);
  REQUIRE(names.size() == 5);  // ..<timestamp>, ..data, config.yaml, nested, script.sh
  std::regex stamp(R"J(\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\w{6})J");
  CHECK(std::regex_match(names[0], stamp));
  CHECK(names[1] == "..data");
  CHECK(fs::read_symlink(target / "..data") == names[0]);
  CHECK(mode_of(target / names[0]) == 0755);

  CHECK(fs::read_symlink(target / "config.yaml") == "..data/config.yaml");
  CHECK(fs::read_symlink(target / "nested") == "..data/nested");
  CHECK(fs::read_symlink(target / "script.sh") == "..data/script.sh");
  CHECK(slurp(target / "config.yaml") == "a: 1\n");
  CHECK(slurp(target / "nested/dir/key") == "deep");
  CHECK(mode_of(target / "config.yaml") == 0644);
  CHECK(mode_of(target / "nested/dir/key") == 0600);
  CHECK(mode_of(target / "script.sh") == 0755);
}

TEST_CASE("atomic writer: an update swaps ..data and drops removed names") {
  test::TempDir tmp;
  fs::path target = tmp.path() / "vol";
  REQUIRE(atomic_write(target, {{"a", {"1", 0644, std::nullopt}}, {"b", {"2", 0644, std::nullopt}}}));
  auto first = fs::read_symlink(target / "..data");

  // Same payload: nothing changes, not even the timestamped directory.
  REQUIRE(atomic_write(target, {{"a", {"1", 0644, std::nullopt}}, {"b", {"2", 0644, std::nullopt}}}));
  CHECK(fs::read_symlink(target / "..data") == first);

  REQUIRE(atomic_write(target, {{"a", {"one", 0644, std::nullopt}}, {"c", {"3", 0400, std::nullopt}}}));
  auto second = fs::read_symlink(target / "..data");
  CHECK(second != first);
  CHECK_FALSE(fs::exists(target / first));            // the old files are gone
  CHECK_FALSE(fs::exists(fs::symlink_status(target / "b")));  // so is the name that left
  CHECK(slurp(target / "a") == "one");
  CHECK(slurp(target / "c") == "3");
  CHECK(mode_of(target / "c") == 0400);
  CHECK(entries(target) == std::vector<std::string>{second.string(), "..data", "a", "c"});

  // A mode change alone is an update too.
  REQUIRE(atomic_write(target, {{"a", {"one", 0600, std::nullopt}}, {"c", {"3", 0400, std::nullopt}}}));
  CHECK(fs::read_symlink(target / "..data") != second);
  CHECK(mode_of(target / "a") == 0600);

  // Emptied: only the writer's own entries remain.
  REQUIRE(atomic_write(target, {}));
  auto left = entries(target);
  REQUIRE(left.size() == 2);
  CHECK(left[1] == "..data");
}

TEST_CASE("atomic writer: invalid paths") {
  test::TempDir tmp;
  for (std::string bad : {"/abs", "../up", "a/../../b", "..hidden", ""}) {
    INFO(bad);
    CHECK_FALSE(atomic_write(tmp.path() / "vol", {{bad, {"x", 0644, std::nullopt}}}));
  }
  CHECK(validate_payload_path("..") .ok() == false);
  CHECK(validate_payload_path("a/..b"));
  CHECK(validate_payload_path("dir/file"));
}
