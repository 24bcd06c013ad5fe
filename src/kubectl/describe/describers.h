#pragma once
// kubectl describe's describers (upstream pkg/describe/describe.go), one per kind, each
// fetching what it shows through the REST session as upstream's does.

#include "../command.h"
#include "kscratch/util/expected.h"
#include "writer.h"

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kscratch::kubectl::describe {

// Whether there is a describer for the resource (group and plural name).
bool has_describer(const ApiResource& resource);

// The description of one object, or the message kubectl prints for the failure
// (`Error from server (NotFound): pods "x" not found`). not_found tells a 404.
struct DescribeError {
  std::string message;
  bool not_found = false;
};
std::variant<std::string, DescribeError> describe_one(Command& c, const ApiResource& resource, const std::string& ns,
                                                      const std::string& name);

// --show-events (true unless turned off).
void set_show_events(bool show);

// DescribePodTemplate, shared with `rollout history --revision`.
void describe_pod_template(const boost::json::value& tmpl, PrefixWriter& w);

// Objects of a list response (items).
std::vector<boost::json::value> list_items(Command& c, const std::string& target, std::string* error = nullptr,
                                           int* status = nullptr);

// A Deployment's ReplicaSets (deploymentutil.GetAllReplicaSetsInChunks): all it controls,
// the new one (the oldest whose template matches the Deployment's) and the others.
struct DeploymentReplicaSets {
  std::vector<boost::json::value> all, old;
  std::optional<boost::json::value> current;
};
DeploymentReplicaSets deployment_replicasets(Command& c, const boost::json::value& deployment);

int run_describe(Command& c);
int run_rollout(Command& c);
int run_set(Command& c);  // set image

}  // namespace kscratch::kubectl::describe
