#pragma once
// The scheduling framework's small interface (upstream pkg/scheduler/framework/interface.go):
// a Status with reasons, and Filter and Score plugins over PodInfo and NodeInfo.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kscratch/scheduler/node_info.h"
#include "kscratch/scheduler/pod_info.h"

namespace kscratch::scheduler {

inline constexpr int64_t kMaxNodeScore = 100;  // framework.MaxNodeScore

enum class Code {
  kSuccess,
  kError,
  kUnschedulable,                 // Might fit if pods were removed (preemption could help).
  kUnschedulableAndUnresolvable,  // Removing pods does not help.
};

class Status {
 public:
  Status() = default;  // Success; allocates nothing, as filters succeed on most nodes.
  Status(Code code, std::vector<std::string> reasons) : code_(code), reasons_(std::move(reasons)) {}
  static Status unschedulable(std::string reason) { return {Code::kUnschedulable, {std::move(reason)}}; }
  static Status unresolvable(std::string reason) {
    return {Code::kUnschedulableAndUnresolvable, {std::move(reason)}};
  }

  bool ok() const { return code_ == Code::kSuccess; }
  Code code() const { return code_; }
  const std::vector<std::string>& reasons() const { return reasons_; }
  std::string message() const;  // Reasons joined by ", " (upstream Status.Message).

  // The plugin that returned the status, set by the algorithm.
  std::string_view plugin() const { return plugin_; }
  void set_plugin(std::string_view plugin) { plugin_ = plugin; }

 private:
  Code code_ = Code::kSuccess;
  std::vector<std::string> reasons_;
  std::string_view plugin_;  // Plugin names are string literals.
};

using NodeList = std::span<const NodeInfo* const>;

// upstream FilterPlugin: can the pod run on this node? The framework stops at the first plugin
// that says no, so a node reports the reasons of one plugin.
class FilterPlugin {
 public:
  virtual ~FilterPlugin() = default;
  virtual std::string_view name() const = 0;
  virtual Status filter(const PodInfo& pod, const NodeInfo& node) const = 0;
};

// upstream PreScorePlugin + ScorePlugin + ScoreExtensions.NormalizeScore. A plugin object serves
// one scheduling cycle at a time: pre_score may keep state for the score calls that follow.
class ScorePlugin {
 public:
  virtual ~ScorePlugin() = default;
  virtual std::string_view name() const = 0;
  // Called once per cycle with the feasible nodes and every node; false means Skip: the plugin
  // adds nothing for this pod (upstream returns framework.Skip from PreScore).
  virtual bool pre_score(const PodInfo& pod, NodeList feasible, NodeList all_nodes) {
    (void)pod, (void)feasible, (void)all_nodes;
    return true;
  }
  virtual int64_t score(const PodInfo& pod, const NodeInfo& node) const = 0;
  // Rescales the raw scores, in the order of `feasible`, to 0..kMaxNodeScore where upstream does.
  virtual void normalize(std::span<int64_t> scores) const { (void)scores; }
};

// upstream helper.DefaultNormalizeScore: scale to 0..max_priority by the highest score; reverse
// turns "more is worse" counts into scores (all zero counts then score max_priority).
void default_normalize_score(int64_t max_priority, bool reverse, std::span<int64_t> scores);

}  // namespace kscratch::scheduler
