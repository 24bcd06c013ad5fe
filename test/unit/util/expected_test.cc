#include "kscratch/util/expected.h"

#include <catch2/catch.hpp>

using namespace kscratch;

TEST_CASE("Expected holds a value or an error", "[expected]") {
  Expected<int> ok = 42;
  REQUIRE(ok);
  CHECK(*ok == 42);
  Expected<int> bad = make_error("no");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "no");
  Status done = Ok{};
  CHECK(done.ok());
}
