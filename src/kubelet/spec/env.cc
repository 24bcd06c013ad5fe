// makeEnvironmentVariables (pkg/kubelet/kubelet_pods.go) and the runtime's env merge.

#include "kubelet/spec/env.h"

#include "kubelet/spec/expansion.h"
#include "kubelet/spec/json_util.h"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace kscratch::kubelet::spec {

namespace {

const char* kConfigError = "CreateContainerConfigError";

std::string env_name(std::string_view s) {
  std::string out;
  for (char c : s) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool service_ip_set(const json::object& service) {
  std::string ip = jsonu::str(jsonu::obj(service, "spec"), "clusterIP");
  return !ip.empty() && ip != "None";
}

// net.JoinHostPort brackets IPv6 addresses.
std::string join_host_port(const std::string& host, std::int64_t port) {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

// The variables in insertion order with in-place replacement, as the Go map (which has no
// order) cannot give but users reading `env` expect.
class OrderedEnv {
 public:
  void set(const std::string& name, const std::string& value) {
    auto it = index_.find(name);
    if (it == index_.end()) {
      index_.emplace(name, vars_.size());
      vars_.push_back({name, value});
    } else {
      vars_[it->second].value = value;
    }
    values_[name] = value;
  }
  const std::map<std::string, std::string>& values() const { return values_; }
  std::vector<EnvVar>& vars() { return vars_; }

 private:
  std::vector<EnvVar> vars_;
  std::map<std::string, std::size_t> index_;
  std::map<std::string, std::string> values_;
};

SpecError config_error(std::string message) { return SpecError{kConfigError, std::move(message)}; }

}  // namespace

bool is_env_var_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c < ' ' || c > '~' || c == '=') return false;
  }
  return true;
}

std::vector<EnvVar> env_from_services(const std::vector<json::object>& services) {
  std::vector<EnvVar> out;
  for (const auto& service : services) {
    const auto& spec = jsonu::obj(service, "spec");
    const auto& ports = jsonu::arr(spec, "ports");
    if (!service_ip_set(service) || ports.empty()) continue;
    std::string ip = jsonu::str(spec, "clusterIP");
    std::string prefix = env_name(jsonu::str(jsonu::obj(service, "metadata"), "name"));
    out.push_back({prefix + "_SERVICE_HOST", ip});
    std::string port_name = prefix + "_SERVICE_PORT";
    out.push_back({port_name, std::to_string(jsonu::opt_int(jsonu::as_obj(ports[0]), "port").value_or(0))});
    // Named ports get a variable each (only the first port may be unnamed).
    for (const auto& p : ports) {
      const auto& port = jsonu::as_obj(p);
      std::string name = jsonu::str(port, "name");
      if (!name.empty()) {
        out.push_back({port_name + "_" + env_name(name), std::to_string(jsonu::opt_int(port, "port").value_or(0))});
      }
    }
    // Docker link variables, the first port special-cased as Docker does.
    for (std::size_t i = 0; i < ports.size(); ++i) {
      const auto& port = jsonu::as_obj(ports[i]);
      std::string protocol = jsonu::str(port, "protocol");
      if (protocol.empty()) protocol = "TCP";
      std::int64_t number = jsonu::opt_int(port, "port").value_or(0);
      std::string url = fmt::format("{}://{}", lower(protocol), join_host_port(ip, number));
      if (i == 0) out.push_back({prefix + "_PORT", url});
      std::string port_prefix = fmt::format("{}_PORT_{}_{}", prefix, number, upper(protocol));
      out.push_back({port_prefix, url});
      out.push_back({port_prefix + "_PROTO", lower(protocol)});
      out.push_back({port_prefix + "_PORT", std::to_string(number)});
      out.push_back({port_prefix + "_ADDR", ip});
    }
  }
  return out;
}

