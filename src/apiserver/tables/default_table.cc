// Upstream's default table (k8s.io/apiserver/pkg/registry/rest.defaultTableConvertor), used for
// kinds that have no printer: the name and the creation time as an RFC 3339 UTC date.

#include "json_access.h"
#include "columns.h"
#include "tables.h"

#include "kscratch/apimachinery/duration.h"

namespace kscratch::apiserver::tables {

namespace json = boost::json;

std::vector<TableColumn> default_columns() {
  return {name_column(), column("Created At", kObjectMetaCreationTimestampDoc, 0, "date")};
}

json::array default_row(const json::object& object, Clock::time_point /*now*/) {
  const json::object* metadata = object_at(object, "metadata");
  std::optional<Clock::time_point> created =
      metadata ? time_at(*metadata, "creationTimestamp") : std::nullopt;
  // Go formats the zero time too: metav1.Time{}.UTC().Format(time.RFC3339).
  std::string created_at =
      created ? apimachinery::duration::format_rfc3339(*created) : "0001-01-01T00:00:00Z";
  return json::array{object_name(object), created_at};
}

}  // namespace kscratch::apiserver::tables
