#pragma once
// An in-memory ObjectSource for the spec builder's tests, and a helper that runs one
// coroutine to completion.

#include "kubelet/spec/spec.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/parse.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace kscratch::kubelet::spec::test {

class FakeSource : public ObjectSource {
 public:
  std::map<std::pair<std::string, std::string>, json::object> config_maps, secrets;
  std::map<std::string, std::vector<json::object>> services_by_ns;
  int config_map_calls = 0;

  boost::asio::awaitable<client::Result<json::object>> config_map(const std::string& ns,
                                                                  const std::string& name) override {
    ++config_map_calls;
    auto it = config_maps.find({ns, name});
    if (it == config_maps.end()) co_return not_found("configmaps", name);
    co_return it->second;
  }
  boost::asio::awaitable<client::Result<json::object>> secret(const std::string& ns, const std::string& name) override {
    auto it = secrets.find({ns, name});
    if (it == secrets.end()) co_return not_found("secrets", name);
    co_return it->second;
  }
  boost::asio::awaitable<client::Result<std::vector<json::object>>> services(const std::string& ns) override {
    auto it = services_by_ns.find(ns);
    if (it == services_by_ns.end()) co_return std::vector<json::object>{};
    co_return it->second;
  }

  void add_config_map(const std::string& ns, const std::string& name, const std::string& data_json) {
    config_maps[{ns, name}] = json::parse(R"({"metadata":{"name":")" + name + R"("},"data":)" + data_json + "}").as_object();
  }
  void add_secret(const std::string& ns, const std::string& name, const std::string& data_json) {
    secrets[{ns, name}] = json::parse(R"({"metadata":{"name":")" + name + R"("},"data":)" + data_json + "}").as_object();
  }

 private:
  static client::ApiError not_found(const std::string& resource, const std::string& name) {
    return client::ApiError{404, "NotFound", resource + " \"" + name + "\" not found"};
  }
};

// Expected has no default constructor, which use_future needs: the result goes through
// an optional instead.
template <class T>
T run(boost::asio::awaitable<T> task) {
  boost::asio::io_context io;
  std::optional<T> result;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { result.emplace(co_await std::move(task)); },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  return std::move(*result);
}

inline json::object parse_object(const std::string& text) { return json::parse(text).as_object(); }

// A fresh directory removed when the test ends.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("kscratch-spec-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace kscratch::kubelet::spec::test
