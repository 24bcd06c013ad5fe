// deployment/util: fenceposts, hashing, template equality, annotations, proportions.

#include <catch2/catch.hpp>

#include "controllers/deployment/util.h"
#include "fixtures.h"

using namespace kscratch::controllers;
using namespace kscratch::controllers::deployment;

namespace {

json::value int_or_percent(const std::string& v) {
  if (!v.empty() && v.back() == '%') return json::value(v);
  return json::value(std::stoi(v));
}

Fenceposts fenceposts(const std::string& surge, const std::string& unavailable, int32_t desired) {
  auto f = resolve_fenceposts(int_or_percent(surge), int_or_percent(unavailable), desired);
  REQUIRE(f.ok());
  return *f;
}

}  // namespace

TEST_CASE("fenceposts: surge rounds up, unavailable rounds down, never both zero") {
  struct Case {
    std::string surge, unavailable;
    int32_t desired, want_surge, want_unavailable;
  };
  for (const Case& c : std::vector<Case>{{"25%", "25%", 10, 3, 2},
                                         {"25%", "25%", 4, 1, 1},
                                         {"25%", "25%", 1, 1, 0},
                                         {"50%", "50%", 5, 3, 2},
                                         {"1%", "0%", 2, 1, 0},
                                         {"0%", "1%", 2, 0, 1},  // rounds to 0/0: unavailable 1
                                         {"0", "0", 3, 0, 1},
                                         {"3", "2", 10, 3, 2},
                                         {"100%", "0%", 3, 3, 0},
                                         {"25%", "25%", 0, 0, 1}}) {
    CAPTURE(c.surge, c.unavailable, c.desired);
    Fenceposts f = fenceposts(c.surge, c.unavailable, c.desired);
    CHECK(f.surge == c.want_surge);
    CHECK(f.unavailable == c.want_unavailable);
  }
  CHECK_FALSE(resolve_fenceposts(json::value("x%"), json::value(1), 3).ok());
  CHECK(resolve_fenceposts(json::value(nullptr), json::value(nullptr), 3)->unavailable == 1);
  // A string without % is a plain number, as intstr parses it.
  CHECK(*scaled_value_from_int_or_percent(json::value("7"), 100, true) == 7);
}

TEST_CASE("max_unavailable is at most replicas, and zero for Recreate or no replicas") {
  Deployment d = Deployment::parse(fx::deployment("web", 2, "img", "0", "5"));
  CHECK(max_unavailable(d) == 2);
  d.replicas = 0;
  CHECK(max_unavailable(d) == 0);
  json::object recreate = fx::deployment("web", 4, "img");
  fx::set_recreate(recreate);
  d = Deployment::parse(recreate);
  CHECK(max_unavailable(d) == 0);
  CHECK(max_surge(d) == 0);
}

TEST_CASE("hash: FNV-32a, printed in decimal, safe-encoded") {
  CHECK(fnv32a("") == 2166136261u);
  CHECK(fnv32a("a") == 0xe40c292cu);
  CHECK(fnv32a("foobar") == 0xbf9cf968u);
  CHECK(safe_encode_string("0123456789") == "456789bcdf");

  json::object t1 = json::parse(R"({"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"a","image":"x"}]}})").as_object();
  json::object t2 = json::parse(R"({"spec":{"containers":[{"image":"x","name":"a"}]},"metadata":{"labels":{"app":"web"}}})").as_object();
  const std::string h = compute_hash(t1, std::nullopt);
  CHECK(h == compute_hash(t2, std::nullopt));  // key order does not matter
  CHECK(h.find_first_not_of("456789bcdf") == std::string::npos);
  CHECK(h.size() >= 1);
  CHECK(h.size() <= 10);
  CHECK(compute_hash(t1, 0) != h);  // a set collisionCount is hashed, even 0
  CHECK(compute_hash(t1, 1) != compute_hash(t1, 0));
  set_annotation(t1, "x", "y");
  CHECK(compute_hash(t1, std::nullopt) != h);
}

TEST_CASE("equal_ignore_hash ignores the pod-template-hash label and nil-vs-empty") {
  json::object a = json::parse(R"({"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"a"}]}})").as_object();
  json::object b = a;
  b["metadata"].as_object()["labels"].as_object()["pod-template-hash"] = "abc";
  CHECK(equal_ignore_hash(a, b));
  b["metadata"].as_object()["annotations"] = json::object();
  b["spec"].as_object()["volumes"] = json::array();
  CHECK(equal_ignore_hash(a, b));
  b["spec"].as_object()["containers"].as_array()[0].as_object()["image"] = "v2";
  CHECK_FALSE(equal_ignore_hash(a, b));
}

