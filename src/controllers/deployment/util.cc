#include "controllers/deployment/util.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "controllers/common/canonical_json.h"
#include "controllers/common/owner_refs.h"

namespace kscratch::controllers::deployment {

namespace {

const json::object& empty_object() {
  static const json::object empty;
  return empty;
}

const json::object& spec_of(const json::object& obj) {
  const json::object* spec = object_at(obj, "spec");
  return spec ? *spec : empty_object();
}

const json::object& status_of(const json::object& obj) {
  const json::object* status = object_at(obj, "status");
  return status ? *status : empty_object();
}

int32_t status_int(const json::object& rs, std::string_view key) {
  return static_cast<int32_t>(int_at(status_of(rs), key).value_or(0));
}

// strconv.Atoi / ParseInt(s, 10, 64): an optional sign and decimal digits, nothing else.
std::optional<int64_t> parse_int(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '+') return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int32_t> int_annotation(const json::object& rs, std::string_view key) {
  std::optional<std::string> v = annotation_of(rs, key);
  if (!v) return std::nullopt;
  std::optional<int64_t> n = parse_int(*v);
  if (!n) return std::nullopt;
  return static_cast<int32_t>(*n);
}

// Go's semantic equality treats nil and empty alike: drop what decodes to either.
void drop_empty(json::value& v) {
  if (json::object* o = v.if_object()) {
    for (auto it = o->begin(); it != o->end();) {
      drop_empty(it->value());
      const json::value& x = it->value();
      const bool empty = x.is_null() || (x.is_array() && x.get_array().empty()) ||
                         (x.is_object() && x.get_object().empty());
      it = empty ? o->erase(it) : std::next(it);
    }
  } else if (json::array* a = v.if_array()) {
    for (json::value& x : *a) drop_empty(x);
  }
}

json::value without_hash_label(const json::object& pod_template) {
  json::value copy = pod_template;
  if (json::object* meta = copy.get_object().if_contains("metadata") ? copy.get_object()["metadata"].if_object()
                                                                       : nullptr) {
    if (json::value* labels = meta->if_contains("labels"); labels && labels->is_object()) {
      labels->get_object().erase(kPodTemplateHashLabel);
    }
  }
  drop_empty(copy);
  return copy;
}

int32_t round_to_int32(double a) { return static_cast<int32_t>(a < 0 ? a - 0.5 : a + 0.5); }

}  // namespace

// --- Hashing ---

uint32_t fnv32a(std::string_view data, uint32_t hash) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

std::string safe_encode_string(std::string_view s) {
  static constexpr std::string_view kAlphanums = "bcdfghjklmnpqrstvwxz2456789";
  std::string out(s.size(), ' ');
  for (std::size_t i = 0; i < s.size(); ++i) {
    out[i] = kAlphanums[static_cast<unsigned char>(s[i]) % kAlphanums.size()];
  }
  return out;
}

std::string compute_hash(const json::object& pod_template, std::optional<int32_t> collision_count) {
  uint32_t hash = fnv32a(canonical_json(pod_template));
  if (collision_count) {
    // binary.LittleEndian.PutUint32 into an 8-byte buffer: the last four bytes stay zero.
    const auto c = static_cast<uint32_t>(*collision_count);
    const char bytes[8] = {static_cast<char>(c & 0xff), static_cast<char>((c >> 8) & 0xff),
                           static_cast<char>((c >> 16) & 0xff), static_cast<char>((c >> 24) & 0xff), 0, 0, 0, 0};
    hash = fnv32a(std::string_view(bytes, sizeof bytes), hash);
  }
  return safe_encode_string(fmt::format("{}", hash));
}

// --- maxSurge / maxUnavailable ---

Expected<int> scaled_value_from_int_or_percent(const json::value& value, int total, bool round_up) {
  if (value.is_null()) return make_error("nil value for IntOrString");
  if (value.is_int64() || value.is_uint64()) return static_cast<int>(value.to_number<int64_t>());
  if (!value.is_string()) return make_error("invalid value for IntOrString: invalid type: neither int nor string");
  std::string_view s = value.get_string();
  const bool is_percent = !s.empty() && s.back() == '%';
  if (is_percent) s.remove_suffix(1);
  std::optional<int64_t> v = parse_int(s);
  if (!v) {
    return make_error(fmt::format("invalid value for IntOrString: invalid value \"{}\": strconv.Atoi: parsing \"{}\": "
                                  "invalid syntax",
                                  std::string(value.get_string()), std::string(s)));
  }
  if (!is_percent) return static_cast<int>(*v);
  const double scaled = static_cast<double>(*v) * static_cast<double>(total) / 100;
  return static_cast<int>(round_up ? std::ceil(scaled) : std::floor(scaled));
}

Expected<Fenceposts> resolve_fenceposts(const json::value& max_surge, const json::value& max_unavailable,
                                        int32_t desired) {
  auto surge = scaled_value_from_int_or_percent(max_surge.is_null() ? json::value(0) : max_surge, desired, true);
  if (!surge) return surge.error();
  auto unavailable =
      scaled_value_from_int_or_percent(max_unavailable.is_null() ? json::value(0) : max_unavailable, desired, false);
  if (!unavailable) return unavailable.error();
  Fenceposts f{static_cast<int32_t>(*surge), static_cast<int32_t>(*unavailable)};
  // Rounding down may turn a non-zero maxUnavailable into 0; with no surge either the
  // rollout could never move, so allow one unavailable pod (surge may fail on quota).
  if (f.surge == 0 && f.unavailable == 0) f.unavailable = 1;
  return f;
}

bool is_rolling_update(const Deployment& d) { return d.strategy_type == "RollingUpdate"; }

int32_t max_surge(const Deployment& d) {
  if (!is_rolling_update(d)) return 0;
  auto f = resolve_fenceposts(d.max_surge, d.max_unavailable, d.replicas);  // errors caught by validation
  return f ? f->surge : 0;
}

int32_t max_unavailable(const Deployment& d) {
  if (!is_rolling_update(d) || d.replicas == 0) return 0;
  auto f = resolve_fenceposts(d.max_surge, d.max_unavailable, d.replicas);
  const int32_t unavailable = f ? f->unavailable : 0;
  return std::min(unavailable, d.replicas);
}

bool has_progress_deadline(const Deployment& d) {
  return d.progress_deadline_seconds && *d.progress_deadline_seconds != std::numeric_limits<int32_t>::max();
}

bool has_revision_history_limit(const Deployment& d) {
  return d.revision_history_limit && *d.revision_history_limit != std::numeric_limits<int32_t>::max();
}

// --- ReplicaSet fields ---

int32_t rs_replicas(const json::object& rs) {
  return static_cast<int32_t>(int_at(spec_of(rs), "replicas").value_or(1));
}
int32_t rs_status_replicas(const json::object& rs) { return status_int(rs, "replicas"); }
int32_t rs_ready_replicas(const json::object& rs) { return status_int(rs, "readyReplicas"); }
int32_t rs_available_replicas(const json::object& rs) { return status_int(rs, "availableReplicas"); }
int64_t rs_observed_generation(const json::object& rs) {
  return int_at(status_of(rs), "observedGeneration").value_or(0);
}
int32_t rs_min_ready_seconds(const json::object& rs) {
  return static_cast<int32_t>(int_at(spec_of(rs), "minReadySeconds").value_or(0));
}
const json::object& rs_template(const json::object& rs) {
  const json::object* t = object_at(spec_of(rs), "template");
  return t ? *t : empty_object();
}

json::object with_replicas(const json::object& rs, int32_t replicas) {
  json::object copy = rs;
  ensure_object(copy, "spec")["replicas"] = replicas;
  return copy;
}

namespace {
template <class F>
int32_t sum(const RsList& rss, F field) {
  int32_t total = 0;
  for (const RsPtr& rs : rss) {
    if (rs) total += field(*rs);
  }
  return total;
}
}  // namespace

int32_t replica_count(const RsList& rss) { return sum(rss, rs_replicas); }
int32_t actual_replica_count(const RsList& rss) { return sum(rss, rs_status_replicas); }
int32_t ready_replica_count(const RsList& rss) { return sum(rss, rs_ready_replicas); }
int32_t available_replica_count(const RsList& rss) { return sum(rss, rs_available_replicas); }

RsList filter_active(const RsList& rss) {
  RsList active;
  for (const RsPtr& rs : rss) {
    if (rs && rs_replicas(*rs) > 0) active.push_back(rs);
  }
  return active;
}

// --- Orderings ---

bool created_before(const json::object& a, const json::object& b) {
  // A missing creationTimestamp is Go's zero time, earlier than any other.
  const auto ta = creation_time_of(a).value_or(TimePoint::min());
  const auto tb = creation_time_of(b).value_or(TimePoint::min());
  if (ta == tb) return name_of(a) < name_of(b);
  return ta < tb;
}

bool larger_then_older(const json::object& a, const json::object& b) {
  if (rs_replicas(a) == rs_replicas(b)) return created_before(a, b);
  return rs_replicas(a) > rs_replicas(b);
}

bool larger_then_newer(const json::object& a, const json::object& b) {
  if (rs_replicas(a) == rs_replicas(b)) return created_before(b, a);
  return rs_replicas(a) > rs_replicas(b);
}

bool lower_revision(const json::object& a, const json::object& b) {
  std::optional<int64_t> ra = revision_of(a), rb = revision_of(b);
  if (!ra || !rb || *ra == *rb) return created_before(a, b);
  return *ra < *rb;
}

void sort_by_creation(RsList& rss) {
  std::stable_sort(rss.begin(), rss.end(), [](const RsPtr& a, const RsPtr& b) { return created_before(*a, *b); });
}

void sort_by_creation_newest_first(RsList& rss) {
  std::stable_sort(rss.begin(), rss.end(), [](const RsPtr& a, const RsPtr& b) { return created_before(*b, *a); });
}

// --- New and old ReplicaSets ---

bool equal_ignore_hash(const json::object& template1, const json::object& template2) {
  return without_hash_label(template1) == without_hash_label(template2);
}

RsPtr find_new_replicaset(const Deployment& d, RsList& rs_list) {
  sort_by_creation(rs_list);
  for (const RsPtr& rs : rs_list) {
    // More than one may match (after upgrades: kubernetes#40415); take the oldest.
    if (equal_ignore_hash(rs_template(*rs), d.pod_template)) return rs;
  }
  return nullptr;
}

RsList find_old_replicasets(const Deployment& d, RsList& rs_list) {
  RsPtr new_rs = find_new_replicaset(d, rs_list);
  RsList old;
  for (const RsPtr& rs : rs_list) {
    if (new_rs && uid_of(*rs) == uid_of(*new_rs)) continue;
    old.push_back(rs);
  }
  return old;
}

// --- Revisions and annotations ---

std::optional<int64_t> revision_of(const json::object& rs) {
  std::optional<std::string> v = annotation_of(rs, kRevisionAnnotation);
  if (!v) return 0;
  return parse_int(*v);
}

int64_t max_revision(const RsList& rss) {
  int64_t max = 0;
  for (const RsPtr& rs : rss) {
    if (!rs) continue;
    if (std::optional<int64_t> v = revision_of(*rs); v && *v > max) max = *v;  // unparsable: skipped
  }
  return max;
}

namespace {

bool skip_copy_annotation(std::string_view key) {
  return key == "kubectl.kubernetes.io/last-applied-configuration" || key == kRevisionAnnotation ||
         key == kRevisionHistoryAnnotation || key == kDesiredReplicasAnnotation || key == kMaxReplicasAnnotation ||
         key == "deprecated.deployment.rollback.to";
}

// copyDeploymentAnnotationsToReplicaSet.
bool copy_deployment_annotations(const Deployment& d, json::object& rs) {
  bool changed = false;
  for (const auto& [k, v] : d.annotations) {
    if (skip_copy_annotation(k)) continue;
    if (annotation_of(rs, k) == v) continue;
    set_annotation(rs, k, v);
    changed = true;
  }
  return changed;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    parts.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

}  // namespace

bool set_new_replicaset_annotations(const Deployment& d, json::object& rs, const std::string& new_revision,
                                    bool exists, int revision_history_limit_in_chars) {
  bool changed = copy_deployment_annotations(d, rs);
  ensure_object(ensure_object(rs, "metadata"), "annotations");
  const std::optional<std::string> old_revision = annotation_of(rs, kRevisionAnnotation);
  int64_t old_revision_int = 0;
  if (old_revision && !old_revision->empty()) {
    std::optional<int64_t> parsed = parse_int(*old_revision);
    if (!parsed) return false;  // upstream gives up on the whole update here
    old_revision_int = *parsed;
  }
  std::optional<int64_t> new_revision_int = parse_int(new_revision);
  if (!new_revision_int) return false;
  if (old_revision_int < *new_revision_int) {
    set_annotation(rs, kRevisionAnnotation, new_revision);
    changed = true;
  }
  // A ReplicaSet that had a revision and gets a newer one is being rolled back to: keep
  // its old revisions, within the length limit, oldest dropped first.
  if (old_revision && old_revision_int < *new_revision_int) {
    const std::string history = annotation_of(rs, kRevisionHistoryAnnotation).value_or("");
    std::vector<std::string> old_revisions = split(history, ',');
    if (old_revisions[0].empty()) {
      set_annotation(rs, kRevisionHistoryAnnotation, *old_revision);
    } else {
      auto total_len = static_cast<int>(history.size() + old_revision->size() + 1);
      std::size_t start = 0;
      while (total_len > revision_history_limit_in_chars && start < old_revisions.size()) {
        total_len -= static_cast<int>(old_revisions[start].size()) + 1;
        ++start;
      }
      if (total_len <= revision_history_limit_in_chars) {
        std::string joined;
        for (std::size_t i = start; i < old_revisions.size(); ++i) joined += old_revisions[i] + ",";
        joined += *old_revision;
        set_annotation(rs, kRevisionHistoryAnnotation, joined);
      }
    }
  }
  if (!exists && set_replicas_annotations(rs, d.replicas, d.replicas + max_surge(d))) changed = true;
  return changed;
}

bool set_deployment_revision(StringMap& deployment_annotations, const std::string& revision) {
  auto [it, inserted] = deployment_annotations.try_emplace(kRevisionAnnotation.data(), revision);
  if (inserted) return true;
  if (it->second == revision) return false;
  it->second = revision;
  return true;
}

bool set_replicas_annotations(json::object& rs, int32_t desired, int32_t max) {
  bool updated = false;
  ensure_object(ensure_object(rs, "metadata"), "annotations");
  const std::string desired_string = std::to_string(desired);
  if (annotation_of(rs, kDesiredReplicasAnnotation).value_or("") != desired_string) {
    set_annotation(rs, kDesiredReplicasAnnotation, desired_string);
    updated = true;
  }
  const std::string max_string = std::to_string(max);
  if (annotation_of(rs, kMaxReplicasAnnotation).value_or("") != max_string) {
    set_annotation(rs, kMaxReplicasAnnotation, max_string);
    updated = true;
  }
  return updated;
}

bool replicas_annotations_need_update(const json::object& rs, int32_t desired, int32_t max) {
  return annotation_of(rs, kDesiredReplicasAnnotation).value_or("") != std::to_string(desired) ||
         annotation_of(rs, kMaxReplicasAnnotation).value_or("") != std::to_string(max);
}

std::optional<int32_t> desired_replicas_annotation(const json::object& rs) {
  return int_annotation(rs, kDesiredReplicasAnnotation);
}

std::optional<int32_t> max_replicas_annotation(const json::object& rs) {
  return int_annotation(rs, kMaxReplicasAnnotation);
}

// --- Rollout arithmetic ---

Expected<int32_t> new_rs_new_replicas(const Deployment& d, const RsList& all, const json::object& new_rs) {
  if (d.strategy_type == "RollingUpdate") {
    auto surge = scaled_value_from_int_or_percent(d.max_surge, d.replicas, true);
    if (!surge) return surge.error();
    const int32_t current = replica_count(all);
    const int32_t max_total = d.replicas + static_cast<int32_t>(*surge);
    if (current >= max_total) return rs_replicas(new_rs);  // cannot scale up
    // Scale up by what the surge allows, but not past the desired replicas.
    const int32_t scale_up = std::min(max_total - current, d.replicas - rs_replicas(new_rs));
    return rs_replicas(new_rs) + scale_up;
  }
  if (d.strategy_type == "Recreate") return d.replicas;
  return make_error(fmt::format("deployment type {} isn't supported", d.strategy_type));
}

bool is_saturated(const Deployment& d, const RsPtr& rs) {
  if (!rs) return false;
  std::optional<int32_t> desired = desired_replicas_annotation(*rs);
  if (!desired) return false;
  return rs_replicas(*rs) == d.replicas && *desired == d.replicas && rs_available_replicas(*rs) == d.replicas;
}

RsPtr find_active_or_latest(const RsPtr& new_rs, RsList& old) {
  if (!new_rs && old.empty()) return nullptr;
  sort_by_creation_newest_first(old);
  RsList all = old;
  all.push_back(new_rs);
  RsList active = filter_active(all);
  switch (active.size()) {
    case 0:
      return new_rs ? new_rs : old[0];  // none active: the newest
    case 1:
      return active[0];
    default:
      return nullptr;
  }
}

int32_t get_proportion(const json::object* rs, const Deployment& d, int32_t replicas_to_add,
                       int32_t replicas_added) {
  if (!rs || rs_replicas(*rs) == 0 || replicas_to_add == 0 || replicas_to_add == replicas_added) return 0;
  // getReplicaSetFraction: the share this ReplicaSet had of the size it was last scaled
  // for (max-replicas), applied to the new size.
  int32_t fraction = 0;
  if (d.replicas == 0) {
    fraction = -rs_replicas(*rs);  // scaling to zero: all of it goes
  } else {
    const int32_t deployment_replicas = d.replicas + max_surge(d);
    // Without the annotation fall back to the current size: less accurate, but the
    // min/max below keep the result within bounds.
    const int32_t annotated = max_replicas_annotation(*rs).value_or(d.status.replicas);
    if (annotated != 0) {
      const double new_size = static_cast<double>(rs_replicas(*rs) * deployment_replicas) / annotated;
      fraction = round_to_int32(new_size) - rs_replicas(*rs);
    }
  }
  const int32_t allowed = replicas_to_add - replicas_added;
  // Never add more than is left to add, nor remove more than is left to remove.
  return replicas_to_add > 0 ? std::min(fraction, allowed) : std::max(fraction, allowed);
}

// --- Status and conditions ---

DeploymentCondition new_condition(std::string_view type, std::string_view status, std::string_view reason,
                                  std::string message, TimePoint now) {
  const std::string t = format_time(now);
  return DeploymentCondition{std::string(type), std::string(status), t, t, std::string(reason), std::move(message)};
}

const DeploymentCondition* get_condition(const DeploymentStatus& status, std::string_view type) {
  for (const DeploymentCondition& c : status.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

void set_condition(DeploymentStatus& status, DeploymentCondition condition) {
  const DeploymentCondition* current = get_condition(status, condition.type);
  if (current && current->status == condition.status && current->reason == condition.reason) return;
  if (current && current->status == condition.status) condition.last_transition_time = current->last_transition_time;
  remove_condition(status, condition.type);
  status.conditions.push_back(std::move(condition));
}

void remove_condition(DeploymentStatus& status, std::string_view type) {
  std::erase_if(status.conditions, [type](const DeploymentCondition& c) { return c.type == type; });
}

bool deployment_complete(const Deployment& d, const DeploymentStatus& s) {
  return s.updated_replicas == d.replicas && s.replicas == d.replicas && s.available_replicas == d.replicas &&
         s.observed_generation >= d.generation;
}

bool deployment_progressing(const Deployment& d, const DeploymentStatus& s) {
  const DeploymentStatus& old = d.status;
  const int32_t old_status_old_replicas = old.replicas - old.updated_replicas;
  const int32_t new_status_old_replicas = s.replicas - s.updated_replicas;
  return s.updated_replicas > old.updated_replicas || new_status_old_replicas < old_status_old_replicas ||
         s.ready_replicas > old.ready_replicas || s.available_replicas > old.available_replicas;
}

bool deployment_timed_out(const Deployment& d, const DeploymentStatus& s, TimePoint now) {
  if (!has_progress_deadline(d)) return false;
  const DeploymentCondition* condition = get_condition(s, kConditionProgressing);
  if (!condition) return false;  // no base to estimate progress from
  // A finished rollout is not judged again (the condition may be older than the deadline
  // when the next rollout's first sync runs).
  if (condition->reason == kNewRSAvailableReason) return false;
  if (condition->reason == kTimedOutReason) return true;
  const std::optional<TimePoint> from = parse_time(condition->last_update_time);
  return from.value_or(TimePoint{}) + std::chrono::seconds(*d.progress_deadline_seconds) < now;
}

}  // namespace kscratch::controllers::deployment
