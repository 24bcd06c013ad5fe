#include "cri_log.h"

#include <fmt/format.h>


namespace kscratch::kubelet::logs {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<Timestamp> parse_rfc3339(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, hour) || s[13] != ':' ||
      !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second))
    return std::nullopt;
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 9) {
        nanos = nanos * 10 + (s[pos] - '0');
        ++n;
      }
      ++pos;
    }
    if (n == 0) return std::nullopt;
    for (; n < 9; ++n) nanos *= 10;
  }
  int offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om))
      return std::nullopt;
    offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                     std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  Nanos t = time_point_cast<nanoseconds>(sys_days{ymd}) + hours(hour) + minutes(minute) + seconds(second) -
            minutes(offset) + nanoseconds(nanos);
  return Timestamp{t, offset};
}

std::string format_rfc3339nano(const Timestamp& t) {
  using namespace std::chrono;
  auto local = t.time + minutes(t.offset_minutes);
  auto day = floor<days>(local);
  year_month_day ymd{day};
  auto in_day = local - day;
  auto h = duration_cast<hours>(in_day);
  auto m = duration_cast<minutes>(in_day - h);
  auto sec = duration_cast<seconds>(in_day - h - m);
  auto ns = (in_day - h - m - sec).count();
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), h.count(),
                                m.count(), sec.count());
  if (ns != 0) {
    std::string frac = fmt::format("{:09}", ns);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  if (t.offset_minutes == 0) {
    out += "Z";
  } else {
    int off = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
    out += fmt::format("{}{:02}:{:02}", t.offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  }
  return out;
}

std::optional<LogLine> parse_line(std::string_view line) {
  auto first = line.find(' ');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = line.find(' ', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto ts = parse_rfc3339(line.substr(0, first));
  if (!ts) return std::nullopt;
  LogLine out;
  out.timestamp = *ts;
  out.stream = line.substr(first + 1, second - first - 1);
  if (out.stream != "stdout" && out.stream != "stderr") return std::nullopt;
  // The tag may carry more fields separated by ':' in later CRI versions; the first is
  // the partial/full marker. An empty message may lack the space after the tag.
  auto third = line.find(' ', second + 1);
  std::string_view tag = line.substr(second + 1, third == std::string_view::npos ? std::string_view::npos : third - second - 1);
  tag = tag.substr(0, tag.find(':'));
  if (tag != "F" && tag != "P") return std::nullopt;
  out.partial = tag == "P";
  out.content = third == std::string_view::npos ? std::string_view{} : line.substr(third + 1);
  return out;
}

std::optional<std::size_t> tail_start(std::string_view content, std::int64_t lines) {
  auto last = content.rfind('\n');
  if (lines <= 0) {
    // Nothing but what is still being written: start after the last complete record.
    return last == std::string_view::npos ? 0 : last + 1;
  }
  if (last == std::string_view::npos) return std::nullopt;
  // Walk back over the records (an unfinished last one is kept, not counted); the
  // (lines+1)-th full record from the end closes the line before the ones wanted.
  std::int64_t full = 0;
  std::size_t record_end = last;  // the newline ending the record
  for (;;) {
    std::size_t record_start = 0;
    if (record_end > 0) {
      auto nl = content.rfind('\n', record_end - 1);
      record_start = nl == std::string_view::npos ? 0 : nl + 1;
    }
    auto record = parse_line(content.substr(record_start, record_end - record_start));
    if (record && !record->partial && ++full == lines + 1) return record_end + 1;
    if (record_start == 0) break;
    record_end = record_start - 1;
  }
  return std::nullopt;
}

void Formatter::emit(std::string& out, std::string_view bytes) {
  if (exhausted_) return;
  if (options_.limit_bytes) {
    std::int64_t room = *options_.limit_bytes - written_;
    if (static_cast<std::int64_t>(bytes.size()) >= room) {
      bytes = bytes.substr(0, static_cast<std::size_t>(room < 0 ? 0 : room));
      exhausted_ = true;
    }
  }
  out.append(bytes);
  written_ += static_cast<std::int64_t>(bytes.size());
}

std::string Formatter::feed(std::string& data) {
  std::string out;
  std::size_t pos = 0;
  while (!exhausted_) {
    auto nl = data.find('\n', pos);
    if (nl == std::string::npos) break;
    std::string_view raw(data.data() + pos, nl - pos);
    pos = nl + 1;
    auto line = parse_line(raw);
    // Upstream skips what it cannot parse, and so do we.
    if (!line) continue;
    if (at_line_start_) skipping_ = options_.since && line->timestamp.time < *options_.since;
    if (!skipping_) {
      if (at_line_start_ && options_.timestamps) {
        std::string prefix = format_rfc3339nano(line->timestamp) + " ";
        emit(out, prefix);
      }
      emit(out, line->content);
      if (!line->partial) emit(out, "\n");
    }
    at_line_start_ = !line->partial;
  }
  data.erase(0, pos);
  return out;
}

}  // namespace kscratch::kubelet::logs
