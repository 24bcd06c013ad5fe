// The REST layer in process: requests go straight into Api::handle (no TLS), against a
// real store in a temporary directory. These run under the sanitizers in CI.

#include "rest/api.h"

#include "run_coro.h"

#include <catch2/catch.hpp>

#include <algorithm>

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
    body = r.text();
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

  explicit ApiFixture(rest::ApiConfig config = {"v1.32.0+kscratch", "127.0.0.1:6443"}) {
    store::StoreOptions o;
    o.path = dir.path() / "state.db";
    db = *store::open_store(io, o);
    api = std::make_unique<rest::Api>(db, std::move(config));
    testing::run_coro(io, api->ensure_defaults());
  }
  ~ApiFixture() { db->close(); }

  std::string user_agent;  // sent when set

  Recorder call(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& content_type = "application/json", const std::string& accept = "application/json") {
    http::Request req;
    if (!user_agent.empty()) req.headers["user-agent"] = user_agent;
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

namespace {

// A one-second watch of the default namespace's ConfigMaps, with more query parameters.
http::Request watch_configmaps(const std::string& query) {
  http::Request req;
  req.method = "GET";
  req.path = "/api/v1/namespaces/default/configmaps";
  req.query = http::parse_query("watch=true&timeoutSeconds=1&" + query);
  return req;
}

}  // namespace

TEST_CASE("watch streams later changes, with selectors applied per change", "[apiserver][watch]") {
  ApiFixture f;
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/configmaps", R"({"metadata":{"name":"a","labels":{"x":"1"}}})").status == 201);
  auto listed = f.call("GET", "/api/v1/namespaces/default/configmaps");
  auto rv = std::string(listed.json_body()["metadata"].as_object()["resourceVersion"].as_string());

  auto req = watch_configmaps("labelSelector=x%3D1&resourceVersion=" + rv);
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

TEST_CASE("watchers without selectors share one encoding of each change", "[apiserver][watch]") {
  ApiFixture f;
  auto listed = f.call("GET", "/api/v1/namespaces/default/configmaps");
  auto rv = std::string(listed.json_body()["metadata"].as_object()["resourceVersion"].as_string());
  auto req = watch_configmaps("resourceVersion=" + rv);
  Recorder first, second;
  int done = 0;
  asio::co_spawn(f.io, f.api->handle(req, first), [&](std::exception_ptr) { ++done; });
  asio::co_spawn(f.io, f.api->handle(req, second), [&](std::exception_ptr) { ++done; });
  f.io.restart();
  f.io.poll();
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/configmaps", R"({"metadata":{"name":"a"}})").status == 201);
  auto patched = f.call("PATCH", "/api/v1/namespaces/default/configmaps/a", R"({"data":{"k":"v"}})",
                        "application/merge-patch+json");
  REQUIRE(f.call("DELETE", "/api/v1/namespaces/default/configmaps/a").status == 200);
  f.io.restart();
  while (done < 2) f.io.run_one();
  std::string a, b;
  for (auto& c : first.chunks) a += c;
  for (auto& c : second.chunks) b += c;
  CHECK(a == b);
  // One line per change, each a whole event with the change's own resourceVersion.
  std::vector<json::object> events;
  std::size_t start = 0;
  for (auto end = a.find('\n'); end != std::string::npos; start = end + 1, end = a.find('\n', start)) {
    events.push_back(json::parse(a.substr(start, end - start)).as_object());
  }
  REQUIRE(events.size() == 3);
  CHECK(events[0]["type"] == "ADDED");
  CHECK(events[1]["type"] == "MODIFIED");
  CHECK(events[2]["type"] == "DELETED");
  CHECK(events[1]["object"].as_object()["data"].as_object()["k"] == "v");
  auto rv_of = [](json::object& e) { return e["object"].as_object()["metadata"].as_object()["resourceVersion"]; };
  CHECK(rv_of(events[1]) == patched.json_body()["metadata"].as_object()["resourceVersion"]);
  CHECK(rv_of(events[0]) != rv_of(events[1]));
  CHECK(rv_of(events[1]) != rv_of(events[2]));
}

namespace {

// "manager/operation[/subresource]" of each managedFields entry.
std::vector<std::string> managers_of(const json::object& o) {
  std::vector<std::string> out;
  auto meta = o.at("metadata").as_object();
  if (!meta.contains("managedFields")) return out;
  for (const auto& e : meta.at("managedFields").as_array()) {
    const auto& eo = e.as_object();
    auto line = std::string(eo.at("manager").as_string()) + "/" + std::string(eo.at("operation").as_string());
    if (eo.contains("subresource")) line += "/" + std::string(eo.at("subresource").as_string());
    out.push_back(line);
  }
  return out;
}

const char* kApplied = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.25"}]
)";

}  // namespace

TEST_CASE("managedFields: creates and updates name their manager", "[apiserver][fieldmanager]") {
  ApiFixture f;
  f.user_agent = "kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9";
  auto created = f.call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeployment);
  REQUIRE(created.status == 201);
  CHECK(managers_of(created.json_body()) == std::vector<std::string>{"kubectl/Update"});
  auto entry = created.json_body()["metadata"].as_object()["managedFields"].as_array()[0].as_object();
  CHECK(entry["apiVersion"] == "apps/v1");
  CHECK(entry["fieldsType"] == "FieldsV1");
  CHECK(entry["fieldsV1"].as_object()["f:spec"].as_object().contains("f:replicas"));

  auto base = std::string("/apis/apps/v1/namespaces/default/deployments/web");
  auto labeled = f.call("PATCH", base + "?fieldManager=kubectl-label", R"({"metadata":{"labels":{"tier":"fe"}}})",
                        "application/merge-patch+json");
  REQUIRE(labeled.status == 200);
  auto after_label = managers_of(labeled.json_body());
  std::sort(after_label.begin(), after_label.end());
  CHECK(after_label == std::vector<std::string>{"kubectl-label/Update", "kubectl/Update"});
  auto scaled = f.call("PATCH", base + "/scale", R"({"spec":{"replicas":5}})", "application/merge-patch+json");
  REQUIRE(scaled.status == 200);
  // Update entries are ordered by time, then manager: sort for a test that may cross a second.
  auto after_scale = managers_of(f.call("GET", base).json_body());
  std::sort(after_scale.begin(), after_scale.end());
  CHECK(after_scale == std::vector<std::string>{"kubectl-label/Update", "kubectl/Update", "kubectl/Update/scale"});

  auto too_long = f.call("POST", "/api/v1/namespaces/default/configmaps?fieldManager=" + std::string(129, 'x'),
                         R"({"metadata":{"name":"c"}})");
  CHECK(too_long.status == 422);
  CHECK(too_long.json_body()["message"] ==
        "CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes");
  auto forced = f.call("PATCH", base + "?force=true", "{}", "application/merge-patch+json");
  CHECK(forced.status == 422);
  CHECK(forced.json_body()["message"] ==
        "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch");
}

