#include "http_client.h"

#include "digest.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace kscratch::images {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr int kMaxRedirects = 5;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// Writes a body to a file descriptor (or a string) while hashing it.
struct BodySink {
  int fd = -1;
  std::string* text = nullptr;
  std::uint64_t max = 0;
  std::uint64_t size = 0;
  Sha256 hash;

  Status write(const char* data, std::size_t n) {
    size += n;
    hash.update(data, n);
    if (fd >= 0) {
      while (n > 0) {
        auto w = ::write(fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return make_error(fmt::format("write: {}", std::strerror(errno)));
        data += w;
        n -= static_cast<std::size_t>(w);
      }
    } else if (text) {
      if (size > max) return make_error(fmt::format("response body larger than {} bytes", max));
      text->append(data, n);
    }
    return Ok{};
  }
};

}  // namespace

std::string Url::authority() const {
  bool default_port = (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? h : h + ":" + port;
}

Expected<Url> parse_url(const std::string& text) {
  Url u;
  auto sep = text.find("://");
  if (sep == std::string::npos) return make_error(fmt::format("URL \"{}\" has no scheme", text));
  u.scheme = lower(text.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") return make_error(fmt::format("URL \"{}\": unsupported scheme", text));
  std::string rest = text.substr(sep + 3);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  u.port = u.scheme == "https" ? "443" : "80";
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return make_error(fmt::format("URL \"{}\": bad IPv6 host", text));
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') u.port = authority.substr(close + 2);
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    u.host = authority.substr(0, colon);
    u.port = authority.substr(colon + 1);
  } else {
    u.host = authority;
  }
  if (u.host.empty()) return make_error(fmt::format("URL \"{}\" has no host", text));
  return u;
}

struct HttpClient::Impl {
  asio::any_io_executor io;
  const RegistriesConfig& config;
  std::chrono::seconds timeout{30};
  std::map<std::string, std::unique_ptr<ssl::context>> tls;

  Impl(asio::any_io_executor e, const RegistriesConfig& c) : io(std::move(e)), config(c) {}

  // One TLS context per host, verifying against the system CAs unless registries.yaml
  // says otherwise for that host.
  Expected<ssl::context*> tls_for(const std::string& authority) {
    if (auto it = tls.find(authority); it != tls.end()) return it->second.get();
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    boost::system::error_code ec;
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    const RegistryHostConfig* hc = config_for(config, authority);
    if (hc && hc->tls.insecure_skip_verify) {
      ctx->set_verify_mode(ssl::verify_none);
    } else {
      if (ctx->set_default_verify_paths(ec); ec) return make_error("system CA certificates: " + ec.message());
      if (hc && !hc->tls.ca_file.empty()) {
        if (ctx->load_verify_file(hc->tls.ca_file, ec); ec) {
          return make_error(fmt::format("registries.yaml configs.{}.tls.ca_file {}: {}", authority, hc->tls.ca_file, ec.message()));
        }
      }
      ctx->set_verify_mode(ssl::verify_peer);
    }
    if (hc && !hc->tls.cert_file.empty()) {
      if (ctx->use_certificate_chain_file(hc->tls.cert_file, ec); ec) {
        return make_error(fmt::format("registries.yaml configs.{}.tls.cert_file {}: {}", authority, hc->tls.cert_file, ec.message()));
      }
      if (ctx->use_private_key_file(hc->tls.key_file, ssl::context::pem, ec); ec) {
        return make_error(fmt::format("registries.yaml configs.{}.tls.key_file {}: {}", authority, hc->tls.key_file, ec.message()));
      }
    }
    auto* raw = ctx.get();
    tls[authority] = std::move(ctx);
    return raw;
  }

