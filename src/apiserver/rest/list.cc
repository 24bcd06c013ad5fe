// list and deletecollection: pages read at one revision, filtered by selectors.

#include "api.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>

namespace kscratch::apiserver::rest {

namespace {

constexpr std::string_view kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// base64url without padding, as upstream encodes continue tokens.
std::string b64_encode(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kB64[(n >> s) & 63]);
  }
  if (i + 1 == in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    out.push_back(kB64[(n >> 18) & 63]);
    out.push_back(kB64[(n >> 12) & 63]);
  } else if (i + 2 == in.size()) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out.push_back(kB64[(n >> 18) & 63]);
    out.push_back(kB64[(n >> 12) & 63]);
    out.push_back(kB64[(n >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> b64_decode(std::string_view in) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    auto pos = kB64.find(c == '+' ? '-' : c == '/' ? '_' : c);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

struct ContinueToken {
  store::Revision revision = 0;
  std::string start_after;
};

std::string encode_continue(store::Revision rv, const std::string& last_key) {
  json::object o{{"v", "meta.k8s.io/v1"}, {"rv", rv}, {"start", last_key}};
  return b64_encode(serialize(o));
}

std::optional<ContinueToken> decode_continue(const std::string& token) {
  auto text = b64_decode(token);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  auto& o = v.get_object();
  auto* rv = o.if_contains("rv");
  auto* start = o.if_contains("start");
  if (!rv || !rv->is_int64() || !start || !start->is_string()) return std::nullopt;
  return ContinueToken{rv->get_int64(), std::string(start->get_string())};
}

}  // namespace

asio::awaitable<Outcome> Api::list(const Resource& r, const RequestInfo& info, const http::Request& req) {
  auto selection = parse_selection(r, req);
  if (auto* e = std::get_if<ApiError>(&selection)) co_return *e;
  auto& sel = *std::get<std::shared_ptr<Selection>>(selection);

  std::size_t limit = 0;
  if (auto l = req.param("limit"); !l.empty()) {
    try {
      auto n = std::stoll(l);
      if (n > 0) limit = static_cast<std::size_t>(n);
    } catch (...) {
      co_return bad_request(fmt::format("invalid limit \"{}\"", l));
    }
  }
  store::ListOptions opts;
  auto rv_param = req.param("resourceVersion");
  auto match = req.param("resourceVersionMatch");
  if (auto c = req.param("continue"); !c.empty()) {
    auto token = decode_continue(c);
    if (!token) co_return bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    opts.revision = token->revision;
    opts.start_after = token->start_after;
  } else if (!rv_param.empty() && rv_param != "0" && match == "Exact") {
    try {
      opts.revision = std::stoll(rv_param);
    } catch (...) {
      co_return bad_request(fmt::format("invalid resource version \"{}\"", rv_param));
    }
  }
  // "" and "0" read the latest state (a consistent read from the store is cheap here);
  // NotOlderThan is satisfied by the latest too.

  auto prefix = key_prefix(r, info.namespace_);
  std::vector<json::object> items;
  store::Revision revision = 0;
  bool more = false;
  std::string last_key;
  for (;;) {
    auto page_opts = opts;
    page_opts.limit = limit == 0 ? 0 : std::max<std::size_t>(limit - items.size(), 1);
    auto page = co_await store_->list(prefix, page_opts);
    if (!page) {
      if (page.error() == store::Errc::compacted) {
        co_return gone(req.has_param("continue")
                           ? "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."
                           : fmt::format("too old resource version: {}", opts.revision));
      }
      if (page.error() == store::Errc::future_revision) {
        co_return ApiError{504, "Timeout", fmt::format("Too large resource version: {}, current: {}", opts.revision, store_->revision()), {}};
      }
      co_return internal(page.error().message());
    }
    revision = page->revision;
    opts.revision = revision;
    for (auto& kv : page->items) {
      last_key = kv.key;
      auto o = from_stored(kv.value, kv.mod_revision);
      if (o && matches(sel, *o)) items.push_back(std::move(*o));
      if (limit != 0 && items.size() == limit) break;
    }
    more = page->more || (limit != 0 && items.size() == limit && last_key != page->items.back().key);
    if (!page->more || (limit != 0 && items.size() >= limit)) break;
    opts.start_after = last_key;
  }
  std::string continue_token = more ? encode_continue(revision, last_key) : "";

  if (wants_table(req)) co_return Reply{200, to_table(r, items, std::to_string(revision), continue_token), {}};
  json::array array;
  for (auto& o : items) {
    o.erase("apiVersion");
    o.erase("kind");
    array.push_back(std::move(o));
  }
  json::object meta{{"resourceVersion", std::to_string(revision)}};
  if (!continue_token.empty()) meta["continue"] = continue_token;
  co_return Reply{200,
                  json::object{{"kind", r.list_kind()}, {"apiVersion", r.api_version()}, {"metadata", std::move(meta)},
                               {"items", std::move(array)}},
                  {}};
}

asio::awaitable<Outcome> Api::delete_collection(const Resource& r, const RequestInfo& info, const http::Request& req) {
  auto selection = parse_selection(r, req);
  if (auto* e = std::get_if<ApiError>(&selection)) co_return *e;
  auto& sel = *std::get<std::shared_ptr<Selection>>(selection);

  // Pages of 500 bound the memory a huge collection takes; the deletes of a page run
  // concurrently so that they share group commits instead of one fsync each.
  constexpr std::size_t kPage = 500;
  auto executor = co_await asio::this_coro::executor;
  store::ListOptions opts;
  opts.limit = kPage;
  json::array deleted;
  for (;;) {
    auto page = co_await store_->list(key_prefix(r, info.namespace_), opts);
    if (!page) co_return internal(page.error().message());
    std::vector<RequestInfo> targets;
    for (auto& kv : page->items) {
      auto o = from_stored(kv.value, kv.mod_revision);
      if (!o || !matches(sel, *o)) continue;
      RequestInfo one = info;
      one.name = name_of(*o);
      one.namespace_ = namespace_of(*o);
      targets.push_back(std::move(one));
    }
    std::size_t pending = targets.size();
    asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
    for (auto& target : targets) {
      asio::co_spawn(
          executor,
          [&, &one = target]() -> asio::awaitable<void> {
            auto removed = co_await remove(r, one, req);
            if (auto* reply = std::get_if<Reply>(&removed)) deleted.push_back(std::move(reply->body));
            if (--pending == 0) all_done.cancel();
          },
          asio::detached);
    }
    if (pending > 0) co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!page->more) break;
    opts.start_after = page->items.back().key;
  }
  co_return Reply{200,
                  json::object{{"kind", r.list_kind()}, {"apiVersion", r.api_version()},
                               {"metadata", json::object{{"resourceVersion", std::to_string(store_->revision())}}},
                               {"items", std::move(deleted)}},
                  {}};
}

}  // namespace kscratch::apiserver::rest
