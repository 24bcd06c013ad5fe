// The REST layer in process: requests go straight into Api::handle (no TLS), against a
// real store in a temporary directory. These run under the sanitizers in CI.

#include "rest/api.h"

#include "run_coro.h"

#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

using namespace kscratch;
using namespace kscratch::apiserver;
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

struct Recorder : http::Responder {
  int status = 0;
  std::string content_type;
  std::string body;
  std::vector<std::string> chunks;
  bool finished = false;

  asio::awaitable<void> send(const http::Response& r) override {
    status = r.status;
    content_type = r.content_type;
    body = r.body;
    co_return;
  }
  asio::awaitable<bool> start_stream(int s, std::string type) override {
    status = s;
    content_type = std::move(type);
    co_return true;
  }
  asio::awaitable<bool> write(std::string chunk) override {
    chunks.push_back(std::move(chunk));
    co_return true;
  }
  asio::awaitable<void> finish() override {
    finished = true;
    co_return;
  }
  // The in-process client never goes away: wait until cancelled.
  asio::awaitable<void> closed() override {
    asio::steady_timer forever(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    co_await forever.async_wait(asio::use_awaitable);
  }
  json::object json_body() const { return json::parse(body).as_object(); }
};

struct ApiFixture {
  testing::TempDir dir;
  asio::io_context io;
  std::shared_ptr<store::Store> db;
  std::unique_ptr<rest::Api> api;

  ApiFixture() {
    store::StoreOptions o;
    o.path = dir.path() / "state.db";
    db = *store::open_store(io, o);
    api = std::make_unique<rest::Api>(db, rest::ApiConfig{"v1.32.0+kscratch", "127.0.0.1:6443"});
    testing::run_coro(io, api->ensure_defaults());
  }
  ~ApiFixture() { db->close(); }

  Recorder call(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& content_type = "application/json", const std::string& accept = "application/json") {
    http::Request req;
    req.method = method;
    auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = http::parse_query(target.substr(q + 1));
    req.headers["content-type"] = content_type;
    req.headers["accept"] = accept;
    req.body = body;
    req.user = "test";
    Recorder out;
    testing::run_coro(io, api->handle(req, out));
    return out;
  }
};

const char* kDeployment = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
  "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
  "spec":{"containers":[{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80}]}]}}}})";

}  // namespace

TEST_CASE("version, health and discovery", "[apiserver]") {
  ApiFixture f;
  auto v = f.call("GET", "/version");
  CHECK(v.status == 200);
  CHECK(v.json_body()["minor"] == "32");
  CHECK(f.call("GET", "/readyz").body == "ok");
  auto apis = f.call("GET", "/apis", "", "application/json",
                     "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
  CHECK(apis.content_type == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  CHECK(apis.json_body()["kind"] == "APIGroupDiscoveryList");
  auto legacy = f.call("GET", "/api/v1");
  CHECK(legacy.json_body()["kind"] == "APIResourceList");
  CHECK(f.call("GET", "/no/such/path").status == 404);
}

TEST_CASE("create, get, conflict and delete a deployment", "[apiserver]") {
  ApiFixture f;
  auto created = f.call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeployment);
  REQUIRE(created.status == 201);
  auto obj = created.json_body();
  CHECK(obj["metadata"].as_object()["generation"] == 1);
  CHECK(obj["metadata"].as_object()["uid"].as_string().size() == 36);
  CHECK(obj["spec"].as_object()["strategy"].as_object()["type"] == "RollingUpdate");  // defaulted

  auto dup = f.call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeployment);
  CHECK(dup.status == 409);
  CHECK(dup.json_body()["message"] == "deployments.apps \"web\" already exists");

  auto got = f.call("GET", "/apis/apps/v1/namespaces/default/deployments/web");
  CHECK(got.status == 200);
  auto rv = std::string(got.json_body()["metadata"].as_object()["resourceVersion"].as_string());

  // A PUT pinned to an old resourceVersion conflicts once the object moved on.
  auto patched = f.call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web",
                        R"({"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.26"}]}}}})",
                        "application/strategic-merge-patch+json");
  REQUIRE(patched.status == 200);
  CHECK(patched.json_body()["metadata"].as_object()["generation"] == 2);
  auto stale = got.json_body();
  auto put = f.call("PUT", "/apis/apps/v1/namespaces/default/deployments/web", json::serialize(stale));
  CHECK(put.status == 409);
  CHECK(put.json_body()["reason"] == "Conflict");

  auto removed = f.call("DELETE", "/apis/apps/v1/namespaces/default/deployments/web");
  CHECK(removed.status == 200);
  auto gone = f.call("GET", "/apis/apps/v1/namespaces/default/deployments/web");
  CHECK(gone.status == 404);
  CHECK(gone.json_body()["message"] == "deployments.apps \"web\" not found");
}

