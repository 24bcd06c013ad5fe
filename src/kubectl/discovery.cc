// Discovery: ask once (aggregated: two requests), cache as one JSON file, resolve words.

#include "discovery.h"

#include "command.h"
#include "kscratch/apimachinery/goformat.h"
#include "rest.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace kscratch::kubectl {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// kubectl's discovery cache lifetime.
constexpr auto kCacheTtl = std::chrono::hours(6);
constexpr const char* kCacheFile = "kscratch-resources.json";
constexpr const char* kAcceptAggregated =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::vector<std::string> strings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (auto* v = o.if_contains(key); v && v->is_array())
    for (auto& s : v->get_array())
      if (s.is_string()) out.emplace_back(s.get_string());
  return out;
}

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  for (auto& s : v) a.emplace_back(s);
  return a;
}

std::optional<json::object> parse_object(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

}  // namespace

std::string ApiResource::kind_prefix() const {
  return group.empty() ? lower(kind) : lower(kind) + "." + group;
}

std::string ApiResource::group_resource() const { return group.empty() ? name : name + "." + group; }

bool ApiResource::has_verb(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

json::object to_json(const ApiResource& r) {
  return json::object{{"group", r.group},           {"version", r.version},
                      {"name", r.name},             {"singular", r.singular},
                      {"kind", r.kind},             {"namespaced", r.namespaced},
                      {"preferred", r.preferred},   {"verbs", to_array(r.verbs)},
                      {"shortNames", to_array(r.short_names)}, {"categories", to_array(r.categories)}};
}

ApiResource resource_from_json(const json::object& o) {
  ApiResource r;
  r.group = str(o, "group");
  r.version = str(o, "version");
  r.name = str(o, "name");
  r.singular = str(o, "singular");
  r.kind = str(o, "kind");
  auto* ns = o.if_contains("namespaced");
  r.namespaced = ns && ns->is_bool() && ns->get_bool();
  auto* pref = o.if_contains("preferred");
  r.preferred = !pref || !pref->is_bool() || pref->get_bool();
  r.verbs = strings(o, "verbs");
  r.short_names = strings(o, "shortNames");
  r.categories = strings(o, "categories");
  return r;
}

std::vector<ApiResource> parse_aggregated(const json::object& list) {
  std::vector<ApiResource> out;
  auto* items = list.if_contains("items");
  if (!items || !items->is_array()) return out;
  for (auto& item : items->get_array()) {
    if (!item.is_object()) continue;
    auto* meta = item.get_object().if_contains("metadata");
    std::string group = meta && meta->is_object() ? str(meta->get_object(), "name") : "";
    auto* versions = item.get_object().if_contains("versions");
    if (!versions || !versions->is_array()) continue;
    bool first = true;
    for (auto& v : versions->get_array()) {
      if (!v.is_object()) continue;
      std::string version = str(v.get_object(), "version");
      auto* resources = v.get_object().if_contains("resources");
      if (resources && resources->is_array()) {
        for (auto& res : resources->get_array()) {
          if (!res.is_object()) continue;
          auto& o = res.get_object();
          ApiResource r;
          r.group = group;
          r.version = version;
          r.name = str(o, "resource");
          r.singular = str(o, "singularResource");
          if (auto* kind = o.if_contains("responseKind"); kind && kind->is_object()) r.kind = str(kind->get_object(), "kind");
          r.namespaced = str(o, "scope") == "Namespaced";
          r.preferred = first;
          r.verbs = strings(o, "verbs");
          r.short_names = strings(o, "shortNames");
          r.categories = strings(o, "categories");
          out.push_back(std::move(r));
        }
      }
      first = false;
    }
  }
  return out;
}

std::vector<ApiResource> parse_resource_list(const json::object& list, bool preferred) {
  std::vector<ApiResource> out;
  std::string gv = str(list, "groupVersion");
  auto slash = gv.find('/');
  std::string group = slash == std::string::npos ? "" : gv.substr(0, slash);
  std::string version = slash == std::string::npos ? gv : gv.substr(slash + 1);
  auto* resources = list.if_contains("resources");
  if (!resources || !resources->is_array()) return out;
  for (auto& res : resources->get_array()) {
    if (!res.is_object()) continue;
    auto& o = res.get_object();
    ApiResource r;
    r.group = group;
    r.version = version;
    r.name = str(o, "name");
    if (r.name.find('/') != std::string::npos) continue;  // a subresource
    r.singular = str(o, "singularName");
    r.kind = str(o, "kind");
    auto* ns = o.if_contains("namespaced");
    r.namespaced = ns && ns->is_bool() && ns->get_bool();
    r.preferred = preferred;
    r.verbs = strings(o, "verbs");
    r.short_names = strings(o, "shortNames");
    r.categories = strings(o, "categories");
    out.push_back(std::move(r));
  }
  return out;
}

fs::path discovery_cache_dir(const fs::path& cache_root, const std::string& server) {
  std::string host = server;
  for (const char* scheme : {"https://", "http://"}) {
    if (host.rfind(scheme, 0) == 0) {
      host = host.substr(std::string_view(scheme).size());
      break;
    }
  }
  // kubectl keeps [\w/.()] and turns everything else into '_'.
  for (auto& c : host) {
    bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/' || c == '.' || c == '(' || c == ')';
    if (!keep) c = '_';
  }
  return cache_root / "discovery" / host;
}

Discovery::Discovery(Rest& rest, fs::path cache_dir) : rest_(&rest), cache_dir_(std::move(cache_dir)) {}

Discovery::Discovery(std::vector<ApiResource> resources) : resources_(std::move(resources)), loaded_(true), fresh_(true) {}

void Discovery::load() {
  if (loaded_) return;
  loaded_ = true;
  auto file = cache_dir_ / kCacheFile;
  std::error_code ec;
  auto mtime = fs::last_write_time(file, ec);
  if (!ec && fs::file_time_type::clock::now() - mtime < kCacheTtl) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (auto cached = parse_object(text.str())) {
      if (auto* list = cached->if_contains("resources"); list && list->is_array()) {
        for (auto& r : list->get_array())
          if (r.is_object()) resources_.push_back(resource_from_json(r.get_object()));
        if (!resources_.empty()) return;
      }
    }
  }
  fetch();
}

