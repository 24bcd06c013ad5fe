// ValidatePodSpec and ValidatePodTemplateSpec; see pod_spec.h. Containers and volumes have
// their own files.

#include "pod_spec.h"

#include <arpa/inet.h>

#include <set>

#include "kscratch/apimachinery/validation.h"
#include "object_meta.h"
#include "resources.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

constexpr int kMaxDNSNameservers = 3;
constexpr int kMaxDNSSearchPaths = 32;
constexpr size_t kMaxDNSSearchListChars = 2048;

void validate_host_network_deps(Reader& r, const json::object& spec, const FieldPath& path, const PodSpecOptions& opts) {
  if (!bool_or(spec, "hostNetwork", false)) return;
  const json::array* containers = find_array(spec, "containers");
  if (containers == nullptr) return;
  for (size_t i = 0; i < containers->size(); ++i) {
    if (!(*containers)[i].is_object()) continue;
    const json::array* ports = find_array((*containers)[i].get_object(), "ports");
    if (ports == nullptr) continue;
    for (size_t j = 0; j < ports->size(); ++j) {
      if (!(*ports)[j].is_object()) continue;
      int64_t hp = find_int((*ports)[j].get_object(), "hostPort").value_or(0);
      int64_t cp = find_int((*ports)[j].get_object(), "containerPort").value_or(0);
      // Templates may leave hostPort 0: it is defaulted when the Pod is created.
      if ((opts.resource_is_pod || hp != 0) && hp != cp) {
        r.add(invalid(path.child("containers").index(i).child("ports").index(j).child("hostPort"), hp,
                      "must match `containerPort` when `hostNetwork` is true"));
      }
    }
  }
}

void validate_pod_security_context(Reader& r, const json::object& spec, const FieldPath& path) {
  const json::object* sc = r.object(spec, "securityContext", path);
  if (sc == nullptr) return;
  for (std::string_view key : {"fsGroup", "runAsUser", "runAsGroup"}) {
    if (std::optional<int64_t> id = r.int64(*sc, key, path.child(key))) {
      if (*id < 0 || *id > kInt32Max) r.add(invalid(path.child(key), *id, v::inclusive_range_error(0, kInt32Max)));
    }
  }
  if (const json::array* groups = r.array(*sc, "supplementalGroups", path.child("supplementalGroups"))) {
    for (size_t g = 0; g < groups->size(); ++g) {
      std::optional<int64_t> gid = as_integer((*groups)[g]);
      if (!gid) {
        r.add(type_invalid(path.child("supplementalGroups").index(g), (*groups)[g], "integer"));
      } else if (*gid < 0 || *gid > kInt32Max) {
        r.add(invalid(path.child("supplementalGroups").index(g), *gid, v::inclusive_range_error(0, kInt32Max)));
      }
    }
  }
  if (std::optional<std::string> policy = r.string(*sc, "fsGroupChangePolicy", path.child("fsGroupChangePolicy"))) {
    if (*policy != "Always" && *policy != "OnRootMismatch") {
      r.add(not_supported(path.child("fsGroupChangePolicy"), *policy, {"Always", "OnRootMismatch"}));
    }
  }
}

