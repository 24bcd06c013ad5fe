// text/tabwriter's format(): columns sized per column block, recursively (as
// printers/tabwriter.cc, with the width and padding a parameter).

#include "writer.h"

#include <vector>

namespace kscratch::kubectl::describe {

namespace {

using Line = std::vector<std::string_view>;

size_t rune_count(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

struct Formatter {
  const std::vector<Line>& lines;
  size_t min_width, padding;
  std::vector<size_t> widths;
  std::string out;

  void write_lines(size_t line0, size_t line1) {
    for (size_t i = line0; i < line1; ++i) {
      const Line& line = lines[i];
      for (size_t j = 0; j < line.size(); ++j) {
        out += line[j];
        if (j < widths.size() && j + 1 < line.size()) {
          size_t w = rune_count(line[j]);
          if (w < widths[j]) out.append(widths[j] - w, ' ');
        }
      }
      if (i + 1 < lines.size()) out += '\n';
    }
  }

  void format(size_t line0, size_t line1) {
    size_t column = widths.size();
    for (size_t row = line0; row < line1; ++row) {
      if (column + 1 >= lines[row].size()) continue;
      write_lines(line0, row);
      line0 = row;
      size_t width = min_width;
      for (; row < line1 && column + 1 < lines[row].size(); ++row) {
        width = std::max(width, rune_count(lines[row][column]) + padding);
      }
      widths.push_back(width);
      format(line0, row);
      widths.pop_back();
      line0 = row;
      if (row == line1) break;
      --row;
    }
    write_lines(line0, line1);
  }
};

}  // namespace

void TabText::flush() {
  if (buffer_.empty()) return;
  if (raw_) {
    out_ += buffer_;
    buffer_.clear();
    return;
  }
  std::vector<Line> lines;
  std::string_view text = buffer_;
  // The text after the last newline is a last, unterminated line (written as it is).
  for (;;) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    Line cells;
    size_t start = 0;
    for (;;) {
      auto tab = line.find('\t', start);
      cells.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    lines.push_back(std::move(cells));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  Formatter f{lines, min_width_, padding_, {}, {}};
  f.format(0, lines.size());
  out_ += f.out;
  buffer_.clear();
}

}  // namespace kscratch::kubectl::describe
