// The image service: pulls shared between concurrent callers, archive imports, and the
// import directory watch, over the content store (see content_store.h).

#include "kscratch/images/images.h"

#include "archive_import.h"
#include "blocking.h"
#include "content_store.h"
#include "registries.h"
#include "registry_pull.h"

#include "kscratch/util/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <map>

namespace kscratch::images {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr auto kImportPollInterval = std::chrono::seconds(2);

// What the import directory watch remembers of a file: an archive is imported again
// only when it changed.
struct FileState {
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileState&) const = default;
};

bool is_archive_name(const std::string& name) {
  if (name.empty() || name.front() == '.') return false;  // hidden: often a copy in progress
  for (auto ext : {".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.zstd", ".tzst", ".tar.bz2", ".tbz", ".tar.xz", ".txz",
                   ".tar.lz4"}) {
    std::string_view e = ext;
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

std::map<std::string, FileState> load_imported(const fs::path& file) {
  std::map<std::string, FileState> out;
  auto text = read_file(file);
  if (!text) return out;
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  if (ec || !v.is_object()) return out;
  for (auto& [name, st] : v.as_object()) {
    if (!st.is_object()) continue;
    auto& o = st.as_object();
    FileState s;
    if (auto* z = o.if_contains("size"); z && z->is_number()) s.size = z->to_number<std::uintmax_t>();
    if (auto* m = o.if_contains("mtimeNs"); m && m->is_number()) s.mtime_ns = m->to_number<std::int64_t>();
    out[std::string(name)] = s;
  }
  return out;
}

std::string dump_imported(const std::map<std::string, FileState>& files) {
  boost::json::object o;
  for (auto& [name, s] : files) o[name] = boost::json::object{{"size", s.size}, {"mtimeNs", s.mtime_ns}};
  return boost::json::serialize(o) + "\n";
}

class ImageServiceImpl final : public ImageService, public std::enable_shared_from_this<ImageServiceImpl> {
 public:
  ImageServiceImpl(asio::any_io_executor io, ImageServiceOptions options, ContentStore store, RegistriesConfig registries)
      : io_(io), options_(std::move(options)), store_(std::move(store)), registries_(std::move(registries)),
        puller_(io, pool_, store_, registries_) {}

  asio::awaitable<Expected<Image>> pull(const std::string& text) override {
    auto self = shared_from_this();
    auto ref = parse_reference(text);
    if (!ref) co_return ref.error();
    const std::string key = ref->str();
    if (auto it = inflight_.find(key); it != inflight_.end()) {
      // Someone is pulling this already: wait for their result instead of downloading twice.
      auto flight = it->second;
      while (!flight->result) co_await flight->done.async_wait(asio::as_tuple(asio::use_awaitable));
      co_return *flight->result;
    }
    auto flight = std::make_shared<Flight>(io_);
    inflight_[key] = flight;
    // Waiters are released however this coroutine ends (also when it is cancelled).
    FlightGuard guard{this, key, flight};
    log::info("images", "pulling {}", key);
    auto record = co_await puller_.pull(*ref);
    Expected<Image> result = record ? Expected<Image>(store_.to_image(*record)) : Expected<Image>(record.error());
    if (result) log::info("images", "pulled {} as {}", key, result->id);
    flight->result = result;
    co_return result;
  }

  std::optional<Image> find(const std::string& ref) const override { return store_.find(ref); }

  std::vector<Image> list() const override {
    std::vector<Image> out;
    for (auto& r : store_.records()) out.push_back(store_.to_image(r));
    return out;
  }

  asio::awaitable<Expected<std::vector<Image>>> import_archive(const fs::path& file) override {
    auto self = shared_from_this();
    const fs::path path = file;
    const ContentStore* store = &store_;
    // A named job, not a temporary in the co_await expression: g++ 12 destroys such
    // temporaries twice.
    auto job = [store, path] { return import_archive_file(*store, path); };
    auto records = co_await run_blocking(pool_, job);
    if (!records) co_return records.error();
    std::vector<Image> out;
    for (auto& r : *records) {
      // The names the archive gave (the store may know the image by more).
      out.push_back(store_.to_image(r));
      log::info("images", "imported {} from {}", r.id, path.string());
    }
    co_return out;
  }

  asio::awaitable<void> watch_import_dir() override {
    auto self = shared_from_this();
    const fs::path state_file = store_.root() / "imported.json";
    auto imported = load_imported(state_file);
    std::map<std::string, FileState> failed, settling;
    asio::steady_timer timer(io_);
    for (bool first = true;; first = false) {
      std::vector<std::pair<std::string, FileState>> candidates;
      std::error_code ec;
      for (auto& e : fs::directory_iterator(options_.import_dir, ec)) {
        std::error_code fec;
        auto name = e.path().filename().string();
        if (!is_archive_name(name) || !e.is_regular_file(fec)) continue;
        FileState s;
        s.size = e.file_size(fec);
        s.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(e.last_write_time(fec).time_since_epoch()).count();
        if (fec) continue;
        if (auto it = imported.find(name); it != imported.end() && it->second == s) continue;
        if (auto it = failed.find(name); it != failed.end() && it->second == s) continue;
        // A file that appears later may still be being copied: import it once it has
        // kept its size and time for one poll. Those there at start are complete.
        if (!first) {
          auto it = settling.find(name);
          if (it == settling.end() || !(it->second == s)) {
            settling[name] = s;
            continue;
          }
        }
        settling.erase(name);
        candidates.emplace_back(name, s);
      }
      for (auto& [name, s] : candidates) {
        const fs::path path = options_.import_dir / name;
        auto images = co_await import_archive(path);
        if (!images) {
          log::error("images", "{}", images.error().message);
          failed[name] = s;
          continue;
        }
        failed.erase(name);
        imported[name] = s;
        if (auto st = write_file_atomic(state_file, dump_imported(imported)); !st) {
          log::warn("images", "remembering imported archives: {}", st.error().message);
        }
      }
      timer.expires_after(kImportPollInterval);
      co_await timer.async_wait(asio::use_awaitable);  // throws when cancelled: the watch ends
    }
  }

 private:
  struct Flight {
    explicit Flight(asio::any_io_executor io) : done(io, asio::steady_timer::time_point::max()) {}
    asio::steady_timer done;  // cancelled when result is set
    std::optional<Expected<Image>> result;
  };
  struct FlightGuard {
    ImageServiceImpl* service;
    std::string key;
    std::shared_ptr<Flight> flight;
    ~FlightGuard() {
      if (!flight->result) flight->result = Expected<Image>(make_error(fmt::format("pull {}: cancelled", key)));
      flight->done.cancel();
      service->inflight_.erase(key);
    }
  };

  asio::any_io_executor io_;
  ImageServiceOptions options_;
  ContentStore store_;
  RegistriesConfig registries_;
  std::map<std::string, std::shared_ptr<Flight>> inflight_;
  // Declared after what its jobs use, so it is joined (destroyed) first.
  asio::thread_pool pool_{2};
  RegistryPuller puller_;
};

}  // namespace

Expected<std::shared_ptr<ImageService>> open_image_service(asio::any_io_executor executor, ImageServiceOptions options) {
  auto registries = load_registries_file(options.registries_file);
  if (!registries) return registries.error();
  auto store = ContentStore::open(options.root);
  if (!store) return store.error();
  std::shared_ptr<ImageService> service =
      std::make_shared<ImageServiceImpl>(executor, std::move(options), std::move(*store), std::move(*registries));
  return service;
}

}  // namespace kscratch::images
