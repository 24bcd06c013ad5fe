#pragma once
// What kubectl's verbs read from a decoded pod and from the objects that select pods
// (logs and exec of deploy/NAME, svc/NAME, ...): readiness, container names, and the
// selector string to list the pods with.

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace kscratch::kubectl {

// The Ready condition is True (podutil.IsPodReady).
bool pod_ready(const boost::json::object& pod);

// The names of spec.<field> ("containers", "initContainers", "ephemeralContainers"),
// each followed by suffix.
std::vector<std::string> container_names(const boost::json::object& pod, const char* field, const char* suffix = "");

// The selector string of a plain label map (a Service's or ReplicationController's
// selector; labels.SelectorFromSet) and of a metav1.LabelSelector (LabelSelectorAsSelector).
std::string set_selector(const boost::json::object& labels);
std::string label_selector(const boost::json::object& selector);

}  // namespace kscratch::kubectl
