// `kubectl version`: kscratch's own client version, then the server's /version.

#include "kscratch/apimachinery/yaml.h"
#include "kscratch/version.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cstdlib>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

json::object client_version() {
  std::string git_version = kKubernetesVersion;
  // "v1.32.0+kscratch" -> major 1, minor 32.
  auto dot1 = git_version.find('.'), dot2 = git_version.find('.', dot1 + 1);
  return json::object{{"major", git_version.substr(1, dot1 - 1)},
                      {"minor", git_version.substr(dot1 + 1, dot2 - dot1 - 1)},
                      {"gitVersion", git_version + "-" + std::string(kVersion)},
                      {"gitCommit", ""},
                      {"gitTreeState", ""},
                      {"buildDate", ""},
                      {"goVersion", ""},
                      {"compiler", "g++"},
                      {"platform", "linux/amd64"}};
}

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

int run_version(Command& c) {
  std::string output = c.args.get("output");
  if (!output.empty() && output != "yaml" && output != "json")
    return fail("--output must be 'yaml' or 'json'");
  json::object client = client_version();
  std::optional<json::object> server;
  std::string server_error;
  if (!c.args.flag("client")) {
    auto response = c.rest->get("/version");
    boost::system::error_code ec;
    auto v = is_success(response) ? json::parse(response.body, ec) : json::value();
    if (is_success(response) && !ec && v.is_object()) {
      server = v.get_object();
    } else {
      server_error = error_message(response, c.rest->server());
    }
  }
  if (output.empty()) {
    fmt::print("Client Version: {}\n", str(client, "gitVersion"));
    if (server) {
      fmt::print("Server Version: {}\n", str(*server, "gitVersion"));
      int client_minor = std::atoi(str(client, "minor").c_str());
      int server_minor = std::atoi(str(*server, "minor").c_str());
      if (std::abs(client_minor - server_minor) > 1)
        fmt::print(stderr,
                   "WARNING: version difference between client ({}.{}) and server ({}.{}) exceeds the supported minor "
                   "version skew of +/-1\n",
                   str(client, "major"), client_minor, str(*server, "major"), server_minor);
    }
  } else {
    json::object all{{"clientVersion", client}};
    if (server) all["serverVersion"] = *server;
    std::string text = output == "json" ? apimachinery::yaml::to_indented_json(all) : apimachinery::yaml::from_json(all);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  std::fflush(stdout);
  if (!server_error.empty()) return fail_raw(server_error);
  return 0;
}

}  // namespace kscratch::kubectl
