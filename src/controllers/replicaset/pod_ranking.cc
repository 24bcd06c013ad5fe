#include "controllers/replicaset/pod_ranking.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "controllers/common/pods.h"

namespace kscratch::controllers::replicaset {

namespace {

// podPhaseToOrdinal: phases not listed (Succeeded, Failed, "") count as Pending.
int phase_ordinal(const std::string& phase) {
  if (phase == "Unknown") return 1;
  if (phase == "Running") return 2;
  return 0;
}

// afterOrZero: t1 after t2, a zero time counting as after any other.
bool after_or_zero(const std::optional<TimePoint>& t1, const std::optional<TimePoint>& t2) {
  if (!t1 || !t2) return !t1;
  return *t1 > *t2;
}

// logarithmicRankDiff: compares floor(log2(nanoseconds since t)) of both times, -1 for
// times not in the past.
int64_t logarithmic_rank_diff(TimePoint t1, TimePoint t2, TimePoint now) {
  auto rank = [now](TimePoint t) -> int64_t {
    auto d = std::chrono::duration_cast<std::chrono::nanoseconds>(now - t).count();
    return d > 0 ? static_cast<int64_t>(std::log2(static_cast<double>(d))) : -1;
  };
  return rank(t1) - rank(t2);
}

// Rules 6 and 8: the more recent time first, in log2 buckets with the uid as tie break.
bool more_recent_first(const std::optional<TimePoint>& t1, const std::optional<TimePoint>& t2,
                       const json::object& a, const json::object& b, TimePoint now) {
  if (!t1 || !t2) return after_or_zero(t1, t2);
  int64_t diff = logarithmic_rank_diff(*t1, *t2, now);
  if (diff == 0) return uid_of(a) < uid_of(b);
  return diff < 0;
}

}  // namespace

bool delete_before(const json::object& a, int rank_a, const json::object& b, int rank_b, TimePoint now) {
  const std::string node_a = pod_node_name(a), node_b = pod_node_name(b);
  if (node_a != node_b && (node_a.empty() || node_b.empty())) return node_a.empty();
  const int phase_a = phase_ordinal(pod_phase(a)), phase_b = phase_ordinal(pod_phase(b));
  if (phase_a != phase_b) return phase_a < phase_b;
  const bool ready_a = is_pod_ready(a), ready_b = is_pod_ready(b);
  if (ready_a != ready_b) return !ready_a;
  const int32_t cost_a = pod_deletion_cost(a), cost_b = pod_deletion_cost(b);
  if (cost_a != cost_b) return cost_a < cost_b;
  if (rank_a != rank_b) return rank_a > rank_b;
  if (ready_a && ready_b) {
    std::optional<TimePoint> t_a = pod_ready_time(a), t_b = pod_ready_time(b);
    if (t_a != t_b) return more_recent_first(t_a, t_b, a, b, now);
  }
  const int restarts_a = max_container_restarts(a), restarts_b = max_container_restarts(b);
  if (restarts_a != restarts_b) return restarts_a > restarts_b;
  std::optional<TimePoint> created_a = creation_time_of(a), created_b = creation_time_of(b);
  if (created_a != created_b) return more_recent_first(created_a, created_b, a, b, now);
  return false;
}

std::vector<int> ranks_by_related_pods_on_same_node(const std::vector<const json::object*>& pods,
                                                    const std::vector<const json::object*>& related_pods) {
  std::map<std::string, int> pods_on_node;
  for (const json::object* pod : related_pods) {
    if (is_pod_active(*pod)) ++pods_on_node[pod_node_name(*pod)];
  }
  std::vector<int> ranks;
  ranks.reserve(pods.size());
  for (const json::object* pod : pods) {
    auto it = pods_on_node.find(pod_node_name(*pod));
    ranks.push_back(it == pods_on_node.end() ? 0 : it->second);
  }
  return ranks;
}

std::vector<const json::object*> pods_to_delete(std::vector<const json::object*> pods,
                                                const std::vector<const json::object*>& related_pods,
                                                int diff, TimePoint now) {
  if (diff < static_cast<int>(pods.size())) {
    std::vector<int> ranks = ranks_by_related_pods_on_same_node(pods, related_pods);
    std::vector<std::size_t> order(pods.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
      return delete_before(*pods[i], ranks[i], *pods[j], ranks[j], now);
    });
    std::vector<const json::object*> sorted;
    sorted.reserve(pods.size());
    for (std::size_t i : order) sorted.push_back(pods[i]);
    pods = std::move(sorted);
  }
  pods.resize(std::min<std::size_t>(pods.size(), static_cast<std::size_t>(std::max(diff, 0))));
  return pods;
}

}  // namespace kscratch::controllers::replicaset
