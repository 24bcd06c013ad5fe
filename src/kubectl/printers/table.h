#pragma once
// kubectl's human-readable printer (cli-runtime's HumanReadablePrinter) for the Tables the
// server sends: upper-cased headers, priority-0 columns unless wide, a NAMESPACE column
// first for -A, LABELS last for --show-labels, "kind.group/" before names when several
// kinds are printed, headers once per run of identical column definitions.

#include "tabwriter.h"

#include <boost/json/object.hpp>

#include <string>

namespace kscratch::kubectl {

struct TableOptions {
  bool wide = false;
  bool no_headers = false;
  bool with_namespace = false;
  bool show_labels = false;
  std::string kind_prefix;  // "deployment.apps" when names carry their kind, else empty
};

class TablePrinter {
 public:
  explicit TablePrinter(TableOptions options) : options_(std::move(options)) {}
  // Writes the table's rows (and headers when due) into w.
  void print(const boost::json::object& table, TabWriter& w);

 private:
  TableOptions options_;
  boost::json::array last_columns_;
  bool printed_headers_ = false;
};

// labels.FormatLabels: "a=b,c=d" sorted by key, "<none>" when empty.
std::string format_labels(const boost::json::object* labels);
// A cell as kubectl prints it (fmt.Sprint of the decoded value); empty for null.
std::string cell_text(const boost::json::value& cell);

}  // namespace kscratch::kubectl
