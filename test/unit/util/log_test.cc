#include "kscratch/util/log.h"

#include <catch2/catch.hpp>

using namespace kscratch;

TEST_CASE("verbosity selects levels as klog's -v", "[log]") {
  log::set_verbosity(0);
  CHECK(log::enabled(log::Level::error));
  CHECK(log::enabled(log::Level::info));
  CHECK_FALSE(log::enabled(log::Level::debug));
  log::set_verbosity(2);
  CHECK(log::enabled(log::Level::debug));
  CHECK_FALSE(log::enabled(log::Level::trace));
  log::set_verbosity(4);
  CHECK(log::enabled(log::Level::trace));
  log::set_verbosity(0);
}
