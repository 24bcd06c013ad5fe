// The CRI log format as `kubectl logs` presents it: parsing, joining partial records,
// timestamps, tailLines, since and limitBytes.

#include "kubelet/server/cri_log.h"

#include <catch2/catch.hpp>

using namespace kscratch::kubelet::logs;

namespace {

std::string format_all(std::string content, const LogOptions& options) {
  Formatter f(options);
  return f.feed(content);
}

const std::string kLog =
    "2026-11-27T09:00:00.000000001Z stdout F one\n"
    "2026-11-27T09:00:01.5Z stderr F two\n"
    "2026-11-27T09:00:02Z stdout P thr\n"
    "2026-11-27T09:00:02.1Z stdout F ee\n"
    "2026-11-27T09:00:03.120000000Z stdout F four\n";

}  // namespace

TEST_CASE("RFC 3339 times parse and print as Go's RFC3339Nano") {
  auto t = parse_rfc3339("2026-11-27T09:40:26.123456789Z");
  REQUIRE(t);
  CHECK(format_rfc3339nano(*t) == "2026-11-27T09:40:26.123456789Z");
  CHECK(format_rfc3339nano(*parse_rfc3339("2026-11-27T09:40:26.500Z")) == "2026-11-27T09:40:26.5Z");
  CHECK(format_rfc3339nano(*parse_rfc3339("2026-11-27T09:40:26Z")) == "2026-11-27T09:40:26Z");
  auto offset = parse_rfc3339("2026-11-27T10:40:26.25+01:00");
  REQUIRE(offset);
  CHECK(offset->time == parse_rfc3339("2026-11-27T09:40:26.25Z")->time);
  CHECK(format_rfc3339nano(*offset) == "2026-11-27T10:40:26.25+01:00");
  CHECK_FALSE(parse_rfc3339("2026-11-27 09:40:26Z"));
  CHECK_FALSE(parse_rfc3339("2026-13-27T09:40:26Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T09:40:26"));
}

TEST_CASE("CRI log lines parse into time, stream, tag and content") {
  auto line = parse_line("2026-11-27T09:00:00Z stderr P hello world ");
  REQUIRE(line);
  CHECK(line->stream == "stderr");
  CHECK(line->partial);
  CHECK(line->content == "hello world ");
  auto empty = parse_line("2026-11-27T09:00:00Z stdout F");
  REQUIRE(empty);
  CHECK(empty->content.empty());
  CHECK_FALSE(parse_line("not a log line"));
  CHECK_FALSE(parse_line("2026-11-27T09:00:00Z stdin F x"));
  CHECK_FALSE(parse_line("2026-11-27T09:00:00Z stdout X x"));
}

TEST_CASE("partial records join into one line") {
  CHECK(format_all(kLog, {}) == "one\ntwo\nthree\nfour\n");
}

TEST_CASE("timestamps prefix each whole line with the time of its first record") {
  LogOptions o;
  o.timestamps = true;
  CHECK(format_all(kLog, o) ==
        "2026-11-27T09:00:00.000000001Z one\n"
        "2026-11-27T09:00:01.5Z two\n"
        "2026-11-27T09:00:02Z three\n"
        "2026-11-27T09:00:03.12Z four\n");
}

TEST_CASE("since drops older lines") {
  LogOptions o;
  o.since = parse_rfc3339("2026-11-27T09:00:01.6Z")->time;
  CHECK(format_all(kLog, o) == "three\nfour\n");
}

TEST_CASE("limitBytes truncates the output and then stops") {
  LogOptions o;
  o.limit_bytes = 6;
  Formatter f(o);
  std::string content = kLog;
  CHECK(f.feed(content) == "one\ntw");
  CHECK(f.exhausted());
  std::string more = "2026-11-27T09:00:04Z stdout F five\n";
  CHECK(f.feed(more).empty());
}

TEST_CASE("an unfinished last line waits for the rest") {
  Formatter f({});
  std::string data = "2026-11-27T09:00:00Z stdout F one\n2026-11-27T09:00:01Z std";
  CHECK(f.feed(data) == "one\n");
  CHECK(data == "2026-11-27T09:00:01Z std");
  data += "out F two\n";
  CHECK(f.feed(data) == "two\n");
  CHECK(data.empty());
}

TEST_CASE("lines that are not CRI records are skipped") {
  CHECK(format_all("garbage\n2026-11-27T09:00:00Z stdout F ok\n", {}) == "ok\n");
}

TEST_CASE("tail_start finds where the last N lines begin, counting joined records once") {
  std::string_view log = kLog;
  auto two = tail_start(log, 2);
  REQUIRE(two);
  CHECK(format_all(std::string(log.substr(*two)), {}) == "three\nfour\n");
  auto one = tail_start(log, 1);
  REQUIRE(one);
  CHECK(format_all(std::string(log.substr(*one)), {}) == "four\n");
  // Asking for all of them (or more) needs the whole file: the caller reads further back.
  CHECK_FALSE(tail_start(log, 4));
  CHECK_FALSE(tail_start(log, 10));
  auto zero = tail_start(log, 0);
  REQUIRE(zero);
  CHECK(*zero == log.size());
}
