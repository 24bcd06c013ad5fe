#pragma once
// What update.cc and apply.cc share: the fields nobody owns, objects without their
// managedFields, and finding a manager's entry.

#include "fieldmanager.h"
#include "shape.h"

namespace kscratch::apiserver::fieldmanager::ownership {

// `set` without the fields upstream never tracks: apiVersion, kind, server-set metadata,
// and the parts of the object a write through `scope` cannot change (status through the
// main resource of kinds with /status; spec and metadata through /status).
FieldSet strip(const Scope& scope, FieldSet set);

// The object without metadata.managedFields, which is not itself tracked.
json::object without_managed_fields(const json::object& o);
// The object's managedFields; empty when missing or not valid.
ManagedFields managed_fields_of(const json::object& o);
// Whether the object already exists in storage (has a uid), as opposed to being created.
bool stored(const json::object& o);

// The entry of (manager, operation, subresource), created at the end when missing. Apply
// entries are one per manager whatever the version; Update entries one per version.
ManagedEntry& entry_for(ManagedFields& managed, const Scope& scope, const std::string& manager,
                        const std::string& operation);

// Removes entries that own nothing.
void drop_empty(ManagedFields& managed);

void set_managed_fields(json::object& o, const ManagedFields& managed);

}  // namespace kscratch::apiserver::fieldmanager::ownership
