// A port of text/tabwriter's format(): columns are sized per column block, recursively.

#include "tabwriter.h"

#include <vector>

namespace kscratch::kubectl {

namespace {

constexpr size_t kMinWidth = 6;
constexpr size_t kPadding = 3;

using Line = std::vector<std::string_view>;

// Cell widths count runes, as Go's tabwriter does for UTF-8 text.
size_t rune_count(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

struct Formatter {
  const std::vector<Line>& lines;
  std::vector<size_t> widths;
  std::string out;
  std::vector<size_t>* max_widths = nullptr;  // RememberWidths

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
      out += '\n';
    }
  }

  void format(size_t line0, size_t line1) {
    size_t column = widths.size();
    for (size_t row = line0; row < line1; ++row) {
      if (column + 1 >= lines[row].size()) continue;
      // A block of lines that all have a tab-terminated cell in this column begins here.
      write_lines(line0, row);
      line0 = row;
      size_t width = kMinWidth;
      for (; row < line1 && column + 1 < lines[row].size(); ++row) {
        width = std::max(width, rune_count(lines[row][column]) + kPadding);
      }
      if (max_widths) {
        auto& m = *max_widths;
        if (m.size() < widths.size()) m.insert(m.end(), widths.begin() + static_cast<long>(m.size()), widths.end());
        if (m.size() == widths.size()) {
          m.push_back(width);
        } else if (m[widths.size()] > width) {
          width = m[widths.size()];
        } else {
          m[widths.size()] = width;
        }
      }
      widths.push_back(width);
      format(line0, row);
      widths.pop_back();
      line0 = row;
      if (row == line1) break;
      --row;  // re-examine the line that ended the block
    }
    write_lines(line0, line1);
  }
};

}  // namespace

std::string TabWriter::flush() {
  std::vector<Line> lines;
  std::string_view text = buffer_;
  bool trailing_newline = !text.empty() && text.back() == '\n';
  while (!text.empty()) {
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
  Formatter f{lines, {}, {}, remember_ ? &max_widths_ : nullptr};
  f.format(0, lines.size());
  if (!trailing_newline && !f.out.empty()) f.out.pop_back();
  buffer_.clear();
  return f.out;
}

}  // namespace kscratch::kubectl
