#pragma once
// The apiserver's view of HTTP, free of Beast: a parsed request, a response, and a
// responder that either sends one response or streams chunks (watches, logs). Only
// server.cc includes Beast and OpenSSL, so the REST code compiles quickly. It is public
// because the in-process API client (kscratch/client) calls a Handler directly.

#include <boost/asio/awaitable.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::json {
class object;
class value;
}

namespace kscratch::apiserver::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path, without the query
  std::multimap<std::string, std::string> query;  // decoded
  std::map<std::string, std::string> headers;    // names in lower case
  std::string body;
  // Who sent it (set by authentication before the handler runs).
  std::string user;
  std::vector<std::string> groups;

  std::string header(std::string_view name) const;
  // The first value of a query parameter, or "" (and has_param tells them apart).
  std::string param(std::string_view name) const;
  bool has_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set instead of body: the body as JSON not yet serialized, so that a transport can
  // serialize it where it costs least (the HTTPS server on its I/O thread, off the loop).
  // Shared and never changed.
  std::shared_ptr<const boost::json::value> json;

  // The body as bytes: body, or json serialized.
  std::string text() const;
};

// A watch event as the object itself, for a transport in the same process (below).
struct ObjectEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  std::shared_ptr<const boost::json::object> object;
};

class Responder {
 public:
  virtual ~Responder() = default;
  // NOTE: by reference, and callers pass named objects: g++ 12.2 double-frees aggregates
  // passed by value (or as braced temporaries) into coroutines.
  virtual boost::asio::awaitable<void> send(const Response& response) = 0;
  // Starts a chunked response; then write() each chunk (false once the client is gone)
  // and finish().
  virtual boost::asio::awaitable<bool> start_stream(int status, std::string content_type) = 0;
  virtual boost::asio::awaitable<bool> write(std::string chunk) = 0;
  virtual boost::asio::awaitable<void> finish() = 0;
  // Completes when the client goes away during a stream (a watch whose client is gone
  // ends at once instead of at its timeout). Only meaningful after start_stream().
  virtual boost::asio::awaitable<void> closed() = 0;

  // Connection upgrades (pods/exec, proxied to a kubelet): the handler writes the raw
  // response head (a 101) and then bytes both ways with write_raw() and read_raw() until
  // either side ends; the connection is not reused. read_raw() gives what the client
  // sends, empty once it has gone. Transports without a connection of their own (the
  // in-process client) cannot upgrade: write_raw() is false there.
  virtual bool can_upgrade() const { return false; }
  virtual boost::asio::awaitable<bool> write_raw(std::string bytes) {
    (void)bytes;
    co_return false;
  }
  virtual boost::asio::awaitable<std::string> read_raw() { co_return std::string(); }

  // Watches to a reader in the same process (the in-process client's informers) take
  // each event as the decoded object, shared with every such watcher, instead of JSON
  // lines that each reader would parse again. After start_stream(), instead of write().
  virtual bool takes_objects() const { return false; }
  virtual boost::asio::awaitable<bool> write_objects(std::vector<ObjectEvent> events) {
    (void)events;
    co_return false;
  }
};

class Handler {
 public:
  virtual ~Handler() = default;
  virtual boost::asio::awaitable<void> handle(Request& request, Responder& responder) = 0;
};

// One line of a JSON watch stream: {"type":TYPE,"object":OBJECT_JSON} and a newline.
std::string watch_event_line(std::string_view type, std::string_view object_json);

// Splits "a=b&c=%20d" into decoded pairs; '+' is a space as in forms.
std::multimap<std::string, std::string> parse_query(std::string_view query);
std::string percent_decode(std::string_view s);

}  // namespace kscratch::apiserver::http
