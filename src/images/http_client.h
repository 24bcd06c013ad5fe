#pragma once
// GET over HTTP and HTTPS for registry pulls (Beast): every step has a timeout,
// redirects are followed (a blob's 307 to a CDN on another host drops the
// Authorization header, as Docker does), and a body can stream to a file while it is
// hashed. The only translation unit with Beast and Asio's SSL in this component.

#include "registries.h"

#include "kscratch/util/expected.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kscratch::images {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;                            // empty when streamed to a file
  std::string digest;                          // sha256 of the body as received
  std::uint64_t size = 0;                      // bytes of the body
  std::string url;                             // after redirects

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpClient {
 public:
  // TLS settings per host come from the registries config (which must outlive this).
  HttpClient(boost::asio::any_io_executor executor, const RegistriesConfig& config);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GETs url. With to_file, a 200 body goes to that file (created or truncated), else
  // into HttpResult::body (at most max_body bytes). Network failures are errors; HTTP
  // statuses are returned as they are.
  boost::asio::awaitable<Expected<HttpResult>> get(const std::string& url, const Headers& headers,
                                                   const std::filesystem::path& to_file, std::uint64_t max_body);

  // How long connecting, the handshake, sending, and each read may take (30 s default).
  void set_timeout(std::chrono::seconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "scheme://host[:port]/target".
struct Url {
  std::string scheme, host, port, target;
  std::string authority() const;  // host[:port] as written in URLs and Host headers
};
Expected<Url> parse_url(const std::string& url);

}  // namespace kscratch::images
