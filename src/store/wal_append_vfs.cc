#include "wal_append_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>

namespace kscratch::store::sqlite {

namespace {

constexpr const char* kName = "kscratch-wal-append";
// A transaction larger than this goes out in several writes.
constexpr std::size_t kMaxBuffered = 4 * 1024 * 1024;

sqlite3_vfs* base_vfs = nullptr;  // the platform's ("unix")

// Our file: the platform's file follows it in the same allocation (szOsFile covers both).
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  bool wal;
  std::string* pending;          // appends not yet written (WAL files only)
  sqlite3_int64 pending_at;      // the file offset of pending's first byte
};

File* as_file(sqlite3_file* f) { return reinterpret_cast<File*>(f); }

// The platform's xWrite takes at most 128 KiB - 1 at a time (it masks the size with
// 0x1ffff: SQLite itself never writes more than a page and its header at once).
constexpr std::size_t kMaxWrite = 0x1ffff;

int flush(File* f) {
  if (!f->pending || f->pending->empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  const std::string& buf = *f->pending;
  for (std::size_t done = 0; done < buf.size() && rc == SQLITE_OK;) {
    std::size_t n = std::min(kMaxWrite, buf.size() - done);
    rc = f->real->pMethods->xWrite(f->real, buf.data() + done, static_cast<int>(n),
                                   f->pending_at + static_cast<sqlite3_int64>(done));
    done += n;
  }
  f->pending->clear();
  return rc;
}

int x_close(sqlite3_file* file) {
  auto* f = as_file(file);
  int rc = flush(f);
  int closed = f->real->pMethods->xClose(f->real);
  delete f->pending;
  f->pending = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

int x_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  auto* f = as_file(file);
  if (f->pending && !f->pending->empty() && offset + amount > f->pending_at) {
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  return f->real->pMethods->xRead(f->real, out, amount, offset);
}

int x_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  auto* f = as_file(file);
  if (!f->wal) return f->real->pMethods->xWrite(f->real, data, amount, offset);
  auto& buf = *f->pending;
  auto end = f->pending_at + static_cast<sqlite3_int64>(buf.size());
  auto* bytes = static_cast<const char*>(data);
  if (!buf.empty() && offset >= f->pending_at && offset + amount <= end) {
    // SQLite rewrites a frame of the open transaction when it writes its page again.
    std::memcpy(buf.data() + (offset - f->pending_at), bytes, static_cast<std::size_t>(amount));
    return SQLITE_OK;
  }
  if (!buf.empty() && offset != end) {
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  if (buf.empty()) f->pending_at = offset;
  buf.append(bytes, static_cast<std::size_t>(amount));
  return buf.size() >= kMaxBuffered ? flush(f) : SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  auto* f = as_file(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xTruncate(f->real, size);
}

int x_sync(sqlite3_file* file, int flags) {
  auto* f = as_file(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xSync(f->real, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  auto* f = as_file(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileSize(f->real, size);
}

// The rest passes through to the platform's file.
int x_lock(sqlite3_file* f, int level) { return as_file(f)->real->pMethods->xLock(as_file(f)->real, level); }
int x_unlock(sqlite3_file* f, int level) { return as_file(f)->real->pMethods->xUnlock(as_file(f)->real, level); }
int x_check_reserved_lock(sqlite3_file* f, int* out) {
  return as_file(f)->real->pMethods->xCheckReservedLock(as_file(f)->real, out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return as_file(f)->real->pMethods->xFileControl(as_file(f)->real, op, arg);
}
int x_sector_size(sqlite3_file* f) { return as_file(f)->real->pMethods->xSectorSize(as_file(f)->real); }
int x_device_characteristics(sqlite3_file* f) {
  return as_file(f)->real->pMethods->xDeviceCharacteristics(as_file(f)->real);
}
int x_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return as_file(f)->real->pMethods->xShmMap(as_file(f)->real, page, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return as_file(f)->real->pMethods->xShmLock(as_file(f)->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { as_file(f)->real->pMethods->xShmBarrier(as_file(f)->real); }
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
  return as_file(f)->real->pMethods->xShmUnmap(as_file(f)->real, delete_flag);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return as_file(f)->real->pMethods->xFetch(as_file(f)->real, offset, amount, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return as_file(f)->real->pMethods->xUnfetch(as_file(f)->real, offset, p);
}

const sqlite3_io_methods kMethods = {
    3,           x_close,          x_read,        x_write,      x_truncate,
    x_sync,      x_file_size,      x_lock,        x_unlock,     x_check_reserved_lock,
    x_file_control, x_sector_size, x_device_characteristics,
    x_shm_map,   x_shm_lock,       x_shm_barrier, x_shm_unmap,  x_fetch,
    x_unfetch,
};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = as_file(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->pending = nullptr;
  f->pending_at = 0;
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  int rc = base_vfs->xOpen(base_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || !f->real->pMethods) {
    // SQLite closes a file only when its methods are set.
    f->base.pMethods = nullptr;
    return rc;
  }
  if (f->wal) f->pending = new std::string();
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

// The VFS's other calls go to the platform's VFS as they are.
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) { return base_vfs->xDelete(base_vfs, name, sync_dir); }
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) { return base_vfs->xAccess(base_vfs, name, flags, out); }
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return base_vfs->xFullPathname(base_vfs, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return base_vfs->xDlOpen(base_vfs, name); }
void x_dl_error(sqlite3_vfs*, int n, char* out) { base_vfs->xDlError(base_vfs, n, out); }
void (*x_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) { return base_vfs->xDlSym(base_vfs, handle, symbol); }
void x_dl_close(sqlite3_vfs*, void* handle) { base_vfs->xDlClose(base_vfs, handle); }
int x_randomness(sqlite3_vfs*, int n, char* out) { return base_vfs->xRandomness(base_vfs, n, out); }
int x_sleep(sqlite3_vfs*, int micros) { return base_vfs->xSleep(base_vfs, micros); }
int x_current_time(sqlite3_vfs*, double* out) { return base_vfs->xCurrentTime(base_vfs, out); }
int x_get_last_error(sqlite3_vfs*, int n, char* out) { return base_vfs->xGetLastError(base_vfs, n, out); }
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) { return base_vfs->xCurrentTimeInt64(base_vfs, out); }

sqlite3_vfs vfs;

}  // namespace

const char* wal_append_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    base_vfs = sqlite3_vfs_find(nullptr);
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(File)) + base_vfs->szOsFile;
    vfs.mxPathname = base_vfs->mxPathname;
    vfs.zName = kName;
    vfs.xOpen = x_open;
    vfs.xDelete = x_delete;
    vfs.xAccess = x_access;
    vfs.xFullPathname = x_full_pathname;
    vfs.xDlOpen = x_dl_open;
    vfs.xDlError = x_dl_error;
    vfs.xDlSym = x_dl_sym;
    vfs.xDlClose = x_dl_close;
    vfs.xRandomness = x_randomness;
    vfs.xSleep = x_sleep;
    vfs.xCurrentTime = x_current_time;
    vfs.xGetLastError = x_get_last_error;
    vfs.xCurrentTimeInt64 = x_current_time_int64;
    sqlite3_vfs_register(&vfs, 0);
  });
  return kName;
}

}  // namespace kscratch::store::sqlite
