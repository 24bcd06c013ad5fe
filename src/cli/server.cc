// `kscratch server`: the control plane on one io_context. Components start in order of
// dependence; each is a supervisor task, so a failure in one stops the process cleanly.

#include "kscratch/runtime/supervisor.h"
#include "kscratch/store/store.h"
#include "kscratch/util/log.h"
#include "roles.h"

#include <boost/asio/io_context.hpp>

namespace kscratch::cli {

namespace {
constexpr std::string_view kLog = "server";

store::StoreOptions store_options(const ServerConfig& c) {
  store::StoreOptions o;
  o.path = c.data_dir / "server" / "db" / "state.db";
  o.compact_interval = c.store.compaction_interval;
  o.keep_revisions = c.store.keep_revisions;
  o.keep_window = c.store.keep_window;
  return o;
}
}  // namespace

int run_server(const ServerConfig& config) {
  log::set_verbosity(config.verbosity);
  boost::asio::io_context io(1);

  auto opened = store::open_store(io, store_options(config));
  if (!opened) {
    log::error(kLog, "cannot open the store: {}", opened.error().message);
    return 1;
  }
  auto db = *opened;

  runtime::Supervisor supervisor(io, config.shutdown_timeout);
  supervisor.add("store-maintenance", [db] { return db->run_maintenance(); });
  log::info(kLog, "kscratch server running (data dir {}, store revision {})", config.data_dir.string(),
            db->revision());
  int code = supervisor.run();
  db->close();
  log::info(kLog, "kscratch server stopped");
  return code;
}

}  // namespace kscratch::cli
