// The describers: what `kubectl describe` prints for each kind, line for line as upstream's
// describe.go writes it.

#include "describers.h"

#include "json_util.h"
#include "kscratch/apimachinery/duration.h"
#include "kscratch/apimachinery/labels.h"
#include "kscratch/apimachinery/quantity.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <ctime>
#include <set>

namespace kscratch::kubectl::describe {

namespace {

using Strings = std::vector<std::string>;
using apimachinery::duration::parse_rfc3339;

std::optional<json::value> parse_body(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v;
}

std::string query_escape(std::string_view s) {
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else if (ch == ' ') {
      out += '+';
    } else {
      out += fmt::format("%{:02X}", ch);
    }
  }
  return out;
}

std::string ns_path(const std::string& prefix, const std::string& ns, const std::string& resource) {
  if (ns.empty()) return prefix + "/" + resource;
  return prefix + "/namespaces/" + ns + "/" + resource;
}

// time.RFC1123Z of an RFC 3339 timestamp, in local time as Go formats it.
std::string rfc1123z(const std::string& t) {
  auto tp = parse_rfc3339(t);
  std::time_t tt = 0;
  if (tp) tt = std::chrono::system_clock::to_time_t(*tp);
  std::tm local{};
  ::localtime_r(&tt, &local);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S %z", &local);
  return buf;
}

std::string since(const std::string& t) {
  if (t.empty()) return "<unknown>";
  auto tp = parse_rfc3339(t);
  if (!tp) return "<unknown>";
  return apimachinery::duration::human_duration(std::chrono::system_clock::now() - *tp);
}

std::string quantity_string(const json::value* v) {
  std::string text = scalar(v);
  auto q = apimachinery::quantity::parse(text);
  return q ? q->to_string() : text;
}

std::string join(const Strings& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string or_none(const std::string& s) { return s.empty() ? "<none>" : s; }

void print_labels(PrefixWriter& w, const std::string& initial, const std::string& title, const std::string& inner,
                  const std::map<std::string, std::string>& labels) {
  w.write(0, initial + title + ":" + inner);
  if (labels.empty()) {
    w.line("<none>");
    return;
  }
  bool first = true;
  for (auto& [k, v] : labels) {
    if (!first) {
      w.write(0, initial);
      w.write(0, inner);
    }
    first = false;
    w.write(0, k + "=" + v + "\n");
  }
}
void print_labels(PrefixWriter& w, const std::string& title, const std::map<std::string, std::string>& labels) {
  print_labels(w, "", title, "\t", labels);
}

std::string shorten(const std::string& s, size_t max) { return s.size() > max ? s.substr(0, max) + "..." : s; }

void print_annotations(PrefixWriter& w, const std::string& title, std::map<std::string, std::string> annotations) {
  w.write(0, title + ":\t");
  annotations.erase("kubectl.kubernetes.io/last-applied-configuration");
  if (annotations.empty()) {
    w.line("<none>");
    return;
  }
  const size_t max_len = 140;
  bool first = true;
  for (auto& [key, raw] : annotations) {
    if (!first) w.write(0, "\t");
    first = false;
    std::string value = raw;
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (value.size() + key.size() + 2 > max_len || value.find('\n') != std::string::npos) {
      w.write(0, key + ":\n");
      size_t start = 0;
      for (;;) {
        auto nl = value.find('\n', start);
        w.write(0, "\t  " + shorten(value.substr(start, nl == std::string::npos ? std::string::npos : nl - start), max_len - 2) + "\n");
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
    } else {
      w.write(0, key + ": " + value + "\n");
    }
  }
}

void print_tolerations(PrefixWriter& w, const std::string& title, const json::array& tolerations) {
  w.write(0, title + ":\t");
  if (tolerations.empty()) {
    w.line("<none>");
    return;
  }
  std::vector<const json::value*> sorted;
  for (auto& t : tolerations) sorted.push_back(&t);
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return str(*a, "key") < str(*b, "key"); });
  bool first = true;
  for (auto* t : sorted) {
    if (!first) w.write(0, "\t");
    first = false;
    std::string key = str(*t, "key"), value = str(*t, "value"), effect = str(*t, "effect");
    std::string s = key;
    if (!value.empty()) s += "=" + value;
    if (!effect.empty()) s += ":" + effect;
    if (str(*t, "operator") == "Exists" && value.empty()) s += (!key.empty() || !effect.empty()) ? " op=Exists" : "op=Exists";
    if (has(*t, "tolerationSeconds")) s += fmt::format(" for {}s", num(*t, "tolerationSeconds"));
    w.write(0, s + "\n");
  }
}

std::string controller_of(const json::value& obj) {
  for (auto& ref : arr(obj, "metadata.ownerReferences"))
    if (boolean(ref, "controller")) return str(ref, "kind") + "/" + str(ref, "name");
  return {};
}
std::string controller_uid(const json::value& obj) {
  for (auto& ref : arr(obj, "metadata.ownerReferences"))
    if (boolean(ref, "controller")) return str(ref, "uid");
  return {};
}

// ---- events

bool show_events = true;  // --show-events

void describe_events(const std::vector<json::value>& events_in, PrefixWriter& w) {
  if (!show_events) return;
  if (events_in.empty()) {
    w.write(0, "Events:\t<none>\n");
    return;
  }
  w.flush();
  auto events = events_in;
  std::stable_sort(events.begin(), events.end(), [](const json::value& a, const json::value& b) {
    auto ta = parse_rfc3339(str(a, "lastTimestamp")), tb = parse_rfc3339(str(b, "lastTimestamp"));
    auto va = ta ? *ta : apimachinery::duration::TimePoint{}, vb = tb ? *tb : apimachinery::duration::TimePoint{};
    return va < vb;
  });
  w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
  w.write(1, "----\t------\t----\t----\t-------\n");
  for (auto& e : events) {
    std::string first = !str(e, "eventTime").empty() ? since(str(e, "eventTime")) : since(str(e, "firstTimestamp"));
    std::string interval;
    if (has(e, "series")) {
      interval = fmt::format("{} (x{} over {})", since(str(e, "series.lastObservedTime")), num(e, "series.count"), first);
    } else if (num(e, "count") > 1) {
      interval = fmt::format("{} (x{} over {})", since(str(e, "lastTimestamp")), num(e, "count"), first);
    } else {
      interval = first;
    }
    std::string source = str(e, "source.component");
    if (source.empty()) source = str(e, "reportingComponent");
    std::string message = str(e, "message");
    auto b = message.find_first_not_of(" \t\n\r\v\f");
    auto en = message.find_last_not_of(" \t\n\r\v\f");
    message = b == std::string::npos ? "" : message.substr(b, en - b + 1);
    w.write(1, fmt::format("{}\t{}\t{}\t{}\t{}\n", str(e, "type"), str(e, "reason"), interval, source, message));
  }
}

// searchEvents: the events whose involvedObject is obj (kind left out when empty, as for pods).
std::vector<json::value> search_events(Command& c, const json::value& obj, bool with_kind = true) {
  if (!show_events) return {};
  std::vector<std::pair<std::string, std::string>> fields;
  std::string kind = with_kind ? str(obj, "kind") : "";
  if (!kind.empty()) fields.push_back({"involvedObject.kind", kind});
  fields.push_back({"involvedObject.name", str(obj, "metadata.name")});
  fields.push_back({"involvedObject.namespace", str(obj, "metadata.namespace")});
  std::string uid = str(obj, "metadata.uid");
  if (!uid.empty()) fields.push_back({"involvedObject.uid", uid});
  std::string selector;
  for (auto& [k, v] : fields) selector += (selector.empty() ? "" : ",") + k + "=" + v;
  std::string ns = str(obj, "metadata.namespace");
  return list_items(c, ns_path("/api/v1", ns, "events") + "?fieldSelector=" + query_escape(selector) + "&limit=500");
}

// ---- containers

std::string describe_probe(const json::value& p) {
  std::string attrs = fmt::format("delay={}s timeout={}s period={}s #success={} #failure={}", num(p, "initialDelaySeconds"),
                                  num(p, "timeoutSeconds"), num(p, "periodSeconds"), num(p, "successThreshold"),
                                  num(p, "failureThreshold"));
  if (has(p, "exec")) {
    Strings cmd;
    for (auto& s : arr(p, "exec.command")) cmd.push_back(scalar(&s));
    return fmt::format("exec [{}] {}", join(cmd, " "), attrs);
  }
  if (has(p, "httpGet")) {
    std::string scheme = str(p, "httpGet.scheme");
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
    std::string host = str(p, "httpGet.host"), port = scalar(path(p, "httpGet.port"));
    std::string hostport = port.empty() ? host : (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
    std::string url;
    if (!scheme.empty()) url = scheme + ":";
    if (!scheme.empty() || !hostport.empty()) url += "//" + hostport;
    url += str(p, "httpGet.path");
    return fmt::format("http-get {} {}", url, attrs);
  }
  if (has(p, "tcpSocket")) return fmt::format("tcp-socket {}:{} {}", str(p, "tcpSocket.host"), scalar(path(p, "tcpSocket.port")), attrs);
  if (has(p, "grpc")) return fmt::format("grpc <pod>:{} {} {}", num(p, "grpc.port"), str(p, "grpc.service"), attrs);
  return "unknown " + attrs;
}

void describe_resources(const json::value* res, PrefixWriter& w, int level) {
  if (!res) return;
  for (const char* kind : {"limits", "requests"}) {
    auto* m = at(res, kind);
    if (!m || !m->is_object() || m->as_object().empty()) continue;
    w.write(level, std::string(kind == std::string("limits") ? "Limits" : "Requests") + ":\n");
    std::map<std::string, const json::value*> sorted;
    for (auto& [k, v] : m->as_object()) sorted[std::string(k)] = &v;
    for (auto& [k, v] : sorted) w.write(level + 1, k + ":\t" + quantity_string(v) + "\n");
  }
}

void describe_state(const std::string& name, const json::value* state, PrefixWriter& w) {
  if (has(*state, "running")) {
    w.write(2, name + ":\tRunning\n");
    w.write(3, "Started:\t" + rfc1123z(str(*state, "running.startedAt")) + "\n");
  } else if (has(*state, "waiting")) {
    w.write(2, name + ":\tWaiting\n");
    if (!str(*state, "waiting.reason").empty()) w.write(3, "Reason:\t" + str(*state, "waiting.reason") + "\n");
  } else if (has(*state, "terminated")) {
    w.write(2, name + ":\tTerminated\n");
    if (!str(*state, "terminated.reason").empty()) w.write(3, "Reason:\t" + str(*state, "terminated.reason") + "\n");
    if (!str(*state, "terminated.message").empty()) w.write(3, "Message:\t" + str(*state, "terminated.message") + "\n");
    w.write(3, fmt::format("Exit Code:\t{}\n", num(*state, "terminated.exitCode")));
    if (num(*state, "terminated.signal") > 0) w.write(3, fmt::format("Signal:\t{}\n", num(*state, "terminated.signal")));
    w.write(3, "Started:\t" + rfc1123z(str(*state, "terminated.startedAt")) + "\n");
    w.write(3, "Finished:\t" + rfc1123z(str(*state, "terminated.finishedAt")) + "\n");
  } else {
    w.write(2, name + ":\tWaiting\n");
  }
}

// EnvValueRetriever for the fieldRefs a pod can resolve.
std::string resolve_field(const json::value* pod, const std::string& field) {
  if (!pod) return {};
  auto bracket = [&](const std::string& prefix, const char* where) -> std::optional<std::string> {
    if (!field.starts_with(prefix + "['") || !field.ends_with("']")) return std::nullopt;
    auto key = field.substr(prefix.size() + 2, field.size() - prefix.size() - 4);
    auto m = smap(*pod, where);
    return m.count(key) ? m[key] : "";
  };
  if (auto v = bracket("metadata.labels", "metadata.labels")) return *v;
  if (auto v = bracket("metadata.annotations", "metadata.annotations")) return *v;
  static const std::map<std::string, std::string> direct{
      {"metadata.name", "metadata.name"}, {"metadata.namespace", "metadata.namespace"}, {"metadata.uid", "metadata.uid"},
      {"spec.nodeName", "spec.nodeName"}, {"spec.serviceAccountName", "spec.serviceAccountName"},
      {"status.hostIP", "status.hostIP"}, {"status.podIP", "status.podIP"}};
  if (auto it = direct.find(field); it != direct.end()) return str(*pod, it->second);
  return {};
}

void describe_containers(const std::string& label, const json::array& containers, const json::array* statuses_in,
                         const json::value* pod, PrefixWriter& w, const std::string& space) {
  std::map<std::string, const json::value*> statuses;
  if (statuses_in)
    for (auto& s : *statuses_in) statuses[str(s, "name")] = &s;
  w.write(0, space + label + ":" + (containers.empty() ? " <none>" : "") + "\n");
  for (auto& ct : containers) {
    auto it = statuses.find(str(ct, "name"));
    const json::value* status = it == statuses.end() ? nullptr : it->second;
    w.write(1, (space.empty() ? "" : " ") + str(ct, "name") + ":\n");
    if (status) w.write(2, "Container ID:\t" + str(*status, "containerID") + "\n");
    w.write(2, "Image:\t" + str(ct, "image") + "\n");
    if (status) w.write(2, "Image ID:\t" + str(*status, "imageID") + "\n");
    Strings ports, host_ports;
    for (auto& p : arr(ct, "ports")) {
      ports.push_back(fmt::format("{}/{}", num(p, "containerPort"), str(p, "protocol")));
      host_ports.push_back(fmt::format("{}/{}", num(p, "hostPort"), str(p, "protocol")));
    }
    std::string port_string = join(ports, ", "), host_string = join(host_ports, ", ");
    if (port_string.find(',') != std::string::npos) {
      w.write(2, "Ports:\t" + port_string + "\n");
    } else {
      w.write(2, "Port:\t" + or_none(port_string) + "\n");
    }
    if (host_string.find(',') != std::string::npos) {
      w.write(2, "Host Ports:\t" + host_string + "\n");
    } else {
      w.write(2, "Host Port:\t" + or_none(host_string) + "\n");
    }
    if (has(ct, "securityContext.seccompProfile")) {
      w.write(2, "SeccompProfile:\t" + str(ct, "securityContext.seccompProfile.type") + "\n");
      if (str(ct, "securityContext.seccompProfile.type") == "Localhost")
        w.write(3, "LocalhostProfile:\t" + str(ct, "securityContext.seccompProfile.localhostProfile") + "\n");
    }
    for (auto [key, title] : {std::pair{"command", "Command"}, std::pair{"args", "Args"}}) {
      auto& items = arr(ct, key);
      if (items.empty()) continue;
      w.write(2, std::string(title) + ":\n");
      for (auto& item : items) {
        std::string s = scalar(&item);
        size_t start = 0;
        for (;;) {
          auto nl = s.find('\n', start);
          w.write(3, s.substr(start, nl == std::string::npos ? std::string::npos : nl - start) + "\n");
          if (nl == std::string::npos) break;
          start = nl + 1;
        }
      }
    }
    if (status) {
      describe_state("State", path(*status, "state") ? path(*status, "state") : status, w);
      if (has(*status, "lastState.terminated")) describe_state("Last State", path(*status, "lastState"), w);
      w.write(2, std::string("Ready:\t") + (boolean(*status, "ready") ? "True" : "False") + "\n");
      w.write(2, fmt::format("Restart Count:\t{}\n", num(*status, "restartCount")));
    }
    describe_resources(path(ct, "resources"), w, 2);
    if (has(ct, "livenessProbe")) w.write(2, "Liveness:\t" + describe_probe(*path(ct, "livenessProbe")) + "\n");
    if (has(ct, "readinessProbe")) w.write(2, "Readiness:\t" + describe_probe(*path(ct, "readinessProbe")) + "\n");
    if (has(ct, "startupProbe")) w.write(2, "Startup:\t" + describe_probe(*path(ct, "startupProbe")) + "\n");
    auto& env_from = arr(ct, "envFrom");
    if (!env_from.empty()) {
      w.write(2, "Environment Variables from:\n");
      for (auto& e : env_from) {
        std::string from, name;
        bool optional = false;
        if (has(e, "configMapRef")) {
          from = "ConfigMap", name = str(e, "configMapRef.name"), optional = boolean(e, "configMapRef.optional");
        } else if (has(e, "secretRef")) {
          from = "Secret", name = str(e, "secretRef.name"), optional = boolean(e, "secretRef.optional");
        }
        std::string prefix = str(e, "prefix");
        if (prefix.empty()) {
          w.write(3, fmt::format("{}\t{}\tOptional: {}\n", name, from, optional));
        } else {
          w.write(3, fmt::format("{}\t{} with prefix '{}'\tOptional: {}\n", name, from, prefix, optional));
        }
      }
    }
    auto& env = arr(ct, "env");
    w.write(2, std::string("Environment:") + (env.empty() ? "\t<none>" : "") + "\n");
    for (auto& e : env) {
      std::string name = str(e, "name");
      if (!has(e, "valueFrom")) {
        std::string value = str(e, "value");
        size_t start = 0;
        bool first = true;
        for (;;) {
          auto nl = value.find('\n', start);
          std::string part = value.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
          w.write(3, first ? name + ":\t" + part + "\n" : "\t" + part + "\n");
          first = false;
          if (nl == std::string::npos) break;
          start = nl + 1;
        }
        continue;
      }
      if (has(e, "valueFrom.fieldRef")) {
        std::string field = str(e, "valueFrom.fieldRef.fieldPath");
        w.write(3, fmt::format("{}:\t{} ({}:{})\n", name, resolve_field(pod, field), str(e, "valueFrom.fieldRef.apiVersion"), field));
      } else if (has(e, "valueFrom.resourceFieldRef")) {
        std::string resource = str(e, "valueFrom.resourceFieldRef.resource");
        std::string value;
        auto dot = resource.find('.');
        if (dot != std::string::npos) {
          auto* q = path(ct, "resources." + resource.substr(0, dot));
          q = at(q, resource.substr(dot + 1));
          value = q ? quantity_string(q) : "0";
        }
        if (value == "0" && (resource == "limits.cpu" || resource == "limits.memory")) value = "node allocatable";
        w.write(3, fmt::format("{}:\t{} ({})\n", name, value, resource));
      } else if (has(e, "valueFrom.secretKeyRef")) {
        w.write(3, fmt::format("{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n", name, str(e, "valueFrom.secretKeyRef.key"),
                               str(e, "valueFrom.secretKeyRef.name"), boolean(e, "valueFrom.secretKeyRef.optional")));
      } else if (has(e, "valueFrom.configMapKeyRef")) {
        w.write(3, fmt::format("{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n", name,
                               str(e, "valueFrom.configMapKeyRef.key"), str(e, "valueFrom.configMapKeyRef.name"),
                               boolean(e, "valueFrom.configMapKeyRef.optional")));
      }
    }
    std::vector<const json::value*> mounts;
    for (auto& m : arr(ct, "volumeMounts")) mounts.push_back(&m);
    w.write(2, std::string("Mounts:") + (mounts.empty() ? "\t<none>" : "") + "\n");
    std::stable_sort(mounts.begin(), mounts.end(), [](auto* a, auto* b) { return str(*a, "mountPath") < str(*b, "mountPath"); });
    for (auto* m : mounts) {
      std::string flags = boolean(*m, "readOnly") ? "ro" : "rw";
      if (!str(*m, "subPath").empty()) flags += ",path=\"" + str(*m, "subPath") + "\"";
      w.write(3, fmt::format("{} from {} ({})\n", str(*m, "mountPath"), str(*m, "name"), flags));
    }
    auto& devices = arr(ct, "volumeDevices");
    if (!devices.empty()) {
      w.write(2, "Devices:\n");
      std::vector<const json::value*> sorted;
      for (auto& d : devices) sorted.push_back(&d);
      std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return str(*a, "devicePath") < str(*b, "devicePath"); });
      for (auto* d : sorted) w.write(3, fmt::format("{} from {}\n", str(*d, "devicePath"), str(*d, "name")));
    }
  }
}