TEST_CASE("new ReplicaSet annotations: copied, revision raised, history kept on rollback") {
  json::object dobj = fx::deployment("web", 10, "img");
  set_annotation(dobj, "team", "blue");
  set_annotation(dobj, "kubectl.kubernetes.io/last-applied-configuration", "{}");
  set_annotation(dobj, std::string(kRevisionAnnotation), "7");
  Deployment d = Deployment::parse(dobj);

  json::object rs = fx::replicaset("web-1", 0, {{"app", "web"}});
  CHECK(set_new_replicaset_annotations(d, rs, "1", false, kMaxRevisionHistoryLengthInChars));
  CHECK(annotation_of(rs, "team") == "blue");
  CHECK_FALSE(annotation_of(rs, "kubectl.kubernetes.io/last-applied-configuration"));
  CHECK(annotation_of(rs, kRevisionAnnotation) == "1");
  CHECK_FALSE(annotation_of(rs, kRevisionHistoryAnnotation));
  CHECK(annotation_of(rs, kDesiredReplicasAnnotation) == "10");
  CHECK(annotation_of(rs, kMaxReplicasAnnotation) == "13");
  CHECK_FALSE(set_new_replicaset_annotations(d, rs, "1", true, kMaxRevisionHistoryLengthInChars));

  // Rolled back to: revision 1 becomes 3, then 3 becomes 5.
  CHECK(set_new_replicaset_annotations(d, rs, "3", true, kMaxRevisionHistoryLengthInChars));
  CHECK(annotation_of(rs, kRevisionAnnotation) == "3");
  CHECK(annotation_of(rs, kRevisionHistoryAnnotation) == "1");
  CHECK(set_new_replicaset_annotations(d, rs, "5", true, kMaxRevisionHistoryLengthInChars));
  CHECK(annotation_of(rs, kRevisionHistoryAnnotation) == "1,3");
  // The history is trimmed from the oldest end to fit.
  CHECK(set_new_replicaset_annotations(d, rs, "7", true, 4));
  CHECK(annotation_of(rs, kRevisionHistoryAnnotation) == "3,5");
  // A smaller revision is never written.
  CHECK_FALSE(set_new_replicaset_annotations(d, rs, "2", true, kMaxRevisionHistoryLengthInChars));
}

TEST_CASE("NewRSNewReplicas: up to the surge, never past the desired count") {
  Deployment d = Deployment::parse(fx::deployment("web", 10, "img"));  // surge 3
  json::object old_rs = fx::replicaset("old", 10, {{"app", "web"}});
  json::object new_rs = fx::replicaset("new", 0, {{"app", "web"}});
  RsList all{std::make_shared<const json::object>(old_rs), std::make_shared<const json::object>(new_rs)};
  CHECK(*new_rs_new_replicas(d, all, new_rs) == 3);
  old_rs = with_replicas(old_rs, 2);
  new_rs = with_replicas(new_rs, 9);
  all = {std::make_shared<const json::object>(old_rs), std::make_shared<const json::object>(new_rs)};
  CHECK(*new_rs_new_replicas(d, all, new_rs) == 10);
  old_rs = with_replicas(old_rs, 13);
  all = {std::make_shared<const json::object>(old_rs), std::make_shared<const json::object>(new_rs)};
  CHECK(*new_rs_new_replicas(d, all, new_rs) == 9);  // at the cap: stays

  json::object recreate = fx::deployment("web", 4, "img");
  fx::set_recreate(recreate);
  CHECK(*new_rs_new_replicas(Deployment::parse(recreate), all, new_rs) == 4);
}

TEST_CASE("GetProportion: the ReplicaSet's share of what is added or removed") {
  Deployment d = Deployment::parse(fx::deployment("web", 10, "img", "0", "1"));
  json::object rs = fx::replicaset("a", 3, {});
  set_annotation(rs, std::string(kMaxReplicasAnnotation), "5");
  CHECK(get_proportion(&rs, d, 5, 0) == 3);  // 3 * 10 / 5 - 3
  CHECK(get_proportion(&rs, d, 5, 4) == 1);  // but only 1 is left to add
  d.replicas = 2;
  CHECK(get_proportion(&rs, d, -3, 0) == -2);  // round(3 * 2 / 5) - 3 = -2
  CHECK(get_proportion(&rs, d, -3, -2) == -1);
  d.replicas = 0;
  CHECK(get_proportion(&rs, d, -3, 0) == -3);
  CHECK(get_proportion(nullptr, d, 5, 0) == 0);
}

TEST_CASE("conditions: set keeps the transition time when only the reason changes") {
  DeploymentStatus s;
  set_condition(s, new_condition("Progressing", "True", "A", "a", fx::t0()));
  set_condition(s, new_condition("Progressing", "True", "A", "other message", fx::t0() + std::chrono::hours(1)));
  REQUIRE(s.conditions.size() == 1);
  CHECK(s.conditions[0].message == "a");  // same status and reason: untouched
  set_condition(s, new_condition("Progressing", "True", "B", "b", fx::t0() + std::chrono::hours(1)));
  CHECK(s.conditions[0].reason == "B");
  CHECK(s.conditions[0].last_transition_time == "2026-01-01T00:00:00Z");
  CHECK(s.conditions[0].last_update_time == "2026-01-01T01:00:00Z");
  set_condition(s, new_condition("Progressing", "False", "C", "c", fx::t0() + std::chrono::hours(2)));
  CHECK(s.conditions[0].last_transition_time == "2026-01-01T02:00:00Z");
  remove_condition(s, "Progressing");
  CHECK(s.conditions.empty());
}
