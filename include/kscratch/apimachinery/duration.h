#pragma once
// Human durations as `kubectl get` prints AGE columns (k8s.io/apimachinery/pkg/util/duration),
// and metav1.Time's RFC 3339 wire form ("2026-11-27T03:58:18Z").

#include <chrono>
#include <string>
#include <string_view>

#include "kscratch/util/expected.h"

namespace kscratch::apimachinery::duration {

// ~2-3 significant figures: "5s", "119s", "3m10s", "70m", "3h1m", "47h", "2d1h", "367d", "2y1d",
// "8y". Slightly negative durations (clock skew under 2s) print "0s", others "<invalid>".
std::string human_duration(std::chrono::nanoseconds d);
// One unit only: "59s", "1m", "23h", "364d", "1y".
std::string short_human_duration(std::chrono::nanoseconds d);

using TimePoint = std::chrono::system_clock::time_point;

// metav1.Time as JSON writes it: UTC, whole seconds ("2006-01-02T15:04:05Z").
std::string format_rfc3339(TimePoint t);
// metav1.MicroTime: UTC with six fraction digits ("2006-01-02T15:04:05.000000Z").
std::string format_rfc3339_micro(TimePoint t);
// Go's time.Parse(time.RFC3339, s): accepts "Z" or a ±hh:mm offset and an optional fraction
// (up to nanoseconds). Errors read as Go's, e.g.
// `parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`.
Expected<TimePoint> parse_rfc3339(std::string_view s);

}  // namespace kscratch::apimachinery::duration
