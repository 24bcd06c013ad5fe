// `kscratch images`: the node's image store from the command line, as `crictl images`,
// `crictl pull` and `k3s ctr images import` are for k3s. It opens the same store the
// kubelet uses (the disk is the truth), with an io_context of its own.

#include "roles.h"

#include "kscratch/images/images.h"
#include "kscratch/util/log.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::cli {

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

constexpr const char* kImagesUsage = R"(Usage: kscratch images [flags] COMMAND

List, import and pull the container images of this node's image store.

Commands:
  ls                 List images (IMAGE, TAG, IMAGE ID, SIZE, as crictl images)
  import FILE...     Import docker-archive or oci-archive tarballs (optionally gzip or
                     zstd compressed), as k3s imports <data-dir>/agent/images/
  pull REF           Pull an image from its registry (mirrors and credentials from
                     --private-registry), as crictl pull

Flags:
  --data-dir DIR            Data directory; the store is DIR/agent/images-store
                            (default /var/lib/kscratch)
  --private-registry FILE   k3s registries.yaml for pull (default /etc/kscratch/registries.yaml)
  -v N                      Log verbosity: 0 info, 2 debug, 4 trace
  -h, --help                Show this help
)";

struct ImagesArgs {
  fs::path data_dir = "/var/lib/kscratch";
  fs::path registries = "/etc/kscratch/registries.yaml";
  int verbosity = 0;
  std::vector<std::string> positional;
};

// Returns an error message for bad usage.
std::optional<std::string> parse_args(const std::vector<std::string>& args, ImagesArgs& out, bool& help) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& flag) -> std::optional<std::string> {
      if (a.rfind(flag + "=", 0) == 0) return a.substr(flag.size() + 1);
      if (a == flag && i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    if (a == "--help" || a == "-h") {
      help = true;
    } else if (a == "--data-dir" || a.rfind("--data-dir=", 0) == 0) {
      auto v = value("--data-dir");
      if (!v || v->empty()) return "--data-dir needs a directory";
      out.data_dir = *v;
    } else if (a == "--private-registry" || a.rfind("--private-registry=", 0) == 0) {
      auto v = value("--private-registry");
      if (!v || v->empty()) return "--private-registry needs a file";
      out.registries = *v;
    } else if (a == "-v" || a.rfind("-v=", 0) == 0 || a.rfind("--v=", 0) == 0) {
      auto v = a == "-v" ? value("-v") : std::optional<std::string>(a.substr(a.find('=') + 1));
      try {
        out.verbosity = std::stoi(v.value_or(""));
      } catch (const std::exception&) {
        return "-v needs a number";
      }
    } else if (a.size() > 1 && a.front() == '-') {
      return fmt::format("unknown flag '{}'", a);
    } else {
      out.positional.push_back(a);
    }
  }
  return std::nullopt;
}

// Go's units.HumanSizeWithPrecision(size, 3), which crictl prints sizes with.
std::string human_size(double size) {
  static const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int i = 0;
  while (size >= 1000 && i < 5) {
    size /= 1000;
    ++i;
  }
  return fmt::format("{:.3g}{}", size, units[i]);
}

int list_images(images::ImageService& service) {
  std::vector<std::vector<std::string>> rows{{"IMAGE", "TAG", "IMAGE ID", "SIZE"}};
  for (auto& img : service.list()) {
    std::string id(img.id.substr(img.id.find(':') + 1, 13));
    std::string size = human_size(static_cast<double>(img.size));
    if (img.repo_tags.empty()) {
      std::string name = "<none>";
      if (!img.repo_digests.empty()) name = img.repo_digests.front().substr(0, img.repo_digests.front().find('@'));
      rows.push_back({name, "<none>", id, size});
    }
    for (auto& tag : img.repo_tags) {
      auto colon = tag.rfind(':');
      rows.push_back({tag.substr(0, colon), tag.substr(colon + 1), id, size});
    }
  }
  // crictl's tabwriter: columns at least 20 wide, 3 spaces of padding.
  std::vector<std::size_t> width(4, 0);
  for (auto& r : rows) {
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], std::max<std::size_t>(20, r[c].size() + 3));
  }
  for (auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      line += c + 1 == r.size() ? r[c] : fmt::format("{:<{}}", r[c], width[c]);
    }
    fmt::print("{}\n", line);
  }
  return 0;
}

