// Server-side apply: creation, conflicts, force, and fields dropped from later applies.

#include <catch2/catch.hpp>

#include "test_support.h"

using namespace fm_test;

namespace {

const char* kApplied = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
  "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
  "spec":{"containers":[{"name":"web","image":"nginx:1.25"}]}}}})";

std::variant<json::object, ApplyError> try_apply(const json::object& live, const json::object& config,
                                                 const char* manager, bool force = false) {
  return apply(deployment_scope(), live, config, manager, force, "2024-02-02T00:00:00Z");
}

json::object must_apply(const json::object& live, const json::object& config, const char* manager,
                        bool force = false) {
  auto out = try_apply(live, config, manager, force);
  if (auto* e = std::get_if<ApplyError>(&out)) FAIL("apply failed: " << e->message);
  auto o = std::get<json::object>(out);
  o["metadata"].as_object()["uid"] = "u-1";  // as stored
  return o;
}

}  // namespace

TEST_CASE("apply creates: the applier owns exactly the applied fields", "[fieldmanager]") {
  auto o = must_apply(json::object(), obj(kApplied), "kubectl");
  CHECK(at(o, {"spec", "replicas"})->as_int64() == 2);
  auto e = entries(o);
  REQUIRE(e.size() == 1);
  CHECK(e[0] ==
        R"(kubectl/Apply: {"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},)"
        R"("f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":)"
        R"({".":{},"f:image":{},"f:name":{}}}}}}})");
  const auto& entry = o["metadata"].as_object()["managedFields"].as_array()[0].as_object();
  CHECK(entry.at("apiVersion") == "apps/v1");
  CHECK(entry.at("time") == "2024-02-02T00:00:00Z");
  CHECK(entry.at("fieldsType") == "FieldsV1");
}

TEST_CASE("a conflicting value owned by another manager is refused, unless forced", "[fieldmanager]") {
  auto live = must_apply(json::object(), obj(kApplied), "kubectl");
  // kubectl scale takes spec.replicas through /scale.
  auto scaled = live;
  scaled["spec"].as_object()["replicas"] = 5;
  track_update(deployment_scope("scale"), &live, scaled, "kubectl", "2024-02-03T00:00:00Z");
  auto e = entries(scaled);
  REQUIRE(e.size() == 2);
  CHECK(e[1] == R"(kubectl/Update/scale: {"f:spec":{"f:replicas":{}}})");
  CHECK(e[0].find("f:replicas") == std::string::npos);

  // The same value again is no conflict: ownership is shared.
  auto same = obj(kApplied);
  same["spec"].as_object()["replicas"] = 5;
  auto shared = must_apply(scaled, same, "kubectl");
  CHECK(entries(shared)[0].find("f:replicas") != std::string::npos);
  CHECK(entries(shared)[1] == R"(kubectl/Update/scale: {"f:spec":{"f:replicas":{}}})");

  auto other = obj(kApplied);
  other["spec"].as_object()["replicas"] = 3;
  auto refused = try_apply(scaled, other, "kubectl");
  REQUIRE(std::holds_alternative<ApplyError>(refused));
  const auto& err = std::get<ApplyError>(refused);
  CHECK(err.code == 409);
  CHECK(err.message ==
        R"(Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas)");
  REQUIRE(err.conflicts.size() == 1);
  CHECK(err.conflicts[0].manager == R"("kubectl" with subresource "scale" using apps/v1)");
  CHECK(err.conflicts[0].field == ".spec.replicas");

  auto forced = must_apply(scaled, other, "kubectl", true);
  CHECK(at(forced, {"spec", "replicas"})->as_int64() == 3);
  auto fe = entries(forced);
  REQUIRE(fe.size() == 1);  // the scale entry owned nothing else
  CHECK(fe[0].find("f:replicas") != std::string::npos);
}

TEST_CASE("several conflicts are listed by manager", "[fieldmanager]") {
  auto live = created_by("kubectl-client-side-apply", kApplied);
  auto changed = obj(kApplied);
  changed["spec"].as_object()["replicas"] = 3;
  changed["metadata"].as_object()["labels"].as_object()["app"] = "other";
  auto refused = try_apply(live, changed, "kubectl");
  REQUIRE(std::holds_alternative<ApplyError>(refused));
  CHECK(std::get<ApplyError>(refused).message ==
        "Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:\n"
        "- .metadata.labels.app\n- .spec.replicas");
}