  template <class Stream>
  asio::awaitable<Expected<HttpResult>> exchange(Stream& stream, beast::tcp_stream& lowest, const Url& url,
                                                 const Headers& headers, const std::filesystem::path& to_file,
                                                 std::uint64_t max_body) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, url.target, 11};
    req.set(bhttp::field::host, url.authority());
    req.set(bhttp::field::user_agent, "kscratch");
    for (auto& [k, v] : headers) req.set(k, v);
    req.keep_alive(false);
    lowest.expires_after(timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
    if (wec) co_return make_error("send: " + wec.message());

    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(boost::none);
    lowest.expires_after(timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    if (hec) co_return make_error("read response: " + hec.message());
    HttpResult out;
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    for (auto& field : res) out.headers[lower(std::string(field.name_string()))] = std::string(field.value());

    BodySink sink;
    sink.max = max_body;
    bool to_disk = !to_file.empty() && out.status == 200;
    if (to_disk) {
      sink.fd = ::open(to_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (sink.fd < 0) co_return make_error(fmt::format("create {}: {}", to_file.string(), std::strerror(errno)));
    } else {
      sink.text = &out.body;
      // Error bodies are read only to be quoted in a message.
      if (out.status != 200 && sink.max > (1 << 20)) sink.max = 1 << 20;
    }
    std::vector<char> chunk(1 << 16);
    std::string failure;
    // A redirect's body is not needed; a 200 HEAD-less GET always has one.
    bool want_body = !(out.status >= 300 && out.status < 400);
    while (want_body && !parser.is_done()) {
      res.body().data = chunk.data();
      res.body().size = chunk.size();
      lowest.expires_after(timeout);
      auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (rec == bhttp::error::need_buffer) rec = {};
      if (rec) {
        failure = "read body: " + rec.message();
        break;
      }
      std::size_t got = chunk.size() - res.body().size;
      if (auto st = sink.write(chunk.data(), got); !st) {
        failure = st.error().message;
        break;
      }
    }
    if (sink.fd >= 0) {
      if (::close(sink.fd) != 0 && failure.empty()) failure = fmt::format("close {}: {}", to_file.string(), std::strerror(errno));
    }
    if (!failure.empty()) co_return make_error(failure);
    out.size = sink.size;
    out.digest = sink.hash.digest();
    co_return out;
  }

  asio::awaitable<Expected<HttpResult>> once(const Url& url, const Headers& headers, const std::filesystem::path& to_file,
                                             std::uint64_t max_body) {
    // Name resolution is bounded by the resolver's own timeouts (resolv.conf); Asio
    // cannot interrupt getaddrinfo. Everything after it has our timeout.
    tcp::resolver resolver(io);
    auto [rec, endpoints] = co_await resolver.async_resolve(url.host, url.port, kTuple);
    if (rec) co_return make_error(fmt::format("resolve {}: {}", url.host, rec.message()));
    if (url.scheme == "http") {
      beast::tcp_stream stream(io);
      stream.expires_after(timeout);
      auto [cec, ep] = co_await stream.async_connect(endpoints, kTuple);
      if (cec) co_return make_error(fmt::format("connect {}: {}", url.authority(), cec.message()));
      co_return co_await exchange(stream, stream, url, headers, to_file, max_body);
    }
    auto ctx = tls_for(url.authority());
    if (!ctx) co_return make_error(ctx.error().message);
    beast::ssl_stream<beast::tcp_stream> stream(io, **ctx);
    if (!is_ip_address(url.host)) SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
    stream.set_verify_callback(ssl::host_name_verification(url.host));
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(timeout);
    auto [cec, ep] = co_await lowest.async_connect(endpoints, kTuple);
    if (cec) co_return make_error(fmt::format("connect {}: {}", url.authority(), cec.message()));
    lowest.expires_after(timeout);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
    if (hec) co_return make_error(fmt::format("TLS handshake with {}: {}", url.authority(), hec.message()));
    co_return co_await exchange(stream, lowest, url, headers, to_file, max_body);
  }
};

HttpClient::HttpClient(asio::any_io_executor executor, const RegistriesConfig& config)
    : impl_(std::make_unique<Impl>(std::move(executor), config)) {}
HttpClient::~HttpClient() = default;

void HttpClient::set_timeout(std::chrono::seconds timeout) { impl_->timeout = timeout; }

asio::awaitable<Expected<HttpResult>> HttpClient::get(const std::string& url_text, const Headers& headers,
                                                      const std::filesystem::path& to_file, std::uint64_t max_body) {
  auto url = parse_url(url_text);
  if (!url) co_return make_error(url.error().message);
  Headers current = headers;
  std::string current_url = url_text;
  for (int redirects = 0;; ++redirects) {
    auto result = co_await impl_->once(*url, current, to_file, max_body);
    if (!result) co_return make_error(fmt::format("GET {}: {}", current_url, result.error().message));
    int s = result->status;
    bool redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    if (!redirect) {
      result->url = current_url;
      co_return result;
    }
    std::string location = result->header("location");
    if (location.empty()) co_return make_error(fmt::format("GET {}: {} without a Location", current_url, s));
    if (redirects >= kMaxRedirects) co_return make_error(fmt::format("GET {}: more than {} redirects", url_text, kMaxRedirects));
    std::string next;
    if (location.find("://") != std::string::npos) {
      next = location;
    } else if (!location.empty() && location.front() == '/') {
      next = url->scheme + "://" + url->authority() + location;
    } else {
      auto base = url->target.substr(0, url->target.rfind('/') + 1);
      next = url->scheme + "://" + url->authority() + base + location;
    }
    auto next_url = parse_url(next);
    if (!next_url) co_return make_error(fmt::format("GET {}: redirect: {}", current_url, next_url.error().message));
    // Credentials for the registry must not travel to the storage host it redirects to.
    if (next_url->authority() != url->authority() || next_url->scheme != url->scheme) {
      std::erase_if(current, [](auto& h) { return lower(h.first) == "authorization"; });
    }
    url = std::move(next_url);
    current_url = next;
  }
}

}  // namespace kscratch::images
