#pragma once
// Requests to the apiserver for kubectl's verbs, one at a time and synchronous (a CLI
// does one thing after another), over the project's HTTPS transport and its keep-alive
// connection. The io_context lives in rest.cc so verbs need no Asio headers.

#include "kscratch/client/transport.h"

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kscratch::pki {
struct Kubeconfig;
}

namespace kscratch::kubectl {

namespace json = boost::json;

inline constexpr const char* kAcceptJson = "application/json";
// What kubectl asks for when it prints a table.
inline constexpr const char* kAcceptTable =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

class Rest {
 public:
  // verbosity is -v: at 6 and above each request is logged to standard error.
  Rest(const pki::Kubeconfig& config, int verbosity);
  ~Rest();
  Rest(const Rest&) = delete;
  Rest& operator=(const Rest&) = delete;

  client::HttpResponse send(const client::HttpRequest& request);
  client::HttpResponse get(const std::string& target, const std::string& accept = kAcceptJson);

  // Streamed responses (watches, followed logs): every request at once, each body given to
  // on_bytes(index, bytes) as it arrives, until every stream has ended or on_bytes returned
  // false. Each answer: its status (2xx with an empty body once its stream ended) or the
  // failed response, for error_message().
  std::vector<client::HttpResponse> stream(const std::vector<client::HttpRequest>& requests,
                                           const std::function<bool(size_t, std::string_view)>& on_bytes);

  const std::string& server() const { return server_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string server_;
  int verbosity_;
};

bool is_success(const client::HttpResponse& response);

// The message kubectl prints for a failed response, e.g.
// `Error from server (NotFound): pods "x" not found`, or for a transport failure
// `The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?`.
std::string error_message(const client::HttpResponse& response, const std::string& server);

// The bare message of a failed response (the Status message, without kubectl's prefix).
std::string status_message(const client::HttpResponse& response, const std::string& server);

// path?k=v&k2=v2 with values query-escaped; empty values are left out.
std::string with_query(std::string path, const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace kscratch::kubectl
