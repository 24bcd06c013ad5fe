#include "fixtures.h"

#include <stdexcept>

#include "controllers/common/owner_refs.h"
#include "controllers/common/pods.h"
#include "controllers/deployment/util.h"
#include "kscratch/apimachinery/duration.h"

namespace fx {

using kscratch::controllers::controller_of;
using kscratch::controllers::controller_ref;
using kscratch::controllers::format_time;
using kscratch::controllers::is_being_deleted;
using kscratch::controllers::is_pod_active;
using kscratch::controllers::is_pod_ready;
using kscratch::controllers::kDeploymentKind;
using kscratch::controllers::kReplicaSetKind;
using kscratch::controllers::metadata_of;
using kscratch::controllers::name_of;
using kscratch::controllers::ObjectPatch;
using kscratch::controllers::pod_phase;
using kscratch::controllers::string_at;
using kscratch::controllers::to_json;
using kscratch::controllers::uid_of;
namespace dep = kscratch::controllers::deployment;
namespace rsc = kscratch::controllers::replicaset;

TimePoint t0() { return *kscratch::apimachinery::duration::parse_rfc3339("2026-01-01T00:00:00Z"); }
std::string at(TimePoint t) { return format_time(t); }

json::object pod(const std::string& name, const StringMap& labels, const json::object* owner, TimePoint created) {
  json::object metadata{{"name", name},
                        {"namespace", "default"},
                        {"uid", "uid-" + name},
                        {"creationTimestamp", at(created)},
                        {"labels", to_json(labels)}};
  if (owner) metadata["ownerReferences"] = json::array{controller_ref(*owner, kReplicaSetKind)};
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", std::move(metadata)},
                      {"spec", json::object{{"containers", json::array{json::object{{"name", "c"}}}}}},
                      {"status", json::object{{"phase", "Pending"}}}};
}

