#pragma once
// Go's text/tabwriter as kubectl configures it (printers.GetNewTabWriter: minimum width 6,
// padding 3, spaces): tab-separated cells become left-aligned columns, each as wide as
// its widest cell plus three, over each run of lines that share the column (a "column
// block"). The last cell of a line is not padded.

#include <string>
#include <string_view>
#include <vector>

namespace kscratch::kubectl {

class TabWriter {
 public:
  // Text with '\t' between cells and '\n' after each line.
  void write(std::string_view text) { buffer_ += text; }
  // The aligned text of everything written since the last flush.
  std::string flush();
  bool empty() const { return buffer_.empty(); }
  // kubectl's tabwriter flag RememberWidths (liggitt/tabwriter): a column is never
  // narrower than it was in an earlier flush (get -w prints each event with one flush).
  void remember_widths() { remember_ = true; }

 private:
  std::string buffer_;
  bool remember_ = false;
  std::vector<size_t> max_widths_;
};

}  // namespace kscratch::kubectl
