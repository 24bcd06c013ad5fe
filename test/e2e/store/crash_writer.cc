// The child of the crash test: writes to a store as fast as it can from many coroutines
// and reports every acknowledged write on stdout as "<key> <counter> <revision>", one
// line per write, written before the next write of that key starts. The parent kills it
// with SIGKILL at random moments and checks that every reported write survived.

#include "kscratch/store/store.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <string>

namespace asio = boost::asio;
using namespace kscratch;

namespace {
// Values of varying size make torn pages and overflow chains likely at a kill.
std::string value_for(int key, long counter) {
  return fmt::format("{}:{}:", key, counter) + std::string(static_cast<std::size_t>((counter * 977 + key) % 20000), 'v');
}

void report(const std::string& line) {
  // One write(2) per line: the parent reads whole lines, and nothing sits in a buffer
  // that SIGKILL would lose after the write was acknowledged here.
  std::size_t off = 0;
  while (off < line.size()) {
    auto n = ::write(1, line.data() + off, line.size() - off);
    if (n <= 0) std::_Exit(3);
    off += static_cast<std::size_t>(n);
  }
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    fmt::print(stderr, "usage: {} DB-PATH CLIENTS\n", argv[0]);
    return 2;
  }
  asio::io_context io(1);
  store::StoreOptions options;
  options.path = argv[1];
  auto opened = store::open_store(io, options);
  if (!opened) {
    fmt::print(stderr, "crash-writer: {}\n", opened.error().message);
    return 1;
  }
  auto db = *opened;
  int clients = std::stoi(argv[2]);
  report("ready\n");
  for (int c = 0; c < clients; ++c) {
    asio::co_spawn(
        io,
        [db, c]() -> asio::awaitable<void> {
          auto key = fmt::format("/crash/{:03}", c);
          auto current = co_await db->get(key);
          long counter = 0;
          store::Revision rev = 0;
          if (current) {
            counter = std::stol(current->value.substr(current->value.find(':') + 1));
            rev = current->mod_revision;
          }
          for (;;) {
            ++counter;
            auto value = value_for(c, counter);
            store::Result<store::WriteResult> r = store::Errc::closed;
            if (rev == 0) {
              r = co_await db->create(key, value);
            } else {
              r = co_await db->update(key, value, rev);
            }
            if (!r) {
              fmt::print(stderr, "crash-writer: write failed: {}\n", r.error().message());
              std::_Exit(4);
            }
            rev = r->revision;
            report(fmt::format("{} {} {}\n", key, counter, rev));
          }
        },
        asio::detached);
  }
  io.run();
}
