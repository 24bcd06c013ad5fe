// /etc/hosts, /etc/resolv.conf and /etc/hostname of a pod, as the kubelet and containerd
// write them upstream.

#include "kubelet/spec/etc_files.h"

#include "kubelet/spec/json_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace kscratch::kubelet::spec {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxNameservers = 3;
constexpr std::size_t kMaxSearchPaths = 32;
constexpr std::size_t kMaxSearchChars = 2048;

std::vector<std::string> omit_duplicates(const std::vector<std::string>& in) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& s : in) {
    if (seen.insert(s).second) out.push_back(s);
  }
  return out;
}

// Options by name, in first-seen order; a later value for a name replaces the earlier.
void set_option(std::vector<std::string>& options, const std::string& option) {
  std::string name = option.substr(0, option.find(':'));
  for (auto& o : options) {
    if (o.substr(0, o.find(':')) == name) {
      o = option;
      return;
    }
  }
  options.push_back(option);
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Status write_file(const fs::path& path, const std::string& content) {
  // Written beside and renamed, so that a running container never reads half a file.
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return make_error(fmt::format("write {}: failed", tmp.string()));
  }
  std::error_code ec;
  fs::permissions(tmp, fs::perms(0644), ec);
  fs::rename(tmp, path, ec);
  if (ec) return make_error(fmt::format("rename {}: {}", path.string(), ec.message()));
  return Ok{};
}

std::string host_aliases(const json::object& spec) {
  const auto& aliases = jsonu::arr(spec, "hostAliases");
  if (aliases.empty()) return {};
  std::string out = "\n# Entries added by HostAliases.\n";
  for (const auto& a : aliases) {
    const auto& alias = jsonu::as_obj(a);
    std::string names;
    for (const auto& n : jsonu::strings(alias, "hostnames")) names += (names.empty() ? "" : "\t") + n;
    out += fmt::format("{}\t{}\n", jsonu::str(alias, "ip"), names);
  }
  return out;
}

}  // namespace

DnsConfig parse_resolv_conf(const std::string& content) {
  DnsConfig out;
  std::istringstream lines(content);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::vector<std::string> fields;
    for (std::string w; words >> w;) fields.push_back(w);
    if (fields.empty() || fields[0].starts_with("#")) continue;
    if (fields[0] == "nameserver" && fields.size() >= 2) out.servers.push_back(fields[1]);
    if (fields[0] == "search") {
      out.searches.clear();
      for (std::size_t i = 1; i < fields.size(); ++i) {
        if (fields[i] == ".") continue;
        std::string s = fields[i];
        if (s.ends_with('.')) s.pop_back();
        out.searches.push_back(s);
      }
    }
    if (fields[0] == "options") {
      for (std::size_t i = 1; i < fields.size(); ++i) set_option(out.options, fields[i]);
    }
  }
  return out;
}

std::string format_resolv_conf(const DnsConfig& config) {
  std::string out;
  if (!config.searches.empty()) {
    out += "search";
    for (const auto& s : config.searches) out += " " + s;
    out += "\n";
  }
  for (const auto& s : config.servers) out += "nameserver " + s + "\n";
  if (!config.options.empty()) {
    out += "options";
    for (const auto& o : config.options) out += " " + o;
    out += "\n";
  }
  return out;
}

DnsConfig pod_dns_config(const json::object& pod, const PodPlacement& placement, const DnsConfig& host) {
  const auto& spec = jsonu::obj(pod, "spec");
  std::string policy = jsonu::str(spec, "dnsPolicy");
  if (policy.empty()) policy = "ClusterFirst";
  bool host_network = jsonu::boolean(spec, "hostNetwork");
  // getPodDNSType: ClusterFirst on the host network falls back to Default (the node's
  // settings); ClusterFirstWithHostNet keeps the cluster's.
  enum { kNone, kCluster, kHost } type = kCluster;
  if (policy == "None") {
    type = kNone;
  } else if (policy == "Default" || (policy == "ClusterFirst" && host_network)) {
    type = kHost;
  }
  DnsConfig config = host;
  if (type == kNone) {
    config = {};
  } else if (type == kCluster && !placement.cluster_dns.empty()) {
    config.servers = placement.cluster_dns;
    if (!placement.cluster_domain.empty()) {
      std::string ns = jsonu::str(jsonu::obj(pod, "metadata"), "namespace");
      std::vector<std::string> searches = {fmt::format("{}.svc.{}", ns, placement.cluster_domain),
                                           "svc." + placement.cluster_domain, placement.cluster_domain};
      searches.insert(searches.end(), host.searches.begin(), host.searches.end());
      config.searches = omit_duplicates(searches);
    }
    config.options = {"ndots:5"};
  }
  // With no cluster DNS known, ClusterFirst falls through to the node's settings (upstream
  // also records a MissingClusterDNS event).

  if (const auto* dns = spec.if_contains("dnsConfig"); dns != nullptr && dns->is_object()) {
    const auto& extra = dns->get_object();
    auto servers = config.servers;
    for (auto& s : jsonu::strings(extra, "nameservers")) servers.push_back(s);
    config.servers = omit_duplicates(servers);
    auto searches = config.searches;
    for (auto& s : jsonu::strings(extra, "searches")) searches.push_back(s);
    config.searches = omit_duplicates(searches);
    for (const auto& o : jsonu::arr(extra, "options")) {
      const auto& option = jsonu::as_obj(o);
      auto value = jsonu::opt_str(option, "value");
      std::string name = jsonu::str(option, "name");
      set_option(config.options, value && !value->empty() ? name + ":" + *value : name);
    }
  }

  // formDNSConfigFitsLimits: at most 3 nameservers, 32 search domains of 2048 characters.
  if (config.servers.size() > kMaxNameservers) config.servers.resize(kMaxNameservers);
  if (config.searches.size() > kMaxSearchPaths) config.searches.resize(kMaxSearchPaths);
  for (std::size_t chars = 0, i = 0; i < config.searches.size(); ++i) {
    chars += config.searches[i].size() + (i ? 1 : 0);
    if (chars > kMaxSearchChars) {
      config.searches.resize(i);
      break;
    }
  }
  return config;
}

