// One io_context per command, run until each request completes.

#include "rest.h"

#include "kscratch/pki/pki.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cctype>
#include <exception>

namespace kscratch::kubectl {

namespace asio = boost::asio;

struct Rest::Impl {
  asio::io_context io;
  std::shared_ptr<client::Transport> transport;
};

Rest::Rest(const pki::Kubeconfig& config, int verbosity)
    : impl_(std::make_unique<Impl>()), server_(config.server), verbosity_(verbosity) {
  impl_->transport = client::make_https_transport(impl_->io.get_executor(), config);
}

Rest::~Rest() = default;

client::HttpResponse Rest::send(const client::HttpRequest& request) {
  auto started = std::chrono::steady_clock::now();
  client::HttpResponse response;
  std::exception_ptr failure;
  auto transport = impl_->transport;
  asio::co_spawn(
      impl_->io,
      [transport, &request]() -> asio::awaitable<client::HttpResponse> {
        co_return co_await transport->round_trip(request);
      },
      [&](std::exception_ptr e, client::HttpResponse r) {
        failure = e;
        response = std::move(r);
      });
  impl_->io.restart();
  impl_->io.run();
  if (failure) std::rethrow_exception(failure);
  if (verbosity_ >= 6) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    fmt::print(stderr, "I kscratch kubectl] {} {}{} {} in {} milliseconds\n", request.method, server_, request.target,
               response.status, ms.count());
  }
  if (verbosity_ >= 8 && !response.body.empty()) fmt::print(stderr, "I kscratch kubectl] Response Body: {}\n", response.body);
  return response;
}

client::HttpResponse Rest::get(const std::string& target, const std::string& accept) {
  client::HttpRequest request{"GET", target, {}, {}, accept};
  return send(request);
}

std::vector<client::HttpResponse> Rest::stream(const std::vector<client::HttpRequest>& requests,
                                             const std::function<bool(size_t, std::string_view)>& on_bytes) {
  std::vector<client::HttpResponse> results(requests.size());
  std::exception_ptr failure;
  bool stopped = false;
  auto transport = impl_->transport;
  auto& io = impl_->io;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (verbosity_ >= 6)
      fmt::print(stderr, "I kscratch kubectl] {} {}{} (streaming)\n", requests[i].method, server_, requests[i].target);
    asio::co_spawn(
        io,
        [transport, &requests, i, &results, &on_bytes, &stopped, &io]() -> asio::awaitable<void> {
          auto response = co_await transport->open_stream(requests[i]);
          results[i].status = response.status;
          if (response.status < 200 || response.status >= 300 || !response.stream) {
            results[i].body = std::move(response.body);
            co_return;
          }
          while (!stopped) {
            auto chunk = co_await response.stream->read();
            if (!chunk) break;
            if (stopped) break;
            if (!on_bytes(i, *chunk)) {
              stopped = true;
              io.stop();
              break;
            }
          }
          response.stream->close();
        },
        [&](std::exception_ptr e) {
          if (e && !failure) failure = e;
        });
  }
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return results;
}

bool is_success(const client::HttpResponse& response) { return response.status >= 200 && response.status < 300; }