TEST_CASE("patch types, scale, and bad bodies", "[apiserver]") {
  ApiFixture f;
  REQUIRE(f.call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeployment).status == 201);
  auto base = std::string("/apis/apps/v1/namespaces/default/deployments/web");
  CHECK(f.call("PATCH", base, R"({"spec":{"replicas":3}})", "application/merge-patch+json").status == 200);
  CHECK(f.call("PATCH", base, R"([{"op":"replace","path":"/spec/replicas","value":4}])", "application/json-patch+json").status == 200);
  CHECK(f.call("PATCH", base, "{}", "application/xml").status == 415);
  auto scale = f.call("PATCH", base + "/scale", R"({"spec":{"replicas":5}})", "application/merge-patch+json");
  REQUIRE(scale.status == 200);
  CHECK(scale.json_body()["kind"] == "Scale");
  CHECK(f.call("GET", base).json_body()["spec"].as_object()["replicas"] == 5);

  CHECK(f.call("POST", "/apis/apps/v1/namespaces/default/deployments", "{not json").status == 400);
  CHECK(f.call("POST", "/apis/apps/v1/namespaces/default/deployments", std::string(10000, '[')).status == 400);
  CHECK(f.call("POST", "/api/v1/namespaces/default/configmaps", kDeployment).status == 400);
  auto bad = f.call("POST", "/apis/apps/v1/namespaces/default/deployments",
                    R"({"metadata":{"name":"bad"},"spec":{"replicas":-1,"selector":{"matchLabels":{"a":"b"}},
                        "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}})");
  CHECK(bad.status == 422);
  CHECK(bad.json_body()["message"] == "Deployment.apps \"bad\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
}

TEST_CASE("list with selectors, paging and Table output", "[apiserver]") {
  ApiFixture f;
  for (int i = 0; i < 5; ++i) {
    auto body = fmt::format(R"({{"metadata":{{"name":"cm{}","labels":{{"n":"{}"}}}},"data":{{"k":"v"}}}})", i, i % 2);
    REQUIRE(f.call("POST", "/api/v1/namespaces/default/configmaps", body).status == 201);
  }
  auto odd = f.call("GET", "/api/v1/namespaces/default/configmaps?labelSelector=n%3D1");
  CHECK(odd.json_body()["items"].as_array().size() == 2);
  auto page = f.call("GET", "/api/v1/configmaps?limit=2");
  auto meta = page.json_body()["metadata"].as_object();
  REQUIRE(meta.contains("continue"));
  auto next = f.call("GET", "/api/v1/configmaps?limit=10&continue=" + std::string(meta["continue"].as_string()));
  CHECK(next.json_body()["items"].as_array().size() == 3);
  CHECK(f.call("GET", "/api/v1/configmaps?fieldSelector=spec.nope%3Dx").status == 400);
  CHECK(f.call("GET", "/api/v1/configmaps?labelSelector=%3D%3D%3D").status == 400);
  auto table = f.call("GET", "/api/v1/namespaces/default/configmaps", "", "application/json",
                      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
  auto t = table.json_body();
  CHECK(t["kind"] == "Table");
  CHECK(t["rows"].as_array().size() == 5);
  CHECK(t["columnDefinitions"].as_array()[0].as_object()["name"] == "Name");

  // deletecollection honours the selector.
  auto removed = f.call("DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=n%3D1");
  CHECK(removed.status == 200);
  CHECK(removed.json_body()["items"].as_array().size() == 2);
  CHECK(f.call("GET", "/api/v1/namespaces/default/configmaps").json_body()["items"].as_array().size() == 3);
}

TEST_CASE("watch streams later changes, with selectors applied per change", "[apiserver][watch]") {
  ApiFixture f;
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/configmaps", R"({"metadata":{"name":"a","labels":{"x":"1"}}})").status == 201);
  auto listed = f.call("GET", "/api/v1/namespaces/default/configmaps");
  auto rv = std::string(listed.json_body()["metadata"].as_object()["resourceVersion"].as_string());

  http::Request req;
  req.method = "GET";
  req.path = "/api/v1/namespaces/default/configmaps";
  req.query = http::parse_query("watch=true&timeoutSeconds=1&labelSelector=x%3D1&resourceVersion=" + rv);
  Recorder out;
  bool done = false;
  asio::co_spawn(f.io, f.api->handle(req, out), [&](std::exception_ptr) { done = true; });
  f.io.restart();
  f.io.poll();
  // A change that keeps matching, one that stops matching, and one that never matched.
  f.call("PATCH", "/api/v1/namespaces/default/configmaps/a", R"({"data":{"k":"v"}})", "application/merge-patch+json");
  f.call("PATCH", "/api/v1/namespaces/default/configmaps/a", R"({"metadata":{"labels":{"x":"2"}}})", "application/merge-patch+json");
  f.call("POST", "/api/v1/namespaces/default/configmaps", R"({"metadata":{"name":"b"}})");
  f.io.restart();
  while (!done) f.io.run_one();
  CHECK(out.status == 200);
  CHECK(out.finished);
  std::string all;
  for (auto& c : out.chunks) all += c;
  CHECK(all.find(R"("type":"MODIFIED")") != std::string::npos);
  CHECK(all.find(R"("type":"DELETED")") != std::string::npos);
  CHECK(all.find(R"("name":"b")") == std::string::npos);

  // A compacted resourceVersion ends the watch with 410 Expired.
  for (int i = 0; i < 3; ++i) f.call("PATCH", "/api/v1/namespaces/default/configmaps/b", R"({"data":{"i":"x"}})", "application/merge-patch+json");
  REQUIRE(testing::run_coro(f.io, f.db->compact(f.db->revision())));
  http::Request old = req;
  old.query = http::parse_query("watch=true&timeoutSeconds=1&resourceVersion=2");
  Recorder expired;
  testing::run_coro(f.io, f.api->handle(old, expired));
  std::string text;
  for (auto& c : expired.chunks) text += c;
  CHECK(text.find(R"("code":410)") != std::string::npos);
}
