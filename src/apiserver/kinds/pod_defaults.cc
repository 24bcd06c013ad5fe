// Pod defaulting; see pod_defaults.h. The field names and default values follow
// pkg/apis/core/v1/defaults.go and zz_generated.defaults.go.

#include "pod_defaults.h"

#include "kscratch/apimachinery/quantity.h"

#include "json_reader.h"
#include "kinds.h"
#include "resources.h"

#include <optional>
#include <utility>

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {

constexpr int64_t kDefaultFileMode = 0644;  // 420, the default mode of projected files.

bool has_upper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

// The tag parsers.ParseImageName reports: the explicit tag, "latest" when there is neither tag
// nor digest, "" for digest-only references and for unparsable names.
std::string image_tag(std::string_view image) {
  if (image.empty()) return "";
  std::string_view name = image;
  size_t at = name.find('@');
  bool has_digest = at != std::string_view::npos;
  if (has_digest) name = name.substr(0, at);
  size_t slash = name.rfind('/');
  size_t colon = name.rfind(':');
  std::string tag;
  std::string_view repo = name;
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    tag = std::string(name.substr(colon + 1));
    repo = name.substr(0, colon);
  }
  // A repository path must be lower case (the registry host may not be).
  std::string_view path = repo;
  size_t first_slash = repo.find('/');
  if (first_slash != std::string_view::npos) {
    std::string_view host = repo.substr(0, first_slash);
    if (host.find('.') != std::string_view::npos || host.find(':') != std::string_view::npos || host == "localhost") {
      path = repo.substr(first_slash + 1);
    }
  }
  if (path.empty() || has_upper(path)) return "";
  if (tag.empty() && !has_digest) return "latest";
  return tag;
}

void default_http_get(json::object& handler) {
  if (json::object* http = find_object(handler, "httpGet")) {
    default_string(*http, "path", "/");
    default_string(*http, "scheme", "HTTP");
  }
}

void default_probe(json::object& container, std::string_view key) {
  json::object* probe = find_object(container, key);
  if (probe == nullptr) return;
  // Zero means unset for these int32 fields.
  for (auto [field, value] : {std::pair<std::string_view, int64_t>{"timeoutSeconds", 1}, {"periodSeconds", 10},
                              {"successThreshold", 1}, {"failureThreshold", 3}}) {
    std::optional<int64_t> now = find_int(*probe, field);
    if (!has(*probe, field) || (now && *now == 0)) (*probe)[field] = value;
  }
  default_http_get(*probe);
  if (json::object* grpc = find_object(*probe, "grpc")) default_value(*grpc, "service", "");
}

void default_env(json::object& container) {
  json::array* env = find_array(container, "env");
  if (env == nullptr) return;
  for (json::value& e : *env) {
    if (!e.is_object()) continue;
    json::object* from = find_object(e.get_object(), "valueFrom");
    json::object* field_ref = from != nullptr ? find_object(*from, "fieldRef") : nullptr;
    if (field_ref != nullptr) default_string(*field_ref, "apiVersion", "v1");
  }
}

void default_container(json::object& c, bool host_network) {
  if (!has(c, "imagePullPolicy") || string_or(c, "imagePullPolicy", "x").empty()) {
    const json::value* image = c.if_contains("image");
    std::string tag = image != nullptr && image->is_string() ? image_tag(image->get_string()) : "";
    c["imagePullPolicy"] = tag == "latest" ? "Always" : "IfNotPresent";
  }
  default_string(c, "terminationMessagePath", "/dev/termination-log");
  default_string(c, "terminationMessagePolicy", "File");
  if (json::array* ports = find_array(c, "ports")) {
    for (json::value& p : *ports) {
      if (!p.is_object()) continue;
      json::object& port = p.get_object();
      default_string(port, "protocol", "TCP");
      // With host networking every container port is a host port (defaultHostNetworkPorts).
      std::optional<int64_t> host_port = find_int(port, "hostPort");
      if (host_network && (!host_port || *host_port == 0) && has(port, "containerPort")) {
        json::value container_port = port["containerPort"];  // A copy: inserting may rehash.
        port["hostPort"] = std::move(container_port);
      }
    }
  }
  default_env(c);
  // ResourceRequirements is a struct upstream, so it always serialises, as {} when empty.
  if (json::object* resources = object_for_defaults(c, "resources")) {
    default_resource_list(*resources, "limits");
    default_resource_list(*resources, "requests");
  }
  default_probe(c, "livenessProbe");
  default_probe(c, "readinessProbe");
  default_probe(c, "startupProbe");
  if (json::object* lifecycle = find_object(c, "lifecycle")) {
    for (std::string_view hook : {"postStart", "preStop"}) {
      if (json::object* h = find_object(*lifecycle, hook)) default_http_get(*h);
    }
  }
}

