// Durability under SIGKILL: a child writes as fast as it can and reports each
// acknowledged write; we kill it at random moments, 25 times, reopening the same store
// each time, and require that every acknowledged write is present with its value (or a
// later one: a write may commit and die before it is acknowledged).

#include "kscratch/store/store.h"
#include "run_coro.h"
#include "store_printers.h"

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <sstream>
#include <thread>

using namespace kscratch;

namespace {

struct Child {
  pid_t pid = -1;
  int out = -1;
};

Child spawn(const std::string& db, int clients) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    auto n = std::to_string(clients);
    ::execl(KSCRATCH_CRASH_WRITER, KSCRATCH_CRASH_WRITER, db.c_str(), n.c_str(), nullptr);
    std::_Exit(127);
  }
  ::close(fds[1]);
  return {pid, fds[0]};
}

// Reads what the child reported until the deadline; whole lines only.
void read_reports(int fd, std::chrono::milliseconds for_how_long, std::string& pending,
                  std::map<std::string, std::pair<long, store::Revision>>& acked, bool& ready) {
  auto deadline = std::chrono::steady_clock::now() + for_how_long;
  char buf[65536];
  while (std::chrono::steady_clock::now() < deadline || !ready) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    timeval tv{0, 10'000};
    if (::select(fd + 1, &set, nullptr, nullptr, &tv) <= 0) continue;
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (line == "ready") {
        ready = true;
        deadline = std::chrono::steady_clock::now() + for_how_long;
        continue;
      }
      std::istringstream in(line);
      std::string key;
      long counter;
      store::Revision rev;
      in >> key >> counter >> rev;
      acked[key] = {counter, rev};
    }
  }
}

}  // namespace

TEST_CASE("every acknowledged write survives SIGKILL at random moments", "[store][crash]") {
  testing::TempDir dir;
  auto db = (dir.path() / "state.db").string();
  std::map<std::string, std::pair<long, store::Revision>> acked;
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay_ms(20, 400);
  std::uint64_t total_acked = 0;

  for (int round = 0; round < 25; ++round) {
    auto child = spawn(db, 32);
    std::string pending;
    bool ready = false;
    std::size_t before = acked.size();
    read_reports(child.out, std::chrono::milliseconds(delay_ms(rng)), pending, acked, ready);
    ::kill(child.pid, SIGKILL);
    // Lines already in the pipe were acknowledged before the kill: read them all.
    read_reports(child.out, std::chrono::milliseconds(0), pending, acked, ready);
    ::close(child.out);
    int status = 0;
    ::waitpid(child.pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
    (void)before;

    boost::asio::io_context io;
    auto opened = store::open_store(io, {.path = db});
    REQUIRE(opened);
    auto s = *opened;
    store::Revision max_acked = 0;
    for (auto& [key, ack] : acked) {
      auto got = testing::run_coro(io, s->get(key));
      REQUIRE(got);
      auto counter = std::stol(got->value.substr(got->value.find(':') + 1));
      INFO("round " << round << " key " << key << " acked " << ack.first << " found " << counter);
      REQUIRE(counter >= ack.first);
      REQUIRE(got->mod_revision >= ack.second);
      if (counter == ack.first) REQUIRE(got->mod_revision == ack.second);
      max_acked = std::max(max_acked, ack.second);
    }
    REQUIRE(s->revision() >= max_acked);
    s->close();
    total_acked = 0;
    for (auto& [key, ack] : acked) total_acked += static_cast<std::uint64_t>(ack.first);
  }
  // The test is only meaningful if the child got real work done.
  CHECK(total_acked > 1000);
}
