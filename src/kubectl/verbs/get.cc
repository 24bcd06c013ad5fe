// `kubectl get`: lists and named objects, printed as the server's Tables (kubectl's
// default and wide output) or as whole objects (-o yaml|json|name|jsonpath|custom-columns).

#include "../printers/jsonpath.h"
#include "../printers/objects.h"
#include "../printers/table.h"
#include "kscratch/apimachinery/duration.h"
#include "kscratch/apimachinery/object.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <csignal>
#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

struct Info {
  ApiResource resource;
  json::object object;  // a Table, a list, or one object
  bool is_list = false;
};

struct GetOptions {
  std::string output;
  bool all_namespaces = false;
  bool ignore_not_found = false;
  std::string label_selector, field_selector;
  std::string sort_by;  // --sort-by: a JSONPath; tables then carry whole objects
};

std::optional<json::object> parse_object(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::string continue_of(const json::object& o) {
  auto* meta = o.if_contains("metadata");
  if (!meta || !meta->is_object()) return {};
  auto* c = meta->get_object().if_contains("continue");
  return c && c->is_string() ? std::string(c->get_string()) : std::string();
}

// Without a Table from the server kubectl prints NAME and AGE from the objects.
json::object default_table(const json::object& obj, bool is_list) {
  std::vector<json::object> objects;
  if (is_list) {
    objects = items_of(obj);
  } else {
    objects.push_back(obj);
  }
  json::array rows;
  for (auto& o : objects) {
    auto created = apimachinery::object::creation_time_of(o);
    std::string age = created ? apimachinery::duration::human_duration(std::chrono::system_clock::now() - *created)
                              : "<unknown>";
    json::object partial{{"metadata", apimachinery::object::metadata_of(o)}};
    rows.push_back(json::object{{"cells", json::array{json::value(apimachinery::object::name_of(o)), json::value(age)}},
                                {"object", std::move(partial)}});
  }
  return json::object{
      {"kind", "Table"},
      {"columnDefinitions", json::array{json::object{{"name", "Name"}, {"type", "string"}, {"format", "name"}, {"priority", 0}},
                                        json::object{{"name", "Age"}, {"type", "string"}, {"format", ""}, {"priority", 0}}}},
      {"rows", std::move(rows)}};
}

// Fetches every target; failures become kubectl's messages in `errors`.
std::vector<Info> fetch(Command& c, const std::vector<Target>& targets, const GetOptions& o, bool table,
                        std::vector<std::string>& errors) {
  std::vector<Info> infos;
  const char* accept = table ? kAcceptTable : kAcceptJson;
  for (auto& t : targets) {
    auto kind = t.resource.rest_kind();
    std::string ns = t.resource.namespaced && !o.all_namespaces ? c.ns() : "";
    if (t.names.empty()) {
      Info info{t.resource, {}, true};
      std::string token;
      bool failed = false;
      do {
        auto target = with_query(kind.path(ns), {{"labelSelector", o.label_selector},
                                                 {"fieldSelector", o.field_selector},
                                                 {"includeObject", table && !o.sort_by.empty() ? "Object" : ""},
                                                 {"limit", "500"},
                                                 {"continue", token}});
        auto response = c.rest->get(target, accept);
        if (!is_success(response)) {
          errors.push_back(error_message(response, c.rest->server()));
          failed = true;
          break;
        }
        auto page = parse_object(response.body);
        if (!page) {
          errors.push_back("error: the server returned an unreadable list");
          failed = true;
          break;
        }
        token = continue_of(*page);
        if (info.object.empty()) {
          info.object = std::move(*page);
        } else {
          // Later pages add their rows (tables) or items (lists) to the first.
          const char* key = info.object.contains("rows") ? "rows" : "items";
          if (auto* more = page->if_contains(key); more && more->is_array()) {
            auto& into = info.object[key];
            if (!into.is_array()) into = json::array();
            for (auto& x : more->get_array()) into.as_array().push_back(x);
          }
        }
      } while (!token.empty());
      if (!failed) infos.push_back(std::move(info));
      continue;
    }
    for (auto& name : t.names) {
      auto response = c.rest->get(kind.path(ns, name), accept);
      if (!is_success(response)) {
        if (response.status == 404 && o.ignore_not_found) continue;
        errors.push_back(error_message(response, c.rest->server()));
        continue;
      }
      if (auto obj = parse_object(response.body)) infos.push_back({t.resource, std::move(*obj), false});
    }
  }
  return infos;
}

// kubectl's isLess over the values the field selects: numbers numerically, strings
// bytewise; objects without the field first.
struct SortKey {
  bool present = false, number = false;
  double n = 0;
  std::string s;
};

SortKey sort_key(const jsonpath::Template& t, const json::value& obj) {
  SortKey k;
  auto values = t.select(obj);
  if (values.empty()) return k;
  auto& v = values.front();
  k.present = true;
  if (v.is_int64() || v.is_uint64() || v.is_double()) {
    k.number = true;
    k.n = v.to_number<double>();
  } else {
    k.s = jsonpath::text_of(v);
  }
  return k;
}

bool key_less(const SortKey& a, const SortKey& b) {
  if (a.present != b.present) return !a.present;
  if (a.number && b.number) return a.n < b.n;
  return a.s < b.s;
}

std::string sort_expression(const std::string& field) {
  std::string expr = field;
  if (expr.empty() || expr[0] != '{') expr = "{" + std::string(expr.starts_with(".") ? "" : ".") + expr + "}";
  return expr;
}

// Sorts a table's rows (by their objects) or a list's items, stably.
// False when no item of a list has the field (kubectl's error for lists).
bool sort_object(json::object& obj, const jsonpath::Template& t) {
  const char* key = obj.contains("rows") ? "rows" : "items";
  auto* arr = obj.if_contains(key);
  if (!arr || !arr->is_array()) return true;
  std::vector<std::pair<SortKey, json::value>> keyed;
  for (auto& v : arr->as_array()) {
    const json::value* target = &v;
    if (std::string_view(key) == "rows" && v.is_object())
      if (auto* o = v.as_object().if_contains("object")) target = o;
    keyed.emplace_back(sort_key(t, *target), v);
  }
  // A field no row has: kubectl's table sorter prints no rows at all.
  bool any = false;
  for (auto& [k, v] : keyed) any = any || k.present;
  if (!any && std::string_view(key) == "rows") {
    *arr = json::array();
    return true;
  }
  if (!any && !keyed.empty()) return false;
  std::stable_sort(keyed.begin(), keyed.end(), [](auto& a, auto& b) { return key_less(a.first, b.first); });
  json::array sorted;
  for (auto& [k, v] : keyed) sorted.push_back(std::move(v));
  *arr = std::move(sorted);
  return true;
}

// -L: a column per label key (headed by the key's last path segment), its value on each row.
std::vector<std::string> label_columns(const ParsedArgs& args) {
  std::vector<std::string> out;
  for (auto& value : args.all("label-columns")) {
    size_t start = 0;
    while (start <= value.size()) {
      auto comma = value.find(',', start);
      auto key = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!key.empty()) out.push_back(key);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

json::object with_label_columns(json::object table, const std::vector<std::string>& keys) {
  if (keys.empty()) return table;
  auto& columns = table["columnDefinitions"];
  if (!columns.is_array()) columns = json::array();
  for (auto& key : keys) {
    auto slash = key.rfind('/');
    std::string header = slash == std::string::npos ? key : key.substr(slash + 1);
    columns.as_array().push_back(json::object{{"name", header}, {"type", "string"}, {"format", ""}, {"priority", 0}});
  }
  if (auto* rows = table.if_contains("rows"); rows && rows->is_array()) {
    for (auto& row : rows->as_array()) {
      if (!row.is_object()) continue;
      const json::object* labels = nullptr;
      if (auto* obj = row.as_object().if_contains("object"); obj && obj->is_object())
        if (auto* meta = obj->as_object().if_contains("metadata"); meta && meta->is_object())
          if (auto* l = meta->as_object().if_contains("labels"); l && l->is_object()) labels = &l->as_object();
      auto& cells = row.as_object()["cells"];
      if (!cells.is_array()) cells = json::array();
      for (auto& key : keys) {
        auto* v = labels ? labels->if_contains(key) : nullptr;
        cells.as_array().push_back(v && v->is_string() ? json::value(v->get_string()) : json::value(""));
      }
    }
  }
  return table;
}

int print_tables(Command& c, const std::vector<Info>& infos, const GetOptions& o, const std::vector<std::string>& errors) {
  auto label_keys = label_columns(c.args);
  bool with_kind = false;
  for (auto& i : infos)
    if (i.resource.group_resource() != infos.front().resource.group_resource() || i.resource.version != infos.front().resource.version)
      with_kind = true;
  bool no_headers = c.args.flag("no-headers");
  std::string out;
  bool separator_ready = false;
  TabWriter w;
  auto flush = [&] {
    std::string text = w.flush();
    if (text.empty()) return;
    if (separator_ready) {
      out += '\n';
      separator_ready = false;
    }
    out += text;
  };
  std::optional<TablePrinter> printer;
  const ApiResource* last = nullptr;
  bool all_namespaced = !o.all_namespaces;
  for (auto& info : infos) {
    all_namespaced = all_namespaced && info.resource.namespaced;
    if (!last || last->group_resource() != info.resource.group_resource()) {
      flush();
      if (last && !no_headers && !out.empty()) separator_ready = true;
      TableOptions options;
      options.wide = o.output == "wide";
      options.no_headers = no_headers;
      options.with_namespace = o.all_namespaces && info.resource.namespaced;
      options.show_labels = c.args.flag("show-labels");
      if (with_kind) options.kind_prefix = info.resource.kind_prefix();
      printer.emplace(std::move(options));
      last = &info.resource;
    }
    auto* kind = info.object.if_contains("kind");
    if (kind && kind->is_string() && kind->get_string() == "Table") {
      printer->print(with_label_columns(info.object, label_keys), w);
    } else {
      printer->print(with_label_columns(default_table(info.object, info.is_list), label_keys), w);
    }
  }
  flush();
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (out.empty() && !o.ignore_not_found && errors.empty()) {
    if (all_namespaced) {
      fmt::print(stderr, "No resources found in {} namespace.\n", c.ns());
    } else {
      fmt::print(stderr, "No resources found\n");
    }
  }
  return 0;
}

}  // namespace

bool get_handles(const ParsedArgs& args) {
  if (args.has("raw")) return true;
  if (args.flag("watch") || args.flag("watch-only")) {
    // One type, or one object (TYPE NAME, TYPE/NAME); printed as a table, names or
    // JSON/YAML documents. --watch-only of one object is left to kubectl.
    auto output = args.get("output");
    if (output != "" && output != "wide" && output != "name" && output != "json" && output != "yaml") return false;
    if (args.has("sort-by") || args.has("label-columns") || args.has("filename")) return false;
    if (args.positional.empty() || args.positional.size() > 2) return false;
    bool slash = args.positional[0].find('/') != std::string::npos;
    if (args.positional[0].find(',') != std::string::npos || (slash && args.positional.size() > 1)) return false;
    bool named = slash || args.positional.size() == 2;
    return !(named && args.flag("watch-only"));
  }
  // Without a type kubectl prints its usage text; -f reads manifests: both left to kubectl.
  return !args.positional.empty() && !args.has("filename");
}

namespace {

// get --raw PATH: the server's answer as it is, as kubectl's RawGet copies it.
int run_get_raw(Command& c) {
  if (!c.args.positional.empty()) return fail("arguments may not be passed when --raw is specified");
  auto response = c.rest->get(c.args.get("raw"), "application/json, */*");
  if (!is_success(response)) return fail(error_message(response, c.rest->server()));
  std::fwrite(response.body.data(), 1, response.body.size(), stdout);
  return 0;
}

std::string resource_version_of(const json::object& o) {
  auto* meta = o.if_contains("metadata");
  if (!meta || !meta->is_object()) return {};
  auto* rv = meta->get_object().if_contains("resourceVersion");
  return rv && rv->is_string() ? std::string(rv->get_string()) : std::string();
}

// kubectl's interrupt handler: a signal ends the watch with exit code 1. What was printed
// is already out (each event is flushed).
void exit_on_signal(int) { _exit(1); }

// get -w / --watch-only: kubectl's watch(): the list (or the object) printed first, then
// a watch from the list's resourceVersion (an object's: from "0", its synthetic ADDED
// event skipped), each event printed as it comes, tables without headers after the first
// and aligned per event. Ends with 0 when the server closes the watch.
int run_get_watch(Command& c, const GetOptions& o, const std::vector<Target>& targets, bool table,
                  const std::optional<ObjectPrinter>& printer) {
  size_t found = 0;
  for (auto& t : targets) found += t.names.empty() ? 1 : t.names.size();
  if (targets.size() != 1 || found != 1)
    return fail(fmt::format(
        "watch is only supported on individual resources and resource collections, but {} resources were found", found));
  auto& target = targets.front();
  bool named = target.names.size() == 1;
  std::vector<std::string> errors;
  // kubectl's watch reports a missing object even with --ignore-not-found.
  GetOptions fetch_options = o;
  fetch_options.ignore_not_found = false;
  auto infos = fetch(c, targets, fetch_options, table, errors);
  if (!errors.empty()) {
    for (auto& e : errors) fmt::print(stderr, "{}\n", e);
    return kFailure;
  }
  if (infos.empty()) return 0;
  auto& info = infos.front();

  TableOptions options;
  options.wide = o.output == "wide";
  options.no_headers = c.args.flag("no-headers");
  options.with_namespace = o.all_namespaces && info.resource.namespaced;
  options.show_labels = c.args.flag("show-labels");
  TablePrinter table_printer(std::move(options));
  TabWriter w;
  w.remember_widths();
  bool show_managed = c.args.flag("show-managed-fields");
  size_t printed = 0;  // documents, for YAML's "---" separators
  auto print_object = [&](json::object obj) {
    if (table) {
      auto* kind = obj.if_contains("kind");
      if (kind && kind->is_string() && kind->get_string() == "Table") {
        table_printer.print(obj, w);
      } else {
        table_printer.print(default_table(obj, false), w);
      }
      auto text = w.flush();
      std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
      if (!show_managed) omit_managed_fields(obj);
      auto text = printer->print(obj);
      if (!text) {
        fmt::print(stderr, "error: {}\n", text.error().message);
        return;
      }
      if (o.output == "yaml" && printed > 0) std::fputs("---\n", stdout);
      ++printed;
      std::fwrite(text->data(), 1, text->size(), stdout);
    }
    std::fflush(stdout);
  };

  if (!c.args.flag("watch-only")) {
    if (table) {
      auto* kind = info.object.if_contains("kind");
      bool is_table = kind && kind->is_string() && kind->get_string() == "Table";
      table_printer.print(is_table ? info.object : default_table(info.object, info.is_list), w);
      auto text = w.flush();
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
    } else if (info.is_list) {
      for (auto& item : items_of(info.object)) print_object(std::move(item));
    } else {
      print_object(info.object);
    }
  }

  auto kind = target.resource.rest_kind();
  std::string ns = target.resource.namespaced && !o.all_namespaces ? c.ns() : "";
  std::string path;
  if (named) {
    path = with_query(kind.path(ns), {{"fieldSelector", "metadata.name=" + target.names.front()},
                                      {"resourceVersion", "0"},
                                      {"watch", "true"}});
  } else {
    path = with_query(kind.path(ns), {{"fieldSelector", o.field_selector},
                                      {"labelSelector", o.label_selector},
                                      {"resourceVersion", resource_version_of(info.object)},
                                      {"watch", "1"}});
  }
  client::HttpRequest request{"GET", path, {}, {}, table ? kAcceptTable : kAcceptJson};
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, exit_on_signal);
  bool skip = named;  // the synthetic ADDED event of a watch from "0"
  std::string pending;
  auto results = c.rest->stream({request}, [&](size_t, std::string_view bytes) {
    pending.append(bytes);
    size_t start = 0;
    for (auto nl = pending.find('\n', start); nl != std::string::npos; nl = pending.find('\n', start)) {
      auto line = std::string_view(pending).substr(start, nl - start);
      start = nl + 1;
      auto event = parse_object(std::string(line));
      if (!event) continue;
      auto* type = event->if_contains("type");
      auto* obj = event->if_contains("object");
      if (!type || !type->is_string() || !obj || !obj->is_object()) continue;
      if (type->get_string() == "BOOKMARK") continue;
      if (type->get_string() == "ERROR") return false;
      if (skip) {
        skip = false;
        continue;
      }
      print_object(std::move(obj->as_object()));
    }
    pending.erase(0, start);
    return true;
  });
  if (!results.empty() && !is_success(results.front())) return fail_raw(error_message(results.front(), c.rest->server()));
  return 0;
}

}  // namespace

int run_get(Command& c) {
  if (c.args.has("raw")) return run_get_raw(c);
  GetOptions o;
  o.output = c.args.get("output");
  o.all_namespaces = c.args.flag("all-namespaces");
  o.ignore_not_found = c.args.flag("ignore-not-found");
  o.label_selector = c.args.get("selector");
  o.field_selector = c.args.get("field-selector");
  bool table = o.output.empty() || o.output == "wide";
  std::optional<ObjectPrinter> printer;
  if (!table) {
    auto p = ObjectPrinter::make(o.output, c.args.flag("no-headers"));
    if (!p) return fail(p.error().message);
    printer = std::move(*p);
  }
  auto targets = resolve_targets(c.args.positional, *c.discovery);
  if (!targets) return fail(targets.error().message);
  size_t named = 0;
  for (auto& t : *targets) named += t.names.size();
  if (!o.label_selector.empty() && named > 0) return fail("name cannot be provided when a selector is specified");

  std::vector<std::string> errors;
  o.sort_by = c.args.get("sort-by");
  std::optional<jsonpath::Template> sorter;
  if (!o.sort_by.empty()) {
    auto t = jsonpath::Template::parse(sort_expression(o.sort_by));
    if (!t) return fail(t.error().message);
    sorter = std::move(*t);
  }
  if (c.args.flag("watch") || c.args.flag("watch-only")) return run_get_watch(c, o, *targets, table, printer);
  auto infos = fetch(c, *targets, o, table, errors);
  if (sorter && table)
    for (auto& info : infos) sort_object(info.object, *sorter);
  int code = 0;
  if (table) {
    code = print_tables(c, infos, o, errors);
  } else {
    // printGeneric: one named object prints alone, anything else as one List.
    bool single_item = named == 1 && targets->size() == 1;
    if (!(single_item && infos.empty())) {
      json::object obj;
      if (single_item) {
        obj = std::move(infos.front().object);
      } else {
        std::vector<json::object> items;
        for (auto& info : infos) {
          if (info.is_list) {
            for (auto& item : items_of(info.object)) items.push_back(std::move(item));
          } else {
            items.push_back(std::move(info.object));
          }
        }
        obj = make_list(std::move(items));
        if (sorter && !sort_object(obj, *sorter))
          return fail("couldn't find any field with path \"" + sort_expression(o.sort_by) + "\" in the list of objects");
      }
      if (!c.args.flag("show-managed-fields")) omit_managed_fields(obj);
      auto text = printer->print(obj);
      if (!text) return fail(text.error().message);
      std::fwrite(text->data(), 1, text->size(), stdout);
    }
  }
  std::fflush(stdout);
  for (auto& e : errors) fmt::print(stderr, "{}\n", e);
  return errors.empty() ? code : kFailure;
}

}  // namespace kscratch::kubectl
