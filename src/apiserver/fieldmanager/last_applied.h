#pragma once
// Moving from client-side to server-side apply (upstream's lastAppliedManager and
// lastAppliedUpdater): kubectl's server-side apply may take over fields that client-side
// apply recorded in the kubectl.kubernetes.io/last-applied-configuration annotation, and
// keeps that annotation in step with what it applies.

#include "field_set.h"
#include "shape.h"

#include <boost/json/object.hpp>

namespace kscratch::apiserver::fieldmanager {

inline constexpr const char* kLastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

// The fields of the last-applied configuration of `live` whose values the live object still
// has: conflicts on them do not stop kubectl's apply. Empty without the annotation.
FieldSet fields_from_last_applied(const Shape& shape, const json::object& live);

// When `object` carries the annotation, sets it to `config` (without the annotation) as
// upstream encodes it: compact JSON with sorted keys and a final newline.
void update_last_applied(json::object& object, const json::object& config);

}  // namespace kscratch::apiserver::fieldmanager
