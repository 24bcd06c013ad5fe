// The one translation unit that holds Catch2's runner, shared by every unit test binary.
// KSCRATCH_TEST_V=<n> sets the log verbosity (as `-v` does for kscratch), for reading what
// the components did in a failing case.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "kscratch/util/log.h"

#include <cstdlib>

int main(int argc, char* argv[]) {
  if (const char* v = std::getenv("KSCRATCH_TEST_V")) kscratch::log::set_verbosity(std::atoi(v));
  return Catch::Session().run(argc, argv);
}