bool Discovery::fetch() {
  fresh_ = true;
  if (!rest_) return false;
  std::vector<ApiResource> found;
  for (const char* root : {"/api", "/apis"}) {
    auto response = rest_->get(root, kAcceptAggregated);
    if (!is_success(response)) {
      error_ = error_message(response, rest_->server());
      if (response.status == 0 && response.body.find("refused") != std::string::npos) {
        // kubectl's discovery client logs each of its five attempts before giving up.
        std::string host = rest_->server().substr(rest_->server().find("://") + 3);
        std::string err = "couldn't get current server API group list: Get \"" + rest_->server() +
                          "/api?timeout=32s\": dial tcp " + host + ": connect: connection refused";
        for (int i = 0; i < 5; ++i)
          klog_error("memcache.go:265", "\"Unhandled Error\" err=" + apimachinery::goformat::go_quote(err));
      }
      return false;
    }
    auto doc = parse_object(response.body);
    if (!doc) continue;
    if (str(*doc, "kind") == "APIGroupDiscoveryList") {
      auto part = parse_aggregated(*doc);
      found.insert(found.end(), part.begin(), part.end());
      continue;
    }
    // Legacy discovery: one more request per group-version.
    std::vector<std::pair<std::string, bool>> group_versions;
    if (str(*doc, "kind") == "APIVersions") {
      bool first = true;
      for (auto& v : strings(*doc, "versions")) {
        group_versions.emplace_back("/api/" + v, first);
        first = false;
      }
    } else if (auto* groups = doc->if_contains("groups"); groups && groups->is_array()) {
      for (auto& g : groups->get_array()) {
        if (!g.is_object()) continue;
        std::string preferred;
        if (auto* p = g.get_object().if_contains("preferredVersion"); p && p->is_object())
          preferred = str(p->get_object(), "groupVersion");
        if (auto* versions = g.get_object().if_contains("versions"); versions && versions->is_array())
          for (auto& v : versions->get_array())
            if (v.is_object()) {
              std::string gv = str(v.get_object(), "groupVersion");
              group_versions.emplace_back("/apis/" + gv, gv == preferred);
            }
      }
    }
    for (auto& [path, preferred] : group_versions) {
      auto list = rest_->get(path);
      if (!is_success(list)) continue;
      if (auto parsed = parse_object(list.body)) {
        auto part = parse_resource_list(*parsed, preferred);
        found.insert(found.end(), part.begin(), part.end());
      }
    }
  }
  resources_ = std::move(found);
  // The cache is an optimisation: failing to write it is not an error.
  std::error_code ec;
  fs::create_directories(cache_dir_, ec);
  json::array list;
  for (auto& r : resources_) list.push_back(to_json(r));
  auto tmp = cache_dir_ / (std::string(kCacheFile) + "." + std::to_string(::getpid()));
  {
    std::ofstream out(tmp);
    out << json::serialize(json::object{{"resources", std::move(list)}});
  }
  fs::rename(tmp, cache_dir_ / kCacheFile, ec);
  if (ec) fs::remove(tmp, ec);
  return true;
}

