#pragma once
// Copies the WAL back into the database on a thread of its own.
//
// SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000
// pages: that commit writes the pages into the database and fsyncs it, 10-16 ms on this
// disk, once every ~15 commits under load, and every write queued behind it waits too.
// It was the largest part of the API's create p99. Here the writer's connection does no
// checkpoints; this thread, on a connection of its own, copies the WAL a step at a time
// (PASSIVE checkpoints do not block the writer or readers) as the writer reports growth.
//
// A WAL only starts over from its beginning when a write transaction begins while every
// frame has been copied, which a busy writer never sees by chance. So once the WAL is
// longer than `restart_frames`, the writer waits before its next batch until this thread
// has caught up (a few milliseconds: only the frames since the last step are left), and
// the WAL stays bounded under any load.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace kscratch::store {

namespace sqlite {
class Connection;
}

class Checkpointer {
 public:
  struct Options {
    int step_frames = 256;      // copy once this many frames have been added
    // Past this many frames (SQLite's own checkpoint threshold, ~4 MiB of 4 KiB pages) the
    // WAL is made to start over.
    int restart_frames = 1000;
    std::chrono::milliseconds max_wait{100};
  };

  // Opens its own connection to the database at `path` and starts its thread; then
  // takes over checkpointing from `writer` (whose automatic checkpoints stop).
  Checkpointer(const std::string& path, sqlite3* writer, Options options);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Writer thread, before a write transaction: when the WAL is long, waits (bounded) until
  // it has been copied entirely, so that the transaction starts it over.
  void before_write();
  void close();

  // Steps run so far (for tests and statistics).
  std::uint64_t steps() const;

 private:
  static int on_commit(void* self, sqlite3*, const char*, int frames);
  void run();

  Options options_;
  sqlite3* writer_;
  std::unique_ptr<sqlite::Connection> db_;

  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable copied_all_;
  int frames_ = 0;               // frames in the WAL after the last commit
  int copied_ = 0;               // of those, copied into the database by the last step
  int wait_again_at_ = 0;        // after a wait timed out, the next one waits for more growth
  std::uint64_t started_ = 0;    // steps started
  std::uint64_t caught_up_ = 0;  // the last step that found every frame copied
  std::uint64_t wait_from_ = 0;  // the writer waits for a step after this one
  bool writer_waiting_ = false;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace kscratch::store
