// Ownership after creates, updates and patches.

#include <catch2/catch.hpp>

#include "test_support.h"

using namespace fm_test;

namespace {

const char* kCreated = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default",
  "uid":"u-1","generation":1,"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"web"}},
  "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"web","image":"nginx"}]}}},"status":{"replicas":0}})";

}  // namespace

TEST_CASE("create: the creator owns every field but server-set metadata and status", "[fieldmanager]") {
  auto o = obj(kCreated);
  track_update(deployment_scope(), nullptr, o, "kubectl-client-side-apply", "2024-01-01T00:00:00Z");
  auto e = entries(o);
  REQUIRE(e.size() == 1);
  CHECK(e[0] ==
        R"(kubectl-client-side-apply/Update: {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},)"
        R"("f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{}}}}}}})");
  const auto& entry = o["metadata"].as_object()["managedFields"].as_array()[0].as_object();
  CHECK(entry.at("operation") == "Update");
  CHECK(entry.at("time") == "2024-01-01T00:00:00Z");
}

TEST_CASE("update: changed fields move to the updater, removed fields leave everyone", "[fieldmanager]") {
  auto live = obj(kCreated);
  track_update(deployment_scope(), nullptr, live, "creator", "2024-01-01T00:00:00Z");
  auto next = live;
  next["spec"].as_object()["replicas"] = 4;
  next["metadata"].as_object()["labels"].as_object().erase("app");
  next["metadata"].as_object()["labels"].as_object()["new"] = "x";
  track_update(deployment_scope(), &live, next, "kubectl-edit", "2024-01-02T00:00:00Z");
  auto e = entries(next);
  REQUIRE(e.size() == 2);
  CHECK(e[0] ==
        R"(creator/Update: {"f:metadata":{"f:labels":{}},"f:spec":{"f:template":{"f:spec":{"f:containers":)"
        R"({"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{}}}}}}})");
  CHECK(e[1] == R"(kubectl-edit/Update: {"f:metadata":{"f:labels":{"f:new":{}}},"f:spec":{"f:replicas":{}}})");

  // Nothing changed: entries and their times stay.
  auto same = next;
  track_update(deployment_scope(), &next, same, "someone", "2030-01-01T00:00:00Z");
  CHECK(same == next);
}

TEST_CASE("entries are ordered as upstream: Apply first, then by time", "[fieldmanager]") {
  auto live = obj(kCreated);
  track_update(deployment_scope(), nullptr, live, "zz", "2024-01-01T00:00:00Z");
  auto applied = apply(deployment_scope(), live, obj(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","annotations":{"a":"b"}}})"), "aa", false, "2024-01-03T00:00:00Z");
  REQUIRE(std::holds_alternative<json::object>(applied));
  auto e = entries(std::get<json::object>(applied));
  REQUIRE(e.size() == 2);
  CHECK(e[0].rfind("aa/Apply", 0) == 0);
  CHECK(e[1].rfind("zz/Update", 0) == 0);
}

TEST_CASE("objects never tracked stay untracked on update; client-sent entries are honoured", "[fieldmanager]") {
  auto live = obj(kCreated);
  auto next = live;
  next["spec"].as_object()["replicas"] = 7;
  track_update(deployment_scope(), &live, next, "kubectl", "2024-01-02T00:00:00Z");
  CHECK(entries(next).empty());

  auto tracked = obj(kCreated);
  track_update(deployment_scope(), nullptr, tracked, "creator", "2024-01-01T00:00:00Z");
  // [{}] resets: the empty entry owns nothing and is dropped.
  auto reset = tracked;
  reset["metadata"].as_object()["managedFields"] = json::array{json::object{}};
  track_update(deployment_scope(), &tracked, reset, "kubectl", "2024-01-02T00:00:00Z");
  CHECK_FALSE(reset["metadata"].as_object().contains("managedFields"));
  // An invalid list is ignored: the live entries are kept.
  auto invalid = tracked;
  invalid["metadata"].as_object()["managedFields"] = "nonsense";
  track_update(deployment_scope(), &tracked, invalid, "kubectl", "2024-01-02T00:00:00Z");
  CHECK(entries(invalid) == entries(tracked));
}

TEST_CASE("the manager from the User-Agent", "[fieldmanager]") {
  CHECK(manager_from_user_agent("kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9") == "kubectl");
  CHECK(manager_from_user_agent("Go-http-client/2.0") == "Go-http-client");
  CHECK(manager_from_user_agent("") == "");
  CHECK(manager_from_user_agent(std::string(200, 'a')).size() == 128);
  CHECK(manager_from_user_agent("a\tb/c") == "ab");
}