void describe_volumes(const json::array& volumes, PrefixWriter& w, const std::string& space) {
  if (volumes.empty()) {
    w.write(0, space + "Volumes:\t<none>\n");
    return;
  }
  w.write(0, space + "Volumes:\n");
  for (auto& v : volumes) {
    w.write(1, (space.empty() ? "" : " ") + str(v, "name") + ":\n");
    if (has(v, "hostPath")) {
      w.write(2, fmt::format("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                             str(v, "hostPath.path"), has(v, "hostPath.type") ? str(v, "hostPath.type") : "<none>"));
    } else if (has(v, "emptyDir")) {
      std::string limit = "<unset>";
      if (has(v, "emptyDir.sizeLimit")) {
        auto q = apimachinery::quantity::parse(scalar(path(v, "emptyDir.sizeLimit")));
        if (q && q->sign() > 0) limit = q->to_string();
      }
      w.write(2, fmt::format("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{}\n",
                             str(v, "emptyDir.medium"), limit));
    } else if (has(v, "secret")) {
      w.write(2, fmt::format("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                             str(v, "secret.secretName"), boolean(v, "secret.optional")));
    } else if (has(v, "configMap")) {
      w.write(2, fmt::format("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                             str(v, "configMap.name"), boolean(v, "configMap.optional")));
    } else if (has(v, "persistentVolumeClaim")) {
      w.write(2, fmt::format("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    "
                             "ClaimName:\t{}\n    ReadOnly:\t{}\n",
                             str(v, "persistentVolumeClaim.claimName"), boolean(v, "persistentVolumeClaim.readOnly")));
    } else if (has(v, "projected")) {
      w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
      for (auto& s : arr(v, "projected.sources")) {
        if (has(s, "secret")) {
          w.write(2, fmt::format("SecretName:\t{}\n    Optional:\t{}\n", str(s, "secret.name"), boolean(s, "secret.optional")));
        } else if (has(s, "downwardAPI")) {
          w.write(2, "DownwardAPI:\ttrue\n");
        } else if (has(s, "configMap")) {
          w.write(2, fmt::format("ConfigMapName:\t{}\n    Optional:\t{}\n", str(s, "configMap.name"), boolean(s, "configMap.optional")));
        } else if (has(s, "serviceAccountToken")) {
          w.write(2, fmt::format("TokenExpirationSeconds:\t{}\n", num(s, "serviceAccountToken.expirationSeconds")));
        }
      }
    } else if (has(v, "downwardAPI")) {
      w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
      for (auto& item : arr(v, "downwardAPI.items")) {
        if (has(item, "fieldRef")) w.write(3, str(item, "fieldRef.fieldPath") + " -> " + str(item, "path") + "\n");
        if (has(item, "resourceFieldRef")) w.write(3, str(item, "resourceFieldRef.resource") + " -> " + str(item, "path") + "\n");
      }
    } else if (has(v, "nfs")) {
      w.write(2, fmt::format("Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
                             str(v, "nfs.server"), str(v, "nfs.path"), boolean(v, "nfs.readOnly")));
    } else {
      w.write(1, "<unknown>\n");
    }
  }
}

void describe_topology(const json::array& tscs_in, PrefixWriter& w, const std::string& space) {
  if (tscs_in.empty()) return;
  std::vector<const json::value*> tscs;
  for (auto& t : tscs_in) tscs.push_back(&t);
  std::stable_sort(tscs.begin(), tscs.end(), [](auto* a, auto* b) { return str(*a, "topologyKey") < str(*b, "topologyKey"); });
  w.write(0, space + "Topology Spread Constraints:\t");
  bool first = true;
  for (auto* t : tscs) {
    if (!first) w.write(0, space + "\t");
    first = false;
    std::string s = fmt::format("{}:{} when max skew {} is exceeded", str(*t, "topologyKey"), str(*t, "whenUnsatisfiable"), num(*t, "maxSkew"));
    if (auto* sel = path(*t, "labelSelector"); sel && !sel->is_null()) s += " for selector " + apimachinery::labels::format_label_selector(*sel);
    w.write(0, s + "\n");
  }
}

// qos.GetPodQOS: the status's class, else computed from the containers' cpu and memory.
std::string pod_qos(const json::value& pod) {
  if (!str(pod, "status.qosClass").empty()) return str(pod, "status.qosClass");
  using apimachinery::quantity::Quantity;
  std::map<std::string, Quantity> requests, limits;
  bool guaranteed = true;
  auto add = [](std::map<std::string, Quantity>& m, const std::string& k, const Quantity& q) {
    auto it = m.find(k);
    if (it == m.end()) {
      m[k] = q;
    } else if (auto s = it->second.add(q)) {
      it->second = *s;
    }
  };
  auto visit = [&](const json::array& cs) {
    for (auto& ct : cs) {
      for (auto [kind, target] : {std::pair{"requests", &requests}, std::pair{"limits", &limits}}) {
        std::set<std::string> found;
        auto* m = path(ct, std::string("resources.") + kind);
        if (m && m->is_object())
          for (auto& [k, v] : m->as_object()) {
            if (k != "cpu" && k != "memory") continue;
            auto q = apimachinery::quantity::parse(scalar(&v));
            if (!q || q->sign() <= 0) continue;
            add(*target, std::string(k), *q);
            found.insert(std::string(k));
          }
        if (std::string(kind) == "limits" && found.size() < 2) guaranteed = false;
      }
    }
  };
  visit(arr(pod, "spec.containers"));
  visit(arr(pod, "spec.initContainers"));
  if (requests.empty() && limits.empty()) return "BestEffort";
  if (guaranteed)
    for (auto& [k, q] : requests)
      if (!limits.count(k) || !(limits[k] == q)) guaranteed = false;
  if (guaranteed && requests.size() == limits.size()) return "Guaranteed";
  return "Burstable";
}

std::variant<json::value, DescribeError> get_object(Command& c, const std::string& target) {
  auto response = c.rest->get(target);
  if (!is_success(response)) return DescribeError{error_message(response, c.rest->server()), response.status == 404};
  auto v = parse_body(response.body);
  if (!v) return DescribeError{"error: the server returned an unreadable object", false};
  return std::move(*v);
}

// ---- the describers

std::string describe_pod(Command& c, const json::value& pod) {
  auto events = search_events(c, pod, false);
  PrefixWriter w;
  w.write(0, "Name:\t" + str(pod, "metadata.name") + "\n");
  w.write(0, "Namespace:\t" + str(pod, "metadata.namespace") + "\n");
  if (has(pod, "spec.priority")) w.write(0, fmt::format("Priority:\t{}\n", num(pod, "spec.priority")));
  if (!str(pod, "spec.priorityClassName").empty()) w.write(0, "Priority Class Name:\t" + str(pod, "spec.priorityClassName") + "\n");
  if (!str(pod, "spec.runtimeClassName").empty()) w.write(0, "Runtime Class Name:\t" + str(pod, "spec.runtimeClassName") + "\n");
  if (!str(pod, "spec.serviceAccountName").empty()) w.write(0, "Service Account:\t" + str(pod, "spec.serviceAccountName") + "\n");
  if (str(pod, "spec.nodeName").empty()) {
    w.write(0, "Node:\t<none>\n");
  } else {
    w.write(0, "Node:\t" + str(pod, "spec.nodeName") + "/" + str(pod, "status.hostIP") + "\n");
  }
  if (!str(pod, "status.startTime").empty()) w.write(0, "Start Time:\t" + rfc1123z(str(pod, "status.startTime")) + "\n");
  print_labels(w, "Labels", smap(pod, "metadata.labels"));
  print_annotations(w, "Annotations", smap(pod, "metadata.annotations"));
  std::string phase = str(pod, "status.phase");
  if (!str(pod, "metadata.deletionTimestamp").empty() && phase != "Failed" && phase != "Succeeded") {
    w.write(0, "Status:\tTerminating (lasts " + since(str(pod, "metadata.deletionTimestamp")) + ")\n");
    w.write(0, fmt::format("Termination Grace Period:\t{}s\n", num(pod, "metadata.deletionGracePeriodSeconds")));
  } else {
    w.write(0, "Status:\t" + phase + "\n");
  }
  if (!str(pod, "status.reason").empty()) w.write(0, "Reason:\t" + str(pod, "status.reason") + "\n");
  if (!str(pod, "status.message").empty()) w.write(0, "Message:\t" + str(pod, "status.message") + "\n");
  if (has(pod, "spec.securityContext.seccompProfile")) {
    w.write(0, "SeccompProfile:\t" + str(pod, "spec.securityContext.seccompProfile.type") + "\n");
    if (str(pod, "spec.securityContext.seccompProfile.type") == "Localhost")
      w.write(0, "LocalhostProfile:\t" + str(pod, "spec.securityContext.seccompProfile.localhostProfile") + "\n");
  }
  w.write(0, "IP:\t" + str(pod, "status.podIP") + "\n");
  auto& ips = arr(pod, "status.podIPs");
  if (ips.empty()) {
    w.write(0, "IPs:\t<none>\n");
  } else {
    w.write(0, "IPs:\n");
    for (auto& ip : ips) w.write(1, "IP:\t" + str(ip, "ip") + "\n");
  }
  if (auto by = controller_of(pod); !by.empty()) w.write(0, "Controlled By:\t" + by + "\n");
  if (!str(pod, "status.nominatedNodeName").empty()) w.write(0, "NominatedNodeName:\t" + str(pod, "status.nominatedNodeName") + "\n");
  if (has(pod, "spec.resources")) {
    w.write(0, "Resources:\n");
    describe_resources(path(pod, "spec.resources"), w, 1);
  }
  if (!arr(pod, "spec.initContainers").empty())
    describe_containers("Init Containers", arr(pod, "spec.initContainers"), &arr(pod, "status.initContainerStatuses"), &pod, w, "");
  describe_containers("Containers", arr(pod, "spec.containers"), &arr(pod, "status.containerStatuses"), &pod, w, "");
  auto& gates = arr(pod, "spec.readinessGates");
  if (!gates.empty()) {
    w.write(0, "Readiness Gates:\n  Type\tStatus\n");
    for (auto& g : gates) {
      std::string status = "<none>";
      for (auto& cond : arr(pod, "status.conditions"))
        if (str(cond, "type") == str(g, "conditionType")) {
          status = str(cond, "status");
          break;
        }
      w.write(1, str(g, "conditionType") + " \t" + status + " \n");
    }
  }
  auto& conditions = arr(pod, "status.conditions");
  if (!conditions.empty()) {
    w.write(0, "Conditions:\n  Type\tStatus\n");
    for (auto& cond : conditions) w.write(1, str(cond, "type") + " \t" + str(cond, "status") + " \n");
  }
  describe_volumes(arr(pod, "spec.volumes"), w, "");
  w.write(0, "QoS Class:\t" + pod_qos(pod) + "\n");
  print_labels(w, "Node-Selectors", smap(pod, "spec.nodeSelector"));
  print_tolerations(w, "Tolerations", arr(pod, "spec.tolerations"));
  describe_topology(arr(pod, "spec.topologySpreadConstraints"), w, "");
  describe_events(events, w);
  return w.str();
}

std::pair<std::string, int> pod_status_line(Command& c, const json::value& owner, const std::string& selector) {
  int running = 0, waiting = 0, succeeded = 0, failed = 0;
  std::string error;
  auto pods = list_items(c, ns_path("/api/v1", str(owner, "metadata.namespace"), "pods") + "?labelSelector=" + query_escape(selector) +
                                "&limit=500",
                         &error);
  if (!error.empty()) return {"error in fetching pods: " + error, 1};
  std::string uid = str(owner, "metadata.uid");
  for (auto& p : pods) {
    if (controller_uid(p) != uid) continue;
    std::string phase = str(p, "status.phase");
    if (phase == "Running") ++running;
    else if (phase == "Pending") ++waiting;
    else if (phase == "Succeeded") ++succeeded;
    else if (phase == "Failed") ++failed;
  }
  return {fmt::format("{} Running / {} Waiting / {} Succeeded / {} Failed", running, waiting, succeeded, failed), 0};
}

std::string selector_string(const json::value& obj, std::string_view at_path) {
  auto* sel = path(obj, at_path);
  if (!sel || sel->is_null()) return "<none>";
  return apimachinery::labels::format_label_selector(*sel);
}

void write_conditions_with_reason(const json::value& obj, PrefixWriter& w) {
  auto& conditions = arr(obj, "status.conditions");
  if (conditions.empty()) return;
  w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
  w.write(1, "----\t------\t------\n");
  for (auto& cond : conditions) w.write(1, str(cond, "type") + " \t" + str(cond, "status") + "\t" + str(cond, "reason") + "\n");
}

std::string describe_replicaset(Command& c, const json::value& rs) {
  std::string selector = selector_string(rs, "spec.selector");
  auto [pods_status, _] = pod_status_line(c, rs, selector == "<none>" ? "" : selector);
  auto events = search_events(c, rs);
  PrefixWriter w;
  w.write(0, "Name:\t" + str(rs, "metadata.name") + "\n");
  w.write(0, "Namespace:\t" + str(rs, "metadata.namespace") + "\n");
  w.write(0, "Selector:\t" + selector + "\n");
  print_labels(w, "Labels", smap(rs, "metadata.labels"));
  print_annotations(w, "Annotations", smap(rs, "metadata.annotations"));
  if (auto by = controller_of(rs); !by.empty()) w.write(0, "Controlled By:\t" + by + "\n");
  w.write(0, fmt::format("Replicas:\t{} current / {} desired\n", num(rs, "status.replicas"), num(rs, "spec.replicas")));
  w.write(0, "Pods Status:\t");
  w.write(0, pods_status + "\n");
  describe_pod_template(*path(rs, "spec.template") , w);
  write_conditions_with_reason(rs, w);
  describe_events(events, w);
  return w.str();
}

// The template without its pod-template-hash label, empty maps dropped (Semantic.DeepEqual
// takes nil and empty alike).
json::value normalized_template(const json::value* t) {
  json::value v = t ? *t : json::object();
  if (auto* labels = v.is_object() ? v.as_object().if_contains("metadata") : nullptr; labels && labels->is_object()) {
    auto& meta = labels->as_object();
    if (auto* l = meta.if_contains("labels"); l && l->is_object()) {
      l->as_object().erase("pod-template-hash");
      if (l->as_object().empty()) meta.erase("labels");
    }
    if (auto* a = meta.if_contains("annotations"); a && a->is_object() && a->as_object().empty()) meta.erase("annotations");
    if (meta.empty()) v.as_object().erase("metadata");
  }
  return v;
}

}  // namespace

// deploymentutil.GetAllReplicaSetsInChunks: the deployment's ReplicaSets, the new one (the
// oldest whose template matches) and the others.
DeploymentReplicaSets deployment_replicasets(Command& c, const json::value& d) {
  DeploymentReplicaSets out;
  std::string selector = selector_string(d, "spec.selector");
  auto items = list_items(c, ns_path("/apis/apps/v1", str(d, "metadata.namespace"), "replicasets") + "?labelSelector=" +
                                 query_escape(selector == "<none>" ? "" : selector) + "&limit=500");
  std::string uid = str(d, "metadata.uid");
  for (auto& rs : items)
    if (controller_uid(rs) == uid) out.all.push_back(rs);
  auto sorted = out.all;
  std::stable_sort(sorted.begin(), sorted.end(), [](const json::value& a, const json::value& b) {
    auto ta = str(a, "metadata.creationTimestamp"), tb = str(b, "metadata.creationTimestamp");
    if (ta != tb) return ta < tb;
    return str(a, "metadata.name") < str(b, "metadata.name");
  });
  auto want = normalized_template(path(d, "spec.template"));
  for (auto& rs : sorted)
    if (normalized_template(path(rs, "spec.template")) == want) {
      out.current = rs;
      break;
    }
  // FindNewReplicaSet sorts the list in place: the old ones come in creation order too.
  for (auto& rs : sorted)
    if (!out.current || str(rs, "metadata.uid") != str(*out.current, "metadata.uid")) out.old.push_back(rs);
  return out;
}

namespace {

std::string rs_list(const std::vector<json::value>& sets) {
  Strings parts;
  for (auto& rs : sets)
    parts.push_back(fmt::format("{} ({}/{} replicas created)", str(rs, "metadata.name"), num(rs, "status.replicas"), num(rs, "spec.replicas")));
  return parts.empty() ? "<none>" : join(parts, ", ");
}

std::string int_or_string(const json::value* v) { return scalar(v); }

std::string describe_deployment(Command& c, const json::value& d) {
  auto events = search_events(c, d);
  auto sets = deployment_replicasets(c, d);
  std::string selector = selector_string(d, "spec.selector");
  if (selector == "<none>") selector = "";
  PrefixWriter w;
  w.write(0, "Name:\t" + str(d, "metadata.name") + "\n");
  w.write(0, "Namespace:\t" + str(d, "metadata.namespace") + "\n");
  w.write(0, "CreationTimestamp:\t" + rfc1123z(str(d, "metadata.creationTimestamp")) + "\n");
  print_labels(w, "Labels", smap(d, "metadata.labels"));
  print_annotations(w, "Annotations", smap(d, "metadata.annotations"));
  w.write(0, "Selector:\t" + selector + "\n");
  w.write(0, fmt::format("Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n", num(d, "spec.replicas"),
                         num(d, "status.updatedReplicas"), num(d, "status.replicas"), num(d, "status.availableReplicas"),
                         num(d, "status.unavailableReplicas")));
  w.write(0, "StrategyType:\t" + str(d, "spec.strategy.type") + "\n");
  w.write(0, fmt::format("MinReadySeconds:\t{}\n", num(d, "spec.minReadySeconds")));
  if (has(d, "spec.strategy.rollingUpdate"))
    w.write(0, fmt::format("RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                           int_or_string(path(d, "spec.strategy.rollingUpdate.maxUnavailable")),
                           int_or_string(path(d, "spec.strategy.rollingUpdate.maxSurge"))));
  describe_pod_template(*path(d, "spec.template"), w);
  write_conditions_with_reason(d, w);
  if (!sets.old.empty() || sets.current) {
    w.write(0, "OldReplicaSets:\t" + rs_list(sets.old) + "\n");
    std::vector<json::value> current;
    if (sets.current) current.push_back(*sets.current);
    w.write(0, "NewReplicaSet:\t" + rs_list(current) + "\n");
  }
  describe_events(events, w);
  return w.str();
}

std::string join_host_port(const std::string& host, int64_t port) {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::string format_endpoint_slices(const std::vector<json::value>& slices, const std::string& port_name) {
  if (slices.empty()) return "<none>";
  Strings list;
  const size_t max = 3;
  bool more = false;
  int count = 0;
  auto ready = [](const json::value& ep) { return !has(ep, "conditions.ready") || boolean(ep, "conditions.ready"); };
  auto first_address = [](const json::value& ep) {
    auto& a = arr(ep, "addresses");
    return a.empty() ? std::string() : scalar(&a[0]);
  };
  for (auto& slice : slices) {
    auto& ports = arr(slice, "ports");
    if (ports.empty()) {
      for (auto& ep : arr(slice, "endpoints")) {
        if (list.size() == max) more = true;
        if (!ready(ep)) continue;
        if (!more) list.push_back(first_address(ep));
        ++count;
      }
    } else {
      for (auto& port : ports) {
        if (str(port, "name") != port_name) continue;
        for (auto& ep : arr(slice, "endpoints")) {
          if (list.size() == max) more = true;
          if (!ready(ep)) continue;
          if (!more) list.push_back(join_host_port(first_address(ep), num(port, "port")));
          ++count;
        }
      }
    }
  }
  std::string ret = join(list, ",");
  if (more) return fmt::format("{} + {} more...", ret, count - static_cast<int>(max));
  return ret;
}

std::string describe_service(Command& c, const json::value& svc) {
  std::string ns = str(svc, "metadata.namespace"), name = str(svc, "metadata.name");
  auto slices = list_items(c, ns_path("/apis/discovery.k8s.io/v1", ns, "endpointslices") + "?labelSelector=" +
                                  query_escape("kubernetes.io/service-name=" + name));
  auto events = search_events(c, svc);
  PrefixWriter w;
  w.write(0, "Name:\t" + name + "\n");
  w.write(0, "Namespace:\t" + ns + "\n");
  print_labels(w, "Labels", smap(svc, "metadata.labels"));
  print_annotations(w, "Annotations", smap(svc, "metadata.annotations"));
  auto selector = smap(svc, "spec.selector");
  Strings sel;
  for (auto& [k, v] : selector) sel.push_back(k + "=" + v);
  w.write(0, "Selector:\t" + (sel.empty() ? std::string("<none>") : join(sel, ",")) + "\n");
  w.write(0, "Type:\t" + str(svc, "spec.type") + "\n");
  if (has(svc, "spec.ipFamilyPolicy")) w.write(0, "IP Family Policy:\t" + str(svc, "spec.ipFamilyPolicy") + "\n");
  Strings families;
  for (auto& f : arr(svc, "spec.ipFamilies")) families.push_back(scalar(&f));
  w.write(0, "IP Families:\t" + (families.empty() ? std::string("<none>") : join(families, ",")) + "\n");
  w.write(0, "IP:\t" + str(svc, "spec.clusterIP") + "\n");
  Strings ips;
  for (auto& f : arr(svc, "spec.clusterIPs")) ips.push_back(scalar(&f));
  w.write(0, "IPs:\t" + (ips.empty() ? std::string("<none>") : join(ips, ",")) + "\n");
  Strings external;
  for (auto& f : arr(svc, "spec.externalIPs")) external.push_back(scalar(&f));
  if (!external.empty()) w.write(0, "External IPs:\t" + join(external, ",") + "\n");
  if (!str(svc, "spec.loadBalancerIP").empty()) w.write(0, "Desired LoadBalancer IP:\t" + str(svc, "spec.loadBalancerIP") + "\n");
  if (!str(svc, "spec.externalName").empty()) w.write(0, "External Name:\t" + str(svc, "spec.externalName") + "\n");
  auto& ingress = arr(svc, "status.loadBalancer.ingress");
  if (!ingress.empty()) {
    Strings parts;
    for (auto& i : ingress) {
      if (!str(i, "ip").empty()) {
        std::string s = str(i, "ip");
        if (has(i, "ipMode")) s += " (" + str(i, "ipMode") + ")";
        parts.push_back(s);
      } else {
        parts.push_back(str(i, "hostname"));
      }
    }
    w.write(0, "LoadBalancer Ingress:\t" + join(parts, ", ") + "\n");
  }
  for (auto& sp : arr(svc, "spec.ports")) {
    std::string pname = str(sp, "name");
    std::string shown = pname.empty() ? "<unset>" : pname;
    std::string protocol = str(sp, "protocol");
    w.write(0, fmt::format("Port:\t{}\t{}/{}\n", shown, num(sp, "port"), protocol));
    auto* target = path(sp, "targetPort");
    w.write(0, fmt::format("TargetPort:\t{}/{}\n", target && target->is_string() ? scalar(target) : std::to_string(num(sp, "targetPort")),
                           protocol));
    if (num(sp, "nodePort") != 0) w.write(0, fmt::format("NodePort:\t{}\t{}/{}\n", shown, num(sp, "nodePort"), protocol));
    w.write(0, "Endpoints:\t" + format_endpoint_slices(slices, pname) + "\n");
  }
  w.write(0, "Session Affinity:\t" + str(svc, "spec.sessionAffinity") + "\n");
  if (!str(svc, "spec.externalTrafficPolicy").empty()) w.write(0, "External Traffic Policy:\t" + str(svc, "spec.externalTrafficPolicy") + "\n");
  if (has(svc, "spec.internalTrafficPolicy")) w.write(0, "Internal Traffic Policy:\t" + str(svc, "spec.internalTrafficPolicy") + "\n");
  if (num(svc, "spec.healthCheckNodePort") != 0) w.write(0, fmt::format("HealthCheck NodePort:\t{}\n", num(svc, "spec.healthCheckNodePort")));
  Strings ranges;
  for (auto& f : arr(svc, "spec.loadBalancerSourceRanges")) ranges.push_back(scalar(&f));
  if (!ranges.empty()) w.write(0, "LoadBalancer Source Ranges:\t" + join(ranges, ",") + "\n");
  if (!str(svc, "spec.trafficDistribution").empty()) w.write(0, "Traffic Distribution:\t" + str(svc, "spec.trafficDistribution") + "\n");
  describe_events(events, w);
  return w.str();
}

std::string describe_endpoints(Command& c, const json::value& ep) {
  auto events = search_events(c, ep);
  PrefixWriter w;
  w.write(0, "Name:\t" + str(ep, "metadata.name") + "\n");
  w.write(0, "Namespace:\t" + str(ep, "metadata.namespace") + "\n");
  print_labels(w, "Labels", smap(ep, "metadata.labels"));
  print_annotations(w, "Annotations", smap(ep, "metadata.annotations"));
  w.write(0, "Subsets:\n");
  for (auto& subset : arr(ep, "subsets")) {
    Strings ready, not_ready;
    for (auto& a : arr(subset, "addresses")) ready.push_back(str(a, "ip"));
    for (auto& a : arr(subset, "notReadyAddresses")) not_ready.push_back(str(a, "ip"));
    w.write(1, "Addresses:\t" + or_none(join(ready, ",")) + "\n");
    w.write(1, "NotReadyAddresses:\t" + or_none(join(not_ready, ",")) + "\n");
    auto& ports = arr(subset, "ports");
    if (!ports.empty()) {
      w.write(1, "Ports:\n");
      w.write(2, "Name\tPort\tProtocol\n");
      w.write(2, "----\t----\t--------\n");
      for (auto& p : ports) {
        std::string name = str(p, "name");
        w.write(2, fmt::format("{}\t{}\t{}\n", name.empty() ? "<unset>" : name, num(p, "port"), str(p, "protocol")));
      }
    }
    w.write(0, "\n");
  }
  describe_events(events, w);
  return w.str();
}

std::string describe_configmap(Command& c, const json::value& cm) {
  PrefixWriter w;
  w.write(0, "Name:\t" + str(cm, "metadata.name") + "\n");
  w.write(0, "Namespace:\t" + str(cm, "metadata.namespace") + "\n");
  print_labels(w, "Labels", smap(cm, "metadata.labels"));
  print_annotations(w, "Annotations", smap(cm, "metadata.annotations"));
  w.write(0, "\nData\n====\n");
  // Upstream ranges over a Go map (an order of its own each run); sorted here.
  for (auto& [k, v] : smap(cm, "data")) {
    w.write(0, k + ":\n----\n");
    w.write(0, v + "\n");
    w.write(0, "\n");
  }
  w.write(0, "\nBinaryData\n====\n");
  for (auto& [k, v] : smap(cm, "binaryData")) {
    // The decoded size of the base64 text.
    size_t n = v.size() / 4 * 3;
    if (v.size() >= 1 && v[v.size() - 1] == '=') --n;
    if (v.size() >= 2 && v[v.size() - 2] == '=') --n;
    w.write(0, fmt::format("{}: {} bytes\n", k, n));
  }
  w.write(0, "\n");
  describe_events(search_events(c, cm), w);
  return w.str();
}

std::string describe_namespace(Command& c, const json::value& ns) {
  std::string name = str(ns, "metadata.name");
  int quota_status = 0, limit_status = 0;
  std::string quota_error, limit_error;
  auto quotas = list_items(c, "/api/v1/namespaces/" + name + "/resourcequotas?limit=500", &quota_error, &quota_status);
  auto limits = list_items(c, "/api/v1/namespaces/" + name + "/limitranges?limit=500", &limit_error, &limit_status);
  PrefixWriter w;
  w.write(0, "Name:\t" + name + "\n");
  print_labels(w, "Labels", smap(ns, "metadata.labels"));
  print_annotations(w, "Annotations", smap(ns, "metadata.annotations"));
  w.write(0, "Status:\t" + str(ns, "status.phase") + "\n");
  auto& conditions = arr(ns, "status.conditions");
  if (!conditions.empty()) {
    w.write(0, "Conditions:\n");
    w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t------------------\t------\t-------\n");
    for (auto& cond : conditions)
      w.write(1, fmt::format("{}\t{}\t{}\t{}\t{}\n", str(cond, "type"), str(cond, "status"), rfc1123z(str(cond, "lastTransitionTime")),
                             str(cond, "reason"), str(cond, "message")));
  }
  if (quota_error.empty()) {
    w.write(0, "\n");
    if (quotas.empty()) {
      w.write(0, "No resource quota.\n");
    } else {
      std::stable_sort(quotas.begin(), quotas.end(), [](auto& a, auto& b) { return str(a, "metadata.name") < str(b, "metadata.name"); });
      w.write(0, "Resource Quotas\n");
      for (auto& q : quotas) {
        w.write(1, "Name:\t" + str(q, "metadata.name") + "\n");
        w.write(1, "Resource\tUsed\tHard\n");
        w.write(1, "--------\t---\t---\n");
        auto hard = path(q, "status.hard");
        std::map<std::string, const json::value*> sorted;
        if (hard && hard->is_object())
          for (auto& [k, v] : hard->as_object()) sorted[std::string(k)] = &v;
        for (auto& [k, v] : sorted) {
          auto* used = at(path(q, "status.used"), k);
          w.write(1, fmt::format("{}\t{}\t{}\n", k, used ? quantity_string(used) : "0", quantity_string(v)));
        }
      }
    }
  }
  if (limit_error.empty()) {
    w.write(0, "\n");
    if (limits.empty()) {
      w.write(0, "No LimitRange resource.\n");
    } else {
      w.write(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
      w.write(0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
    }
  }
  return w.str();
}


// resourcehelper.PodRequestsAndLimits: the containers' sums, at least each init container's,
// plus the overhead.
using QuantityMap = std::map<std::string, apimachinery::quantity::Quantity>;
void add_to(QuantityMap& m, const json::value* list) {
  if (!list || !list->is_object()) return;
  for (auto& [k, v] : list->as_object()) {
    auto q = apimachinery::quantity::parse(scalar(&v));
    if (!q) continue;
    auto it = m.find(std::string(k));
    if (it == m.end()) {
      m[std::string(k)] = *q;
    } else if (auto sum = it->second.add(*q)) {
      it->second = *sum;
    }
  }
}
void max_with(QuantityMap& m, const json::value* list) {
  if (!list || !list->is_object()) return;
  for (auto& [k, v] : list->as_object()) {
    auto q = apimachinery::quantity::parse(scalar(&v));
    if (!q) continue;
    auto it = m.find(std::string(k));
    if (it == m.end() || it->second < *q) m[std::string(k)] = *q;
  }
}
std::pair<QuantityMap, QuantityMap> pod_requests_limits(const json::value& pod) {
  QuantityMap reqs, limits;
  for (auto& ct : arr(pod, "spec.containers")) {
    add_to(reqs, path(ct, "resources.requests"));
    add_to(limits, path(ct, "resources.limits"));
  }
  for (auto& ct : arr(pod, "spec.initContainers")) {
    max_with(reqs, path(ct, "resources.requests"));
    max_with(limits, path(ct, "resources.limits"));
  }
  add_to(reqs, path(pod, "spec.overhead"));
  if (!limits.empty()) add_to(limits, path(pod, "spec.overhead"));
  return {reqs, limits};
}

std::string qstr(const QuantityMap& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? "0" : it->second.to_string();
}
int64_t qmilli(const QuantityMap& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second.milli_value();
}
int64_t qvalue(const QuantityMap& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second.value();
}
// Go's int64(float64(a) / float64(b) * 100).
int64_t percent(int64_t a, int64_t b) {
  double f = static_cast<double>(a) / static_cast<double>(b) * 100;
  if (f != f || f >= 9.2e18 || f <= -9.2e18) return INT64_MIN;
  return static_cast<int64_t>(f);
}

std::string describe_node(Command& c, const json::value& node) {
  std::string name = str(node, "metadata.name");
  std::string pod_selector = "spec.nodeName=" + name + ",status.phase!=Failed,status.phase!=Succeeded";
  std::string pods_error;
  auto pods = list_items(c, "/api/v1/pods?fieldSelector=" + query_escape(pod_selector) + "&limit=500", &pods_error);
  auto events = search_events(c, node);
  json::value by_name = node;
  by_name.as_object()["metadata"].as_object()["uid"] = name;
  for (auto& e : search_events(c, by_name)) events.push_back(e);
  auto lease = c.rest->get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + name);

  PrefixWriter w;
  w.write(0, "Name:\t" + name + "\n");
  std::set<std::string> roles;
  for (auto& [k, v] : smap(node, "metadata.labels")) {
    if (k.starts_with("node-role.kubernetes.io/")) {
      if (auto role = k.substr(24); !role.empty()) roles.insert(role);
    } else if (k == "kubernetes.io/role" && !v.empty()) {
      roles.insert(v);
    }
  }
  w.write(0, "Roles:\t" + (roles.empty() ? std::string("<none>") : join(Strings(roles.begin(), roles.end()), ",")) + "\n");
  print_labels(w, "Labels", smap(node, "metadata.labels"));
  print_annotations(w, "Annotations", smap(node, "metadata.annotations"));
  w.write(0, "CreationTimestamp:\t" + rfc1123z(str(node, "metadata.creationTimestamp")) + "\n");
  w.write(0, "Taints:\t");
  std::vector<const json::value*> taints;
  for (auto& t : arr(node, "spec.taints")) taints.push_back(&t);
  if (taints.empty()) {
    w.line("<none>");
  } else {
    std::stable_sort(taints.begin(), taints.end(), [](auto* a, auto* b) {
      return str(*a, "effect") + "," + str(*a, "key") < str(*b, "effect") + "," + str(*b, "key");
    });
    bool first = true;
    for (auto* t : taints) {
      if (!first) w.write(0, "\t");
      first = false;
      std::string key = str(*t, "key"), value = str(*t, "value"), effect = str(*t, "effect"), s;
      if (effect.empty()) {
        s = value.empty() ? key : key + "=" + value + ":";
      } else {
        s = value.empty() ? key + ":" + effect : key + "=" + value + ":" + effect;
      }
      w.write(0, s + "\n");
    }
  }
  w.write(0, std::string("Unschedulable:\t") + (boolean(node, "spec.unschedulable") ? "true" : "false") + "\n");
  if (is_success(lease)) {
    auto l = parse_body(lease.body);
    json::value lv = l ? *l : json::value(json::object());
    w.write(0, "Lease:\n");
    w.write(1, "HolderIdentity:\t" + (has(lv, "spec.holderIdentity") ? str(lv, "spec.holderIdentity") : std::string("<unset>")) + "\n");
    w.write(1, "AcquireTime:\t" + (has(lv, "spec.acquireTime") ? rfc1123z(str(lv, "spec.acquireTime")) : std::string("<unset>")) + "\n");
    w.write(1, "RenewTime:\t" + (has(lv, "spec.renewTime") ? rfc1123z(str(lv, "spec.renewTime")) : std::string("<unset>")) + "\n");
  } else {
    w.write(0, "Lease:\tFailed to get lease: " + status_message(lease, c.rest->server()) + "\n");
  }
  auto& conditions = arr(node, "status.conditions");
  if (!conditions.empty()) {
    w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    for (auto& cond : conditions)
      w.write(1, fmt::format("{} \t{} \t{} \t{} \t{} \t{}\n", str(cond, "type"), str(cond, "status"), rfc1123z(str(cond, "lastHeartbeatTime")),
                             rfc1123z(str(cond, "lastTransitionTime")), str(cond, "reason"), str(cond, "message")));
  }
  w.write(0, "Addresses:\n");
  for (auto& a : arr(node, "status.addresses")) w.write(1, str(a, "type") + ":\t" + str(a, "address") + "\n");
  for (auto [key, title] : {std::pair{"status.capacity", "Capacity"}, std::pair{"status.allocatable", "Allocatable"}}) {
    auto* list = path(node, key);
    if (!list || !list->is_object() || list->as_object().empty()) continue;
    w.write(0, std::string(title) + ":\n");
    std::map<std::string, const json::value*> sorted;
    for (auto& [k, v] : list->as_object()) sorted[std::string(k)] = &v;
    for (auto& [k, v] : sorted) w.write(0, "  " + k + ":\t" + quantity_string(v) + "\n");
  }
  w.write(0, "System Info:\n");
  for (auto [key, title] : {std::pair{"machineID", "Machine ID"}, std::pair{"systemUUID", "System UUID"}, std::pair{"bootID", "Boot ID"},
                            std::pair{"kernelVersion", "Kernel Version"}, std::pair{"osImage", "OS Image"},
                            std::pair{"operatingSystem", "Operating System"}, std::pair{"architecture", "Architecture"},
                            std::pair{"containerRuntimeVersion", "Container Runtime Version"},
                            std::pair{"kubeletVersion", "Kubelet Version"}, std::pair{"kubeProxyVersion", "Kube-Proxy Version"}})
    w.write(0, std::string("  ") + title + ":\t" + str(node, std::string("status.nodeInfo.") + key) + "\n");
  if (!str(node, "spec.podCIDR").empty()) w.write(0, "PodCIDR:\t" + str(node, "spec.podCIDR") + "\n");
  Strings cidrs;
  for (auto& x : arr(node, "spec.podCIDRs")) cidrs.push_back(scalar(&x));
  if (!cidrs.empty()) w.write(0, "PodCIDRs:\t" + join(cidrs, ",") + "\n");
  if (!str(node, "spec.providerID").empty()) w.write(0, "ProviderID:\t" + str(node, "spec.providerID") + "\n");
  if (!pods_error.empty()) {
    w.write(0, "Pods:\tnot authorized\n");
  } else {
    QuantityMap allocatable;
    add_to(allocatable, path(node, "status.capacity"));
    if (auto* a = path(node, "status.allocatable"); a && a->is_object() && !a->as_object().empty()) {
      allocatable.clear();
      add_to(allocatable, a);
    }
    w.write(0, fmt::format("Non-terminated Pods:\t({} in total)\n", pods.size()));
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
    int64_t cpu = qmilli(allocatable, "cpu"), mem = qvalue(allocatable, "memory");
    for (auto& pod : pods) {
      auto [req, lim] = pod_requests_limits(pod);
      w.write(1, fmt::format("{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n", str(pod, "metadata.namespace"), str(pod, "metadata.name"),
                             qstr(req, "cpu"), percent(qmilli(req, "cpu"), cpu), qstr(lim, "cpu"), percent(qmilli(lim, "cpu"), cpu),
                             qstr(req, "memory"), percent(qvalue(req, "memory"), mem), qstr(lim, "memory"),
                             percent(qvalue(lim, "memory"), mem), since(str(pod, "metadata.creationTimestamp"))));
    }
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
    w.write(1, "Resource\tRequests\tLimits\n");
    w.write(1, "--------\t--------\t------\n");
    QuantityMap reqs, limits;
    for (auto& pod : pods) {
      auto [req, lim] = pod_requests_limits(pod);
      for (auto& [k, q] : req) {
        auto it = reqs.find(k);
        if (it == reqs.end()) reqs[k] = q;
        else if (auto s = it->second.add(q)) it->second = *s;
      }
      for (auto& [k, q] : lim) {
        auto it = limits.find(k);
        if (it == limits.end()) limits[k] = q;
        else if (auto s = it->second.add(q)) it->second = *s;
      }
    }
    auto frac = [](int64_t a, int64_t b) { return b != 0 ? percent(a, b) : 0; };
    w.write(1, fmt::format("cpu\t{} ({}%)\t{} ({}%)\n", qstr(reqs, "cpu"), frac(qmilli(reqs, "cpu"), cpu), qstr(limits, "cpu"),
                           frac(qmilli(limits, "cpu"), cpu)));
    w.write(1, fmt::format("memory\t{} ({}%)\t{} ({}%)\n", qstr(reqs, "memory"), frac(qvalue(reqs, "memory"), mem), qstr(limits, "memory"),
                           frac(qvalue(limits, "memory"), mem)));
    int64_t eph = qvalue(allocatable, "ephemeral-storage");
    w.write(1, fmt::format("ephemeral-storage\t{} ({}%)\t{} ({}%)\n", qstr(reqs, "ephemeral-storage"), frac(qvalue(reqs, "ephemeral-storage"), eph),
                           qstr(limits, "ephemeral-storage"), frac(qvalue(limits, "ephemeral-storage"), eph)));
    Strings huge, ext;
    for (auto& [k, q] : allocatable) {
      if (k.starts_with("hugepages-")) huge.push_back(k);
      else if (k != "cpu" && k != "memory" && k != "ephemeral-storage" && k != "pods")
        ext.push_back(k);
    }
    for (auto& k : huge)
      w.write(1, fmt::format("{}\t{} ({}%)\t{} ({}%)\n", k, qstr(reqs, k), frac(qvalue(reqs, k), qvalue(allocatable, k)), qstr(limits, k),
                             frac(qvalue(limits, k), qvalue(allocatable, k))));
    for (auto& k : ext) w.write(1, fmt::format("{}\t{}\t{}\n", k, qstr(reqs, k), qstr(limits, k)));
  }
  describe_events(events, w);
  return w.str();
}

}  // namespace

void describe_pod_template(const json::value& tmpl, PrefixWriter& w) {
  w.write(0, "Pod Template:\n");
  print_labels(w, "  Labels", smap(tmpl, "metadata.labels"));
  auto annotations = smap(tmpl, "metadata.annotations");
  if (!annotations.empty()) print_annotations(w, "  Annotations", annotations);
  if (!str(tmpl, "spec.serviceAccountName").empty()) w.write(1, "Service Account:\t" + str(tmpl, "spec.serviceAccountName") + "\n");
  if (!arr(tmpl, "spec.initContainers").empty())
    describe_containers("Init Containers", arr(tmpl, "spec.initContainers"), nullptr, nullptr, w, "  ");
  describe_containers("Containers", arr(tmpl, "spec.containers"), nullptr, nullptr, w, "  ");
  describe_volumes(arr(tmpl, "spec.volumes"), w, "  ");
  describe_topology(arr(tmpl, "spec.topologySpreadConstraints"), w, "  ");
  if (!str(tmpl, "spec.priorityClassName").empty()) w.write(1, "Priority Class Name:\t" + str(tmpl, "spec.priorityClassName") + "\n");
  print_labels(w, "  Node-Selectors", smap(tmpl, "spec.nodeSelector"));
  print_tolerations(w, "  Tolerations", arr(tmpl, "spec.tolerations"));
}

std::vector<json::value> list_items(Command& c, const std::string& target, std::string* error, int* status) {
  std::vector<json::value> out;
  std::string next = target;
  for (;;) {
    auto response = c.rest->get(next);
    if (status) *status = response.status;
    if (!is_success(response)) {
      if (error) *error = status_message(response, c.rest->server());
      return {};
    }
    auto list = parse_body(response.body);
    if (!list) return out;
    for (auto& item : arr(*list, "items")) out.push_back(item);
    std::string token = str(*list, "metadata.continue");
    if (token.empty()) break;
    next = target + (target.find('?') == std::string::npos ? "?" : "&") + "continue=" + query_escape(token);
  }
  return out;
}

bool has_describer(const ApiResource& r) {
  static const std::set<std::pair<std::string, std::string>> known{
      {"", "pods"}, {"", "services"}, {"", "endpoints"}, {"", "configmaps"}, {"", "namespaces"}, {"", "nodes"},
      {"apps", "deployments"}, {"apps", "replicasets"}};
  return known.count({r.group, r.name}) > 0;
}

void set_show_events(bool show) { show_events = show; }

std::variant<std::string, DescribeError> describe_one(Command& c, const ApiResource& r, const std::string& ns, const std::string& name) {
  auto got = get_object(c, r.rest_kind().path(r.namespaced ? ns : "", name));
  if (auto* e = std::get_if<DescribeError>(&got)) return *e;
  auto& obj = std::get<json::value>(got);
  if (r.group.empty() && r.name == "pods") return describe_pod(c, obj);
  if (r.group.empty() && r.name == "services") return describe_service(c, obj);
  if (r.group.empty() && r.name == "endpoints") return describe_endpoints(c, obj);
  if (r.group.empty() && r.name == "configmaps") return describe_configmap(c, obj);
  if (r.group.empty() && r.name == "namespaces") return describe_namespace(c, obj);
  if (r.group.empty() && r.name == "nodes") return describe_node(c, obj);
  if (r.group == "apps" && r.name == "deployments") return describe_deployment(c, obj);
  if (r.group == "apps" && r.name == "replicasets") return describe_replicaset(c, obj);
  return DescribeError{"error: no description has been implemented for " + r.kind, false};
}

}  // namespace kscratch::kubectl::describe
