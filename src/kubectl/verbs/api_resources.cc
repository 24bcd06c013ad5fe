// `kubectl api-resources`: the preferred version of every resource, sorted by group then
// name (kubectl's default), always fresh from the server.

#include "../printers/tabwriter.h"
#include "verbs.h"

#include <fmt/format.h>

#include <algorithm>

namespace kscratch::kubectl {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace

int run_api_resources(Command& c) {
  std::string output = c.args.get("output");
  if (!output.empty() && output != "wide" && output != "name") return fail("--output " + output + " is not available");
  std::string sort_by = c.args.get("sort-by");
  if (!sort_by.empty() && sort_by != "name" && sort_by != "kind") return fail("--sort-by accepts only name or kind");
  if (!c.args.positional.empty()) return fail("unexpected arguments: [" + join(c.args.positional, " ") + "]");
  if (!c.args.flag("cached")) c.discovery->refresh();
  if (!c.discovery->error().empty()) return fail_raw(c.discovery->error());

  std::vector<ApiResource> resources;
  bool namespaced_given = c.args.has("namespaced");
  bool namespaced = c.args.flag("namespaced");
  auto verbs = c.args.all("verbs");
  std::vector<std::string> wanted_verbs;
  for (auto& v : verbs) {
    size_t start = 0;
    while (start <= v.size()) {
      auto comma = v.find(',', start);
      wanted_verbs.push_back(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  for (auto& r : c.discovery->resources()) {
    if (!r.preferred || r.verbs.empty()) continue;
    if (c.args.has("api-group") && r.group != c.args.get("api-group")) continue;
    if (namespaced_given && r.namespaced != namespaced) continue;
    if (!std::all_of(wanted_verbs.begin(), wanted_verbs.end(), [&](const std::string& v) { return r.has_verb(v); }))
      continue;
    resources.push_back(r);
  }
  auto key = [&](const ApiResource& r) -> const std::string& {
    return sort_by == "name" ? r.name : sort_by == "kind" ? r.kind : r.group;
  };
  std::stable_sort(resources.begin(), resources.end(), [&](const ApiResource& a, const ApiResource& b) {
    int cmp = key(a).compare(key(b));
    return cmp != 0 ? cmp < 0 : a.name < b.name;
  });
  TabWriter w;
  std::string text;
  if (!c.args.flag("no-headers") && output != "name") {
    text += "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND";
    text += output == "wide" ? "\tVERBS\tCATEGORIES\n" : "\n";
  }
  for (auto& r : resources) {
    if (output == "name") {
      text += r.group.empty() ? r.name + "\n" : r.name + "." + r.group + "\n";
      continue;
    }
    text += fmt::format("{}\t{}\t{}\t{}\t{}", r.name, join(r.short_names, ","), r.api_version(),
                        r.namespaced ? "true" : "false", r.kind);
    if (output == "wide") text += fmt::format("\t{}\t{}", join(r.verbs, ","), join(r.categories, ","));
    text += '\n';
  }
  w.write(text);
  text = w.flush();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace kscratch::kubectl
