#pragma once
// The on-disk layout, after kine's (one append-only row per revision) with a table of
// the live keys so that listing the present costs the number of live keys, not the
// length of history.
//
//   log(rev PK, key, create_rev, prev_rev, deleted, value)   every write, in order
//   current(key PK, rev)                                      the live row of each key
//   meta(name PK, value)                                      'revision', 'compacted'
//
// The revision counter lives in meta, written in the same transaction as the rows, so a
// crash can never hand out a revision twice (max(rev) alone could, once compaction has
// removed the newest tombstones).

#include "sqlite.h"

namespace kscratch::store::schema {

// 'kscr': marks a database as kscratch's, so a foreign SQLite file is refused.
inline constexpr std::int64_t kApplicationId = 0x6b736372;
inline constexpr std::int64_t kVersion = 1;

// Creates the schema in an empty database, or verifies an existing one. Throws
// sqlite::Failure with a message naming the problem (not a database, foreign, newer
// version, corrupted).
void open_writer(sqlite::Connection& c, const std::string& path, bool check_integrity);

// Settings for connections that only read.
void open_reader(sqlite::Connection& c);

}  // namespace kscratch::store::schema
