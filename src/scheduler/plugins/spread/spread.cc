#include "spread.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "../node_affinity/node_affinity.h"

namespace kscratch::scheduler::plugins {

namespace {

constexpr int32_t kHostnameMaxSkew = 3;
constexpr int32_t kZoneMaxSkew = 5;

// upstream topologyNormalizingWeight.
double normalizing_weight(size_t domains) { return std::log(static_cast<double>(domains + 2)); }

// upstream scoreForCount.
double score_for_count(int64_t count, int32_t max_skew, double weight) {
  return static_cast<double>(count) * weight + static_cast<double>(max_skew - 1);
}

const std::string* zone_of(const Node& node) {
  static const std::string kZoneKey = kLabelTopologyZone;  // Built once: the key outgrows SSO.
  auto it = node.labels.find(kZoneKey);
  return it == node.labels.end() ? nullptr : &it->second;
}

// A node without the label belongs to the "" zone, as upstream's node.Labels[key].
std::string_view zone_or_empty(const Node& node) {
  const std::string* zone = zone_of(node);
  return zone ? std::string_view(*zone) : std::string_view();
}

}  // namespace

// upstream PreScore / initPreScoreState. With system default constraints nodes missing a
// topology label are not ignored: they form the "" zone for the domain count, as upstream.
bool PodTopologySpread::pre_score(const PodInfo& pod, NodeList feasible, NodeList all_nodes) {
  pods_per_zone_.clear();
  zones_present_ = false;
  if (pod.spread_owner_uid.empty()) return false;
  hostname_weight_ = normalizing_weight(feasible.size());
  for (const NodeInfo* node : feasible) {
    if (zone_of(node->node()) != nullptr) zones_present_ = true;
    std::string_view zone = zone_or_empty(node->node());
    if (pods_per_zone_.find(zone) == pods_per_zone_.end()) pods_per_zone_.emplace(std::string(zone), 0);
  }
  zone_weight_ = normalizing_weight(pods_per_zone_.size());
  // Only nodes with a zone label score for the zone constraint; without any, skip the count
  // over every node (it is the costly part at thousands of nodes).
  if (!zones_present_) return true;
  for (const NodeInfo* node : all_nodes) {
    if (!matches_required_node_affinity(pod, node->node())) continue;
    auto it = pods_per_zone_.find(zone_or_empty(node->node()));
    if (it != pods_per_zone_.end()) it->second += node->pods_with_owner(pod.spread_owner_uid);
  }
  return true;
}

int64_t PodTopologySpread::score(const PodInfo& pod, const NodeInfo& node) const {
  double score = score_for_count(node.pods_with_owner(pod.spread_owner_uid), kHostnameMaxSkew, hostname_weight_);
  if (zones_present_) {
    if (const std::string* zone = zone_of(node.node())) {
      auto it = pods_per_zone_.find(*zone);
      int64_t count = it == pods_per_zone_.end() ? 0 : it->second;
      score += score_for_count(count, kZoneMaxSkew, zone_weight_);
    }
  }
  return std::llround(score);  // Go's math.Round: half away from zero.
}

void PodTopologySpread::normalize(std::span<int64_t> scores) const {
  int64_t min_score = std::numeric_limits<int64_t>::max();
  int64_t max_score = 0;
  for (int64_t s : scores) {
    min_score = std::min(min_score, s);
    max_score = std::max(max_score, s);
  }
  for (int64_t& s : scores) {
    s = max_score == 0 ? kMaxNodeScore : kMaxNodeScore * (max_score + min_score - s) / max_score;
  }
}

}  // namespace kscratch::scheduler::plugins
