#include "registries.h"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <system_error>

namespace kscratch::images {

namespace {

std::string b64decode(const std::string& in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    auto pos = chars.find(c);
    if (pos == std::string::npos) break;  // '=' padding or the end
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

// Splits "scheme://host[:port][/path]" (scheme optional, https by default).
Expected<Endpoint> parse_endpoint(const std::string& text) {
  Endpoint e;
  std::string rest = text;
  if (auto sep = rest.find("://"); sep != std::string::npos) {
    e.scheme = rest.substr(0, sep);
    rest = rest.substr(sep + 3);
  } else {
    e.scheme = "https";
  }
  if (e.scheme != "http" && e.scheme != "https") {
    return make_error(fmt::format("mirror endpoint \"{}\": scheme must be http or https", text));
  }
  auto slash = rest.find('/');
  e.host = rest.substr(0, slash);
  if (slash != std::string::npos) e.path_prefix = rest.substr(slash);
  while (!e.path_prefix.empty() && e.path_prefix.back() == '/') e.path_prefix.pop_back();
  // "https://host/v2" names the API root itself, as containerd accepts.
  if (e.path_prefix.size() >= 3 && e.path_prefix.substr(e.path_prefix.size() - 3) == "/v2") {
    e.path_prefix.resize(e.path_prefix.size() - 3);
  }
  if (e.host.empty()) return make_error(fmt::format("mirror endpoint \"{}\": no host", text));
  return e;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  std::string h(host);
  if (!h.empty() && h.front() == '[') {
    auto close = h.find(']');
    h = h.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    return h == "::1";
  }
  if (auto colon = h.rfind(':'); colon != std::string::npos && h.find(':') == colon) h.resize(colon);
  return h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
}

Expected<RegistriesConfig> parse_registries_yaml(std::string_view text) {
  RegistriesConfig out;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root || root.IsNull()) return out;
    if (!root.IsMap()) return make_error("registries.yaml: the top level must be a mapping");
    if (auto mirrors = root["mirrors"]; mirrors && !mirrors.IsNull()) {
      if (!mirrors.IsMap()) return make_error("registries.yaml: mirrors must be a mapping");
      for (auto it : mirrors) {
        auto host = it.first.as<std::string>();
        Mirror m;
        if (auto ep = it.second["endpoint"]; ep && !ep.IsNull()) {
          if (!ep.IsSequence()) return make_error(fmt::format("registries.yaml: mirrors.{}.endpoint must be a list", host));
          for (auto e : ep) m.endpoints.push_back(e.as<std::string>());
        }
        if (auto rw = it.second["rewrite"]; rw && !rw.IsNull()) {
          if (!rw.IsMap()) return make_error(fmt::format("registries.yaml: mirrors.{}.rewrite must be a mapping", host));
          for (auto r : rw) {
            Rewrite rewrite{r.first.as<std::string>(), r.second.as<std::string>()};
            try {
              std::regex check(rewrite.pattern);
            } catch (const std::regex_error& e) {
              return make_error(fmt::format("registries.yaml: mirrors.{}.rewrite \"{}\": {}", host, rewrite.pattern, e.what()));
            }
            m.rewrites.push_back(std::move(rewrite));
          }
        }
        for (auto& e : m.endpoints) {
          if (auto parsed = parse_endpoint(e); !parsed) return make_error("registries.yaml: " + parsed.error().message);
        }
        out.mirrors[host] = std::move(m);
      }
    }
    if (auto configs = root["configs"]; configs && !configs.IsNull()) {
      if (!configs.IsMap()) return make_error("registries.yaml: configs must be a mapping");
      for (auto it : configs) {
        auto host = it.first.as<std::string>();
        RegistryHostConfig c;
        if (auto auth = it.second["auth"]; auth && auth.IsMap()) {
          RegistryAuth a;
          if (auth["username"]) a.username = auth["username"].as<std::string>();
          if (auth["password"]) a.password = auth["password"].as<std::string>();
          // "auth" is base64("user:password"), as in Docker's config.json.
          if (auth["auth"] && a.username.empty()) {
            auto decoded = b64decode(auth["auth"].as<std::string>());
            auto colon = decoded.find(':');
            if (colon == std::string::npos) return make_error(fmt::format("registries.yaml: configs.{}.auth.auth is not base64 of user:password", host));
            a.username = decoded.substr(0, colon);
            a.password = decoded.substr(colon + 1);
          }
          c.auth = a;
        }
        if (auto tls = it.second["tls"]; tls && tls.IsMap()) {
          if (tls["ca_file"]) c.tls.ca_file = tls["ca_file"].as<std::string>();
          if (tls["cert_file"]) c.tls.cert_file = tls["cert_file"].as<std::string>();
          if (tls["key_file"]) c.tls.key_file = tls["key_file"].as<std::string>();
          if (tls["insecure_skip_verify"]) c.tls.insecure_skip_verify = tls["insecure_skip_verify"].as<bool>();
        }
        out.configs[host] = std::move(c);
      }
    }
  } catch (const YAML::Exception& e) {
    return make_error(fmt::format("registries.yaml: {}", e.what()));
  }
  return out;
}

Expected<RegistriesConfig> load_registries_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.empty() || !std::filesystem::exists(file, ec)) return RegistriesConfig{};
  std::ifstream in(file);
  if (!in) return make_error(fmt::format("cannot read {}", file.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = parse_registries_yaml(ss.str());
  if (!parsed) return make_error(fmt::format("{}: {}", file.string(), parsed.error().message));
  return parsed;
}

const RegistryHostConfig* config_for(const RegistriesConfig& config, const std::string& host) {
  if (auto it = config.configs.find(host); it != config.configs.end()) return &it->second;
  if (auto it = config.configs.find("*"); it != config.configs.end()) return &it->second;
  return nullptr;
}

Expected<std::vector<Endpoint>> endpoints_for(const RegistriesConfig& config, const Reference& ref) {
  std::vector<Endpoint> out;
  const Mirror* mirror = nullptr;
  if (auto it = config.mirrors.find(ref.domain); it != config.mirrors.end()) {
    mirror = &it->second;
  } else if (auto star = config.mirrors.find("*"); star != config.mirrors.end()) {
    mirror = &star->second;
  }
  Endpoint own;
  own.host = ref.domain == "docker.io" ? "registry-1.docker.io" : ref.domain;
  own.scheme = is_loopback_host(own.host) ? "http" : "https";
  own.repository = ref.repository;
  if (mirror) {
    std::string repository = ref.repository;
    for (auto& rw : mirror->rewrites) {
      std::regex re(rw.pattern);
      if (std::regex_search(repository, re)) {
        repository = std::regex_replace(repository, re, rw.replacement);
        break;
      }
    }
    for (auto& text : mirror->endpoints) {
      auto e = parse_endpoint(text);
      if (!e) return make_error(e.error().message);
      // The registry's own host listed among the endpoints keeps its place and its
      // scheme (the k3s way to reach a plain-http registry), takes no rewrite, and is
      // not appended again.
      if (e->host == own.host && e->path_prefix.empty()) {
        e->repository = ref.repository;
        out.push_back(std::move(*e));
        own.host.clear();
        continue;
      }
      e->repository = repository;
      e->mirror = true;
      out.push_back(std::move(*e));
    }
  }
  if (own.host.empty()) return out;
  out.push_back(std::move(own));
  return out;
}

}  // namespace kscratch::images