asio::awaitable<int> import_files(std::shared_ptr<images::ImageService> service, const std::vector<std::string>& files) {
  int rc = 0;
  for (auto& file : files) {
    const fs::path path = file;
    auto imported = co_await service->import_archive(path);
    if (!imported) {
      fmt::print(stderr, "kscratch images import: {}\n", imported.error().message);
      rc = 1;
      continue;
    }
    for (auto& img : *imported) {
      std::string names;
      for (auto& t : img.repo_tags) names += (names.empty() ? "" : ", ") + t;
      fmt::print("imported {} {}\n", names.empty() ? "<none>" : names, img.id);
    }
  }
  co_return rc;
}

asio::awaitable<int> pull_image(std::shared_ptr<images::ImageService> service, const std::string& ref) {
  auto image = co_await service->pull(ref);
  if (!image) {
    fmt::print(stderr, "kscratch images pull: {}\n", image.error().message);
    co_return 1;
  }
  fmt::print("Image is up to date for {}\n", image->id);
  co_return 0;
}

}  // namespace

int run_images(const std::vector<std::string>& args) {
  ImagesArgs parsed;
  bool help = false;
  if (auto err = parse_args(args, parsed, help)) {
    fmt::print(stderr, "kscratch images: {}\nRun 'kscratch images --help' for usage.\n", *err);
    return 2;
  }
  if (help) {
    fmt::print("{}", kImagesUsage);
    return 0;
  }
  log::set_verbosity(parsed.verbosity);
  auto usage_error = [](const std::string& msg) {
    fmt::print(stderr, "kscratch images: {}\nRun 'kscratch images --help' for usage.\n", msg);
    return 2;
  };
  if (parsed.positional.empty()) return usage_error("missing command (ls, import, pull)");
  std::string command = parsed.positional.front();
  std::vector<std::string> operands(parsed.positional.begin() + 1, parsed.positional.end());
  if (command == "ls" || command == "list") {
    if (!operands.empty()) return usage_error(fmt::format("ls takes no arguments, got '{}'", operands.front()));
  } else if (command == "import") {
    if (operands.empty()) return usage_error("import needs at least one FILE");
  } else if (command == "pull") {
    if (operands.size() != 1) return usage_error("pull needs exactly one image reference");
  } else {
    return usage_error(fmt::format("unknown command '{}'", command));
  }

  asio::io_context io;
  images::ImageServiceOptions options;
  options.root = parsed.data_dir / "agent" / "images-store";
  options.import_dir = parsed.data_dir / "agent" / "images";
  // Only pull reads registries.yaml: a broken one must not stop ls or import.
  if (command == "pull") options.registries_file = parsed.registries;
  auto service = images::open_image_service(io.get_executor(), options);
  if (!service) {
    fmt::print(stderr, "kscratch images: {}\n", service.error().message);
    return 1;
  }
  if (command == "ls" || command == "list") return list_images(**service);

  int rc = 1;
  auto task = [&]() -> asio::awaitable<int> {
    if (command == "import") co_return co_await import_files(*service, operands);
    co_return co_await pull_image(*service, operands.front());
  };
  asio::co_spawn(io, task(), [&](std::exception_ptr e, int result) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        fmt::print(stderr, "kscratch images {}: {}\n", command, ex.what());
      }
      rc = 1;
      return;
    }
    rc = result;
  });
  io.run();
  return rc;
}

}  // namespace kscratch::cli
