#pragma once
// Operations on objects as structured-merge-diff's typed values: the field set of an
// applied configuration, the comparison of two objects, the merge of a configuration into
// a live object, and the removal of fields. Each walks the object with its Shape, so
// associative lists are handled item by item and atomic values as leaves.

#include "field_set.h"
#include "shape.h"

#include "kscratch/util/expected.h"

#include <boost/json/object.hpp>

#include <utility>

namespace kscratch::apiserver::fieldmanager {

// The fields `config` sets (TypedValue.ToFieldSet): every scalar and atomic value, and every
// item of an associative list or set (so "." appears for list items but not for objects).
// Fails when an associative list's item lacks a key or repeats one.
Expected<FieldSet> fields_of(const Shape& shape, const json::object& config);

struct Comparison {
  FieldSet added, modified, removed;
  bool empty() const { return added.empty() && modified.empty() && removed.empty(); }
  FieldSet changed() const& { return added.unite(modified); }
  // The added set takes the modified one in, without copying either.
  FieldSet changed() && {
    FieldSet out = std::move(added);
    out.unite_in_place(std::move(modified));
    return out;
  }
};

// What changed from `before` to `after` (TypedValue.Compare). Objects and lists that appear
// or disappear as a whole are added or removed themselves, besides their contents; empty
// objects and lists are leaves.
Comparison compare(const Shape& shape, const json::object& before, const json::object& after);
// compare of the objects without their metadata.managedFields (ownership::
// without_managed_fields), which is not itself tracked; the walk skips it instead of
// comparing copies of the objects.
Comparison compare_tracked(const Shape& shape, const json::object& before, const json::object& after);

// `config` merged into `live` (TypedValue.Merge): objects field by field, associative lists
// item by item in upstream's order, atomic values replaced. Null values in `config` remove
// the field, as decoding into Go types would. Fails as fields_of does.
Expected<json::object> merge(const Shape& shape, const json::object& live, const json::object& config);

// Removes from `object` the fields of `remove`, except that a field or item holding fields
// of `keep` stays (only its removable contents go). Objects and lists left empty by a
// removal are removed too.
void remove_fields(const Shape& shape, json::object& object, const FieldSet& remove, const FieldSet& keep);

}  // namespace kscratch::apiserver::fieldmanager
