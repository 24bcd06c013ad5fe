#include "content_store.h"

#include "digest.h"
#include "layer_unpack.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>

namespace kscratch::images {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  for (auto& s : v) a.emplace_back(s);
  return a;
}

std::vector<std::string> from_array(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (auto* v = o.if_contains(key); v && v->is_array()) {
    for (auto& e : v->as_array()) {
      if (e.is_string()) out.emplace_back(e.as_string());
    }
  }
  return out;
}

std::string str_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// flock on <root>/lock for one read-modify-write of the records, across processes.
class StoreLock {
 public:
  explicit StoreLock(const fs::path& file) : fd_(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~StoreLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

void add_unique(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (auto& s : from) {
    if (std::find(to.begin(), to.end(), s) == to.end()) to.push_back(s);
  }
}

}  // namespace

std::string record_to_json(const ImageRecord& r) {
  json::object labels;
  for (auto& [k, v] : r.config.labels) labels[k] = v;
  json::object config{{"Entrypoint", to_array(r.config.entrypoint)},
                      {"Cmd", to_array(r.config.cmd)},
                      {"Env", to_array(r.config.env)},
                      {"WorkingDir", r.config.working_dir},
                      {"User", r.config.user},
                      {"Labels", labels}};
  json::object o{{"id", r.id},
                 {"repoTags", to_array(r.repo_tags)},
                 {"repoDigests", to_array(r.repo_digests)},
                 {"diffIDs", to_array(r.diff_ids)},
                 {"size", r.size},
                 {"config", config}};
  return json::serialize(o) + "\n";
}

Expected<ImageRecord> record_from_json(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return make_error("image record is not a JSON object");
  auto& o = v.as_object();
  ImageRecord r;
  r.id = str_at(o, "id");
  if (!is_sha256_digest(r.id)) return make_error("image record has no valid id");
  r.repo_tags = from_array(o, "repoTags");
  r.repo_digests = from_array(o, "repoDigests");
  r.diff_ids = from_array(o, "diffIDs");
  if (auto* s = o.if_contains("size"); s && s->is_number()) r.size = s->to_number<std::int64_t>();
  if (auto* c = o.if_contains("config"); c && c->is_object()) {
    auto& co = c->as_object();
    r.config.entrypoint = from_array(co, "Entrypoint");
    r.config.cmd = from_array(co, "Cmd");
    r.config.env = from_array(co, "Env");
    r.config.working_dir = str_at(co, "WorkingDir");
    r.config.user = str_at(co, "User");
    if (auto* l = co.if_contains("Labels"); l && l->is_object()) {
      for (auto& [k, val] : l->as_object()) {
        if (val.is_string()) r.config.labels[std::string(k)] = std::string(val.as_string());
      }
    }
  }
  return r;
}

Status write_file_atomic(const fs::path& file, std::string_view content) {
  static std::atomic<unsigned> counter{0};
  fs::path tmp = file;
  tmp += fmt::format(".tmp-{}-{}", ::getpid(), counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(fmt::format("create {}: {}", tmp.string(), std::strerror(errno)));
  std::size_t done = 0;
  while (done < content.size()) {
    auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error(fmt::format("write {}: {}", tmp.string(), std::strerror(err)));
    }
    done += static_cast<std::size_t>(n);
  }
  // The content must be on disk before the name points at it.
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return make_error(fmt::format("write {}: {}", tmp.string(), std::strerror(errno)));
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return make_error(fmt::format("rename {}: {}", file.string(), std::strerror(err)));
  }
  return Ok{};
}