TEST_CASE("server-side apply: create, conflicts with causes, force", "[apiserver][fieldmanager]") {
  ApiFixture f;
  auto base = std::string("/apis/apps/v1/namespaces/default/deployments/web");
  auto missing = f.call("PATCH", base, kApplied, "application/apply-patch+yaml");
  CHECK(missing.status == 422);
  CHECK(missing.json_body()["message"] ==
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");

  auto created = f.call("PATCH", base + "?fieldManager=kubectl&force=false", kApplied, "application/apply-patch+yaml");
  REQUIRE(created.status == 201);
  CHECK(managers_of(created.json_body()) == std::vector<std::string>{"kubectl/Apply"});
  auto fields = created.json_body()["metadata"].as_object()["managedFields"].as_array()[0].as_object()["fieldsV1"];
  CHECK(boost::json::serialize(fields) ==
        R"({"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":)"
        R"({"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":)"
        R"({".":{},"f:image":{},"f:name":{}}}}}}})");

  // Applying the same configuration again changes nothing.
  auto again = f.call("PATCH", base + "?fieldManager=kubectl", kApplied, "application/apply-patch+yaml");
  REQUIRE(again.status == 200);
  CHECK(again.json_body()["metadata"].as_object()["resourceVersion"] ==
        created.json_body()["metadata"].as_object()["resourceVersion"]);

  REQUIRE(f.call("PATCH", base + "?fieldManager=kubectl-client-side-apply", R"({"spec":{"replicas":5}})",
                 "application/strategic-merge-patch+json").status == 200);
  std::string changed = kApplied;
  changed.replace(changed.find("replicas: 2"), 11, "replicas: 3");
  auto refused = f.call("PATCH", base + "?fieldManager=kubectl", changed, "application/apply-patch+yaml");
  REQUIRE(refused.status == 409);
  auto body = refused.json_body();
  CHECK(body["reason"] == "Conflict");
  CHECK(body["message"] ==
        R"(Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas)");
  auto cause = body["details"].as_object()["causes"].as_array()[0].as_object();
  CHECK(cause["type"] == "FieldManagerConflict");
  CHECK(cause["message"] == R"(conflict with "kubectl-client-side-apply" using apps/v1)");
  CHECK(cause["field"] == ".spec.replicas");

  auto forced = f.call("PATCH", base + "?fieldManager=kubectl&force=true", changed, "application/apply-patch+yaml");
  REQUIRE(forced.status == 200);
  CHECK(forced.json_body()["spec"].as_object()["replicas"] == 3);
  // The other manager owned only replicas: its entry is gone.
  CHECK(managers_of(forced.json_body()) == std::vector<std::string>{"kubectl/Apply"});

  // Dropping the label from the configuration removes it from the object.
  std::string unlabeled = changed;
  unlabeled.replace(unlabeled.find("labels: {app: web}}"), 19, "}");
  auto pruned = f.call("PATCH", base + "?fieldManager=kubectl", unlabeled, "application/apply-patch+yaml");
  REQUIRE(pruned.status == 200);
  CHECK_FALSE(pruned.json_body()["metadata"].as_object().contains("labels"));

  auto wrong_version = f.call("PATCH", base + "?fieldManager=kubectl", "apiVersion: apps/v2\nkind: Deployment\n",
                              "application/apply-patch+yaml");
  CHECK(wrong_version.status == 400);
  CHECK(wrong_version.json_body()["message"] ==
        "Incorrect version specified in apply patch. Specified patch version: apps/v2, expected: apps/v1");
}

TEST_CASE("concurrent patches without a resourceVersion all apply; a pinned stale one conflicts", "[apiserver]") {
  ApiFixture f;
  REQUIRE(f.call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeployment).status == 201);
  auto base = std::string("/apis/apps/v1/namespaces/default/deployments/web");
  // Interleaved read-modify-writes of one object: the losers of each race go round again,
  // as upstream's GuaranteedUpdate does, whether they patch the object or its status.
  constexpr int kPatches = 12;
  std::vector<Recorder> out(2 * kPatches);
  std::vector<http::Request> reqs;
  for (int i = 0; i < 2 * kPatches; ++i) {
    http::Request req;
    req.method = "PATCH";
    req.user = "test";
    req.headers["content-type"] = "application/merge-patch+json";
    req.headers["accept"] = "application/json";
    bool status = i % 2 == 1;
    req.path = status ? base + "/status" : base;
    req.body = status ? fmt::format(R"({{"status":{{"conditions":[{{"type":"T{}","status":"True"}}]}}}})", i)
                      : fmt::format(R"({{"metadata":{{"labels":{{"l{}":"v"}}}}}})", i);
    reqs.push_back(std::move(req));
  }
  int done = 0;
  for (int i = 0; i < 2 * kPatches; ++i) {
    asio::co_spawn(f.io, f.api->handle(reqs[i], out[i]), [&](std::exception_ptr) { ++done; });
  }
  f.io.restart();
  while (done < 2 * kPatches && f.io.run_one() > 0) {
  }
  for (auto& r : out) {
    INFO(r.body);
    CHECK(r.status == 200);
  }
  auto labels = f.call("GET", base).json_body()["metadata"].as_object()["labels"].as_object();
  for (int i = 0; i < 2 * kPatches; i += 2) CHECK(labels.contains(fmt::format("l{}", i)));

  auto pinned = f.call("PATCH", base + "/status", R"({"metadata":{"resourceVersion":"1"},"status":{"replicas":1}})",
                       "application/merge-patch+json");
  CHECK(pinned.status == 409);
  CHECK(pinned.json_body()["reason"] == "Conflict");
}

