#include "registry_pull.h"

#include "blocking.h"
#include "digest.h"
#include "layer_unpack.h"
#include "manifest.h"
#include "www_authenticate.h"

#include "kscratch/util/log.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <atomic>
#include <unistd.h>

namespace kscratch::images {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMaxManifestBytes = 4 << 20;
constexpr std::uint64_t kMaxConfigBytes = 16 << 20;
const std::string kManifestAccept = fmt::format("{}, {}, {}, {}", kOciIndex, kDockerList, kOciManifest, kDockerManifest);
// Named arguments for coroutine calls: g++ 12 may destroy temporaries created in a
// co_await expression twice.
const std::string kAnyType;
const fs::path kInMemory;

// The start of an error body, for a message.
std::string excerpt(const std::string& body) {
  std::string s = body.substr(0, 300);
  for (auto& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// One endpoint's requests, with the Authorization the registry asked for.
class Session {
 public:
  Session(HttpClient& http, const Endpoint& endpoint, const RegistryHostConfig* host_config)
      : http_(http), endpoint_(endpoint), host_config_(host_config) {}

  // GET <endpoint>/v2/<path>, authenticating once if the registry answers 401.
  asio::awaitable<Expected<HttpResult>> get(const std::string& path, const std::string& accept, const fs::path& to_file,
                                            std::uint64_t max_body) {
    std::string url = endpoint_.url() + "/v2/" + path;
    for (int attempt = 0;; ++attempt) {
      Headers headers;
      if (!accept.empty()) headers.emplace_back("Accept", accept);
      if (!authorization_.empty()) headers.emplace_back("Authorization", authorization_);
      auto res = co_await http_.get(url, headers, to_file, max_body);
      if (!res) co_return res;
      if (res->status != 401 || attempt > 0) co_return res;
      std::string header = res->header("www-authenticate");
      auto st = co_await authenticate(header);
      if (!st) co_return make_error(fmt::format("GET {}: 401 Unauthorized: {}", url, st.error().message));
    }
  }

 private:
  asio::awaitable<Status> authenticate(const std::string& header) {
    if (header.empty()) co_return make_error("the registry sent no WWW-Authenticate challenge");
    auto challenge = parse_www_authenticate(header);
    if (!challenge) co_return make_error(challenge.error().message);
    std::string basic;
    if (host_config_ && host_config_->auth) {
      basic = "Basic " + base64_encode(host_config_->auth->username + ":" + host_config_->auth->password);
    }
    if (challenge->scheme == "basic") {
      if (basic.empty()) {
        co_return make_error(fmt::format("the registry wants credentials: set configs.\"{}\".auth in registries.yaml", endpoint_.host));
      }
      authorization_ = basic;
      co_return Ok{};
    }
    if (challenge->scheme != "bearer") co_return make_error(fmt::format("unsupported authentication scheme \"{}\"", challenge->scheme));
    std::string realm = challenge->params["realm"];
    if (realm.empty()) co_return make_error("bearer challenge without a realm");
    std::string scope = challenge->params.count("scope") ? challenge->params["scope"] : "repository:" + endpoint_.repository + ":pull";
    std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
    if (challenge->params.count("service")) url += "service=" + url_query_escape(challenge->params["service"]) + "&";
    url += "scope=" + url_query_escape(scope);
    Headers headers;
    if (!basic.empty()) headers.emplace_back("Authorization", basic);
    auto res = co_await http_.get(url, headers, kInMemory, 1 << 20);
    if (!res) co_return make_error("token: " + res.error().message);
    if (res->status == 401 || res->status == 403) {
      co_return make_error(fmt::format("token from {}: {} ({}): the registry wants credentials, set configs.\"{}\".auth in registries.yaml",
                                       realm, res->status, excerpt(res->body), endpoint_.host));
    }
    if (res->status != 200) co_return make_error(fmt::format("token from {}: status {}: {}", realm, res->status, excerpt(res->body)));
    boost::system::error_code ec;
    auto v = boost::json::parse(res->body, ec);
    std::string token;
    if (!ec && v.is_object()) {
      for (auto key : {"token", "access_token"}) {
        if (auto* t = v.as_object().if_contains(key); t && t->is_string() && !t->as_string().empty()) {
          token = std::string(t->as_string());
          break;
        }
      }
    }
    if (token.empty()) co_return make_error(fmt::format("token from {}: no token in the answer", realm));
    authorization_ = "Bearer " + token;
    co_return Ok{};
  }

  HttpClient& http_;
  const Endpoint& endpoint_;
  const RegistryHostConfig* host_config_;
  std::string authorization_;
};

std::string status_error(const HttpResult& res) {
  std::string body = excerpt(res.body);
  return body.empty() ? fmt::format("status {}", res.status) : fmt::format("status {}: {}", res.status, body);
}

}  // namespace

std::string base64_encode(std::string_view in) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kChars[(v >> 18) & 63];
    out += kChars[(v >> 12) & 63];
    out += kChars[(v >> 6) & 63];
    out += kChars[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kChars[(v >> 18) & 63];
    out += kChars[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kChars[(v >> 18) & 63];
    out += kChars[(v >> 12) & 63];
    out += kChars[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string url_query_escape(std::string_view in) {
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

RegistryPuller::RegistryPuller(asio::any_io_executor io, asio::thread_pool& pool, const ContentStore& store,
                               const RegistriesConfig& config)
    : io_(io), pool_(pool), store_(store), config_(config), http_(io, config) {}

asio::awaitable<Expected<ImageRecord>> RegistryPuller::pull(const Reference& ref) {
  auto endpoints = endpoints_for(config_, ref);
  if (!endpoints) co_return make_error(fmt::format("pull {}: {}", ref.str(), endpoints.error().message));
  std::string errors;
  for (auto& ep : *endpoints) {
    auto r = co_await pull_from(ep, ref);
    if (r) co_return r;
    log::debug("images", "pull {} from {}: {}", ref.str(), ep.url(), r.error().message);
    if (!errors.empty()) errors += "; ";
    errors += fmt::format("{}: {}", ep.url(), r.error().message);
  }
  co_return make_error(fmt::format("pull {}: {}", ref.str(), errors));
}

asio::awaitable<Expected<ImageRecord>> RegistryPuller::pull_from(const Endpoint& ep, const Reference& ref) {
  Session session(http_, ep, config_for(config_, ep.host));
  const std::string& repo = ep.repository;
  std::string wanted = ref.digest.empty() ? ref.tag : ref.digest;
  std::string manifest_path = repo + "/manifests/" + wanted;
  auto res = co_await session.get(manifest_path, kManifestAccept, kInMemory, kMaxManifestBytes);
  if (!res) co_return res.error();
  if (res->status == 404) {
    co_return make_error(fmt::format("manifest {}:{} not found ({})", repo, wanted, status_error(*res)));
  }
  if (res->status != 200) co_return make_error(fmt::format("GET manifest {}:{}: {}", repo, wanted, status_error(*res)));
  // The manifest's digest is sha256 of its exact bytes; a digest reference and the
  // registry's own header must agree with it.
  const std::string top_digest = res->digest;
  if (!ref.digest.empty() && top_digest != ref.digest) {
    co_return make_error(fmt::format("manifest {}@{}: content has digest {}", repo, ref.digest, top_digest));
  }
  if (auto header = res->header("docker-content-digest"); is_sha256_digest(header) && header != top_digest) {
    co_return make_error(fmt::format("manifest {}:{}: Docker-Content-Digest {} but content has {}", repo, wanted, header, top_digest));
  }
  auto manifest = parse_manifest(res->body, res->header("content-type"));
  if (!manifest) co_return make_error(fmt::format("manifest {}:{}: {}", repo, wanted, manifest.error().message));
  if (manifest->is_index) {
    auto chosen = select_platform(*manifest);
    if (!chosen) co_return make_error(fmt::format("manifest {}:{}: {}", repo, wanted, chosen.error().message));
    std::string chosen_digest = chosen->digest;
    std::string path = repo + "/manifests/" + chosen_digest;
    auto inner = co_await session.get(path, kManifestAccept, kInMemory, kMaxManifestBytes);
    if (!inner) co_return inner.error();
    if (inner->status != 200) co_return make_error(fmt::format("GET manifest {}@{}: {}", repo, chosen_digest, status_error(*inner)));
    if (inner->digest != chosen_digest) {
      co_return make_error(fmt::format("manifest {}@{}: content has digest {}", repo, chosen_digest, inner->digest));
    }
    manifest = parse_manifest(inner->body, inner->header("content-type"));
    if (!manifest) co_return make_error(fmt::format("manifest {}@{}: {}", repo, chosen_digest, manifest.error().message));
    if (manifest->is_index) co_return make_error(fmt::format("manifest {}@{}: an index inside an index", repo, chosen_digest));
  }

  const std::string config_digest = manifest->config.digest;
  std::string config_path = repo + "/blobs/" + config_digest;
  auto config_res = co_await session.get(config_path, kAnyType, kInMemory, kMaxConfigBytes);
  if (!config_res) co_return config_res.error();
  if (config_res->status != 200) co_return make_error(fmt::format("GET config {}: {}", config_digest, status_error(*config_res)));
  if (config_res->digest != config_digest) {
    co_return make_error(fmt::format("config blob {}: content has digest {}", config_digest, config_res->digest));
  }
  auto config = parse_image_config(config_res->body);
  if (!config) co_return make_error(fmt::format("config {}: {}", config_digest, config.error().message));
  if (config->diff_ids.size() != manifest->layers.size()) {
    co_return make_error(fmt::format("image {}: the manifest has {} layers, the config {} diff_ids", config_digest,
                                     manifest->layers.size(), config->diff_ids.size()));
  }

  ImageRecord record;
  record.id = config_digest;
  record.diff_ids = config->diff_ids;
  record.config = config->config;
  static std::atomic<unsigned> counter{0};
  for (std::size_t i = 0; i < manifest->layers.size(); ++i) {
    const Descriptor& layer = manifest->layers[i];
    const std::string diff_id = config->diff_ids[i];
    record.size += layer.size;
    std::error_code ec;
    if (fs::is_directory(layer_dir(store_.layers_dir(), diff_id), ec)) continue;
    fs::path blob = store_.tmp_dir() / fmt::format("blob-{}-{}-{}", digest_hex(layer.digest).substr(0, 16), ::getpid(), counter++);
    std::string blob_path = repo + "/blobs/" + layer.digest;
    log::info("images", "pulling {} layer {} ({} bytes) from {}", ref.str(), layer.digest, layer.size, ep.url());
    auto got = co_await session.get(blob_path, kAnyType, blob, 0);
    if (!got) {
      fs::remove(blob, ec);
      co_return got.error();
    }
    if (got->status != 200) {
      fs::remove(blob, ec);
      co_return make_error(fmt::format("GET layer {}: {}", layer.digest, status_error(*got)));
    }
    if (got->digest != layer.digest) {
      fs::remove(blob, ec);
      co_return make_error(fmt::format("layer blob {}: content has digest {}", layer.digest, got->digest));
    }
    const fs::path layers = store_.layers_dir();
    // Named jobs, not temporaries in the co_await expression: g++ 12 destroys those twice.
    auto unpack = [layers, blob, diff_id] { return ensure_layer(layers, blob, diff_id); };
    auto dir = co_await run_blocking(pool_, unpack);
    fs::remove(blob, ec);
    if (!dir) co_return make_error(dir.error().message);
  }
  if (ref.digest.empty()) record.repo_tags.push_back(ref.str());
  record.repo_digests.push_back(ref.name() + "@" + top_digest);
  const ContentStore* store = &store_;
  auto save = [store, record]() -> Expected<ImageRecord> {
    if (auto st = store->save(record); !st) return st.error();
    return record;
  };
  auto saved = co_await run_blocking(pool_, save);
  co_return saved;
}

}  // namespace kscratch::images
