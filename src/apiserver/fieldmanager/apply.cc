// Server-side apply (upstream's FieldManager.Apply over structured-merge-diff's
// Updater.Apply): merge, prune what the applier dropped, find conflicts, move ownership.

#include "fieldmanager.h"
#include "last_applied.h"
#include "ownership.h"
#include "typed.h"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace kscratch::apiserver::fieldmanager {

namespace {

std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// conflict.go's printManager: `"kubectl" with subresource "scale" using apps/v1`. The
// identifier of an entry carries no time, so none is printed.
std::string printed_manager(const ManagedEntry& e) {
  auto out = go_quote(e.manager);
  if (!e.subresource.empty()) out += " with subresource " + go_quote(e.subresource);
  if (e.operation == "Update") out += " using " + e.api_version;
  return out;
}

// Upstream sorts managers by their identifier, the JSON of the entry without its fields.
std::string identifier(const ManagedEntry& e) {
  json::object o{{"manager", e.manager}, {"operation", e.operation}};
  if (e.operation != "Apply") o["apiVersion"] = e.api_version;
  if (!e.subresource.empty()) o["subresource"] = e.subresource;
  return json::serialize(o);
}

// conflict.go's getConflictMessage.
std::string conflict_message(const std::vector<std::pair<const ManagedEntry*, std::vector<Path>>>& by_manager,
                             std::size_t count) {
  if (count == 1) {
    return fmt::format("Apply failed with 1 conflict: conflict with {}: {}", printed_manager(*by_manager[0].first),
                       path_string(by_manager[0].second[0]));
  }
  std::vector<std::string> lines;
  for (const auto& [entry, paths] : by_manager) {
    lines.push_back(fmt::format("conflicts with {}:", printed_manager(*entry)));
    for (const auto& p : paths) lines.push_back("- " + path_string(p));
  }
  std::string joined;
  for (const auto& l : lines) joined += (joined.empty() ? "" : "\n") + l;
  return fmt::format("Apply failed with {} conflicts: {}", count, joined);
}

bool same_entries(const ManagedFields& a, const ManagedFields& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].manager != b[i].manager || a[i].operation != b[i].operation || a[i].api_version != b[i].api_version ||
        a[i].subresource != b[i].subresource || !(a[i].fields == b[i].fields)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::variant<json::object, ApplyError> apply(const Scope& scope, const json::object& live, const json::object& config,
                                             const std::string& manager, bool force, const std::string& now) {
  auto typed_error = [&](const std::string& why) {
    return ApplyError{400, fmt::format("failed to create typed patch object ({}, Kind={}): {}", scope.api_version,
                                       scope.kind, why),
                      {}};
  };
  if (const auto* meta = config.if_contains("metadata"); meta && meta->is_object()) {
    if (const auto* mf = meta->get_object().if_contains("managedFields"); mf && !mf->is_null()) {
      return ApplyError{400, "metadata.managedFields must be nil", {}};
    }
  }

  Shape shape(scope.schema);
  auto current = ownership::without_managed_fields(live);
  const ManagedFields original = ownership::managed_fields_of(live);
  ManagedFields managed = original;
  if (managed.empty() && ownership::stored(live)) {
    // The object was never tracked: what it holds is owned by "before-first-apply", so
    // the first apply cannot silently change values someone else set.
    auto everything = ownership::strip(scope, compare(shape, json::object(), current).changed());
    if (!everything.empty()) {
      managed.push_back(ManagedEntry{"before-first-apply", "Update", scope.api_version, now, scope.subresource,
                                     std::move(everything)});
    }
  }

  auto applied = fields_of(shape, config);
  if (!applied) return typed_error(applied.error().message);
  auto merged = merge(shape, current, config);
  if (!merged) return typed_error(merged.error().message);

  auto& mine = ownership::entry_for(managed, scope, manager, "Apply");
  FieldSet previously = mine.fields;
  mine.fields = ownership::strip(scope, std::move(*applied));
  mine.time = now;
  const ManagedEntry* applier = &mine;

  // Fields this manager applied before but not now, that nobody else owns, go away.
  if (!previously.empty()) {
    FieldSet owned;
    for (const auto& e : managed) owned = owned.unite(e.fields);
    auto dropped = previously.subtract(owned);
    if (!dropped.empty()) remove_fields(shape, *merged, dropped, owned);
  }

  auto diff = compare(shape, current, *merged);
  auto changed = ownership::strip(scope, diff.changed());
  auto removed = ownership::strip(scope, diff.removed);

  std::vector<std::pair<const ManagedEntry*, std::vector<Path>>> conflicts;
  std::size_t conflict_count = 0;
  std::map<const ManagedEntry*, FieldSet> conflicting;
  for (const auto& e : managed) {
    if (&e == applier) continue;
    auto both = e.fields.intersect(changed);
    if (both.empty()) continue;
    auto paths = both.paths();
    conflict_count += paths.size();
    conflicts.emplace_back(&e, std::move(paths));
    conflicting.emplace(&e, std::move(both));
  }
  if (!conflicts.empty() && !force && manager == "kubectl") {
    // kubectl's server-side apply takes over what its client-side apply set, as long as the
    // values are still those of the last-applied configuration.
    auto allowed = fields_from_last_applied(shape, current);
    std::vector<std::pair<const ManagedEntry*, std::vector<Path>>> remaining;
    conflict_count = 0;
    for (const auto& [entry, both] : conflicting) {
      auto paths = both.subtract(allowed).paths();
      if (paths.empty()) continue;
      conflict_count += paths.size();
      remaining.emplace_back(entry, std::move(paths));
    }
    conflicts = std::move(remaining);
  }
  if (!conflicts.empty() && !force) {
    std::sort(conflicts.begin(), conflicts.end(),
              [](const auto& a, const auto& b) { return identifier(*a.first) < identifier(*b.first); });
    ApplyError err{409, conflict_message(conflicts, conflict_count), {}};
    for (const auto& [entry, paths] : conflicts) {
      for (const auto& p : paths) err.conflicts.push_back(Conflict{printed_manager(*entry), path_string(p)});
    }
    return err;
  }
  for (auto& e : managed) {
    if (&e == applier) continue;
    if (auto c = conflicting.find(&e); c != conflicting.end()) e.fields = e.fields.subtract(c->second);
    e.fields = e.fields.subtract(removed);
  }
  ownership::drop_empty(managed);

  if (manager == "kubectl") update_last_applied(*merged, config);
  // An apply that changes nothing leaves the object as it was, timestamps included.
  if (*merged == current && same_entries(managed, original)) return live;
  ownership::set_managed_fields(*merged, managed);
  return std::move(*merged);
}

}  // namespace kscratch::apiserver::fieldmanager
