// Container validation: validateContainerCommon, validateContainers, validateInitContainers
// and what they call (ports, env, mounts, probes, lifecycle hooks, security contexts).

#include <set>

#include "go_format.h"
#include "kscratch/apimachinery/validation.h"
#include "object_meta.h"
#include "pod_spec.h"
#include "resources.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

const std::vector<std::string> kProtocols = {"SCTP", "TCP", "UDP"};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// IsRelaxedEnvVarName: RelaxedEnvironmentVariableValidation is on by default in v1.32.
std::vector<std::string> relaxed_env_var_name(std::string_view name) {
  std::vector<std::string> errs;
  if (name.empty()) errs.push_back("environment variable name " + v::empty_error());
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u > 126 || u < 32 || c == '=') {
      errs.push_back("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

std::vector<std::string> http_header_name(std::string_view name) {
  bool ok = !name.empty();
  for (char c : name) {
    if (!v::detail::is_alnum(c) && c != '-') ok = false;
  }
  if (ok) return {};
  return {v::regex_error("a valid HTTP header must consist of alphanumeric characters or '-'", "[-A-Za-z0-9]+",
                         {"X-Header-Name"})};
}

// ValidatePortNumOrName on an IntOrString JSON value.
void validate_port_num_or_name(Reader& r, const json::object& parent, std::string_view key, const FieldPath& path) {
  const json::value* port = parent.if_contains(key);
  if (port == nullptr || port->is_null()) {
    // A missing port is the int 0.
    add_invalid(r.errors(), path, 0, v::is_valid_port_num(0));
    return;
  }
  if (port->is_string()) {
    add_invalid(r.errors(), path, *port, v::is_valid_port_name(port->get_string()));
  } else if (std::optional<int64_t> n = as_integer(*port)) {
    add_invalid(r.errors(), path, *n, v::is_valid_port_num(*n));
  } else {
    r.add(type_invalid(path, *port, "integer or string"));
  }
}

void validate_handler(Reader& r, const json::object& handler, const FieldPath& path, bool lifecycle,
                      std::optional<int64_t> grace_period) {
  int handlers = 0;
  auto one = [&](std::string_view key) {
    if (!has(handler, key)) return false;
    if (handlers > 0) {
      r.add(forbidden(path.child(key), "may not specify more than 1 handler type"));
      return false;
    }
    ++handlers;
    return true;
  };
  if (one("exec")) {
    if (const json::object* exec = r.object(handler, "exec", path.child("exec"))) {
      std::vector<std::string> cmd = r.string_list(*exec, "command", path.child("exec").child("command"))
                                         .value_or(std::vector<std::string>{});
      if (cmd.empty()) r.add(required(path.child("exec").child("command")));
    }
  }
  if (one("httpGet")) {
    FieldPath hp = path.child("httpGet");
    if (const json::object* http = r.object(handler, "httpGet", hp)) {
      if (r.string(*http, "path", hp.child("path")).value_or("").empty()) r.add(required(hp.child("path")));
      validate_port_num_or_name(r, *http, "port", hp.child("port"));
      std::string scheme = r.string(*http, "scheme", hp.child("scheme")).value_or("");
      if (scheme != "HTTP" && scheme != "HTTPS") r.add(not_supported(hp.child("scheme"), scheme, {"HTTP", "HTTPS"}));
      if (const json::array* headers = r.array(*http, "httpHeaders", hp.child("httpHeaders"))) {
        for (size_t i = 0; i < headers->size(); ++i) {
          const json::object* h = r.element_object((*headers)[i], hp.child("httpHeaders").index(i));
          if (h == nullptr) continue;
          std::string name = string_or(*h, "name");
          add_invalid(r.errors(), hp.child("httpHeaders"), json::value(name), http_header_name(name));
        }
      }
    }
  }
  if (one("tcpSocket")) {
    if (const json::object* tcp = r.object(handler, "tcpSocket", path.child("tcpSocket"))) {
      validate_port_num_or_name(r, *tcp, "port", path.child("tcpSocket").child("port"));
    }
  }
  if (!lifecycle && one("grpc")) {
    FieldPath gp = path.child("grpc");
    if (const json::object* grpc = r.object(handler, "grpc", gp)) {
      int64_t port = r.integer(*grpc, "port", gp.child("port")).value_or(0);
      add_invalid(r.errors(), gp.child("port"), port, v::is_valid_port_num(port));
    }
  }
  if (lifecycle && one("sleep")) {
    FieldPath sp = path.child("sleep");
    if (const json::object* sleep = r.object(handler, "sleep", sp)) {
      int64_t seconds = r.int64(*sleep, "seconds", sp.child("seconds")).value_or(0);
      if (grace_period && (seconds <= 0 || seconds > *grace_period)) {
        r.add(invalid(sp, seconds,
                      "must be greater than 0 and less than terminationGracePeriodSeconds (" +
                          std::to_string(*grace_period) +
                          "). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."));
      }
    }
  }
  if (handlers == 0) r.add(required(path, "must specify a handler type"));
}

enum class ProbeKind { kLiveness, kReadiness, kStartup };

void validate_probe(Reader& r, const json::object& container, std::string_view key, const FieldPath& path,
                    ProbeKind kind, std::optional<int64_t> grace_period) {
  const json::object* probe = r.object(container, key, path);
  if (probe == nullptr) return;
  validate_handler(r, *probe, path, false, grace_period);
  for (std::string_view field :
       {"initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"}) {
    validate_nonnegative(r.errors(), r.integer(*probe, field, path.child(field)).value_or(0), path.child(field));
  }
  std::optional<int64_t> probe_grace = r.int64(*probe, "terminationGracePeriodSeconds",
                                               path.child("terminationGracePeriodSeconds"));
  if (probe_grace && *probe_grace <= 0) {
    r.add(invalid(path.child("terminationGracePeriodSeconds"), *probe_grace, "must be greater than 0"));
  }
  int64_t success = find_int(*probe, "successThreshold").value_or(0);
  if (kind != ProbeKind::kReadiness && success != 1) r.add(invalid(path.child("successThreshold"), success, "must be 1"));
  if (kind == ProbeKind::kReadiness && probe_grace) {
    r.add(invalid(path.child("terminationGracePeriodSeconds"), *probe_grace, "must not be set for readinessProbes"));
  }
}

void validate_lifecycle(Reader& r, const json::object& lifecycle, const FieldPath& path,
                        std::optional<int64_t> grace_period) {
  for (std::string_view hook : {"postStart", "preStop"}) {
    if (const json::object* h = r.object(lifecycle, hook, path.child(hook))) {
      validate_handler(r, *h, path.child(hook), true, grace_period);
    }
  }
}

void validate_container_ports(Reader& r, const json::object& c, const FieldPath& path) {
  const json::array* ports = r.array(c, "ports", path);
  if (ports == nullptr) return;
  std::set<std::string> names;
  for (size_t i = 0; i < ports->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* port = r.element_object((*ports)[i], ip);
    if (port == nullptr) continue;
    std::string name = r.string(*port, "name", ip.child("name")).value_or("");
    if (!name.empty()) {
      std::vector<std::string> msgs = v::is_valid_port_name(name);
      if (!msgs.empty()) {
        add_invalid(r.errors(), ip.child("name"), json::value(name), msgs);
      } else if (names.count(name)) {
        r.add(duplicate(ip.child("name"), name));
      } else {
        names.insert(name);
      }
    }
    int64_t container_port = r.integer(*port, "containerPort", ip.child("containerPort")).value_or(0);
    if (container_port == 0) {
      r.add(required(ip.child("containerPort")));
    } else {
      add_invalid(r.errors(), ip.child("containerPort"), container_port, v::is_valid_port_num(container_port));
    }
    int64_t host_port = r.integer(*port, "hostPort", ip.child("hostPort")).value_or(0);
    if (host_port != 0) add_invalid(r.errors(), ip.child("hostPort"), host_port, v::is_valid_port_num(host_port));
    std::string protocol = r.string(*port, "protocol", ip.child("protocol")).value_or("");
    if (protocol.empty()) {
      r.add(required(ip.child("protocol")));
    } else if (protocol != "TCP" && protocol != "UDP" && protocol != "SCTP") {
      r.add(not_supported(ip.child("protocol"), protocol, kProtocols));
    }
  }
}

// ConvertDownwardAPIFieldLabel and the fieldRef checks of validateObjectFieldSelector for
// environment variables.
void validate_env_field_ref(Reader& r, const json::object& ref, const FieldPath& path) {
  std::string api_version = r.string(ref, "apiVersion", path.child("apiVersion")).value_or("");
  std::string field_path = r.string(ref, "fieldPath", path.child("fieldPath")).value_or("");
  if (api_version.empty()) {
    r.add(required(path.child("apiVersion")));
    return;
  }
  if (field_path.empty()) {
    r.add(required(path.child("fieldPath")));
    return;
  }
  std::string base = field_path;
  std::string subscript;
  bool subscripted = false;
  if (field_path.size() > 2 && field_path.substr(field_path.size() - 2) == "']") {
    std::string trimmed = field_path.substr(0, field_path.size() - 2);
    size_t open = trimmed.find("['");
    if (open != std::string::npos && open > 0) {
      base = trimmed.substr(0, open);
      subscript = trimmed.substr(open + 2);
      subscripted = true;
    }
  }
  static const std::set<std::string> kConvertible = {
      "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
      "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase",
      "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"};
  std::string conversion_error;
  if (api_version != "v1") {
    conversion_error = "unsupported pod version: " + api_version;
  } else if (subscripted ? (base != "metadata.annotations" && base != "metadata.labels") : !kConvertible.count(base)) {
    conversion_error = "field label not supported: " + field_path;
  }
  if (!conversion_error.empty()) {
    r.add(invalid(path.child("fieldPath"), field_path, "error converting fieldPath: " + conversion_error));
    return;
  }
  if (subscripted) {
    if (base == "metadata.annotations") {
      std::string lower = subscript;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      validate_qualified_name(r.errors(), lower, path);
    } else {
      validate_qualified_name(r.errors(), subscript, path);
    }
    return;
  }
  static const std::vector<std::string> kEnvFields = {"metadata.name", "metadata.namespace", "metadata.uid",
                                                      "spec.nodeName", "spec.serviceAccountName", "status.hostIP",
                                                      "status.hostIPs", "status.podIP", "status.podIPs"};
  if (std::find(kEnvFields.begin(), kEnvFields.end(), base) == kEnvFields.end()) {
    r.add(not_supported(path.child("fieldPath"), base, kEnvFields));
  }
}

void validate_key_selector(Reader& r, const json::object& sel, const FieldPath& path) {
  std::string name = r.string(sel, "name", path.child("name")).value_or("");
  add_invalid(r.errors(), path.child("name"), json::value(name),
              name_messages(NameRule::kDNS1123Subdomain, name, false));
  std::string key = r.string(sel, "key", path.child("key")).value_or("");
  if (key.empty()) {
    r.add(required(path.child("key")));
  } else {
    add_invalid(r.errors(), path.child("key"), json::value(key), v::is_config_map_key(key));
  }
}

void validate_env(Reader& r, const json::object& c, const FieldPath& path) {
  const json::array* env = r.array(c, "env", path);
  if (env == nullptr) return;
  for (size_t i = 0; i < env->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* e = r.element_object((*env)[i], ip);
    if (e == nullptr) continue;
    std::string name = r.string(*e, "name", ip.child("name")).value_or("");
    if (name.empty()) {
      r.add(required(ip.child("name")));
    } else {
      add_invalid(r.errors(), ip.child("name"), json::value(name), relaxed_env_var_name(name));
    }
    std::string value = r.string(*e, "value", ip.child("value")).value_or("");
    FieldPath fp = ip.child("valueFrom");
    const json::object* from = r.object(*e, "valueFrom", fp);
    if (from == nullptr) continue;
    int sources = 0;
    if (const json::object* ref = r.object(*from, "fieldRef", fp.child("fieldRef"))) {
      ++sources;
      validate_env_field_ref(r, *ref, fp.child("fieldRef"));
    }
    if (const json::object* ref = r.object(*from, "resourceFieldRef", fp.child("resourceFieldRef"))) {
      ++sources;
      FieldPath rp = fp.child("resourceFieldRef");
      std::string resource = r.string(*ref, "resource", rp.child("resource")).value_or("");
      static const std::vector<std::string> kResources = {"limits.cpu", "limits.ephemeral-storage", "limits.memory",
                                                          "requests.cpu", "requests.ephemeral-storage",
                                                          "requests.memory"};
      if (resource.empty()) {
        r.add(required(rp.child("resource")));
      } else if (std::find(kResources.begin(), kResources.end(), resource) == kResources.end() &&
                 !starts_with(resource, "requests.hugepages-") && !starts_with(resource, "limits.hugepages-")) {
        r.add(not_supported(rp.child("resource"), resource, kResources));
      }
    }
    if (const json::object* ref = r.object(*from, "configMapKeyRef", fp.child("configMapKeyRef"))) {
      ++sources;
      validate_key_selector(r, *ref, fp.child("configMapKeyRef"));
    }
    if (const json::object* ref = r.object(*from, "secretKeyRef", fp.child("secretKeyRef"))) {
      ++sources;
      validate_key_selector(r, *ref, fp.child("secretKeyRef"));
    }
    if (sources == 0) {
      r.add(invalid(fp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
    } else if (!value.empty()) {
      r.add(invalid(fp, "", "may not be specified when `value` is not empty"));
    } else if (sources > 1) {
      r.add(invalid(fp, "", "may not have more than one field specified at a time"));
    }
  }
}

void validate_env_from(Reader& r, const json::object& c, const FieldPath& path) {
  const json::array* list = r.array(c, "envFrom", path);
  if (list == nullptr) return;
  for (size_t i = 0; i < list->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* e = r.element_object((*list)[i], ip);
    if (e == nullptr) continue;
    std::string prefix = r.string(*e, "prefix", ip.child("prefix")).value_or("");
    if (!prefix.empty()) add_invalid(r.errors(), ip.child("prefix"), json::value(prefix), relaxed_env_var_name(prefix));
    int sources = 0;
    for (std::string_view kind : {"configMapRef", "secretRef"}) {
      const json::object* ref = r.object(*e, kind, ip.child(kind));
      if (ref == nullptr) continue;
      ++sources;
      std::string name = r.string(*ref, "name", ip.child(kind).child("name")).value_or("");
      if (name.empty()) {
        r.add(required(ip.child(kind).child("name")));
      } else {
        add_invalid(r.errors(), ip.child(kind).child("name"), json::value(name),
                    name_messages(NameRule::kDNS1123Subdomain, name, true));
      }
    }
    // Upstream reports these two at envFrom, not envFrom[i].
    if (sources == 0) {
      r.add(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    } else if (sources > 1) {
      r.add(invalid(path, "", "may not have more than one field specified at a time"));
    }
  }
}

// validateLocalDescendingPath.
void validate_local_descending_path(FieldErrors& errs, const std::string& p, const FieldPath& path) {
  if (!p.empty() && p[0] == '/') errs.push_back(invalid(path, p, "must be a relative path"));
  size_t start = 0;
  while (start <= p.size()) {
    size_t slash = p.find('/', start);
    std::string part = p.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..") {
      errs.push_back(invalid(path, p, "must not contain '..'"));
      break;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
}

void validate_volume_mounts(Reader& r, const json::object& c, const VolumeMap& volumes, const FieldPath& path) {
  const json::array* mounts = r.array(c, "volumeMounts", path);
  if (mounts == nullptr) return;
  std::set<std::string> mount_points;
  for (size_t i = 0; i < mounts->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* m = r.element_object((*mounts)[i], ip);
    if (m == nullptr) continue;
    std::string name = r.string(*m, "name", ip.child("name")).value_or("");
    std::string mount_path = r.string(*m, "mountPath", ip.child("mountPath")).value_or("");
    if (name.empty()) r.add(required(ip.child("name")));
    if (!volumes.count(name)) r.add(not_found(ip.child("name"), name));
    if (mount_path.empty()) r.add(required(ip.child("mountPath")));
    if (mount_points.count(mount_path)) r.add(invalid(ip.child("mountPath"), mount_path, "must be unique"));
    mount_points.insert(mount_path);
    std::string sub_path = r.string(*m, "subPath", ip.child("subPath")).value_or("");
    std::string sub_path_expr = r.string(*m, "subPathExpr", ip.child("subPathExpr")).value_or("");
    // Upstream checks these two at volumeMounts.subPath(Expr), without the index.
    if (!sub_path.empty()) validate_local_descending_path(r.errors(), sub_path, path.child("subPath"));
    if (!sub_path_expr.empty()) {
      if (!sub_path.empty()) {
        r.add(invalid(ip.child("subPathExpr"), sub_path_expr, "subPathExpr and subPath are mutually exclusive"));
      }
      validate_local_descending_path(r.errors(), sub_path_expr, path.child("subPathExpr"));
    }
    std::string propagation = r.string(*m, "mountPropagation", ip.child("mountPropagation")).value_or("");
    if (has(*m, "mountPropagation") && propagation != "None" && propagation != "HostToContainer" &&
        propagation != "Bidirectional") {
      r.add(not_supported(path.child("mountPropagation"), propagation, {"Bidirectional", "HostToContainer", "None"}));
    }
  }
}

void validate_id(FieldErrors& errs, const json::object& sc, std::string_view key, const FieldPath& path, Reader& r) {
  if (std::optional<int64_t> id = r.int64(sc, key, path.child(key))) {
    if (*id < 0 || *id > kInt32Max) errs.push_back(invalid(path.child(key), *id, v::inclusive_range_error(0, kInt32Max)));
  }
}

void validate_seccomp_profile(Reader& r, const json::object& sc, const FieldPath& path) {
  FieldPath sp = path.child("seccompProfile");
  const json::object* profile = r.object(sc, "seccompProfile", sp);
  if (profile == nullptr) return;
  std::string type = r.string(*profile, "type", sp.child("type")).value_or("");
  if (type.empty()) {
    r.add(required(sp.child("type")));
  } else if (type != "Localhost" && type != "RuntimeDefault" && type != "Unconfined") {
    r.add(not_supported(sp.child("type"), type, {"Localhost", "RuntimeDefault", "Unconfined"}));
  }
  bool has_local = has(*profile, "localhostProfile");
  if (type == "Localhost" && !has_local) {
    r.add(required(sp.child("localhostProfile"), "must be set when seccomp type is Localhost"));
  } else if (type == "Localhost") {
    validate_local_descending_path(r.errors(), string_or(*profile, "localhostProfile"), sp.child("localhostProfile"));
  } else if (has_local) {
    r.add(invalid(sp.child("localhostProfile"), *profile, "can only be set when seccomp type is Localhost"));
  }
}

void validate_container_security_context(Reader& r, const json::object& c, const FieldPath& path) {
  const json::object* sc = r.object(c, "securityContext", path);
  if (sc == nullptr) return;
  validate_id(r.errors(), *sc, "runAsUser", path, r);
  validate_id(r.errors(), *sc, "runAsGroup", path, r);
  if (std::optional<std::string> proc = r.string(*sc, "procMount", path.child("procMount"))) {
    if (*proc != "Default" && *proc != "Unmasked") r.add(not_supported(path.child("procMount"), *proc, {"Default", "Unmasked"}));
  }
  validate_seccomp_profile(r, *sc, path);
  bool privileged = r.boolean(*sc, "privileged", path.child("privileged")).value_or(false);
  std::optional<bool> escalation = r.boolean(*sc, "allowPrivilegeEscalation", path.child("allowPrivilegeEscalation"));
  if (escalation && !*escalation && privileged) {
    r.add(invalid(path, *sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
  }
}

// validateContainerCommon.
void validate_container_common(Reader& r, const json::object& c, const VolumeMap& volumes, const FieldPath& path) {
  std::string name = r.string(c, "name", path.child("name")).value_or("");
  if (name.empty()) {
    r.add(required(path.child("name")));
  } else {
    validate_dns1123_label(r.errors(), name, path.child("name"));
  }
  if (r.string(c, "image", path.child("image")).value_or("").empty()) r.add(required(path.child("image")));
  std::string policy = r.string(c, "terminationMessagePolicy", path.child("terminationMessagePolicy")).value_or("");
  if (policy.empty()) {
    r.add(required(path.child("terminationMessagePolicy")));
  } else if (policy != "File" && policy != "FallbackToLogsOnError") {
    r.add(not_supported(path.child("terminationMessagePolicy"), policy, {"File", "FallbackToLogsOnError"}));
  }
  validate_container_ports(r, c, path.child("ports"));
  validate_env(r, c, path.child("env"));
  validate_env_from(r, c, path.child("envFrom"));
  validate_volume_mounts(r, c, volumes, path.child("volumeMounts"));
  std::string pull = r.string(c, "imagePullPolicy", path.child("imagePullPolicy")).value_or("");
  if (pull.empty()) {
    r.add(required(path.child("imagePullPolicy")));
  } else if (pull != "Always" && pull != "IfNotPresent" && pull != "Never") {
    r.add(not_supported(path.child("imagePullPolicy"), pull, {"Always", "IfNotPresent", "Never"}));
  }
  if (const json::object* resources = r.object(c, "resources", path.child("resources"))) {
    validate_container_resources(r, *resources, path.child("resources"));
  }
  validate_container_security_context(r, c, path.child("securityContext"));
}

// AccumulateUniqueHostPorts: one protocol/hostIP/hostPort triple per pod.
void check_host_port_conflicts(Reader& r, const json::array& containers, const FieldPath& path,
                               std::set<std::string>& seen) {
  for (size_t ci = 0; ci < containers.size(); ++ci) {
    if (!containers[ci].is_object()) continue;
    const json::array* ports = find_array(containers[ci].get_object(), "ports");
    if (ports == nullptr) continue;
    for (size_t pi = 0; pi < ports->size(); ++pi) {
      if (!(*ports)[pi].is_object()) continue;
      const json::object& port = (*ports)[pi].get_object();
      int64_t host_port = find_int(port, "hostPort").value_or(0);
      if (host_port == 0) continue;
      std::string key = string_or(port, "protocol") + "/" + string_or(port, "hostIP") + "/" + std::to_string(host_port);
      if (seen.count(key)) {
        r.add(duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key));
      } else {
        seen.insert(key);
      }
    }
  }
}

std::optional<int64_t> grace_period_of(const json::object& spec) { return find_int(spec, "terminationGracePeriodSeconds"); }

}  // namespace

void validate_containers(Reader& r, const json::object& spec, const VolumeMap& volumes, const FieldPath& spec_path) {
  FieldPath path = spec_path.child("containers");
  const json::array* containers = r.array(spec, "containers", path);
  if (containers == nullptr || containers->empty()) {
    r.add(required(path));
    return;
  }
  std::optional<int64_t> grace = grace_period_of(spec);
  std::set<std::string> names;
  for (size_t i = 0; i < containers->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* c = r.element_object((*containers)[i], ip);
    if (c == nullptr) continue;
    validate_container_common(r, *c, volumes, ip);
    std::string name = string_or(*c, "name");
    if (names.count(name)) {
      r.add(duplicate(ip.child("name"), name));
    } else {
      names.insert(name);
    }
    if (const json::object* lifecycle = r.object(*c, "lifecycle", ip.child("lifecycle"))) {
      validate_lifecycle(r, *lifecycle, ip.child("lifecycle"), grace);
    }
    validate_probe(r, *c, "livenessProbe", ip.child("livenessProbe"), ProbeKind::kLiveness, grace);
    validate_probe(r, *c, "readinessProbe", ip.child("readinessProbe"), ProbeKind::kReadiness, grace);
    validate_probe(r, *c, "startupProbe", ip.child("startupProbe"), ProbeKind::kStartup, grace);
    if (has(*c, "restartPolicy")) r.add(forbidden(ip.child("restartPolicy"), "may not be set for non-init containers"));
  }
  std::set<std::string> host_ports;
  check_host_port_conflicts(r, *containers, path, host_ports);
}

void validate_init_containers(Reader& r, const json::object& spec, const VolumeMap& volumes,
                              const FieldPath& spec_path) {
  FieldPath path = spec_path.child("initContainers");
  const json::array* inits = r.array(spec, "initContainers", path);
  if (inits == nullptr) return;
  std::set<std::string> names;
  if (const json::array* regular = find_array(spec, "containers")) {
    for (const json::value& c : *regular) {
      if (c.is_object()) names.insert(string_or(c.get_object(), "name"));
    }
  }
  std::optional<int64_t> grace = grace_period_of(spec);
  for (size_t i = 0; i < inits->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* c = r.element_object((*inits)[i], ip);
    if (c == nullptr) continue;
    validate_container_common(r, *c, volumes, ip);
    bool restart_always = false;
    if (std::optional<std::string> policy = r.string(*c, "restartPolicy", ip.child("restartPolicy"))) {
      if (*policy != "Always") r.add(not_supported(ip.child("restartPolicy"), *policy, {"Always"}));
      restart_always = *policy == "Always";
    }
    std::string name = string_or(*c, "name");
    if (names.count(name)) {
      r.add(duplicate(ip.child("name"), name));
    } else if (!name.empty()) {
      names.insert(name);
    }
    // Init containers run one by one, so host ports only conflict within one of them; upstream
    // checks each as a one-element list, which is why the index reads [0].
    json::array single;
    single.push_back(*c);
    std::set<std::string> host_ports;
    check_host_port_conflicts(r, single, path, host_ports);
    if (restart_always) {
      if (const json::object* lifecycle = r.object(*c, "lifecycle", ip.child("lifecycle"))) {
        validate_lifecycle(r, *lifecycle, ip.child("lifecycle"), grace);
      }
      validate_probe(r, *c, "livenessProbe", ip.child("livenessProbe"), ProbeKind::kLiveness, grace);
      validate_probe(r, *c, "readinessProbe", ip.child("readinessProbe"), ProbeKind::kReadiness, grace);
      validate_probe(r, *c, "startupProbe", ip.child("startupProbe"), ProbeKind::kStartup, grace);
    } else {
      for (std::string_view key : {"lifecycle", "livenessProbe", "readinessProbe", "startupProbe"}) {
        if (has(*c, key)) r.add(forbidden(ip.child(key), "may not be set for init containers without restartPolicy=Always"));
      }
    }
  }
}

}  // namespace kscratch::apiserver::kinds
