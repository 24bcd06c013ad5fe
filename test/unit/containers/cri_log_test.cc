#include "cri_log.h"

#include <catch2/catch.hpp>

using namespace kscratch::containers;
using namespace std::chrono;

namespace {
// 2026-11-27T09:40:26.000000123Z
const system_clock::time_point kT =
    system_clock::time_point(duration_cast<system_clock::duration>(seconds(1795772426) + nanoseconds(123)));
const std::string kTs = "2026-11-27T09:40:26.000000123Z";
}  // namespace

TEST_CASE("cri log: RFC 3339 timestamps with nine digits in UTC") {
  CHECK(format_rfc3339_nano(kT) == kTs);
  CHECK(format_rfc3339_nano(system_clock::time_point()) == "1970-01-01T00:00:00.000000000Z");
}

TEST_CASE("cri log: full lines") {
  CriLogFormatter f("stdout");
  CHECK(f.feed("hello\nworld\n", kT) == kTs + " stdout F hello\n" + kTs + " stdout F world\n");
  CHECK(f.finish(kT).empty());
}

TEST_CASE("cri log: a line split across reads is written once whole") {
  CriLogFormatter f("stderr");
  CHECK(f.feed("hel", kT).empty());
  CHECK(f.feed("lo\nwor", kT) == kTs + " stderr F hello\n");
  CHECK(f.feed("ld\n", kT) == kTs + " stderr F world\n");
}

TEST_CASE("cri log: empty lines are kept") {
  CriLogFormatter f("stdout");
  CHECK(f.feed("\n\n", kT) == kTs + " stdout F \n" + kTs + " stdout F \n");
}

TEST_CASE("cri log: output ending without a newline is a partial line") {
  CriLogFormatter f("stdout");
  CHECK(f.feed("a\nno newline", kT) == kTs + " stdout F a\n");
  CHECK(f.finish(kT) == kTs + " stdout P no newline\n");
  CHECK(f.finish(kT).empty());
}

TEST_CASE("cri log: lines over 16 KiB are split into partial lines") {
  CriLogFormatter f("stdout");
  std::string big(CriLogFormatter::kMaxLine * 2 + 10, 'x');
  auto out = f.feed(big + "\n", kT);
  std::string piece(CriLogFormatter::kMaxLine, 'x');
  CHECK(out == kTs + " stdout P " + piece + "\n" + kTs + " stdout P " + piece + "\n" + kTs + " stdout F xxxxxxxxxx\n");
}

TEST_CASE("cri log: a long line arriving in pieces is split as it grows") {
  CriLogFormatter f("stdout");
  std::string half(CriLogFormatter::kMaxLine / 2, 'y');
  CHECK(f.feed(half, kT).empty());
  auto out = f.feed(half + "zz", kT);
  CHECK(out == kTs + " stdout P " + half + half + "\n");
  CHECK(f.feed("\n", kT) == kTs + " stdout F zz\n");
}