void default_items_field_refs(json::object& source) {
  json::array* items = find_array(source, "items");
  if (items == nullptr) return;
  for (json::value& item : *items) {
    if (!item.is_object()) continue;
    if (json::object* ref = find_object(item.get_object(), "fieldRef")) default_string(*ref, "apiVersion", "v1");
  }
}

void default_volume(json::object& volume) {
  static const char* kSources[] = {
      "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
      "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI",
      "fc", "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
      "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image"};
  bool any = false;
  for (const char* s : kSources) any = any || has(volume, s);
  if (!any) volume["emptyDir"] = json::object();

  if (json::object* secret = find_object(volume, "secret")) default_value(*secret, "defaultMode", kDefaultFileMode);
  if (json::object* cm = find_object(volume, "configMap")) default_value(*cm, "defaultMode", kDefaultFileMode);
  if (json::object* dapi = find_object(volume, "downwardAPI")) {
    default_value(*dapi, "defaultMode", kDefaultFileMode);
    default_items_field_refs(*dapi);
  }
  if (json::object* host_path = find_object(volume, "hostPath")) default_value(*host_path, "type", "");
  if (json::object* projected = find_object(volume, "projected")) {
    default_value(*projected, "defaultMode", kDefaultFileMode);
    if (json::array* sources = find_array(*projected, "sources")) {
      for (json::value& s : *sources) {
        if (!s.is_object()) continue;
        if (json::object* token = find_object(s.get_object(), "serviceAccountToken")) {
          default_value(*token, "expirationSeconds", 3600);
        }
        if (json::object* dapi = find_object(s.get_object(), "downwardAPI")) default_items_field_refs(*dapi);
      }
    }
  }
  if (json::object* iscsi = find_object(volume, "iscsi")) default_string(*iscsi, "iscsiInterface", "default");
  if (json::object* rbd = find_object(volume, "rbd")) {
    default_string(*rbd, "pool", "rbd");
    default_string(*rbd, "user", "admin");
    default_string(*rbd, "keyring", "/etc/ceph/keyring");
  }
  if (json::object* eph = find_object(volume, "ephemeral")) {
    json::object* tmpl = find_object(*eph, "volumeClaimTemplate");
    json::object* spec = tmpl != nullptr ? find_object(*tmpl, "spec") : nullptr;
    if (spec != nullptr) default_value(*spec, "volumeMode", "Filesystem");
  }
}

// SetDefaults_Pod's copying of limits into missing requests.
void default_requests_from_limits(json::object& container) {
  json::object* resources = find_object(container, "resources");
  if (resources == nullptr || find_object(*resources, "limits") == nullptr) return;
  // Creating requests may rehash resources, so limits is looked up only afterwards.
  json::object* requests = object_for_defaults(*resources, "requests");
  const json::object* limits = find_object(*resources, "limits");
  if (requests == nullptr || limits == nullptr) return;
  for (const auto& kv : *limits) {
    if (!requests->contains(kv.key())) (*requests)[kv.key()] = kv.value();
  }
}

// What upstream's default admission plugins add to every pod (ServiceAccount, Priority,
// DefaultTolerationSeconds). They run on create there; here they run with the defaults,
// which is the same since each only fills in what is missing.
void admit_pod(json::object& spec) {
  // ServiceAccount: pods run as "default" unless they say otherwise (and the deprecated
  // serviceAccount field mirrors it).
  default_string(spec, "serviceAccountName", "default");
  if (auto* name = spec.if_contains("serviceAccountName"); name && name->is_string()) {
    default_value(spec, "serviceAccount", *name);
  }
  // Priority: no priorityClassName means priority 0.
  default_value(spec, "priority", 0);
  // DefaultTolerationSeconds: tolerate not-ready and unreachable nodes for 300 s, so the
  // node lifecycle controller evicts the pods of a lost node after five minutes.
  add_default_tolerations(spec, 300, 300);
}

}  // namespace