namespace {

// client-go's reason for a status code whose body is not a Status.
std::pair<std::string, std::string> generic_error(int code) {
  switch (code) {
    case 400: return {"BadRequest", "the server rejected our request for an unknown reason"};
    case 401: return {"Unauthorized", "the server has asked for the client to provide credentials"};
    case 403: return {"Forbidden", "the server does not allow access to the requested resource"};
    case 404: return {"NotFound", "the server could not find the requested resource"};
    case 405: return {"MethodNotAllowed", "the server does not allow this method on the requested resource"};
    case 409: return {"Conflict", "the server reported a conflict"};
    case 415: return {"UnsupportedMediaType", "the server responded with the status code 415 but did not return more information"};
    case 422: return {"Invalid", "the server rejected our request due to an error in our request"};
    case 429: return {"TooManyRequests", "the server has received too many requests and has asked us to try again later"};
    case 500: return {"InternalError", "an error on the server has prevented the request from succeeding"};
    case 503: return {"ServiceUnavailable", "the server is currently unable to handle the request"};
    case 504: return {"Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"};
    default: return {"", fmt::format("an error on the server (\"{}\") has prevented the request from succeeding", code)};
  }
}

std::string host_of(const std::string& server) {
  std::string rest = server;
  if (auto scheme = rest.find("://"); scheme != std::string::npos) rest = rest.substr(scheme + 3);
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  return rest;
}

std::string string_in(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// kubectl's rendering of a 422 with causes: `The Deployment "x" is invalid: field: message`.
std::string invalid_message(const json::object& status) {
  auto* details = status.if_contains("details");
  if (!details || !details->is_object()) return "The request is invalid";
  auto& d = details->get_object();
  std::string s = "The request is invalid";
  std::string kind = string_in(d, "kind"), name = string_in(d, "name");
  if (!kind.empty() || !name.empty()) s = fmt::format("The {} \"{}\" is invalid", kind, name);
  auto* causes = d.if_contains("causes");
  if (!causes || !causes->is_array() || causes->get_array().empty()) {
    std::string message = string_in(status, "message");
    return message.empty() ? s : message;
  }
  std::vector<std::string> lines;
  for (auto& c : causes->get_array()) {
    if (!c.is_object()) continue;
    lines.push_back(fmt::format("{}: {}", string_in(c.get_object(), "field"), string_in(c.get_object(), "message")));
  }
  if (lines.size() == 1) return s + ": " + lines[0];
  std::string out = s + ": \n";
  for (auto& l : lines) out += "* " + l + "\n";
  out.pop_back();
  return out;
}

}  // namespace

std::string error_message(const client::HttpResponse& response, const std::string& server) {
  if (response.status == 0) {
    if (response.body.find("refused") != std::string::npos)
      return fmt::format("The connection to the server {} was refused - did you specify the right host or port?",
                         host_of(server));
    // A server certificate that no trusted CA signed, in Go's words (crypto/tls, x509).
    if (response.body.find("certificate verify failed") != std::string::npos)
      return "Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown "
             "authority";
    auto colon = response.body.find("failed: ");
    return "Unable to connect to the server: " +
           (colon == std::string::npos ? response.body : response.body.substr(colon + 8));
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(response.body, ec);
  if (!ec && v.is_object() && string_in(v.get_object(), "kind") == "Status") {
    auto& status = v.get_object();
    std::string reason = string_in(status, "reason"), message = string_in(status, "message");
    if (reason == "Invalid") return invalid_message(status);
    if (reason == "Unauthorized") return fmt::format("error: You must be logged in to the server ({})", message);
    if (reason.empty()) return "Error from server: " + message;
    return fmt::format("Error from server ({}): {}", reason, message);
  }
  auto [reason, message] = generic_error(response.status);
  if (reason.empty()) return "Error from server: " + message;
  return fmt::format("Error from server ({}): {}", reason, message);
}

std::string status_message(const client::HttpResponse& response, const std::string& server) {
  boost::system::error_code ec;
  auto v = boost::json::parse(response.body, ec);
  if (response.status != 0 && !ec && v.is_object() && string_in(v.get_object(), "kind") == "Status")
    return string_in(v.get_object(), "message");
  std::string full = error_message(response, server);
  auto close = full.find("): ");
  return full.starts_with("Error from server (") && close != std::string::npos ? full.substr(close + 3) : full;
}

std::string with_query(std::string path, const std::vector<std::pair<std::string, std::string>>& params) {
  char sep = path.find('?') == std::string::npos ? '?' : '&';
  for (auto& [k, v] : params) {
    if (v.empty()) continue;
    path += sep;
    path += k;
    path += '=';
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        path += static_cast<char>(c);
      } else {
        path += fmt::format("%{:02X}", c);
      }
    }
    sep = '&';
  }
  return path;
}

}  // namespace kscratch::kubectl