PodHostname pod_hostname(const json::object& pod, const PodPlacement& placement) {
  const auto& spec = jsonu::obj(pod, "spec");
  const auto& meta = jsonu::obj(pod, "metadata");
  PodHostname out;
  out.hostname = jsonu::str(spec, "hostname");
  if (out.hostname.empty()) out.hostname = jsonu::str(meta, "name");
  // truncatePodHostnameIfNeeded: a hostname is one DNS label.
  if (out.hostname.size() > 63) {
    out.hostname.resize(63);
    while (!out.hostname.empty() && (out.hostname.back() == '-' || out.hostname.back() == '.')) {
      out.hostname.pop_back();
    }
  }
  std::string subdomain = jsonu::str(spec, "subdomain");
  if (!subdomain.empty()) {
    out.domain = fmt::format("{}.{}.svc.{}", subdomain, jsonu::str(meta, "namespace"), placement.cluster_domain);
  }
  return out;
}

std::string managed_hosts_content(const json::object& pod, const PodPlacement& placement) {
  auto name = pod_hostname(pod, placement);
  std::string out = "# Kubernetes-managed hosts file.\n";
  out += "127.0.0.1\tlocalhost\n";
  out += "::1\tlocalhost ip6-localhost ip6-loopback\n";
  out += "fe00::0\tip6-localnet\n";
  out += "fe00::0\tip6-mcastprefix\n";
  out += "fe00::1\tip6-allnodes\n";
  out += "fe00::2\tip6-allrouters\n";
  if (!placement.pod_ip.empty()) {
    if (!name.domain.empty()) {
      out += fmt::format("{}\t{}.{}\t{}\n", placement.pod_ip, name.hostname, name.domain, name.hostname);
    } else {
      out += fmt::format("{}\t{}\n", placement.pod_ip, name.hostname);
    }
  }
  return out + host_aliases(jsonu::obj(pod, "spec"));
}

Status write_pod_etc_files_from(const json::object& pod, const fs::path& pod_dir, const PodPlacement& placement,
                                const fs::path& host_etc) {
  const auto& spec = jsonu::obj(pod, "spec");
  bool host_network = jsonu::boolean(spec, "hostNetwork");
  fs::path etc = pod_dir / "etc";
  std::error_code ec;
  fs::create_directories(etc, ec);
  if (ec) return make_error(fmt::format("create {}: {}", etc.string(), ec.message()));

  std::string hosts;
  if (host_network) {
    // nodeHostsFileContent: the node's own file, marked and with the pod's aliases.
    auto node_hosts = read_file(host_etc / "hosts");
    if (!node_hosts) return make_error(fmt::format("read {}: cannot open", (host_etc / "hosts").string()));
    hosts = "# Kubernetes-managed hosts file (host network).\n" + *node_hosts + host_aliases(spec);
  } else {
    hosts = managed_hosts_content(pod, placement);
  }
  if (auto ok = write_file(etc / "hosts", hosts); !ok) return ok;

  // A node without a resolv.conf gives the pod no host settings rather than failing it.
  DnsConfig host = parse_resolv_conf(read_file(host_etc / "resolv.conf").value_or(""));
  if (auto ok = write_file(etc / "resolv.conf", format_resolv_conf(pod_dns_config(pod, placement, host))); !ok) {
    return ok;
  }

  std::string hostname = host_network ? placement.node_name : pod_hostname(pod, placement).hostname;
  return write_file(etc / "hostname", hostname + "\n");
}

Status write_pod_etc_files(const json::object& pod, const fs::path& pod_dir, const PodPlacement& placement) {
  return write_pod_etc_files_from(pod, pod_dir, placement, "/etc");
}

}  // namespace kscratch::kubelet::spec