Expected<std::string> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(fmt::format("cannot read {}", file.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Expected<ContentStore> ContentStore::open(const fs::path& root) {
  std::error_code ec;
  for (auto sub : {"images", "layers", "tmp"}) {
    fs::create_directories(root / sub, ec);
    if (ec) return make_error(fmt::format("image store {}: {}", (root / sub).string(), ec.message()));
  }
  auto canonical = fs::canonical(root, ec);
  if (ec) return make_error(fmt::format("image store {}: {}", root.string(), ec.message()));
  // Leftovers of a crash: temporaries older than a day (younger ones may belong to a
  // pull running in another process right now).
  auto now = fs::file_time_type::clock::now();
  for (auto dir : {canonical / "tmp", canonical / "layers"}) {
    for (auto& e : fs::directory_iterator(dir, ec)) {
      auto name = e.path().filename().string();
      if (dir.filename() == "layers" && name.rfind(".tmp-", 0) != 0) continue;
      std::error_code tec;
      auto t = fs::last_write_time(e.path(), tec);
      if (!tec && now - t > std::chrono::hours(24)) fs::remove_all(e.path(), tec);
    }
  }
  return ContentStore(canonical);
}

std::vector<ImageRecord> ContentStore::records() const {
  std::vector<ImageRecord> out;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(root_ / "images", ec)) {
    if (e.path().extension() != ".json") continue;
    auto text = read_file(e.path());
    if (!text) continue;  // removed meanwhile
    auto r = record_from_json(*text);
    if (r) out.push_back(std::move(*r));
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return out;
}

Status ContentStore::save(const ImageRecord& record) const {
  StoreLock lock(root_ / "lock");
  if (!lock.ok()) return make_error(fmt::format("lock {}: {}", (root_ / "lock").string(), std::strerror(errno)));
  ImageRecord merged = record;
  for (auto& other : records()) {
    if (other.id == record.id) {
      std::vector<std::string> tags = record.repo_tags, digests = record.repo_digests;
      add_unique(tags, other.repo_tags);
      add_unique(digests, other.repo_digests);
      merged.repo_tags = tags;
      merged.repo_digests = digests;
      continue;
    }
    auto before = other.repo_tags.size();
    std::erase_if(other.repo_tags, [&](const std::string& t) {
      return std::find(record.repo_tags.begin(), record.repo_tags.end(), t) != record.repo_tags.end();
    });
    if (other.repo_tags.size() != before) {
      auto path = root_ / "images" / (std::string(digest_hex(other.id)) + ".json");
      if (auto st = write_file_atomic(path, record_to_json(other)); !st) return st;
    }
  }
  auto path = root_ / "images" / (std::string(digest_hex(merged.id)) + ".json");
  return write_file_atomic(path, record_to_json(merged));
}

Image ContentStore::to_image(const ImageRecord& r) const {
  Image img;
  img.id = r.id;
  img.repo_tags = r.repo_tags;
  img.repo_digests = r.repo_digests;
  for (auto& d : r.diff_ids) img.layers.push_back(layer_dir(layers_dir(), d));
  img.config = r.config;
  img.size = r.size;
  return img;
}

std::optional<Image> ContentStore::find(const std::string& text) const {
  auto all = records();
  if (is_sha256_digest(text)) {
    for (auto& r : all) {
      if (r.id == text) return to_image(r);
    }
  }
  if (auto ref = parse_reference(text)) {
    std::string key = ref->str();
    for (auto& r : all) {
      auto& list = ref->digest.empty() ? r.repo_tags : r.repo_digests;
      if (std::find(list.begin(), list.end(), key) != list.end()) return to_image(r);
    }
  }
  // A prefix of the id's hex, as `crictl` and `docker` accept (and "sha256:<prefix>").
  std::string_view hex = text;
  if (hex.rfind("sha256:", 0) == 0) hex.remove_prefix(7);
  if (hex.size() >= 3 && hex.size() <= 64 &&
      std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
    const ImageRecord* match = nullptr;
    for (auto& r : all) {
      if (digest_hex(r.id).substr(0, hex.size()) == hex) {
        if (match) return std::nullopt;  // ambiguous
        match = &r;
      }
    }
    if (match) return to_image(*match);
  }
  return std::nullopt;
}

}  // namespace kscratch::images