TEST_CASE("fields dropped from the next apply are removed unless someone else owns them", "[fieldmanager]") {
  auto first = obj(kApplied);
  first["metadata"].as_object()["labels"].as_object()["tier"] = "fe";
  first["metadata"].as_object()["labels"].as_object()["shared"] = "s";
  auto live = must_apply(json::object(), first, "kubectl");
  // Another applier also sets the shared label.
  live = must_apply(live, obj(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web",
    "labels":{"shared":"s"}}})"), "other");

  auto second = obj(kApplied);  // neither tier nor shared any more
  auto after = must_apply(live, second, "kubectl");
  const auto& labels = at(after, {"metadata", "labels"})->as_object();
  CHECK(labels.contains("app"));
  CHECK_FALSE(labels.contains("tier"));
  CHECK(labels.contains("shared"));
  auto e = entries(after);
  REQUIRE(e.size() == 2);
  CHECK(e[0].find("tier") == std::string::npos);
  CHECK(e[1] == R"(other/Apply: {"f:metadata":{"f:labels":{"f:shared":{}}}})");

  // A container dropped from the configuration goes with all its fields.
  auto two = obj(kApplied);
  two["spec"].as_object()["template"].as_object()["spec"].as_object()["containers"].as_array().push_back(
      json::object{{"name", "side"}, {"image", "busybox"}});
  auto with_side = must_apply(after, two, "kubectl");
  CHECK(at(with_side, {"spec", "template", "spec", "containers"})->as_array().size() == 2);
  auto without = must_apply(with_side, obj(kApplied), "kubectl");
  CHECK(at(without, {"spec", "template", "spec", "containers"})->as_array().size() == 1);
}

TEST_CASE("the first apply to an untracked object meets before-first-apply", "[fieldmanager]") {
  auto live = obj(kApplied);
  live["metadata"].as_object()["uid"] = "u-1";
  auto changed = obj(kApplied);
  changed["spec"].as_object()["replicas"] = 9;
  auto refused = try_apply(live, changed, "kubectl");
  REQUIRE(std::holds_alternative<ApplyError>(refused));
  CHECK(std::get<ApplyError>(refused).message ==
        R"(Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas)");
  auto same = must_apply(live, obj(kApplied), "kubectl");
  auto e = entries(same);
  REQUIRE(e.size() == 2);
  CHECK(e[0].rfind("kubectl/Apply", 0) == 0);
  CHECK(e[1].rfind("before-first-apply/Update", 0) == 0);
}

TEST_CASE("an apply that changes nothing leaves the object untouched", "[fieldmanager]") {
  auto live = must_apply(json::object(), obj(kApplied), "kubectl");
  auto again = apply(deployment_scope(), live, obj(kApplied), "kubectl", false, "2030-01-01T00:00:00Z");
  REQUIRE(std::holds_alternative<json::object>(again));
  CHECK(std::get<json::object>(again) == live);
}

TEST_CASE("bad configurations", "[fieldmanager]") {
  auto with_mf = obj(kApplied);
  with_mf["metadata"].as_object()["managedFields"] = json::array{json::object{}};
  auto r = try_apply(json::object(), with_mf, "kubectl");
  REQUIRE(std::holds_alternative<ApplyError>(r));
  CHECK(std::get<ApplyError>(r).message == "metadata.managedFields must be nil");
  auto no_key = obj(R"({"apiVersion":"apps/v1","kind":"Deployment","spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})");
  r = try_apply(json::object(), no_key, "kubectl");
  REQUIRE(std::holds_alternative<ApplyError>(r));
  CHECK(std::get<ApplyError>(r).message.rfind("failed to create typed patch object (apps/v1, Kind=Deployment): ", 0) == 0);
}

TEST_CASE("status is not owned through the main resource", "[fieldmanager]") {
  auto config = obj(kApplied);
  config["status"] = json::object{{"replicas", 1}};
  auto o = must_apply(json::object(), config, "kubectl");
  CHECK(entries(o)[0].find("status") == std::string::npos);
}

TEST_CASE("kubectl's server-side apply takes over what client-side apply last applied", "[fieldmanager]") {
  auto csa = obj(kApplied);
  csa["metadata"].as_object()["annotations"] = json::object{
      {"kubectl.kubernetes.io/last-applied-configuration", json::serialize(obj(kApplied)) + "\n"}};
  auto live = created_by("kubectl-client-side-apply", json::serialize(csa).c_str());

  auto changed = obj(kApplied);
  changed["spec"].as_object()["replicas"] = 3;
  // Another manager still conflicts.
  REQUIRE(std::holds_alternative<ApplyError>(try_apply(live, changed, "other")));
  auto taken = must_apply(live, changed, "kubectl");
  CHECK(at(taken, {"spec", "replicas"})->as_int64() == 3);
  auto annotation = at(taken, {"metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"});
  REQUIRE(annotation);
  CHECK(annotation->as_string() ==
        R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web"},)"
        R"("spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":)"
        R"({"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25","name":"web"}]}}}})"
        "\n");

  // A value someone changed since the last client-side apply is a real conflict.
  auto edited = live;
  edited["spec"].as_object()["replicas"] = 7;
  track_update(deployment_scope(), &live, edited, "kubectl-edit", "2024-01-05T00:00:00Z");
  auto refused = try_apply(edited, changed, "kubectl");
  REQUIRE(std::holds_alternative<ApplyError>(refused));
  CHECK(std::get<ApplyError>(refused).message ==
        R"(Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas)");
}