boost::asio::awaitable<SpecResult<std::map<std::string, std::string>>> service_env(const json::object& pod,
                                                                                   ObjectSource& source) {
  std::string ns = jsonu::str(jsonu::obj(pod, "metadata"), "namespace");
  bool links = jsonu::boolean(jsonu::obj(pod, "spec"), "enableServiceLinks", true);
  // By name: the pod namespace's own services win over the master service of `default`,
  // as upstream's serviceMap.
  std::map<std::string, json::object> by_name;
  const std::string default_ns = "default";
  auto defaults = co_await source.services(default_ns);
  if (!defaults && !defaults.error().not_found()) {
    co_return config_error("failed to list services when setting up env vars");
  }
  if (defaults) {
    for (auto& service : *defaults) {
      if (service_ip_set(service) && jsonu::str(jsonu::obj(service, "metadata"), "name") == "kubernetes") {
        by_name.emplace("kubernetes", service);
      }
    }
  }
  if (links) {
    std::vector<json::object> own;
    if (ns == default_ns) {
      if (defaults) own = *defaults;
    } else {
      auto listed = co_await source.services(ns);
      if (!listed && !listed.error().not_found()) {
        co_return config_error("failed to list services when setting up env vars");
      }
      if (listed) own = std::move(*listed);
    }
    for (auto& service : own) {
      if (service_ip_set(service)) by_name[jsonu::str(jsonu::obj(service, "metadata"), "name")] = service;
    }
  }
  std::vector<json::object> services;
  for (auto& [name, service] : by_name) services.push_back(service);
  std::map<std::string, std::string> out;
  for (auto& var : env_from_services(services)) out[var.name] = var.value;
  co_return out;
}

boost::asio::awaitable<SpecResult<std::vector<EnvVar>>> make_environment(const json::object& pod,
                                                                        const json::object& container,
                                                                        const PodPlacement& placement,
                                                                        const NodeAllocatable& node,
                                                                        ObjectCache& objects, ObjectSource& source) {
  auto services = co_await service_env(pod, source);
  if (!services) co_return services.error();
  const std::string& ns = objects.ns();
  OrderedEnv env;

  // envFrom first, so that env overrides it. Since RelaxedEnvironmentVariableValidation
  // (on by default in 1.32) the kubelet no longer drops keys like "1KEY"; only names no
  // environment can hold (with '=' or non-printable bytes) are skipped here.
  for (const auto& item : jsonu::arr(container, "envFrom")) {
    const auto& from = jsonu::as_obj(item);
    std::string prefix = jsonu::str(from, "prefix");
    const json::object* ref = nullptr;
    bool is_secret = false;
    if (from.contains("configMapRef")) {
      ref = &jsonu::obj(from, "configMapRef");
    } else if (from.contains("secretRef")) {
      ref = &jsonu::obj(from, "secretRef");
      is_secret = true;
    } else {
      continue;
    }
    std::string name = jsonu::str(*ref, "name");
    bool optional = jsonu::boolean(*ref, "optional");
    // (No co_await inside ?: : g++ 12 miscompiles it.)
    Expected<std::optional<ObjectData>> got = std::optional<ObjectData>();
    if (is_secret) {
      got = co_await objects.secret(name, optional);
    } else {
      got = co_await objects.config_map(name, optional);
    }
    if (!got) co_return config_error(got.error().message);
    if (!*got) continue;
    for (const auto& [key, value] : (*got)->data) {
      std::string var = prefix + key;
      if (is_env_var_name(var)) env.set(var, value);
    }
  }

  for (const auto& item : jsonu::arr(container, "env")) {
    const auto& var = jsonu::as_obj(item);
    std::string name = jsonu::str(var, "name");
    std::string value = jsonu::str(var, "value");
    const auto& from = jsonu::obj(var, "valueFrom");
    if (!value.empty()) {
      // References resolve against the variables defined so far, then the services.
      value = expand(value, mapping_for({&env.values(), &*services}));
    } else if (from.contains("fieldRef")) {
      auto got = pod_field_value(pod, jsonu::str(jsonu::obj(from, "fieldRef"), "fieldPath"), placement);
      if (!got) co_return config_error(got.error().message);
      value = *got;
    } else if (from.contains("resourceFieldRef")) {
      const auto& ref = jsonu::obj(from, "resourceFieldRef");
      std::string divisor;
      if (auto* d = ref.if_contains("divisor")) {
        divisor = d->is_string() ? std::string(d->get_string()) : json::serialize(*d);
      }
      // containerName may name another container of the pod (containerResourceRuntimeValue).
      const json::object* target = &container;
      std::string target_name = jsonu::str(ref, "containerName");
      if (!target_name.empty() && target_name != jsonu::str(container, "name")) {
        target = nullptr;
        for (const char* list : {"containers", "initContainers"}) {
          for (const auto& c : jsonu::arr(jsonu::obj(pod, "spec"), list)) {
            if (target == nullptr && jsonu::str(jsonu::as_obj(c), "name") == target_name) target = &jsonu::as_obj(c);
          }
        }
        if (target == nullptr) co_return config_error(fmt::format("container {} not found", target_name));
      }
      auto got = container_resource_value(*target, jsonu::str(ref, "resource"), divisor, node);
      if (!got) co_return config_error(got.error().message);
      value = *got;
    } else if (from.contains("configMapKeyRef") || from.contains("secretKeyRef")) {
      bool is_secret = from.contains("secretKeyRef");
      const auto& ref = jsonu::obj(from, is_secret ? "secretKeyRef" : "configMapKeyRef");
      std::string object = jsonu::str(ref, "name");
      std::string key = jsonu::str(ref, "key");
      bool optional = jsonu::boolean(ref, "optional");
      Expected<std::optional<ObjectData>> got = std::optional<ObjectData>();
      if (is_secret) {
        got = co_await objects.secret(object, optional);
      } else {
        got = co_await objects.config_map(object, optional);
      }
      if (!got) co_return config_error(got.error().message);
      if (!*got) continue;
      auto it = (*got)->data.find(key);
      if (it == (*got)->data.end()) {
        if (optional) continue;
        co_return config_error(
            fmt::format("couldn't find key {} in {} {}/{}", key, is_secret ? "Secret" : "ConfigMap", ns, object));
      }
      value = it->second;
    }
    env.set(name, value);
  }

  std::vector<EnvVar> out = std::move(env.vars());
  for (const auto& [name, value] : *services) {
    if (!env.values().contains(name)) out.push_back({name, value});
  }
  co_return out;
}

