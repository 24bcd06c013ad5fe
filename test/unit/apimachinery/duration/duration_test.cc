// Cases from upstream's pkg/util/duration/duration_test.go and metav1 time tests.

#include <catch2/catch.hpp>

#include "kscratch/apimachinery/duration.h"

namespace du = kscratch::apimachinery::duration;
using namespace std::chrono_literals;
using std::chrono::hours;
using std::chrono::nanoseconds;

namespace {
constexpr hours kDay = 24h;
constexpr hours kYear = 365 * kDay;
}  // namespace

TEST_CASE("human_duration", "[duration]") {
  std::vector<std::pair<nanoseconds, std::string>> cases = {
      {1s, "1s"},
      {70s, "70s"},
      {190s, "3m10s"},
      {70min, "70m"},
      {47h, "47h"},
      {49h, "2d1h"},
      {(8 * 24 + 2) * 1h, "8d"},
      {367 * kDay, "367d"},
      {2 * kYear + 25h, "2y1d"},
      {8 * kYear + 2h, "8y"},
  };
  for (const auto& [d, want] : cases) {
    INFO(d.count());
    CHECK(du::human_duration(d) == want);
  }
}

TEST_CASE("human_duration boundaries", "[duration]") {
  constexpr nanoseconds ms = 1ms;
  std::vector<std::pair<nanoseconds, std::string>> cases = {
      {-2s, "<invalid>"},
      {-2s + 1ns, "0s"},
      {0s, "0s"},
      {1s - ms, "0s"},
      {2min - ms, "119s"},
      {2min, "2m"},
      {2min + 1s, "2m1s"},
      {10min - ms, "9m59s"},
      {10min, "10m"},
      {10min + 1s, "10m"},
      {3h - ms, "179m"},
      {3h, "3h"},
      {3h + 1min, "3h1m"},
      {8h - ms, "7h59m"},
      {8h, "8h"},
      {8h + 59min, "8h"},
      {2 * kDay - ms, "47h"},
      {2 * kDay, "2d"},
      {2 * kDay + 1h, "2d1h"},
      {8 * kDay - ms, "7d23h"},
      {8 * kDay, "8d"},
      {8 * kDay + 23h, "8d"},
      {2 * kYear - ms, "729d"},
      {2 * kYear, "2y"},
      {2 * kYear + 23h, "2y"},
      {2 * kYear + 23h + 59min, "2y"},
      {2 * kYear + 24h - ms, "2y"},
      {2 * kYear + 24h, "2y1d"},
      {3 * kYear, "3y"},
      {4 * kYear, "4y"},
      {5 * kYear, "5y"},
      {6 * kYear, "6y"},
      {7 * kYear, "7y"},
      {8 * kYear - ms, "7y364d"},
      {8 * kYear, "8y"},
      {8 * kYear + 364 * kDay, "8y"},
      {9 * kYear, "9y"},
      {nanoseconds::max(), "292y"},
      {nanoseconds::min(), "<invalid>"},
  };
  for (const auto& [d, want] : cases) {
    INFO(d.count());
    CHECK(du::human_duration(d) == want);
  }
}

TEST_CASE("short_human_duration boundaries", "[duration]") {
  constexpr nanoseconds ms = 1ms;
  std::vector<std::pair<nanoseconds, std::string>> cases = {
      {-2s, "<invalid>"},
      {-2s + 1ns, "0s"},
      {0s, "0s"},
      {1s - ms, "0s"},
      {1s, "1s"},
      {2s - ms, "1s"},
      {1min - ms, "59s"},
      {1min, "1m"},
      {2min - ms, "1m"},
      {1h - ms, "59m"},
      {1h, "1h"},
      {2h - ms, "1h"},
      {kDay - ms, "23h"},
      {kDay, "1d"},
      {2 * kDay - ms, "1d"},
      {kYear - ms, "364d"},
      {kYear, "1y"},
      {2 * kYear - ms, "1y"},
      {2 * kYear, "2y"},
  };
  for (const auto& [d, want] : cases) {
    INFO(d.count());
    CHECK(du::short_human_duration(d) == want);
  }
}

TEST_CASE("format_rfc3339 writes UTC whole seconds", "[duration]") {
  using std::chrono::sys_days;
  using namespace std::chrono;
  du::TimePoint t = sys_days{year{2026} / November / 27} + 3h + 58min + 18s + 123456789ns;
  CHECK(du::format_rfc3339(t) == "2026-11-27T03:58:18Z");
  CHECK(du::format_rfc3339_micro(t) == "2026-11-27T03:58:18.123456Z");
  CHECK(du::format_rfc3339(du::TimePoint{}) == "1970-01-01T00:00:00Z");
  // Before the epoch, seconds round down, not toward zero.
  CHECK(du::format_rfc3339(du::TimePoint{} - 500ms) == "1969-12-31T23:59:59Z");
  CHECK(du::format_rfc3339_micro(du::TimePoint{} - 500ms) == "1969-12-31T23:59:59.500000Z");
}

