#pragma once
// Structured, levelled logging for every component.
//
// A line reads `2026-11-27T03:58:18.123Z I store] opened path=/var/lib/... revision=12`:
// time, level letter (E W I D T), the component, then the message. Verbosity follows
// klog's `-v`: 0 shows info and above, 2 adds debug, 4 adds trace. Lines are written whole
// under a lock, so logs from helper threads never interleave.

#include <fmt/format.h>

#include <string_view>
#include <utility>

namespace kscratch::log {

enum class Level { error, warning, info, debug, trace };

void set_verbosity(int v);
bool enabled(Level level);
void write(Level level, std::string_view component, std::string_view message);

template <class... A>
void at(Level level, std::string_view component, fmt::format_string<A...> f, A&&... args) {
  if (enabled(level)) write(level, component, fmt::format(f, std::forward<A>(args)...));
}
template <class... A>
void error(std::string_view c, fmt::format_string<A...> f, A&&... a) { at(Level::error, c, f, std::forward<A>(a)...); }
template <class... A>
void warn(std::string_view c, fmt::format_string<A...> f, A&&... a) { at(Level::warning, c, f, std::forward<A>(a)...); }
template <class... A>
void info(std::string_view c, fmt::format_string<A...> f, A&&... a) { at(Level::info, c, f, std::forward<A>(a)...); }
template <class... A>
void debug(std::string_view c, fmt::format_string<A...> f, A&&... a) { at(Level::debug, c, f, std::forward<A>(a)...); }
template <class... A>
void trace(std::string_view c, fmt::format_string<A...> f, A&&... a) { at(Level::trace, c, f, std::forward<A>(a)...); }

}  // namespace kscratch::log
