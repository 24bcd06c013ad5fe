#pragma once
// The store's SQL, as synchronous functions over one connection. The writer thread and
// the reader threads call these; nothing here knows about threads or the io_context.

#include "kscratch/store/store.h"
#include "sqlite.h"

#include <optional>
#include <string>
#include <vector>

namespace kscratch::store::queries {

// The smallest key greater than every key with this prefix (etcd's prefix end);
// nullopt when no such key exists (empty prefix, or all 0xff bytes).
std::optional<std::string> prefix_end(std::string_view prefix);

struct Snapshot {
  Revision revision = 0;
  Revision compacted = 0;
};
Snapshot read_snapshot(sqlite::Connection& c);

// --- Writes: called inside the writer's open transaction. ---

struct WriteRequest {
  enum class Kind { create, update, remove };
  Kind kind = Kind::create;
  std::string key;
  std::string value;
  Revision expected = 0;
};

// Checks the request against the current state and, when it holds, writes it with
// revision `revision + 1`, advancing `revision` and appending the change to events.
Result<WriteResult> apply_write(sqlite::Connection& c, WriteRequest& request, Revision& revision,
                                std::vector<EventPtr>& events);
void save_revision(sqlite::Connection& c, Revision revision);

// --- Compaction: also on the writer, in small transactions between write batches. ---

void save_compacted(sqlite::Connection& c, Revision compacted);
struct CompactStep {
  Revision cursor = 0;  // rows up to here have been examined
  bool done = false;
  std::int64_t deleted = 0;
};
// Deletes the rows that no read at or after target can see, for the changes in
// (cursor, target]: the rows those changes superseded, and tombstones.
CompactStep compact_step(sqlite::Connection& c, Revision cursor, Revision target, int limit);

// --- Reads: each call is one read transaction, so it sees one consistent revision. ---

Result<KeyValue> get(sqlite::Connection& c, const std::string& key, Revision at);
Result<ListResult> list(sqlite::Connection& c, const std::string& prefix, const ListOptions& options);

struct History {
  std::vector<EventPtr> events;
  Revision covered = 0;  // every change up to here was considered
};
// The changes to keys with this prefix in (after, until], at most limit of them.
Result<History> read_history(sqlite::Connection& c, const std::string& prefix, Revision after, Revision until,
                             int limit);

}  // namespace kscratch::store::queries
