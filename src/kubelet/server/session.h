#pragma once
// Internal: what the kubelet server's request handlers share. Beast and Asio's SSL are
// included here, so only the server's own translation units include this header.

#include "server.h"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::kubelet::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using HttpRequest = bhttp::request<bhttp::string_body>;

inline constexpr std::string_view kLog = "kubelet-server";

// A request path split: /containerLogs/{ns}/{pod}/{container}, /exec/{ns}/{pod}/{container}.
struct Target {
  std::string ns, pod, container;
  std::multimap<std::string, std::string> query;
  std::string param(const std::string& name) const;
  std::vector<std::string> params(const std::string& name) const;
};

// A plain-text response, as upstream's kubelet writes its errors.
asio::awaitable<bool> send_text(TlsStream& stream, const HttpRequest& request, bhttp::status status,
                                const std::string& text);

// GET /containerLogs/...: writes the whole response; false when the connection cannot be
// reused afterwards.
asio::awaitable<bool> serve_logs(TlsStream& stream, const HttpRequest& request, const Target& target,
                                 const ContainerDirectory& directory, containers::Runtime& runtime);

// /exec/...: upgrades to a WebSocket and runs the command until it exits. The stream is
// consumed (the connection ends with the session).
asio::awaitable<void> serve_exec(TlsStream& stream, HttpRequest request, const Target& target,
                                 const ContainerDirectory& directory, containers::Runtime& runtime);

}  // namespace kscratch::kubelet::server
