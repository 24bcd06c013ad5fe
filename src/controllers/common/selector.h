#pragma once
// The label selector in an object's spec.selector (ReplicaSets, Deployments), parsed as
// metav1.LabelSelectorAsSelector: a missing selector selects nothing.

#include "controllers/common/json_fields.h"
#include "kscratch/apimachinery/labels.h"
#include "kscratch/util/expected.h"

namespace kscratch::controllers {

Expected<apimachinery::labels::Selector> spec_selector(const json::object& obj);

// Whether owner's spec.selector is valid, not empty, and matches obj's labels: the test
// informer handlers use to find who may adopt an orphan.
bool spec_selector_matches(const json::object& owner, const json::object& obj);

}  // namespace kscratch::controllers
