#include "controllers/replicaset/expectations.h"

namespace kscratch::controllers::replicaset {

bool ControllerExpectations::satisfied(const std::string& key, TimePoint now) const {
  auto it = expectations_.find(key);
  if (it == expectations_.end()) return true;  // never recorded: a new controller syncs
  if (it->second.fulfilled()) return true;
  return now - it->second.timestamp > kExpectationsTimeout;  // isExpired
}

void ControllerExpectations::set(const std::string& key, int64_t add, int64_t del, TimePoint now) {
  expectations_[key] = Expectation{add, del, now};
}

void ControllerExpectations::expect_creations(const std::string& key, int64_t adds, TimePoint now) {
  set(key, adds, 0, now);
}

void ControllerExpectations::expect_deletions(const std::string& key,
                                              const std::vector<std::string>& pod_keys, TimePoint now) {
  std::set<std::string> keys(pod_keys.begin(), pod_keys.end());
  const auto count = static_cast<int64_t>(keys.size());
  expected_deletions_[key] = std::move(keys);
  set(key, 0, count, now);
}

void ControllerExpectations::lower(const std::string& key, int64_t add, int64_t del) {
  auto it = expectations_.find(key);
  if (it == expectations_.end()) return;
  it->second.add -= add;
  it->second.del -= del;
}

void ControllerExpectations::raise(const std::string& key, int64_t add, int64_t del) {
  lower(key, -add, -del);
}

void ControllerExpectations::creation_observed(const std::string& key) { lower(key, 1, 0); }

void ControllerExpectations::deletion_observed(const std::string& key, const std::string& pod_key) {
  auto it = expected_deletions_.find(key);
  if (it == expected_deletions_.end() || it->second.erase(pod_key) == 0) return;
  lower(key, 0, 1);
}

void ControllerExpectations::delete_expectations(const std::string& key) {
  expectations_.erase(key);
  expected_deletions_.erase(key);
}

std::optional<ControllerExpectations::Expectation> ControllerExpectations::get(const std::string& key) const {
  auto it = expectations_.find(key);
  if (it == expectations_.end()) return std::nullopt;
  return it->second;
}

}  // namespace kscratch::controllers::replicaset