void add_default_tolerations(json::object& spec, int not_ready_seconds, int unreachable_seconds) {
  json::array* tolerations = find_array(spec, "tolerations");
  auto tolerates = [&](std::string_view key) {
    if (!tolerations) return false;
    for (auto& t : *tolerations) {
      if (!t.is_object()) continue;
      auto& o = t.get_object();
      auto* k = o.if_contains("key");
      auto* op = o.if_contains("operator");
      auto* effect = o.if_contains("effect");
      bool key_matches = (k && k->is_string() && k->get_string() == key) ||
                         ((!k || (k->is_string() && k->get_string().empty())) && op && op->is_string() && op->get_string() == "Exists");
      bool effect_matches = !effect || (effect->is_string() && (effect->get_string().empty() || effect->get_string() == "NoExecute"));
      if (key_matches && effect_matches) return true;
    }
    return false;
  };
  for (auto [key, seconds] : {std::pair<std::string_view, int>{"node.kubernetes.io/not-ready", not_ready_seconds},
                               std::pair<std::string_view, int>{"node.kubernetes.io/unreachable", unreachable_seconds}}) {
    if (tolerates(key)) continue;
    if (!tolerations) {
      spec["tolerations"] = json::array();
      tolerations = find_array(spec, "tolerations");
    }
    tolerations->push_back(json::object{{"key", key}, {"operator", "Exists"}, {"effect", "NoExecute"}, {"tolerationSeconds", seconds}});
  }
}

void set_pod_spec_defaults(json::object& spec) {
  default_string(spec, "dnsPolicy", "ClusterFirst");
  default_string(spec, "restartPolicy", "Always");
  default_value(spec, "securityContext", json::object());
  default_value(spec, "terminationGracePeriodSeconds", 30);
  default_string(spec, "schedulerName", "default-scheduler");
  bool host_network = bool_or(spec, "hostNetwork", false);
  for (std::string_view list : {"containers", "initContainers", "ephemeralContainers"}) {
    json::array* containers = find_array(spec, list);
    if (containers == nullptr) continue;
    for (json::value& c : *containers) {
      if (c.is_object()) default_container(c.get_object(), host_network && list != "ephemeralContainers");
    }
  }
  if (json::array* volumes = find_array(spec, "volumes")) {
    for (json::value& v : *volumes) {
      if (v.is_object()) default_volume(v.get_object());
    }
  }
  default_resource_list(spec, "overhead");
}

void set_pod_template_defaults(json::object& template_spec) {
  // The template's ObjectMeta has a zero creationTimestamp, which upstream v1.32 serialises
  // as null; kubectl get -o yaml shows it.
  if (json::object* meta = object_for_defaults(template_spec, "metadata")) {
    if (!meta->contains("creationTimestamp")) (*meta)["creationTimestamp"] = nullptr;
  }
  if (json::object* spec = object_for_defaults(template_spec, "spec")) set_pod_spec_defaults(*spec);
}

void set_defaults_pod(json::object& obj) {
  json::object* spec_ptr = object_for_defaults(obj, "spec");
  if (spec_ptr == nullptr) return;
  json::object& spec = *spec_ptr;
  for (std::string_view list : {"containers", "initContainers"}) {
    if (json::array* containers = find_array(spec, list)) {
      for (json::value& c : *containers) {
        if (c.is_object()) default_requests_from_limits(c.get_object());
      }
    }
  }
  default_value(spec, "enableServiceLinks", true);
  set_pod_spec_defaults(spec);
  admit_pod(spec);
}

const char* pod_qos_class(const json::object& pod) {
  bool any = false, guaranteed = true;
  const json::object* spec = pod.if_contains("spec") ? pod.at("spec").if_object() : nullptr;
  for (std::string_view list : {"initContainers", "containers"}) {
    const json::value* containers = spec ? spec->if_contains(list) : nullptr;
    if (!containers || !containers->is_array()) continue;
    for (const json::value& c : containers->get_array()) {
      const json::value* resources = c.is_object() ? c.get_object().if_contains("resources") : nullptr;
      const json::object* r = resources ? resources->if_object() : nullptr;
      auto quantity = [&](std::string_view kind, std::string_view name) -> std::optional<std::int64_t> {
        const json::value* group = r ? r->if_contains(kind) : nullptr;
        const json::value* v = group && group->is_object() ? group->get_object().if_contains(name) : nullptr;
        if (!v || !v->is_string()) return std::nullopt;
        auto q = apimachinery::quantity::parse(v->get_string());
        if (!q) return std::nullopt;
        return q->milli_value();
      };
      for (std::string_view name : {"cpu", "memory"}) {
        auto request = quantity("requests", name), limit = quantity("limits", name);
        if ((request && *request != 0) || (limit && *limit != 0)) any = true;
        if (!limit || (request && *request != *limit)) guaranteed = false;
      }
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

}  // namespace kscratch::apiserver::kinds
