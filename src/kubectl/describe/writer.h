#pragma once
// kubectl describe's output machinery: upstream's PrefixWriter (text at an indentation level
// of two spaces per level) over a text/tabwriter as tabbedString sets it up (minimum width 0,
// padding 2, spaces), flushed where upstream flushes (before the Events table), so each part
// aligns on its own.

#include <string>
#include <string_view>

namespace kscratch::kubectl::describe {

// Go's text/tabwriter.Writer with minwidth, padding and ' ' padding; flush() formats the
// cells written since the last flush.
class TabText {
 public:
  TabText(size_t min_width, size_t padding, bool raw = false) : min_width_(min_width), padding_(padding), raw_(raw) {}
  void write(std::string_view text) { buffer_ += text; }
  void flush();
  std::string str() {
    flush();
    return out_;
  }

 private:
  size_t min_width_, padding_;
  bool raw_;
  std::string buffer_, out_;
};

class PrefixWriter {
 public:
  // raw: the text as written, tabs and all (what upstream writes to a plain buffer).
  explicit PrefixWriter(bool raw = false) : tab_(0, 2, raw) {}
  // Text after `level` two-space indents (the format upstream passes to Write).
  void write(int level, std::string_view text) {
    for (int i = 0; i < level; ++i) tab_.write("  ");
    tab_.write(text);
  }
  // A whole line (WriteLine).
  void line(std::string_view text) {
    tab_.write(text);
    tab_.write("\n");
  }
  void flush() { tab_.flush(); }
  std::string str() { return tab_.str(); }

 private:
  TabText tab_;
};

}  // namespace kscratch::kubectl::describe
