#pragma once
// Resource kinds are data. One Resource entry describes everything the generic REST
// handlers need to serve a kind: its names (for paths and discovery), its verbs and
// subresources, how to default and validate objects, how to print them as a Table, and
// how strategic merge patches merge its lists. Adding a kind is adding an entry.

#include "kscratch/apiserver/field_error.h"

#include <boost/json/object.hpp>
#include <boost/json/array.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::apimachinery {
class PatchSchema;
}

namespace kscratch::apiserver {

// A Table column as meta.k8s.io/v1 TableColumnDefinition.
struct TableColumn {
  std::string name;         // "NAME"
  std::string type;         // "string", "integer", "date", "number", "boolean"
  std::string format;       // "name" for the name column, else usually ""
  std::string description;
  int priority = 0;         // 0 always shown; 1 only with -o wide
};

using Clock = std::chrono::system_clock;

struct Resource {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
  std::string plural;
  std::string singular;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;  // "all" puts the kind in `kubectl get all`
  bool namespaced = true;
  std::vector<std::string> verbs;         // create delete deletecollection get list patch update watch
  std::vector<std::string> subresources;  // "status", "scale", "binding"
  // Whether metadata.generation counts spec changes (Deployment, ReplicaSet, ...).
  bool tracks_generation = false;
  // Whether status is reset on create and kept on updates of the main resource (true for
  // kinds with a status subresource, as upstream's strategies do).
  bool has_status = false;
  // Field selectors supported besides metadata.name and metadata.namespace.
  std::vector<std::string> field_labels;

  // Fills in defaults as upstream's SetDefaults_<Kind> (and metadata-independent
  // defaults only: the generic handlers set uid, timestamps, generation...).
  void (*set_defaults)(boost::json::object& object) = nullptr;
  // Validates an object on create (old == nullptr) or update (old is the stored object),
  // as upstream's Validate<Kind> / Validate<Kind>Update, metadata included.
  FieldErrors (*validate)(const boost::json::object& object, const boost::json::object* old) = nullptr;
  // Validates a write through the status subresource (upstream's Validate<Kind>StatusUpdate).
  FieldErrors (*validate_status)(const boost::json::object& object, const boost::json::object& old) = nullptr;

  // Table output: the columns, and the cells of one object's row (same length).
  std::vector<TableColumn> (*table_columns)() = nullptr;
  boost::json::array (*table_row)(const boost::json::object& object, Clock::time_point now) = nullptr;

  const apimachinery::PatchSchema* patch_schema = nullptr;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  std::string list_kind() const { return kind + "List"; }
};

}  // namespace kscratch::apiserver

namespace kscratch::apiserver {

// The built-in kinds, in discovery order.
const std::vector<Resource>& builtin_resources();
// The kind serving /<prefix>/<group>/<version>/.../<plural>, or nullptr.
const Resource* find_resource(std::string_view group, std::string_view version, std::string_view plural);

}  // namespace kscratch::apiserver
