#include "queries.h"

namespace kscratch::store::queries {

using sqlite::Use;

std::optional<std::string> prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::nullopt;
}

namespace {

// Appends the key-range condition for a prefix, binding ?lo and (when bounded) ?hi.
std::string range_sql(const char* column, bool bounded) {
  std::string sql = std::string(column) + " >= ?10";
  if (bounded) sql += std::string(" AND ") + column + " < ?11";
  return sql;
}

void bind_range(sqlite::Statement& s, const std::string& prefix, const std::optional<std::string>& end) {
  s.bind_blob(10, prefix);
  if (end) s.bind_blob(11, *end);
}

struct Current {
  Revision rev = 0;
  Revision create_rev = 0;
  std::string value;
};

std::optional<Current> read_current(sqlite::Connection& c, const std::string& key) {
  Use s(c.cached("SELECT l.rev, l.create_rev, l.value FROM current c JOIN log l ON l.rev = c.rev "
                 "WHERE c.key = ?1"));
  s->bind_blob(1, key);
  if (!s->step()) return std::nullopt;
  return Current{s->int64(0), s->int64(1), s->blob(2)};
}

void insert_log(sqlite::Connection& c, Revision rev, const std::string& key, Revision create_rev,
                Revision prev_rev, bool deleted, const std::string& value) {
  Use s(c.cached("INSERT INTO log (rev, key, create_rev, prev_rev, deleted, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s->bind(1, rev).bind_blob(2, key).bind(3, create_rev).bind(4, prev_rev).bind(5, deleted ? 1 : 0);
  s->bind_blob(6, value);
  s->run();
}

void set_meta(sqlite::Connection& c, const char* name, Revision value) {
  Use s(c.cached("UPDATE meta SET value = ?1 WHERE name = ?2"));
  s->bind(1, value).bind_text(2, name);
  s->run();
}

}  // namespace

Snapshot read_snapshot(sqlite::Connection& c) {
  Use s(c.cached("SELECT name, value FROM meta WHERE name IN ('revision', 'compacted')"));
  Snapshot snap;
  while (s->step()) {
    auto name = s->blob(0);
    (name == "revision" ? snap.revision : snap.compacted) = s->int64(1);
  }
  return snap;
}

Result<WriteResult> apply_write(sqlite::Connection& c, WriteRequest& r, Revision& revision,
                                std::vector<EventPtr>& events) {
  auto cur = read_current(c, r.key);
  using Kind = WriteRequest::Kind;
  if (r.kind == Kind::create) {
    if (cur) return Errc::already_exists;
  } else {
    if (!cur) return Errc::not_found;
    if (r.expected != 0 && r.expected != cur->rev) return Errc::conflict;
  }

  Revision rev = revision + 1;
  Revision create_rev = cur ? cur->create_rev : rev;
  bool removing = r.kind == Kind::remove;
  if (removing) r.value.clear();
  insert_log(c, rev, r.key, create_rev, cur ? cur->rev : 0, removing, r.value);
  if (removing) {
    Use s(c.cached("DELETE FROM current WHERE key = ?1"));
    s->bind_blob(1, r.key);
    s->run();
  } else {
    Use s(c.cached("INSERT INTO current (key, rev) VALUES (?1, ?2) "
                   "ON CONFLICT (key) DO UPDATE SET rev = excluded.rev"));
    s->bind_blob(1, r.key).bind(2, rev);
    s->run();
  }
  revision = rev;

  WriteResult result{rev, create_rev, std::nullopt};
  if (cur) result.prev_value = cur->value;
  auto event = std::make_shared<Event>();
  event->type = removing ? Event::Type::remove : Event::Type::put;
  event->key = std::move(r.key);
  event->value = std::move(r.value);
  if (cur) event->prev_value = std::move(cur->value);
  event->mod_revision = rev;
  event->create_revision = create_rev;
  events.push_back(std::move(event));
  return result;
}

void save_revision(sqlite::Connection& c, Revision revision) { set_meta(c, "revision", revision); }

void save_compacted(sqlite::Connection& c, Revision compacted) { set_meta(c, "compacted", compacted); }

CompactStep compact_step(sqlite::Connection& c, Revision cursor, Revision target, int limit) {
  CompactStep step{cursor, false, 0};
  {
    Use s(c.cached("SELECT max(rev), count(*) FROM (SELECT rev FROM log WHERE rev > ?1 AND rev <= ?2 "
                   "ORDER BY rev LIMIT ?3)"));
    s->bind(1, cursor).bind(2, target).bind(3, limit);
    if (!s->step() || s->is_null(0)) {
      step.cursor = target;
      step.done = true;
      return step;
    }
    step.cursor = s->int64(0);
    step.done = s->int64(1) < limit;
  }
  // As kine does: each row in the window makes the row it replaced unreadable at target
  // and after, so that row goes (wherever it lies); a tombstone in the window goes too.
  {
    Use d(c.cached("DELETE FROM log WHERE rev IN (SELECT prev_rev FROM log WHERE rev > ?1 AND rev <= ?2 "
                   "AND prev_rev > 0)"));
    d->bind(1, cursor).bind(2, step.cursor);
    d->run();
    step.deleted += sqlite3_changes64(c.handle());
  }
  Use d(c.cached("DELETE FROM log WHERE rev > ?1 AND rev <= ?2 AND deleted = 1"));
  d->bind(1, cursor).bind(2, step.cursor);
  d->run();
  step.deleted += sqlite3_changes64(c.handle());
  if (step.done) step.cursor = target;
  return step;
}

namespace {

// Checks a read revision against the snapshot as etcd does.
Result<Revision> resolve_revision(const Snapshot& snap, Revision at) {
  if (at == 0) return snap.revision;
  if (at < snap.compacted) return Errc::compacted;
  if (at > snap.revision) return Errc::future_revision;
  return at;
}

}  // namespace

Result<KeyValue> get(sqlite::Connection& c, const std::string& key, Revision at) {
  sqlite::Transaction tx(c, false);
  auto snap = read_snapshot(c);
  auto rev = resolve_revision(snap, at);
  if (!rev) return rev.error();
  if (*rev == snap.revision) {
    auto cur = read_current(c, key);
    if (!cur) return Errc::not_found;
    return KeyValue{key, std::move(cur->value), cur->create_rev, cur->rev};
  }
  Use s(c.cached("SELECT rev, create_rev, deleted, value FROM log WHERE key = ?1 AND rev <= ?2 "
                 "ORDER BY rev DESC LIMIT 1"));
  s->bind_blob(1, key).bind(2, *rev);
  if (!s->step() || s->int64(2) != 0) return Errc::not_found;
  return KeyValue{key, s->blob(3), s->int64(1), s->int64(0)};
}

Result<ListResult> list(sqlite::Connection& c, const std::string& prefix, const ListOptions& options) {
  sqlite::Transaction tx(c, false);
  auto snap = read_snapshot(c);
  auto rev = resolve_revision(snap, options.revision);
  if (!rev) return rev.error();

  auto end = prefix_end(prefix);
  std::string sql;
  if (*rev == snap.revision) {
    sql = "SELECT c.key, l.rev, l.create_rev, l.value FROM current c JOIN log l ON l.rev = c.rev WHERE " +
          range_sql("c.key", end.has_value()) + " AND c.key > ?1 ORDER BY c.key LIMIT ?2";
  } else {
    sql = "SELECT l.key, l.rev, l.create_rev, l.value FROM log l WHERE " + range_sql("l.key", end.has_value()) +
          " AND l.key > ?1 AND l.rev <= ?3 AND l.deleted = 0 AND NOT EXISTS (SELECT 1 FROM log n "
          "WHERE n.key = l.key AND n.rev > l.rev AND n.rev <= ?3) ORDER BY l.key LIMIT ?2";
  }
  Use s(c.cached(sql));
  bind_range(*s, prefix, end);
  s->bind_blob(1, options.start_after);
  // One extra row tells whether more remain.
  s->bind(2, options.limit == 0 ? -1 : static_cast<std::int64_t>(options.limit) + 1);
  if (*rev != snap.revision) s->bind(3, *rev);

  ListResult out;
  out.revision = *rev;
  while (s->step()) {
    if (options.limit != 0 && out.items.size() == options.limit) {
      out.more = true;
      break;
    }
    out.items.push_back(KeyValue{s->blob(0), s->blob(3), s->int64(2), s->int64(1)});
  }
  return out;
}

Result<History> read_history(sqlite::Connection& c, const std::string& prefix, Revision after, Revision until,
                             int limit) {
  sqlite::Transaction tx(c, false);
  auto snap = read_snapshot(c);
  if (after < snap.compacted) return Errc::compacted;
  until = std::min(until, snap.revision);

  auto end = prefix_end(prefix);
  Use s(c.cached("SELECT l.rev, l.key, l.create_rev, l.deleted, l.value, p.value FROM log l "
                 "LEFT JOIN log p ON p.rev = l.prev_rev WHERE l.rev > ?1 AND l.rev <= ?2 AND " +
                 range_sql("l.key", end.has_value()) + " ORDER BY l.rev LIMIT ?3"));
  s->bind(1, after).bind(2, until).bind(3, limit);
  bind_range(*s, prefix, end);

  History h;
  h.covered = until;
  while (s->step()) {
    auto e = std::make_shared<Event>();
    e->mod_revision = s->int64(0);
    e->key = s->blob(1);
    e->create_revision = s->int64(2);
    e->type = s->int64(3) ? Event::Type::remove : Event::Type::put;
    e->value = s->blob(4);
    if (!s->is_null(5)) e->prev_value = s->blob(5);
    h.events.push_back(std::move(e));
  }
  if (static_cast<int>(h.events.size()) == limit) h.covered = h.events.back()->mod_revision;
  return h;
}

}  // namespace kscratch::store::queries