void Discovery::refresh() {
  loaded_ = true;
  resources_.clear();
  fetch();
}

const std::vector<ApiResource>& Discovery::resources() {
  load();
  return resources_;
}

std::optional<ApiResource> Discovery::match(std::string_view word_in) const {
  std::string word = lower(word_in);
  std::string name = word, version, group;
  bool qualified = false;
  if (auto dot = word.find('.'); dot != std::string::npos) {
    qualified = true;
    name = word.substr(0, dot);
    group = word.substr(dot + 1);
    // resource.version.group when the middle part is one of the group's versions.
    if (auto dot2 = group.find('.'); dot2 != std::string::npos) {
      std::string v = group.substr(0, dot2), g = group.substr(dot2 + 1);
      bool is_version = std::any_of(resources_.begin(), resources_.end(),
                                    [&](const ApiResource& r) { return r.group == g && r.version == v; });
      if (is_version) {
        version = v;
        group = g;
      }
    }
  }
  auto names_match = [&](const ApiResource& r) {
    return r.name == name || r.singular == name || lower(r.kind) == name ||
           std::find(r.short_names.begin(), r.short_names.end(), name) != r.short_names.end();
  };
  // Exact resource names win over short names and kinds, as kubectl's mapper tries them first.
  for (int pass = 0; pass < 2; ++pass) {
    for (bool want_preferred : {true, false}) {
      for (auto& r : resources_) {
        if (qualified && r.group != group) continue;
        if (!version.empty() && r.version != version) continue;
        if (version.empty() && r.preferred != want_preferred) continue;
        if (pass == 0 ? r.name == name : names_match(r)) return r;
      }
    }
  }
  return std::nullopt;
}

std::optional<ApiResource> Discovery::find(std::string_view word) {
  load();
  if (auto r = match(word)) return r;
  if (!fresh_) {
    refresh();
    return match(word);
  }
  return std::nullopt;
}

std::optional<ApiResource> Discovery::find_kind(std::string_view api_version, std::string_view kind) {
  load();
  for (int attempt = 0; attempt < 2; ++attempt) {
    for (auto& r : resources_)
      if (r.kind == kind && r.api_version() == api_version) return r;
    if (fresh_) break;
    refresh();
  }
  return std::nullopt;
}

std::vector<ApiResource> Discovery::category(std::string_view name) {
  load();
  std::vector<ApiResource> out;
  for (auto& r : resources_) {
    if (!r.preferred) continue;
    if (std::find(r.categories.begin(), r.categories.end(), name) != r.categories.end()) out.push_back(r);
  }
  return out;
}

}  // namespace kscratch::kubectl
