// $(VAR) expansion and command/args against the image's Entrypoint/Cmd.

#include "kubelet/spec/argv.h"
#include "kubelet/spec/expansion.h"

#include <catch2/catch.hpp>

using namespace kscratch::kubelet::spec;
using Strings = std::vector<std::string>;

TEST_CASE("expansion follows upstream's corner cases") {
  std::map<std::string, std::string> vars = {{"VAR_A", "A"}, {"VAR_B", "B"}, {"EMPTY", ""}};
  auto mapping = mapping_for({&vars});
  struct Case {
    std::string in, out;
  };
  for (const auto& c : std::vector<Case>{
           {"$(VAR_A)", "A"},
           {"___$(VAR_A)___", "___A___"},
           {"$(VAR_A)-$(VAR_B)", "A-B"},
           {"$(UNKNOWN)", "$(UNKNOWN)"},
           {"$$(VAR_A)", "$(VAR_A)"},
           {"$$$(VAR_A)", "$A"},
           {"$$$$(VAR_A)", "$$(VAR_A)"},
           {"$(VAR_A", "$(VAR_A"},
           {"$VAR_A", "$VAR_A"},
           {"foo$", "foo$"},
           {"$", "$"},
           {"$(EMPTY)x", "x"},
           {"$()", "$()"},
           {"plain", "plain"},
       }) {
    INFO(c.in);
    CHECK(expand(c.in, mapping) == c.out);
  }
}

TEST_CASE("argv: command and args against entrypoint and cmd") {
  kscratch::images::ImageConfig image;
  image.entrypoint = {"/entry"};
  image.cmd = {"default", "cmd"};
  std::map<std::string, std::string> env = {{"WHO", "world"}};
  struct Case {
    Strings command, args, want;
  };
  for (const auto& c : std::vector<Case>{
           {{}, {}, {"/entry", "default", "cmd"}},
           {{"/bin/sh"}, {}, {"/bin/sh"}},
           {{}, {"x", "y"}, {"/entry", "x", "y"}},
           {{"/bin/echo"}, {"hello", "$(WHO)"}, {"/bin/echo", "hello", "world"}},
           {{"/bin/echo $(WHO)"}, {"$$(WHO)", "$(NOPE)"}, {"/bin/echo world", "$(WHO)", "$(NOPE)"}},
       }) {
    auto argv = container_argv(c.command, c.args, image, env);
    REQUIRE(argv);
    CHECK(*argv == c.want);
  }
}

TEST_CASE("argv: image without entrypoint, and nothing at all") {
  kscratch::images::ImageConfig image;
  image.cmd = {"/bin/sh"};
  auto argv = container_argv({}, {}, image, {});
  REQUIRE(argv);
  CHECK(*argv == Strings{"/bin/sh"});

  // args replace Cmd even with no Entrypoint.
  argv = container_argv({}, {"/bin/true"}, image, {});
  REQUIRE(argv);
  CHECK(*argv == Strings{"/bin/true"});

  // Docker's [""] entrypoint means none.
  image.entrypoint = {""};
  argv = container_argv({}, {}, image, {});
  REQUIRE(argv);
  CHECK(*argv == Strings{"/bin/sh"});

  auto none = container_argv({}, {}, kscratch::images::ImageConfig{}, {});
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "no command specified");
}