TEST_CASE("parse_rfc3339 accepts what Go's time.Parse accepts", "[duration]") {
  using namespace std::chrono;
  du::TimePoint want = sys_days{year{2026} / November / 27} + 3h + 58min + 18s;
  CHECK(*du::parse_rfc3339("2026-11-27T03:58:18Z") == want);
  CHECK(*du::parse_rfc3339("2026-11-27T04:58:18+01:00") == want);
  CHECK(*du::parse_rfc3339("2026-11-26T22:28:18-05:30") == want);
  CHECK(*du::parse_rfc3339("2026-11-27T03:58:18.5Z") == want + 500ms);
  CHECK(*du::parse_rfc3339("2026-11-27T03:58:18,25Z") == want + 250ms);
  CHECK(*du::parse_rfc3339("2026-11-27T03:58:18.1234567891Z") == want + 123456789ns);
  CHECK(*du::parse_rfc3339("2026-11-27T3:58:18Z") == want);  // Go's hour takes one digit too.
  CHECK(*du::parse_rfc3339("2024-02-29T00:00:00Z") == sys_days{year{2024} / February / 29});
  CHECK(*du::parse_rfc3339("1969-12-31T23:59:59Z") == du::TimePoint{} - 1s);
  for (const char* s : {"2026-11-27T03:58:18Z", "2000-01-01T00:00:00Z", "1999-12-31T23:59:59Z"}) {
    CHECK(du::format_rfc3339(*du::parse_rfc3339(s)) == s);
  }
}

TEST_CASE("parse_rfc3339 errors read as Go's", "[duration]") {
  auto err = [](std::string_view s) {
    auto r = du::parse_rfc3339(s);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  const std::string as = " as \"2006-01-02T15:04:05Z07:00\": cannot parse ";
  CHECK(err("x") == "parsing time \"x\"" + as + "\"x\" as \"2006\"");
  CHECK(err("") == "parsing time \"\"" + as + "\"\" as \"2006\"");
  CHECK(err("2026/11/27") == "parsing time \"2026/11/27\"" + as + "\"/11/27\" as \"-\"");
  CHECK(err("2026-1-27T00:00:00Z") == "parsing time \"2026-1-27T00:00:00Z\"" + as + "\"1-27T00:00:00Z\" as \"01\"");
  CHECK(err("2026-13-27T00:00:00Z") == "parsing time \"2026-13-27T00:00:00Z\": month out of range");
  CHECK(err("2026-02-30T00:00:00Z") == "parsing time \"2026-02-30T00:00:00Z\": day out of range");
  CHECK(err("2026-11-27 03:58:18Z") == "parsing time \"2026-11-27 03:58:18Z\"" + as + "\" 03:58:18Z\" as \"T\"");
  CHECK(err("2026-11-27T24:00:00Z") == "parsing time \"2026-11-27T24:00:00Z\": hour out of range");
  CHECK(err("2026-11-27T03:60:00Z") == "parsing time \"2026-11-27T03:60:00Z\": minute out of range");
  CHECK(err("2026-11-27T03:58:60Z") == "parsing time \"2026-11-27T03:58:60Z\": second out of range");
  CHECK(err("2026-11-27T03:58:18") == "parsing time \"2026-11-27T03:58:18\"" + as + "\"\" as \"Z07:00\"");
  CHECK(err("2026-11-27T03:58:18+0100") ==
        "parsing time \"2026-11-27T03:58:18+0100\"" + as + "\"+0100\" as \"Z07:00\"");
  CHECK(err("2026-11-27T03:58:18+25:00") == "parsing time \"2026-11-27T03:58:18+25:00\": time zone offset hour out of range");
  CHECK(err("2026-11-27T03:58:18Zjunk") == "parsing time \"2026-11-27T03:58:18Zjunk\": extra text: \"junk\"");
  CHECK(err("2026-11-27T03:58:18z") == "parsing time \"2026-11-27T03:58:18z\"" + as + "\"z\" as \"Z07:00\"");
  CHECK(err("\xff\"") == "parsing time \"\\xff\\\"\"" + as + "\"\\xff\\\"\" as \"2006\"");
  CHECK(err("9999-12-31T23:59:59Z") == "parsing time \"9999-12-31T23:59:59Z\": year outside of the supported range");
  CHECK_FALSE(du::parse_rfc3339("0000-01-01T00:00:00Z").ok());
}
