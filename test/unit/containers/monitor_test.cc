#include "monitor.h"
#include "overlay.h"

#include <catch2/catch.hpp>

using namespace kscratch::containers;

TEST_CASE("monitor: runc's error message is taken from its log line") {
  std::string out =
      "time=\"2026-11-27T09:40:26Z\" level=warning msg=\"something minor\"\n"
      "time=\"2026-11-27T09:40:26Z\" level=error msg=\"runc create failed: unable to start container process: "
      "exec: \\\"nosuch\\\": executable file not found in $PATH\"\n";
  CHECK(runc_error_message(out) ==
        "runc create failed: unable to start container process: exec: \"nosuch\": executable file not found in $PATH");
}

TEST_CASE("monitor: other runc output is kept, trimmed") {
  CHECK(runc_error_message("  container \"x\" does not exist\n") == "container \"x\" does not exist");
}

TEST_CASE("overlay: lowerdir lists the top-most layer first") {
  CHECK(overlay_lowerdir({"/l/sha256-a", "/l/sha256-b", "/l/sha256-c"}) == "/l/sha256-c:/l/sha256-b:/l/sha256-a");
}
