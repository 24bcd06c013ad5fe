#include "user_lookup.h"

#include <catch2/catch.hpp>

using namespace kscratch::containers;

namespace {

const char* kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "# a comment\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "nginx:x:101:101:nginx user:/nonexistent:/bin/false\n"
    "broken line\n"
    "app:x:1000:1000::/home/app:/bin/sh\n";
const char* kGroup =
    "root:x:0:\n"
    "daemon:x:1:\n"
    "nginx:x:101:\n"
    "wheel:x:10:root,app\n"
    "audio:x:29:app\n"
    "app:x:1000:\n";

ResolvedUser resolve(UserInputs in) {
  auto r = resolve_user(in, kPasswd, kGroup);
  REQUIRE(r.ok());
  return r.value();
}

}  // namespace

TEST_CASE("user: no user is root, with root's groups") {
  auto u = resolve({});
  CHECK(u.uid == 0);
  CHECK(u.gid == 0);
  CHECK(u.additional_gids == std::vector<std::uint32_t>{10});
}

TEST_CASE("user: no user and no passwd file is 0:0") {
  auto r = resolve_user({}, "", "");
  REQUIRE(r.ok());
  CHECK(r->uid == 0);
  CHECK(r->gid == 0);
  CHECK(r->additional_gids.empty());
}

TEST_CASE("user: a name takes its uid, primary group and memberships") {
  auto u = resolve({"app", {}, {}, {}});
  CHECK(u.uid == 1000);
  CHECK(u.gid == 1000);
  CHECK(u.additional_gids == std::vector<std::uint32_t>{10, 29});
  auto n = resolve({"nginx", {}, {}, {}});
  CHECK(n.uid == 101);
  CHECK(n.gid == 101);
}

TEST_CASE("user: a uid, known or not") {
  auto known = resolve({"101", {}, {}, {}});
  CHECK(known.uid == 101);
  CHECK(known.gid == 101);
  auto unknown = resolve({"4242", {}, {}, {}});
  CHECK(unknown.uid == 4242);
  CHECK(unknown.gid == 0);
}

TEST_CASE("user: uid:gid and name:group") {
  auto a = resolve({"4242:4343", {}, {}, {}});
  CHECK(a.uid == 4242);
  CHECK(a.gid == 4343);
  auto b = resolve({"app:wheel", {}, {}, {}});
  CHECK(b.uid == 1000);
  CHECK(b.gid == 10);
  CHECK(b.additional_gids.empty());
  auto c = resolve({"nginx:5", {}, {}, {}});
  CHECK(c.uid == 101);
  CHECK(c.gid == 5);
}

TEST_CASE("user: unknown names are errors") {
  auto r = resolve_user({"nobody-here", {}, {}, {}}, kPasswd, kGroup);
  REQUIRE(!r.ok());
  CHECK(r.error().message.find("no matching entries in passwd file") != std::string::npos);
  auto g = resolve_user({"app:nogroup", {}, {}, {}}, kPasswd, kGroup);
  REQUIRE(!g.ok());
  CHECK(g.error().message.find("unable to find group nogroup") != std::string::npos);
}

TEST_CASE("user: runAsUser and runAsGroup override the image") {
  auto u = resolve({"app", 101, {}, {}});
  CHECK(u.uid == 101);
  CHECK(u.gid == 101);  // from the passwd entry of uid 101
  auto g = resolve({"app", 1000, 7, {}});
  CHECK(g.uid == 1000);
  CHECK(g.gid == 7);
  auto only_group = resolve({"app", {}, 3000, {}});
  CHECK(only_group.uid == 1000);
  CHECK(only_group.gid == 3000);
  CHECK(resolve({"", 65534, {}, {}}).gid == 0);
}

TEST_CASE("user: supplemental groups are added once") {
  auto u = resolve({"app", {}, {}, {29, 500, 500}});
  CHECK(u.additional_gids == std::vector<std::uint32_t>{10, 29, 500});
}
