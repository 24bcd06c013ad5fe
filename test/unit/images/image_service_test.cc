#include "kscratch/images/images.h"

#include "oci_layout.h"
#include "test_tar.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <functional>

using namespace kscratch::images;
using namespace kscratch::images::test;
namespace asio = boost::asio;

namespace {

// Runs the import directory watch through phases: each runs its action (while the
// watch runs), then waits until every reference it wants is found (at most 30 s). Then
// the watch is cancelled.
struct Phase {
  std::function<void()> action;
  std::vector<std::string> wanted;
};

void watch_through(const ImageServiceOptions& options, const std::vector<Phase>& phases) {
  asio::io_context io;
  auto service = open_image_service(io.get_executor(), options);
  REQUIRE(service.ok());
  asio::cancellation_signal stop;
  asio::co_spawn(io, (*service)->watch_import_dir(), asio::bind_cancellation_slot(stop.slot(), asio::detached));
  bool found = true;
  auto driver = [&]() -> asio::awaitable<void> {
    asio::steady_timer timer(io);
    for (auto& phase : phases) {
      if (phase.action) phase.action();
      found = false;
      for (int i = 0; i < 300 && !found; ++i) {
        found = std::all_of(phase.wanted.begin(), phase.wanted.end(),
                            [&](auto& w) { return (*service)->find(w).has_value(); });
        timer.expires_after(std::chrono::milliseconds(100));
        co_await timer.async_wait(asio::use_awaitable);
      }
      if (!found) break;
    }
    stop.emit(asio::cancellation_type::terminal);
  };
  asio::co_spawn(io, driver(), asio::detached);
  io.run();
  REQUIRE(found);
}

}  // namespace

TEST_CASE("the import directory: archives there at start, new ones, and none twice after a restart") {
  TempDir tmp;
  ImageServiceOptions options;
  options.root = tmp.path / "store";
  options.import_dir = tmp.path / "images";
  fs::create_directories(options.import_dir);
  auto a = make_oci_layout(tmp.path, "example.test/a:1", "a\n");
  write_tar(options.import_dir / "a.tar", a.files, false);
  // Not an archive name: left alone.
  write_tar(options.import_dir / "notes.txt", make_oci_layout(tmp.path, "example.test/txt:1", "t\n").files, false);

  // a.tar is there at start; b.tar.gz (compressed) appears while the watch runs.
  auto b = make_oci_layout(tmp.path, "example.test/b:1", "b\n");
  watch_through(options, {{nullptr, {"example.test/a:1"}},
                          {[&] { write_tar(options.import_dir / "b.tar.gz", b.files, true); },
                           {"example.test/a:1", "example.test/b:1"}}});
  {
    asio::io_context io;
    auto service = open_image_service(io.get_executor(), options);
    REQUIRE(service.ok());
    CHECK_FALSE((*service)->find("example.test/txt:1"));
    CHECK((*service)->list().size() == 2);
  }
  auto remembered = slurp(options.root / "imported.json");
  CHECK(remembered.find("a.tar") != std::string::npos);
  CHECK(remembered.find("b.tar.gz") != std::string::npos);
  CHECK(remembered.find("notes.txt") == std::string::npos);

  // After a restart, a.tar and b.tar.gz are remembered: with their records gone they
  // stay gone, while a new archive is imported.
  fs::remove_all(options.root / "images");
  auto c = make_oci_layout(tmp.path, "example.test/c:1", "c\n");
  write_tar(options.import_dir / "c.tar", c.files, false);
  watch_through(options, {{nullptr, {"example.test/c:1"}}});
  asio::io_context io;
  auto service = open_image_service(io.get_executor(), options);
  CHECK_FALSE((*service)->find("example.test/a:1"));
  CHECK_FALSE((*service)->find("example.test/b:1"));
  CHECK((*service)->list().size() == 1);
}

TEST_CASE("a bad reference or an unreachable registry fails the pull with a message") {
  TempDir tmp;
  ImageServiceOptions options;
  options.root = tmp.path / "store";
  asio::io_context io;
  auto service = open_image_service(io.get_executor(), options);
  REQUIRE(service.ok());
  std::vector<std::string> errors;
  auto run = [&]() -> asio::awaitable<void> {
    const std::string bad = "Bad/Ref";
    auto r1 = co_await (*service)->pull(bad);
    errors.push_back(r1.ok() ? "" : r1.error().message);
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const std::string unreachable = "127.0.0.1:1/x:1";
    auto r2 = co_await (*service)->pull(unreachable);
    errors.push_back(r2.ok() ? "" : r2.error().message);
  };
  asio::co_spawn(io, run(), asio::detached);
  io.run();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("invalid image reference \"Bad/Ref\"") != std::string::npos);
  CHECK(errors[1].find("pull 127.0.0.1:1/x:1: http://127.0.0.1:1: GET http://127.0.0.1:1/v2/x/manifests/1: connect") != std::string::npos);
}

TEST_CASE("a malformed registries.yaml stops the service from opening") {
  TempDir tmp;
  {
    std::ofstream(tmp.path / "registries.yaml") << "mirrors: [\n";
  }
  ImageServiceOptions options;
  options.root = tmp.path / "store";
  options.registries_file = tmp.path / "registries.yaml";
  asio::io_context io;
  auto service = open_image_service(io.get_executor(), options);
  REQUIRE_FALSE(service.ok());
  CHECK(service.error().message.find("registries.yaml") != std::string::npos);
}
