// upstream framework.FitError.Error() (pkg/scheduler/framework/types.go, 1.32): "0/N nodes are
// available: " then "<count> <reason>" sorted as strings and joined by ", ", a period, then the
// PostFilter message after a space. With no filter reasons the histogram and its period are left
// out.

#include <algorithm>
#include <string>
#include <vector>

#include "kscratch/scheduler/algorithm.h"

namespace kscratch::scheduler {

std::map<std::string, int> FitError::reason_counts() const {
  std::map<std::string, int> counts;
  for (const auto& [node, status] : node_statuses) {
    for (const std::string& reason : status.reasons()) ++counts[reason];
  }
  int absent = num_all_nodes - static_cast<int>(node_statuses.size());
  if (!absent_nodes_reason.empty() && absent > 0) counts[absent_nodes_reason] += absent;
  return counts;
}

std::string FitError::message() const {
  std::string out = "0/" + std::to_string(num_all_nodes) + " nodes are available:";
  std::vector<std::string> histogram;
  for (const auto& [reason, count] : reason_counts()) histogram.push_back(std::to_string(count) + " " + reason);
  // Sorted as whole strings, as upstream's sort.Strings ("10 x" sorts before "2 y").
  std::sort(histogram.begin(), histogram.end());
  if (!histogram.empty()) {
    out += " ";
    for (size_t i = 0; i < histogram.size(); ++i) {
      if (i > 0) out += ", ";
      out += histogram[i];
    }
    out += ".";
  }
  if (!post_filter_message.empty()) out += " " + post_filter_message;
  return out;
}

}  // namespace kscratch::scheduler