void make_ready(json::object& p, TimePoint since, const std::string& node) {
  p["spec"].as_object()["nodeName"] = node;
  json::object& status = p["status"].as_object();
  status["phase"] = "Running";
  status["conditions"] = json::array{json::object{{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", at(since)}}};
}

void set_phase(json::object& p, const std::string& phase) { p["status"].as_object()["phase"] = phase; }

json::object replicaset(const std::string& name, int replicas, const StringMap& selector, const json::object* owner,
                        TimePoint created) {
  json::object metadata{{"name", name},
                        {"namespace", "default"},
                        {"uid", "uid-" + name},
                        {"generation", 1},
                        {"creationTimestamp", at(created)},
                        {"labels", to_json(selector)}};
  if (owner) metadata["ownerReferences"] = json::array{controller_ref(*owner, kDeploymentKind)};
  json::object tmpl{{"metadata", json::object{{"labels", to_json(selector)}}},
                    {"spec", json::object{{"containers", json::array{json::object{{"name", "c"}, {"image", "img"}}}}}}};
  return json::object{
      {"apiVersion", "apps/v1"},
      {"kind", "ReplicaSet"},
      {"metadata", std::move(metadata)},
      {"spec", json::object{{"replicas", replicas},
                            {"selector", json::object{{"matchLabels", to_json(selector)}}},
                            {"template", std::move(tmpl)}}},
      {"status", json::object{{"replicas", 0}, {"observedGeneration", 1}}}};
}

json::object deployment(const std::string& name, int replicas, const std::string& image, const std::string& max_surge,
                        const std::string& max_unavailable) {
  json::object labels{{"app", name}};
  auto int_or_percent = [](const std::string& v) -> json::value {
    if (!v.empty() && v.back() == '%') return json::value(v);
    return json::value(std::stoi(v));
  };
  json::object tmpl{
      {"metadata", json::object{{"labels", labels}}},
      {"spec", json::object{{"containers", json::array{json::object{{"name", "app"}, {"image", image}}}}}}};
  return json::object{
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", json::object{{"name", name}, {"namespace", "default"}, {"uid", "uid-deploy-" + name}, {"generation", 1}}},
      {"spec", json::object{{"replicas", replicas},
                            {"selector", json::object{{"matchLabels", labels}}},
                            {"template", std::move(tmpl)},
                            {"strategy", json::object{{"type", "RollingUpdate"},
                                                      {"rollingUpdate", json::object{{"maxSurge", int_or_percent(max_surge)},
                                                                                     {"maxUnavailable", int_or_percent(max_unavailable)}}}}},
                            {"revisionHistoryLimit", 10},
                            {"progressDeadlineSeconds", 600}}}};
}

namespace {
json::object& spec(json::object& o) { return o["spec"].as_object(); }
}  // namespace

void set_image(json::object& d, const std::string& image) {
  spec(d)["template"].as_object()["spec"].as_object()["containers"].as_array()[0].as_object()["image"] = image;
}
void set_replicas(json::object& d, int replicas) { spec(d)["replicas"] = replicas; }
void set_paused(json::object& d, bool paused) { spec(d)["paused"] = paused; }
void set_recreate(json::object& d) { spec(d)["strategy"] = json::object{{"type", "Recreate"}}; }

Cluster::Cluster(json::object d) : deployment(std::move(d)) {}

std::string Cluster::new_uid() { return "uid-" + std::to_string(++uid_counter_); }

void Cluster::write_happened() {
  if (after_each_write) after_each_write(*this);
}

std::vector<json::object> Cluster::replicaset_list() const {
  std::vector<json::object> out;
  for (const auto& [name, rs] : replicasets) out.push_back(rs);
  return out;
}

std::vector<json::object> Cluster::pod_list() const {
  std::vector<json::object> out;
  for (const auto& [name, p] : pods) out.push_back(p);
  return out;
}

void Cluster::edit(const std::function<void(json::object&)>& change) {
  json::object& meta = deployment["metadata"].as_object();
  change(deployment);
  meta["generation"] = meta["generation"].to_number<int64_t>() + 1;
}

dep::DeploymentPlan Cluster::sync_deployment() {
  std::vector<json::object> rss = replicaset_list();
  auto claim = dep::claim_replicasets(deployment, rss);
  auto by_rs = dep::group_pods_by_replicaset(deployment, claim.owned, pod_list());
  dep::DeploymentPlan plan = dep::plan_deployment(deployment, claim.owned, by_rs, now);
  for (const dep::Step& step : plan.steps) {
    switch (step.kind) {
      case dep::StepKind::kCreateReplicaSet: {
        if (replicasets.count(step.name)) throw std::runtime_error("AlreadyExists " + step.name);
        json::object rs = step.object;
        json::object& meta = rs["metadata"].as_object();
        meta["uid"] = new_uid();
        meta["generation"] = 1;
        meta["creationTimestamp"] = at(now);
        rs["status"] = json::object{{"replicas", 0}};
        replicasets[step.name] = std::move(rs);
        steps_log.push_back("create " + step.name);
        break;
      }
      case dep::StepKind::kUpdateReplicaSet: {
        json::object& rs = replicasets.at(step.name);
        const bool spec_changed = rs["spec"] != step.object.at("spec");
        json::object updated = step.object;
        updated["status"] = rs["status"];
        json::object& meta = updated["metadata"].as_object();
        meta["generation"] = metadata_of(rs).at("generation").to_number<int64_t>() + (spec_changed ? 1 : 0);
        rs = std::move(updated);
        steps_log.push_back("update " + step.name + " replicas=" + std::to_string(dep::rs_replicas(rs)));
        break;
      }
      case dep::StepKind::kDeleteReplicaSet:
        replicasets.erase(step.name);
        steps_log.push_back("delete " + step.name);
        break;
      case dep::StepKind::kUpdateDeploymentStatus: {
        json::object& meta = deployment["metadata"].as_object();
        const json::object& new_meta = step.object.at("metadata").as_object();
        if (new_meta.contains("annotations")) {
          meta["annotations"] = new_meta.at("annotations");
        } else {
          meta.erase("annotations");
        }
        deployment["status"] = step.object.at("status");
        steps_log.push_back("status " + step.name);
        break;
      }
    }
    write_happened();
  }
  return plan;
}

void Cluster::sync_replicasets() {
  std::vector<json::object> rss = replicaset_list();
  for (const json::object& rs : rss) {
    std::vector<json::object> all_pods = pod_list();
    rsc::ReplicaSetPlanOptions options;
    options.related_pods = rsc::related_pods(rs, rss, all_pods);
    rsc::ReplicaSetPlan plan = rsc::plan_replicaset(rs, all_pods, now, options);
    for (const ObjectPatch& p : plan.adopt) {
      pods.at(p.name)["metadata"].as_object()["ownerReferences"] = p.patch.at("metadata").at("ownerReferences");
    }
    for (const ObjectPatch& p : plan.release) pods.at(p.name)["metadata"].as_object().erase("ownerReferences");
    for (int i = 0; i < plan.create_count; ++i) {
      json::object p = plan.pod_template;
      json::object& meta = p["metadata"].as_object();
      const std::string name = std::string(meta["generateName"].as_string()) + std::to_string(++pod_counter_);
      meta["name"] = name;
      meta["uid"] = new_uid();
      meta["creationTimestamp"] = at(now);
      p["status"] = json::object{{"phase", "Pending"}};
      pods[name] = std::move(p);
      write_happened();
    }
    for (const rsc::PodRef& ref : plan.delete_pods) {
      if (graceful_deletion) {
        pods.at(ref.name)["metadata"].as_object()["deletionTimestamp"] = at(now);
      } else {
        pods.erase(ref.name);
      }
      write_happened();
    }
    if (plan.status) replicasets.at(name_of(rs))["status"] = plan.status->to_json();
  }
  // The garbage collector: pods of deleted ReplicaSets go.
  std::set<std::string> uids;
  for (const auto& [name, rs] : replicasets) uids.insert(uid_of(rs));
  std::erase_if(pods, [&](const auto& entry) {
    const json::object* ref = controller_of(entry.second);
    return ref && !uids.count(string_at(*ref, "uid"));
  });
}

void Cluster::make_pods_ready() {
  for (auto& [name, p] : pods) {
    if (is_pod_ready(p) || is_being_deleted(p)) continue;
    const std::string image = p["spec"].as_object()["containers"].as_array()[0].as_object()["image"].as_string().c_str();
    if (broken_images.count(image)) {
      p["spec"].as_object()["nodeName"] = "node-1";
      set_phase(p, "Running");  // running, never ready
      continue;
    }
    make_ready(p, now);
  }
}

void Cluster::tick(std::chrono::seconds d) {
  now += d;
  std::erase_if(pods, [](const auto& entry) { return is_being_deleted(entry.second); });
}

int Cluster::run_until_stable(int max_rounds) {
  for (int round = 1; round <= max_rounds; ++round) {
    const json::object before_deployment = deployment;
    const auto before_rss = replicasets;
    const auto before_pods = pods;
    sync_deployment();
    sync_replicasets();
    make_pods_ready();
    tick();
    if (deployment == before_deployment && replicasets == before_rss && pods == before_pods) return round;
  }
  return max_rounds;
}

int Cluster::active_pods() const {
  int n = 0;
  for (const auto& [name, p] : pods) n += is_pod_active(p) ? 1 : 0;
  return n;
}

int Cluster::available_pods() const {
  int n = 0;
  for (const auto& [name, p] : pods) n += is_pod_active(p) && is_pod_ready(p) ? 1 : 0;
  return n;
}

const json::object& Cluster::replicaset_named_with_image(const std::string& image) const {
  for (const auto& [name, rs] : replicasets) {
    const auto& containers = rs.at("spec").at("template").at("spec").at("containers").as_array();
    if (containers[0].at("image").as_string() == image) return rs;
  }
  throw std::runtime_error("no ReplicaSet with image " + image);
}

}  // namespace fx
