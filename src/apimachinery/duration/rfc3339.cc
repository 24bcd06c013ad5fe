// metav1.Time's RFC 3339 form. Parsing follows Go's time.Parse with the RFC3339 layout step by
// step, so that what it accepts and its error texts match what the apiserver would say.

#include <algorithm>
#include <climits>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "kscratch/apimachinery/duration.h"

namespace kscratch::apimachinery::duration {
namespace {

constexpr std::string_view kLayout = "2006-01-02T15:04:05Z07:00";

// Go's time.quote: bytes outside printable ASCII become \xNN.
std::string go_time_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x80 || b < 0x20) {
      out += fmt::format("\\x{:02x}", b);
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out + "\"";
}

bool is_digit_at(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's getnum: one or two digits, exactly two when fixed.
std::optional<int> get_num(std::string_view& s, bool fixed) {
  if (!is_digit_at(s, 0)) return std::nullopt;
  if (!is_digit_at(s, 1)) {
    if (fixed) return std::nullopt;
    int v = s[0] - '0';
    s.remove_prefix(1);
    return v;
  }
  int v = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return v;
}

bool is_leap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in(int month, int64_t year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

class GoTimeParser {
 public:
  explicit GoTimeParser(std::string_view input) : input_(input), value_(input) {}

  Expected<TimePoint> parse() {
    if (!take_year()) return cannot_parse("2006");
    if (!skip("-")) return cannot_parse("-");
    std::string_view hold = value_;
    auto month = get_num(value_, true);
    if (!month) return cannot_parse("01", hold);
    if (*month < 1 || *month > 12) return out_of_range("month");
    if (!skip("-")) return cannot_parse("-");
    hold = value_;
    auto day = get_num(value_, true);
    if (!day) return cannot_parse("02", hold);
    if (!skip("T")) return cannot_parse("T");
    hold = value_;
    auto hour = get_num(value_, false);
    if (hour && *hour >= 24) return out_of_range("hour");
    if (!hour) return cannot_parse("15", hold);
    if (!skip(":")) return cannot_parse(":");
    hold = value_;
    auto minute = get_num(value_, true);
    if (minute && *minute >= 60) return out_of_range("minute");
    if (!minute) return cannot_parse("04", hold);
    if (!skip(":")) return cannot_parse(":");
    hold = value_;
    auto second = get_num(value_, true);
    if (!second) return cannot_parse("05", hold);
    if (*second >= 60) return out_of_range("second");
    int64_t nanos = take_fraction();
    hold = value_;
    auto offset = take_zone();
    if (!offset) return cannot_parse("Z07:00", hold);
    if (!zone_range_error_.empty()) return out_of_range(zone_range_error_);
    if (!value_.empty()) return make_error("parsing time " + go_time_quote(input_) + ": extra text: " + go_time_quote(value_));
    if (*day < 1 || *day > days_in(*month, year_)) return out_of_range("day");

    int64_t seconds = days_from_civil(year_, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second - *offset;
    // system_clock counts int64 nanoseconds: years 1677 to 2262 fit.
    constexpr int64_t kMaxSeconds = INT64_MAX / 1'000'000'000 - 1;
    if (seconds > kMaxSeconds || seconds < -kMaxSeconds) {
      return make_error("parsing time " + go_time_quote(input_) + ": year outside of the supported range");
    }
    return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::seconds(seconds) +
                                                                     std::chrono::nanoseconds(nanos)));
  }

 private:
  Error cannot_parse(std::string_view layout_elem) const { return cannot_parse(layout_elem, value_); }
  Error cannot_parse(std::string_view layout_elem, std::string_view value_elem) const {
    return make_error("parsing time " + go_time_quote(input_) + " as " + go_time_quote(kLayout) + ": cannot parse " +
                      go_time_quote(value_elem) + " as " + go_time_quote(layout_elem));
  }
  Error out_of_range(std::string_view what) const {
    return make_error("parsing time " + go_time_quote(input_) + ": " + std::string(what) + " out of range");
  }

  bool skip(std::string_view literal) {
    if (value_.substr(0, literal.size()) != literal) return false;
    value_.remove_prefix(literal.size());
    return true;
  }

  bool take_year() {
    if (value_.size() < 4 || !is_digit_at(value_, 0)) return false;
    int64_t year = 0;
    for (char c : value_.substr(0, 4)) {
      if (c < '0' || c > '9') return false;
      year = year * 10 + (c - '0');
    }
    year_ = year;
    value_.remove_prefix(4);
    return true;
  }

  // A fraction the layout does not mention: '.' or ',' and digits, up to nanoseconds.
  int64_t take_fraction() {
    if (value_.size() < 2 || (value_[0] != '.' && value_[0] != ',') || !is_digit_at(value_, 1)) return 0;
    size_t n = 2;
    while (is_digit_at(value_, n)) ++n;
    int64_t nanos = 0;
    size_t digits = std::min<size_t>(n - 1, 9);
    for (size_t i = 1; i <= digits; ++i) nanos = nanos * 10 + (value_[i] - '0');
    for (size_t i = digits; i < 9; ++i) nanos *= 10;
    value_.remove_prefix(n);
    return nanos;
  }

  // "Z" or ±hh:mm; returns the offset east of UTC in seconds.
  std::optional<int64_t> take_zone() {
    if (!value_.empty() && value_[0] == 'Z') {
      value_.remove_prefix(1);
      return 0;
    }
    if (value_.size() < 6 || value_[3] != ':') return std::nullopt;
    std::string_view hh = value_.substr(1, 2);
    std::string_view mm = value_.substr(4, 2);
    auto hours = get_num(hh, true);
    auto minutes = hours ? get_num(mm, true) : std::nullopt;
    if (!hours || !minutes || (value_[0] != '+' && value_[0] != '-')) return std::nullopt;
    // Go tolerates offsets of exactly 24 hours or 60 minutes.
    if (*hours > 24) zone_range_error_ = "time zone offset hour";
    if (*minutes > 60) zone_range_error_ = "time zone offset minute";
    int64_t offset = (*hours * 60 + *minutes) * 60;
    if (value_[0] == '-') offset = -offset;
    value_.remove_prefix(6);
    return offset;
  }

  std::string_view input_;
  std::string_view value_;
  int64_t year_ = 0;
  std::string zone_range_error_;
};

std::string format(TimePoint t, bool micro) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto days = std::chrono::floor<std::chrono::days>(secs);
  std::chrono::year_month_day ymd{days};
  std::chrono::hh_mm_ss<std::chrono::seconds> hms{secs - days};
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                                hms.hours().count(), hms.minutes().count(), hms.seconds().count());
  if (micro) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(t - secs).count();
    out += fmt::format(".{:06}", us);
  }
  return out + "Z";
}

}  // namespace

std::string format_rfc3339(TimePoint t) { return format(t, false); }

std::string format_rfc3339_micro(TimePoint t) { return format(t, true); }

Expected<TimePoint> parse_rfc3339(std::string_view s) { return GoTimeParser(s).parse(); }

}  // namespace kscratch::apimachinery::duration