void validate_dns_config(Reader& r, const json::object& spec, const std::string& dns_policy, const FieldPath& path) {
  const json::object* config = r.object(spec, "dnsConfig", path);
  if (dns_policy == "None") {
    if (config == nullptr) {
      r.add(required(path, "must provide `dnsConfig` when `dnsPolicy` is None"));
      return;
    }
    const json::array* ns = find_array(*config, "nameservers");
    if (ns == nullptr || ns->empty()) {
      r.add(required(path.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None"));
      return;
    }
  }
  if (config == nullptr) return;
  std::vector<std::string> nameservers =
      r.string_list(*config, "nameservers", path.child("nameservers")).value_or(std::vector<std::string>{});
  if (nameservers.size() > kMaxDNSNameservers) {
    json::array list;
    for (const std::string& s : nameservers) list.emplace_back(s);
    r.add(invalid(path.child("nameservers"), list,
                  "must not have more than " + std::to_string(kMaxDNSNameservers) + " nameservers"));
  }
  for (size_t i = 0; i < nameservers.size(); ++i) validate_ip(r.errors(), nameservers[i], path.child("nameservers").index(i));
  std::vector<std::string> searches =
      r.string_list(*config, "searches", path.child("searches")).value_or(std::vector<std::string>{});
  json::array search_list;
  size_t chars = searches.empty() ? 0 : searches.size() - 1;
  for (const std::string& s : searches) {
    search_list.emplace_back(s);
    chars += s.size();
  }
  if (searches.size() > kMaxDNSSearchPaths) {
    r.add(invalid(path.child("searches"), search_list,
                  "must not have more than " + std::to_string(kMaxDNSSearchPaths) + " search paths"));
  }
  if (chars > kMaxDNSSearchListChars) {
    r.add(invalid(path.child("searches"), search_list,
                  "must not have more than " + std::to_string(kMaxDNSSearchListChars) +
                      " characters (including spaces) in the search list"));
  }
  for (size_t i = 0; i < searches.size(); ++i) {
    std::string s = searches[i];
    if (!s.empty() && s.back() == '.') s.pop_back();
    validate_dns1123_subdomain(r.errors(), s, path.child("searches").index(i));
  }
  if (const json::array* options = r.array(*config, "options", path.child("options"))) {
    for (size_t i = 0; i < options->size(); ++i) {
      const json::object* o = r.element_object((*options)[i], path.child("options").index(i));
      if (o != nullptr && string_or(*o, "name").empty()) {
        r.add(required(path.child("options").index(i), "must not be empty"));
      }
    }
  }
}

void validate_topology_spread(Reader& r, const json::object& spec, const FieldPath& path) {
  const json::array* constraints = r.array(spec, "topologySpreadConstraints", path);
  if (constraints == nullptr) return;
  for (size_t i = 0; i < constraints->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* c = r.element_object((*constraints)[i], ip);
    if (c == nullptr) continue;
    int64_t skew = r.integer(*c, "maxSkew", ip.child("maxSkew")).value_or(0);
    if (skew <= 0) r.add(invalid(ip.child("maxSkew"), skew, "must be greater than zero"));
    if (r.string(*c, "topologyKey", ip.child("topologyKey")).value_or("").empty()) {
      r.add(required(ip.child("topologyKey"), "can not be empty"));
    }
    std::string action = r.string(*c, "whenUnsatisfiable", ip.child("whenUnsatisfiable")).value_or("");
    if (action != "DoNotSchedule" && action != "ScheduleAnyway") {
      r.add(not_supported(ip.child("whenUnsatisfiable"), action, {"DoNotSchedule", "ScheduleAnyway"}));
    }
    if (const json::object* sel = r.object(*c, "labelSelector", ip.child("labelSelector"))) {
      validate_label_selector(r, *sel, ip.child("labelSelector"));
    }
  }
}

void validate_host_aliases(Reader& r, const json::object& spec, const FieldPath& path) {
  const json::array* aliases = r.array(spec, "hostAliases", path);
  if (aliases == nullptr) return;
  for (size_t i = 0; i < aliases->size(); ++i) {
    const json::object* a = r.element_object((*aliases)[i], path.index(i));
    if (a == nullptr) continue;
    validate_ip(r.errors(), r.string(*a, "ip", path.index(i).child("ip")).value_or(""), path.index(i).child("ip"));
    std::vector<std::string> hostnames =
        r.string_list(*a, "hostnames", path.index(i).child("hostnames")).value_or(std::vector<std::string>{});
    for (size_t j = 0; j < hostnames.size(); ++j) {
      validate_dns1123_subdomain(r.errors(), hostnames[j], path.index(i).child("hostnames").index(j));
    }
  }
}

void validate_names_of(Reader& r, const json::object& spec, std::string_view key, const FieldPath& path,
                       NameRule rule) {
  std::string value = r.string(spec, key, path).value_or("");
  if (!value.empty()) add_invalid(r.errors(), path, json::value(value), name_messages(rule, value, false));
}

}  // namespace

bool is_ip(std::string_view s) {
  std::string str(s);
  unsigned char buf[16];
  return inet_pton(AF_INET, str.c_str(), buf) == 1 || inet_pton(AF_INET6, str.c_str(), buf) == 1;
}

void validate_ip(FieldErrors& errs, std::string_view ip, const FieldPath& path) {
  if (!is_ip(ip)) errs.push_back(invalid(path, ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
}

void validate_tolerations(Reader& r, const json::array& tolerations, const FieldPath& path) {
  for (size_t i = 0; i < tolerations.size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* t = r.element_object(tolerations[i], ip);
    if (t == nullptr) continue;
    std::string key = r.string(*t, "key", ip.child("key")).value_or("");
    std::string op = r.string(*t, "operator", ip.child("operator")).value_or("");
    std::string value = r.string(*t, "value", ip.child("value")).value_or("");
    std::string effect = r.string(*t, "effect", ip.child("effect")).value_or("");
    bool has_seconds = r.int64(*t, "tolerationSeconds", ip.child("tolerationSeconds")).has_value();
    if (!key.empty()) validate_label_name(r.errors(), key, ip.child("key"));
    if (key.empty() && op != "Exists") {
      r.add(invalid(ip.child("operator"), op,
                    "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    }
    if (has_seconds && effect != "NoExecute") {
      r.add(invalid(ip.child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op == "Equal" || op.empty()) {
      std::vector<std::string> msgs = v::is_valid_label_value(value);
      if (!msgs.empty()) {
        std::string joined;
        for (size_t m = 0; m < msgs.size(); ++m) joined += (m > 0 ? ";" : "") + msgs[m];
        r.add(invalid(ip.child("operator"), value, joined));
      }
    } else if (op == "Exists") {
      if (!value.empty()) r.add(invalid(ip.child("operator"), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      r.add(not_supported(ip.child("operator"), op, {"Equal", "Exists"}));
    }
    if (!effect.empty() && effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") {
      r.add(not_supported(ip.child("effect"), effect, {"NoSchedule", "PreferNoSchedule", "NoExecute"}));
    }
  }
}

void validate_pod_spec(Reader& r, const json::object& spec, const FieldPath& path, const PodSpecOptions& opts) {
  if (!r.int64(spec, "terminationGracePeriodSeconds", path.child("terminationGracePeriodSeconds"))) {
    r.add(required(path.child("terminationGracePeriodSeconds")));
  }
  VolumeMap volumes = validate_volumes(r, spec, path.child("volumes"));
  validate_containers(r, spec, volumes, path);
  validate_init_containers(r, spec, volumes, path);
  validate_host_network_deps(r, spec, path, opts);

  std::string restart = r.string(spec, "restartPolicy", path.child("restartPolicy")).value_or("");
  if (restart.empty()) {
    r.add(required(path.child("restartPolicy")));
  } else if (restart != "Always" && restart != "OnFailure" && restart != "Never") {
    r.add(not_supported(path.child("restartPolicy"), restart, {"Always", "OnFailure", "Never"}));
  }
  std::string dns = r.string(spec, "dnsPolicy", path.child("dnsPolicy")).value_or("");
  if (dns.empty()) {
    r.add(required(path.child("dnsPolicy")));
  } else if (dns != "ClusterFirstWithHostNet" && dns != "ClusterFirst" && dns != "Default" && dns != "None") {
    r.add(not_supported(path.child("dnsPolicy"), dns, {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"}));
  }
  if (std::optional<StringMap> selector = r.string_map(spec, "nodeSelector", path.child("nodeSelector"))) {
    validate_labels(r.errors(), *selector, path.child("nodeSelector"));
  }
  validate_pod_security_context(r, spec, path.child("securityContext"));
  if (const json::array* secrets = r.array(spec, "imagePullSecrets", path.child("imagePullSecrets"))) {
    for (size_t i = 0; i < secrets->size(); ++i) {
      const json::object* s = r.element_object((*secrets)[i], path.child("imagePullSecrets").index(i));
      if (s != nullptr && (s->size() > 1 || (s->size() == 1 && !s->contains("name")))) {
        r.add(invalid(path.child("imagePullSecrets").index(i), *s, "only name may be set"));
      }
    }
  }
  validate_dns_config(r, spec, dns, path.child("dnsConfig"));
  if (const json::array* gates = r.array(spec, "readinessGates", path.child("readinessGates"))) {
    for (size_t i = 0; i < gates->size(); ++i) {
      const json::object* g = r.element_object((*gates)[i], path.child("readinessGates").index(i));
      if (g != nullptr) {
        validate_qualified_name(r.errors(), string_or(*g, "conditionType"),
                                path.child("readinessGates").index(i).child("conditionType"));
      }
    }
  }
  if (const json::array* gates = r.array(spec, "schedulingGates", path.child("schedulingGates"))) {
    std::set<std::string> seen;
    for (size_t i = 0; i < gates->size(); ++i) {
      const json::object* g = r.element_object((*gates)[i], path.child("schedulingGates").index(i));
      if (g == nullptr) continue;
      std::string name = string_or(*g, "name");
      validate_qualified_name(r.errors(), name, path.child("schedulingGates").index(i));
      if (seen.count(name)) r.add(duplicate(path.child("schedulingGates").index(i), name));
      seen.insert(name);
    }
  }
  validate_topology_spread(r, spec, path.child("topologySpreadConstraints"));
  validate_names_of(r, spec, "serviceAccountName", path.child("serviceAccountName"), NameRule::kDNS1123Subdomain);
  validate_names_of(r, spec, "nodeName", path.child("nodeName"), NameRule::kDNS1123Subdomain);
  if (std::optional<int64_t> deadline = r.int64(spec, "activeDeadlineSeconds", path.child("activeDeadlineSeconds"))) {
    if (*deadline < 1 || *deadline > kInt32Max) {
      r.add(invalid(path.child("activeDeadlineSeconds"), *deadline, v::inclusive_range_error(1, kInt32Max)));
    }
  }
  for (std::string_view key : {"hostname", "subdomain"}) {
    std::string value = r.string(spec, key, path.child(key)).value_or("");
    if (!value.empty()) validate_dns1123_label(r.errors(), value, path.child(key));
  }
  if (const json::array* tolerations = r.array(spec, "tolerations", path.child("tolerations"))) {
    validate_tolerations(r, *tolerations, path.child("tolerations"));
  }
  validate_host_aliases(r, spec, path.child("hostAliases"));
  validate_names_of(r, spec, "priorityClassName", path.child("priorityClassName"), NameRule::kDNS1123Subdomain);
  if (std::optional<std::string> runtime = r.string(spec, "runtimeClassName", path.child("runtimeClassName"))) {
    add_invalid(r.errors(), path.child("runtimeClassName"), json::value(*runtime),
                name_messages(NameRule::kDNS1123Subdomain, *runtime, false));
  }
  if (std::optional<std::string> preemption = r.string(spec, "preemptionPolicy", path.child("preemptionPolicy"))) {
    if (preemption->empty()) {
      r.add(required(path.child("preemptionPolicy")));
    } else if (*preemption != "PreemptLowerPriority" && *preemption != "Never") {
      r.add(not_supported(path.child("preemptionPolicy"), *preemption, {"PreemptLowerPriority", "Never"}));
    }
  }
  if (const json::object* overhead = r.object(spec, "overhead", path.child("overhead"))) {
    json::object wrapped;
    wrapped["limits"] = *overhead;
    validate_container_resources(r, wrapped, path.child("overhead"));
  }
  if (const json::object* os = r.object(spec, "os", path.child("os"))) {
    std::string name = r.string(*os, "name", path.child("os").child("name")).value_or("");
    if (name.empty()) {
      r.add(required(path.child("os").child("name"), "cannot be empty"));
    } else if (name != "linux" && name != "windows") {
      r.add(not_supported(path.child("os"), name, {"linux", "windows"}));
    }
  }
}

void validate_pod_template_spec(Reader& r, const json::object& tmpl, const FieldPath& path) {
  static const json::object kEmpty;
  const json::object* meta = r.object(tmpl, "metadata", path.child("metadata"));
  if (meta == nullptr) meta = &kEmpty;
  // ValidatePodTemplateSpec reports template metadata at template.labels / template.annotations
  // (the embedded ObjectMeta has no path element of its own).
  if (std::optional<StringMap> labels = r.string_map(*meta, "labels", path.child("labels"))) {
    validate_labels(r.errors(), *labels, path.child("labels"));
  }
  if (std::optional<StringMap> annotations = r.string_map(*meta, "annotations", path.child("annotations"))) {
    validate_annotations(r.errors(), *annotations, path.child("annotations"));
  }
  const json::object* spec = r.object(tmpl, "spec", path.child("spec"));
  validate_pod_spec(r, spec != nullptr ? *spec : kEmpty, path.child("spec"), PodSpecOptions{});
  if (spec != nullptr) {
    const json::array* ephemeral = find_array(*spec, "ephemeralContainers");
    if (ephemeral != nullptr && !ephemeral->empty()) {
      r.add(forbidden(path.child("spec").child("ephemeralContainers"), "ephemeral containers not allowed in pod template"));
    }
  }
}

}  // namespace kscratch::apiserver::kinds