std::vector<std::string> replace_or_append_env(const std::vector<std::string>& defaults,
                                               const std::vector<std::string>& overrides) {
  std::vector<std::string> out;
  std::vector<bool> removed;
  std::map<std::string, std::size_t> index;
  auto key_of = [](const std::string& e) { return e.substr(0, e.find('=')); };
  for (const auto& e : defaults) {
    index[key_of(e)] = out.size();
    out.push_back(e);
    removed.push_back(false);
  }
  for (const auto& e : overrides) {
    std::string key = key_of(e);
    auto it = index.find(key);
    // A bare name (no '=') unsets the variable, as containerd does.
    if (e.find('=') == std::string::npos) {
      if (it != index.end()) removed[it->second] = true;
      continue;
    }
    if (it != index.end()) {
      out[it->second] = e;
      removed[it->second] = false;
    } else {
      index[key] = out.size();
      out.push_back(e);
      removed.push_back(false);
    }
  }
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!removed[i]) kept.push_back(out[i]);
  }
  return kept;
}

std::vector<std::string> final_environment(const std::vector<std::string>& image_env, const std::string& hostname,
                                           const std::vector<EnvVar>& kubelet_env) {
  // containerd's default spec has this PATH; images without one still find their tools.
  std::vector<std::string> env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                  "HOSTNAME=" + hostname};
  env = replace_or_append_env(env, image_env);
  std::vector<std::string> overrides;
  for (const auto& var : kubelet_env) overrides.push_back(var.name + "=" + var.value);
  return replace_or_append_env(env, overrides);
}

}  // namespace kscratch::kubelet::spec
