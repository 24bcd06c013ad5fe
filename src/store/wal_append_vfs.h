#pragma once
// A SQLite VFS that gathers a transaction's WAL appends into one write.
//
// SQLite appends each WAL frame with two pwrite() calls (the 24-byte frame header, then
// the page), so a commit of a few hundred pages is hundreds of system calls, each dear in
// a VM: under the API benchmark the writer thread made ~8,700 pwrites a second, more than
// half of its time. This VFS wraps the platform's and keeps contiguous appends to a WAL
// file in memory until SQLite syncs the WAL (or reads, truncates, or sizes it, or the
// buffer reaches 4 MiB), then writes them in pieces of up to 128 KiB.
//
// Durability is unchanged: SQLite syncs the WAL before it publishes a commit in the
// wal-index (with synchronous=FULL, which the store always sets), and the sync writes the
// buffer first. Other connections only read frames a published commit names, so they
// never look for bytes still in the buffer. With synchronous=NORMAL a commit would be
// published unsynced and so unwritten: the store must not use this VFS that way.

namespace kscratch::store::sqlite {

// Registers the VFS once (thread-safe) and returns its name for sqlite3_open_v2.
const char* wal_append_vfs();

}  // namespace kscratch::store::sqlite