TEST_CASE("pods get the server's default toleration seconds for not-ready and unreachable nodes", "[apiserver]") {
  rest::ApiConfig config{"v1.32.0+kscratch", "127.0.0.1:6443"};
  config.default_not_ready_toleration_seconds = 7;
  config.default_unreachable_toleration_seconds = 5;
  ApiFixture f(config);
  auto created = f.call("POST", "/api/v1/namespaces/default/pods", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
    "spec":{"containers":[{"name":"c","image":"i"}],
      "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":60}]}})");
  REQUIRE(created.status == 201);
  auto tolerations = created.json_body()["spec"].as_object()["tolerations"].as_array();
  REQUIRE(tolerations.size() == 2);
  CHECK(tolerations[0].as_object()["tolerationSeconds"] == 60);  // the pod's own wins
  CHECK(tolerations[1].as_object()["key"] == "node.kubernetes.io/unreachable");
  CHECK(tolerations[1].as_object()["tolerationSeconds"] == 5);
}

TEST_CASE("DELETE takes its DeleteOptions as protobuf, as kubectl drain sends them", "[apiserver]") {
  ApiFixture f;
  auto pod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
    "spec":{"nodeName":"n1","containers":[{"name":"c","image":"i"}]}})";
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/pods", pod).status == 201);
  // "k8s\0" + runtime.Unknown{typeMeta{v1, DeleteOptions}, raw: DeleteOptions{gracePeriodSeconds: 0}}.
  std::string raw("\x08\x00", 2);
  std::string type_meta = std::string("\x0a\x02v1\x12\x0d", 6) + "DeleteOptions";
  std::string body = std::string("k8s\0", 4) + "\x0a" + static_cast<char>(type_meta.size()) + type_meta + "\x12" +
                     static_cast<char>(raw.size()) + raw + std::string("\x1a\x00\x22\x00", 4);
  auto removed = f.call("DELETE", "/api/v1/namespaces/default/pods/p", body, "application/vnd.kubernetes.protobuf");
  INFO(removed.body);
  CHECK(removed.status == 200);
  CHECK(f.call("GET", "/api/v1/namespaces/default/pods/p").status == 404);  // grace 0: gone at once
}

