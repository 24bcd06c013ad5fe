// printTable and decorateTable of cli-runtime's tableprinter.go, over boost::json.

#include "table.h"

#include "jsonpath.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

const json::object* metadata_of_row(const json::object& row) {
  auto* object = row.if_contains("object");
  if (!object || !object->is_object()) return nullptr;
  auto* meta = object->get_object().if_contains("metadata");
  return meta && meta->is_object() ? &meta->get_object() : nullptr;
}

// A cell's text up to the first line break, which kubectl replaces by "...".
void append_cell(std::string& line, const std::string& text) {
  auto br = text.find_first_of("\f\n\r");
  if (br == std::string::npos) {
    line += text;
  } else {
    line.append(text, 0, br);
    line += "...";
  }
}

}  // namespace

std::string format_labels(const json::object* labels) {
  if (!labels || labels->empty()) return "<none>";
  std::map<std::string, std::string> sorted;
  for (auto& e : *labels) sorted[std::string(e.key())] = e.value().is_string() ? std::string(e.value().get_string()) : "";
  std::string out;
  for (auto& [k, v] : sorted) {
    if (!out.empty()) out += ',';
    out += k + "=" + v;
  }
  return out;
}

std::string cell_text(const json::value& cell) {
  if (cell.is_null()) return {};
  if (cell.is_string()) return std::string(cell.get_string());
  if (cell.is_bool()) return cell.get_bool() ? "true" : "false";
  return jsonpath::text_of(cell);
}

void TablePrinter::print(const json::object& table, TabWriter& w) {
  json::array columns;
  if (auto* c = table.if_contains("columnDefinitions"); c && c->is_array()) columns = c->get_array();
  const json::array* rows = nullptr;
  if (auto* r = table.if_contains("rows"); r && r->is_array()) rows = &r->get_array();
  bool no_headers = options_.no_headers;
  if (printed_headers_ && (columns.empty() || columns == last_columns_)) no_headers = true;
  if (columns.empty()) {
    columns = last_columns_;  // watch events may omit them
  } else if (columns != last_columns_) {
    last_columns_ = columns;
    printed_headers_ = false;
  }
  if (rows && !rows->empty()) printed_headers_ = true;
  if (!rows || rows->empty()) return;  // no headers without rows

  std::vector<bool> visible;
  size_t name_column = columns.size();
  for (size_t i = 0; i < columns.size(); ++i) {
    auto& col = columns[i].as_object();
    auto* prio = col.if_contains("priority");
    bool low = prio && prio->is_number() && prio->to_number<double>() != 0;
    visible.push_back(options_.wide || !low);
    auto* format = col.if_contains("format");
    auto* type = col.if_contains("type");
    if (name_column == columns.size() && format && format->is_string() && format->get_string() == "name" && type &&
        type->is_string() && type->get_string() == "string")
      name_column = i;
  }

  std::string text;
  if (!no_headers) {
    std::vector<std::string> headers;
    if (options_.with_namespace) headers.push_back("NAMESPACE");
    for (size_t i = 0; i < columns.size(); ++i) {
      if (!visible[i]) continue;
      auto* name = columns[i].as_object().if_contains("name");
      headers.push_back(upper(name && name->is_string() ? std::string_view(name->get_string()) : std::string_view()));
    }
    if (options_.show_labels) headers.push_back("LABELS");
    for (size_t i = 0; i < headers.size(); ++i) {
      if (i) text += '\t';
      text += headers[i];
    }
    text += '\n';
  }
  for (auto& row_value : *rows) {
    if (!row_value.is_object()) continue;
    auto& row = row_value.get_object();
    const json::object* meta = metadata_of_row(row);
    std::vector<std::string> cells;
    if (options_.with_namespace) {
      std::string ns;
      if (meta)
        if (auto* n = meta->if_contains("namespace"); n && n->is_string()) ns = n->get_string();
      cells.push_back(ns);
    }
    const json::array* row_cells = nullptr;
    if (auto* c = row.if_contains("cells"); c && c->is_array()) row_cells = &c->get_array();
    for (size_t i = 0; row_cells && i < row_cells->size() && i < columns.size(); ++i) {
      if (!visible[i]) continue;
      std::string cell = cell_text((*row_cells)[i]);
      if (i == name_column && !options_.kind_prefix.empty()) cell = options_.kind_prefix + "/" + cell;
      cells.push_back(std::move(cell));
    }
    if (options_.show_labels) {
      const json::object* labels = nullptr;
      if (meta)
        if (auto* l = meta->if_contains("labels"); l && l->is_object()) labels = &l->get_object();
      cells.push_back(meta ? format_labels(labels) : std::string());
    }
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) text += '\t';
      append_cell(text, cells[i]);
    }
    text += '\n';
  }
  w.write(text);
}

}  // namespace kscratch::kubectl
