// The in-process transport: requests go straight into the apiserver's REST handler as
// http::Request values, with the caller's identity already established. Watches run
// the handler as a separate coroutine whose chunks are queued for the reader.

#include "kscratch/apiserver/http.h"
#include "kscratch/client/transport.h"
#include "kscratch/runtime/together.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>

#include <deque>

namespace kscratch::client {

namespace asio = boost::asio;
namespace http = apiserver::http;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// A wake-up for coroutines on one thread: waiters re-check their condition after each
// notify(), so a notify with no waiter is simply not needed.
class Signal {
 public:
  explicit Signal(asio::any_io_executor ex) : timer_(ex, asio::steady_timer::time_point::max()) {}
  asio::awaitable<void> wait() {
    co_await timer_.async_wait(kTuple);
    co_await runtime::throw_if_cancelled();
  }
  void notify() { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
};

http::Request to_request(const HttpRequest& in, const std::string& user, const std::vector<std::string>& groups) {
  http::Request req;
  req.method = in.method;
  std::string_view target = in.target;
  auto q = target.find('?');
  req.path = http::percent_decode(target.substr(0, q));
  if (q != std::string_view::npos) req.query = http::parse_query(target.substr(q + 1));
  if (!in.content_type.empty()) req.headers["content-type"] = in.content_type;
  req.headers["accept"] = in.accept;
  req.headers["user-agent"] = "kscratch/in-process";
  req.body = in.body;
  req.user = user;
  req.groups = groups;
  return req;
}

// Collects one response; a streamed answer (not expected here) is gathered whole.
class CollectingResponder : public http::Responder {
 public:
  HttpResponse response;

  asio::awaitable<void> send(const http::Response& r) override {
    response.status = r.status;
    response.body = r.text();
    co_return;
  }
  asio::awaitable<bool> start_stream(int status, std::string) override {
    response.status = status;
    co_return true;
  }
  asio::awaitable<bool> write(std::string chunk) override {
    response.body += chunk;
    co_return true;
  }
  asio::awaitable<void> finish() override { co_return; }
  asio::awaitable<void> closed() override { co_return; }
};

// Shared by the handler coroutine (writing) and the reader's ByteStream.
struct StreamState {
  explicit StreamState(asio::any_io_executor ex) : changed(ex), reader_gone(ex) {}

  http::Request request;
  bool started = false;   // the status is known
  bool finished = false;  // the handler is done
  bool closed = false;    // the reader went away
  int status = 0;
  std::string error_body;
  std::deque<std::string> chunks;
  std::deque<http::ObjectEvent> objects;  // watches hand these instead of chunks
  Signal changed;      // wakes the reader
  Signal reader_gone;  // wakes the handler's closed()
};

class QueueResponder : public http::Responder {
 public:
  explicit QueueResponder(std::shared_ptr<StreamState> s) : s_(std::move(s)) {}

  asio::awaitable<void> send(const http::Response& r) override {
    s_->status = r.status;
    s_->error_body = r.text();
    s_->started = true;
    s_->changed.notify();
    co_return;
  }
  asio::awaitable<bool> start_stream(int status, std::string) override {
    s_->status = status;
    s_->started = true;
    s_->changed.notify();
    co_return !s_->closed;
  }
  asio::awaitable<bool> write(std::string chunk) override {
    if (s_->closed) co_return false;
    s_->chunks.push_back(std::move(chunk));
    s_->changed.notify();
    co_return true;
  }
  bool takes_objects() const override { return true; }
  asio::awaitable<bool> write_objects(std::vector<http::ObjectEvent> events) override {
    if (s_->closed) co_return false;
    for (auto& e : events) s_->objects.push_back(std::move(e));
    s_->changed.notify();
    co_return true;
  }
  asio::awaitable<void> finish() override { co_return; }
  asio::awaitable<void> closed() override {
    while (!s_->closed) co_await s_->reader_gone.wait();
  }

 private:
  std::shared_ptr<StreamState> s_;
};

class QueueStream : public ByteStream {
 public:
  explicit QueueStream(std::shared_ptr<StreamState> s) : s_(std::move(s)) {}
  ~QueueStream() override { close(); }

  asio::awaitable<std::optional<std::string>> read() override {
    while (s_->chunks.empty() && s_->objects.empty() && !s_->finished && !s_->closed) co_await s_->changed.wait();
    if (!s_->objects.empty()) co_return std::string();  // take_object() has it
    if (s_->chunks.empty()) co_return std::nullopt;
    std::string chunk = std::move(s_->chunks.front());
    s_->chunks.pop_front();
    co_return chunk;
  }

  std::optional<http::ObjectEvent> take_object() override {
    if (s_->objects.empty()) return std::nullopt;
    auto e = std::move(s_->objects.front());
    s_->objects.pop_front();
    return e;
  }

  void close() override {
    if (s_->closed) return;
    s_->closed = true;
    s_->chunks.clear();
    s_->objects.clear();
    s_->reader_gone.notify();
    s_->changed.notify();
  }

 private:
  std::shared_ptr<StreamState> s_;
};

class InProcessTransport : public Transport {
 public:
  InProcessTransport(http::Handler& handler, std::string user, std::vector<std::string> groups)
      : handler_(handler), user_(std::move(user)), groups_(std::move(groups)) {}

  asio::awaitable<HttpResponse> round_trip(const HttpRequest& request) override {
    auto req = to_request(request, user_, groups_);
    CollectingResponder responder;
    co_await handler_.handle(req, responder);
    co_return std::move(responder.response);
  }

  asio::awaitable<StreamResponse> open_stream(const HttpRequest& request) override {
    auto ex = co_await asio::this_coro::executor;
    auto state = std::make_shared<StreamState>(ex);
    state->request = to_request(request, user_, groups_);
    auto& handler = handler_;
    asio::co_spawn(
        ex,
        [state, &handler]() -> asio::awaitable<void> {
          QueueResponder responder(state);
          try {
            co_await handler.handle(state->request, responder);
          } catch (...) {
            // The handler answers errors itself; anything escaping ends the stream.
          }
          state->finished = true;
          state->started = true;
          state->changed.notify();
        },
        asio::detached);
    while (!state->started) co_await state->changed.wait();
    StreamResponse out;
    out.status = state->status;
    if (state->status != 200) {
      out.body = state->error_body;
      state->closed = true;
      state->reader_gone.notify();
    } else {
      out.stream = std::make_unique<QueueStream>(state);
    }
    co_return out;
  }

 private:
  http::Handler& handler_;
  std::string user_;
  std::vector<std::string> groups_;
};

}  // namespace

std::shared_ptr<Transport> make_in_process_transport(http::Handler& handler, std::string user,
                                                     std::vector<std::string> groups) {
  return std::make_shared<InProcessTransport>(handler, std::move(user), std::move(groups));
}

}  // namespace kscratch::client