TEST_CASE("DELETE with dryRun in its DeleteOptions deletes nothing", "[apiserver]") {
  ApiFixture f;
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/configmaps", R"({"metadata":{"name":"keep"}})").status == 201);
  auto dry = f.call("DELETE", "/api/v1/namespaces/default/configmaps/keep",
                    R"({"kind":"DeleteOptions","apiVersion":"v1","dryRun":["All"]})", "application/json");
  CHECK(dry.status == 200);
  CHECK(f.call("GET", "/api/v1/namespaces/default/configmaps/keep").status == 200);
  CHECK(f.call("DELETE", "/api/v1/namespaces/default/configmaps/keep").status == 200);
  CHECK(f.call("GET", "/api/v1/namespaces/default/configmaps/keep").status == 404);
}

TEST_CASE("pods/eviction deletes the pod with the eviction's DeleteOptions, as kubectl drain asks", "[apiserver]") {
  ApiFixture f;
  auto pod = [](const char* name) {
    return fmt::format(R"({{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{}"}},
      "spec":{{"nodeName":"n1","containers":[{{"name":"c","image":"i"}}]}}}})",
                       name);
  };
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/pods", pod("p")).status == 201);
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/pods", pod("q")).status == 201);

  // The discovery entry kubectl's CheckEvictionSupport looks for.
  auto core = f.call("GET", "/api/v1").body;
  CHECK(core.find(R"({"name":"pods/eviction","singularName":"","namespaced":true,"group":"policy","version":"v1","kind":"Eviction","verbs":["create"]})") !=
        std::string::npos);

  auto mismatch = f.call("POST", "/api/v1/namespaces/default/pods/p/eviction",
                         R"({"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"other"}})");
  CHECK(mismatch.status == 400);
  CHECK(f.call("POST", "/api/v1/namespaces/default/pods/gone/eviction",
               R"({"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"gone"}})")
            .status == 404);

  // Grace 0: gone at once. Without options a bound pod is only marked for its kubelet.
  auto evicted = f.call("POST", "/api/v1/namespaces/default/pods/p/eviction",
                        R"({"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"p","namespace":"default"},
                           "deleteOptions":{"gracePeriodSeconds":0}})");
  INFO(evicted.body);
  CHECK(evicted.status == 201);
  CHECK(evicted.json_body()["status"] == "Success");
  CHECK(f.call("GET", "/api/v1/namespaces/default/pods/p").status == 404);
  CHECK(f.call("POST", "/api/v1/namespaces/default/pods/q/eviction",
               R"({"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"q"}})")
            .status == 201);
  auto marked = f.call("GET", "/api/v1/namespaces/default/pods/q");
  REQUIRE(marked.status == 200);
  CHECK(marked.json_body()["metadata"].as_object().contains("deletionTimestamp"));
}
