#include "checkpointer.h"

#include "kscratch/util/log.h"
#include "sqlite.h"

#include <sqlite3.h>

namespace kscratch::store {

namespace {
constexpr std::string_view kLog = "store";
// When a step cannot copy everything (a reader still uses the newest frames), the next
// one waits this long for the reader to finish instead of spinning.
constexpr auto kRetryPause = std::chrono::milliseconds(1);
}  // namespace

Checkpointer::Checkpointer(const std::string& path, sqlite3* writer, Options options)
    : options_(options), writer_(writer), db_(std::make_unique<sqlite::Connection>(path, SQLITE_OPEN_READWRITE)) {
  // Durability as the writer's: the WAL is synced before it is copied, the database after.
  db_->exec("PRAGMA synchronous = FULL");
  thread_ = std::thread([this] { run(); });
  // Replaces SQLite's automatic checkpoint (itself a commit hook) on the writer.
  sqlite3_wal_hook(writer, &Checkpointer::on_commit, this);
}

Checkpointer::~Checkpointer() { close(); }

int Checkpointer::on_commit(void* self, sqlite3*, const char*, int frames) {
  auto& c = *static_cast<Checkpointer*>(self);
  std::lock_guard lock(c.mutex_);
  if (frames < c.frames_) {
    // The WAL started over.
    c.copied_ = 0;
    c.wait_again_at_ = 0;
  }
  c.frames_ = frames;
  if (c.frames_ - c.copied_ >= c.options_.step_frames) c.work_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::before_write() {
  std::unique_lock lock(mutex_);
  if (frames_ < options_.restart_frames || frames_ < wait_again_at_ || closing_) return;
  // Only a step that starts now counts: the writer is held here, so it sees the WAL whole.
  wait_from_ = started_;
  writer_waiting_ = true;
  work_.notify_one();
  bool done = copied_all_.wait_for(lock, options_.max_wait, [&] { return closing_ || caught_up_ > wait_from_; });
  writer_waiting_ = false;
  if (!done) {
    log::debug(kLog, "WAL of {} frames not copied within {} ms; carrying on", frames_, options_.max_wait.count());
    wait_again_at_ = frames_ + options_.restart_frames;
  }
}

void Checkpointer::run() {
  bool pause = false;
  for (;;) {
    std::uint64_t step = 0;
    {
      std::unique_lock lock(mutex_);
      auto ready = [&] {
        return closing_ || frames_ - copied_ >= options_.step_frames || (writer_waiting_ && caught_up_ <= wait_from_);
      };
      if (pause) work_.wait_for(lock, kRetryPause, [&] { return closing_; });
      work_.wait(lock, ready);
      if (closing_) return;
      step = ++started_;
    }
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    std::lock_guard lock(mutex_);
    pause = rc != SQLITE_OK || copied < log;
    if (rc != SQLITE_OK) {
      log::warn(kLog, "WAL checkpoint failed: {}", sqlite3_errstr(rc));
      continue;
    }
    copied_ = copied;
    if (copied == log) {
      caught_up_ = step;
      copied_all_.notify_all();
    }
  }
}

void Checkpointer::close() {
  // Called on the writer's thread (or after it ended): the writer commits no more.
  if (writer_) sqlite3_wal_hook(writer_, nullptr, nullptr);
  writer_ = nullptr;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    work_.notify_all();
    copied_all_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

std::uint64_t Checkpointer::steps() const {
  std::lock_guard lock(mutex_);
  return started_;
}

}  // namespace kscratch::store
