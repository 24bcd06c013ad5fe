// ControllerExpectations and slow-start batching.

#include <catch2/catch.hpp>

#include "controllers/replicaset/expectations.h"
#include "controllers/replicaset/slow_start.h"
#include "fixtures.h"

using namespace kscratch::controllers::replicaset;
using std::chrono::minutes;
using std::chrono::seconds;

TEST_CASE("expectations: a key never recorded is satisfied") {
  ControllerExpectations e;
  CHECK(e.satisfied("default/web", fx::t0()));
}

TEST_CASE("expectations: creations must all be observed before the next sync acts") {
  ControllerExpectations e;
  e.expect_creations("default/web", 3, fx::t0());
  CHECK_FALSE(e.satisfied("default/web", fx::t0()));
  e.creation_observed("default/web");
  e.creation_observed("default/web");
  CHECK_FALSE(e.satisfied("default/web", fx::t0()));
  e.creation_observed("default/web");
  CHECK(e.satisfied("default/web", fx::t0()));
  // Observing more than expected keeps it satisfied (counts only go down).
  e.creation_observed("default/web");
  CHECK(e.satisfied("default/web", fx::t0()));
}

TEST_CASE("expectations: a lost watch event is given up on after 5 minutes") {
  ControllerExpectations e;
  e.expect_creations("default/web", 1, fx::t0());
  CHECK_FALSE(e.satisfied("default/web", fx::t0() + minutes(5)));
  CHECK(e.satisfied("default/web", fx::t0() + minutes(5) + seconds(1)));
}

TEST_CASE("expectations: deletions are tracked per pod, so one pod counts once") {
  ControllerExpectations e;
  e.expect_deletions("default/web", {"default/a", "default/b"}, fx::t0());
  CHECK(e.get("default/web")->del == 2);
  e.deletion_observed("default/web", "default/a");  // deletionTimestamp set
  e.deletion_observed("default/web", "default/a");  // then the delete itself
  e.deletion_observed("default/web", "default/zzz");  // not one of ours
  CHECK(e.get("default/web")->del == 1);
  CHECK_FALSE(e.satisfied("default/web", fx::t0()));
  e.deletion_observed("default/web", "default/b");
  CHECK(e.satisfied("default/web", fx::t0()));
}

TEST_CASE("expectations: setting replaces, deleting forgets") {
  ControllerExpectations e;
  e.expect_creations("default/web", 5, fx::t0());
  e.lower("default/web", 2, 0);
  CHECK(e.get("default/web")->add == 3);
  e.raise("default/web", 1, 0);
  CHECK(e.get("default/web")->add == 4);
  e.expect_creations("default/web", 1, fx::t0());
  CHECK(e.get("default/web")->add == 1);
  e.delete_expectations("default/web");
  CHECK_FALSE(e.get("default/web"));
  CHECK(e.satisfied("default/web", fx::t0()));
}

TEST_CASE("slow start: batches of 1, 2, 4, ... summing to the count") {
  CHECK(slow_start_batches(0).empty());
  CHECK(slow_start_batches(1) == std::vector<int>{1});
  CHECK(slow_start_batches(10) == std::vector<int>{1, 2, 4, 3});
  CHECK(slow_start_batches(15) == std::vector<int>{1, 2, 4, 8});
  CHECK(slow_start_batches(kBurstReplicas) == std::vector<int>{1, 2, 4, 8, 16, 32, 64, 128, 245});
  CHECK(slow_start_batches(7, 3) == std::vector<int>{3, 4});
}

TEST_CASE("slow start: a failing batch stops the later ones") {
  int calls = 0;
  // The 4th call fails: batches 1 and 2 succeed (3 pods), batch 3 (4 calls) has 3 successes.
  const int successes = slow_start_batch(20, 1, [&] { return ++calls != 4; });
  CHECK(calls == 7);
  CHECK(successes == 6);
  calls = 0;
  CHECK(slow_start_batch(20, 1, [&] { return ++calls > 0; }) == 20);
}
