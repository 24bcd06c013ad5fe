#pragma once
// k3s's registries.yaml: mirrors (endpoints tried in order before the registry itself,
// with optional repository rewrites) and per-host credentials and TLS settings.
//
//   mirrors:
//     docker.io:
//       endpoint: ["https://mirror.internal:5000", "http://10.0.0.1:5000"]
//       rewrite: {"^rancher/(.*)": "mirrored/rancher/$1"}
//   configs:
//     mirror.internal:5000:
//       auth: {username: u, password: p}     # or auth: <base64 of u:p>
//       tls: {ca_file: /etc/ca.pem, cert_file: .., key_file: .., insecure_skip_verify: false}
//
// Endpoint rule (as k3s/containerd): a mirror endpoint names its scheme ("http://" or
// "https://"; none means https). After the mirrors comes the registry's own endpoint:
// https, except plain http for localhost, 127.0.0.0/8 and ::1 (containerd treats
// loopback registries as insecure). docker.io's own endpoint is registry-1.docker.io.
// Listing the registry's own host among its endpoints ("http://reg.internal:5000" for
// reg.internal:5000) keeps it at that place with that scheme, which is how a plain-http
// registry elsewhere is reached. Rewrites apply only to the mirror endpoints, not to
// the registry's own. The mirror and config named "*" apply to every registry without
// one of its own. configs are looked up by the host:port being connected to.

#include "kscratch/images/images.h"
#include "kscratch/util/expected.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::images {

struct RegistryAuth {
  std::string username;
  std::string password;
};

struct RegistryTls {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure_skip_verify = false;
};

struct RegistryHostConfig {
  std::optional<RegistryAuth> auth;
  RegistryTls tls;
};

struct Rewrite {
  std::string pattern;      // an ECMAScript regular expression over the repository
  std::string replacement;  // with $1.. for groups
};

struct Mirror {
  std::vector<std::string> endpoints;
  std::vector<Rewrite> rewrites;  // in file order; the first that matches applies
};

struct RegistriesConfig {
  std::map<std::string, Mirror> mirrors;
  std::map<std::string, RegistryHostConfig> configs;
};

Expected<RegistriesConfig> parse_registries_yaml(std::string_view text);
// An absent file is an empty configuration (no mirrors, no credentials).
Expected<RegistriesConfig> load_registries_file(const std::filesystem::path& file);

// Where to fetch one image from.
struct Endpoint {
  std::string scheme;       // "http" or "https"
  std::string host;         // "host[:port]": connected to, and the key for configs
  std::string path_prefix;  // "" or "/prefix": the API is at <prefix>/v2/
  std::string repository;   // the repository on this endpoint (after rewrites)
  bool mirror = false;

  std::string url() const { return scheme + "://" + host + path_prefix; }
};

// The mirrors of ref's registry in order, then the registry itself.
Expected<std::vector<Endpoint>> endpoints_for(const RegistriesConfig& config, const Reference& ref);
// The credentials and TLS settings for an endpoint host (or "*"), if any.
const RegistryHostConfig* config_for(const RegistriesConfig& config, const std::string& host);
// True for localhost, 127.0.0.0/8 and ::1, with or without a port.
bool is_loopback_host(std::string_view host);

}  // namespace kscratch::images
