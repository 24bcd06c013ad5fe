// `kubectl run NAME --image=IMAGE [--port] [--labels] [--env] [--restart]
// [--command] [-- ARGS...]`: one Pod, labelled run=NAME unless --labels says otherwise,
// POSTed with the kubectl-run field manager (`pod/NAME created`), or printed with
// --dry-run=client. Attaching (-i, -t, --rm) is left to another kubectl.

#include "../apply/apply.h"
#include "../printers/objects.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

int run_run(Command& c) {
  if (!c.args.has("image")) return fail_command("required flag(s) \"image\" not set");
  const std::string& name = c.args.positional[0];
  auto strategy = apply::dry_run_strategy(c.args);
  if (!strategy) return fail(strategy.error().message);
  std::string dry_run = *strategy;
  bool typed = dry_run == "client";
  std::string restart = c.args.get("restart", "Always");
  if (restart != "Always" && restart != "OnFailure" && restart != "Never")
    return fail("invalid restart policy: " + restart + "\nSee 'kubectl run -h' for help and examples");
  std::optional<ObjectPrinter> printer;
  if (c.args.has("output")) {
    auto p = ObjectPrinter::make(c.args.get("output"), false);
    if (!p) return fail(p.error().message);
    printer = std::move(*p);
  }
  json::object labels;
  if (c.args.has("labels")) {
    for (auto& pair : split(c.args.get("labels"), ',')) {
      auto eq = pair.find('=');
      if (eq == std::string::npos) return fail("invalid label spec: " + pair);
      labels[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
  } else {
    labels["run"] = name;
  }
  json::object container{{"name", name}, {"image", c.args.get("image")}};
  std::vector<std::string> rest(c.args.positional.begin() + 1, c.args.positional.end());
  if (!rest.empty()) {
    json::array a;
    for (auto& x : rest) a.push_back(json::value(x));
    container[c.args.flag("command") ? "command" : "args"] = std::move(a);
  }
  if (c.args.has("port")) container["ports"] = json::array{json::object{{"containerPort", std::stoi(c.args.get("port"))}}};
  if (c.args.has("env")) {
    json::array env;
    for (auto& e : c.args.all("env")) {
      auto eq = e.find('=');
      if (eq == std::string::npos) return fail("invalid env: " + e);
      env.push_back(json::object{{"name", e.substr(0, eq)}, {"value", e.substr(eq + 1)}});
    }
    container["env"] = std::move(env);
  }
  if (c.args.has("image-pull-policy")) container["imagePullPolicy"] = c.args.get("image-pull-policy");
  container["resources"] = json::object();
  json::object meta{{"name", name}, {"labels", std::move(labels)}};
  if (typed) meta["creationTimestamp"] = nullptr;
  if (c.config.namespace_explicit) meta["namespace"] = c.ns();
  json::object pod{{"apiVersion", "v1"},
                   {"kind", "Pod"},
                   {"metadata", std::move(meta)},
                   {"spec", json::object{{"containers", json::array{std::move(container)}},
                                         {"dnsPolicy", "ClusterFirst"},
                                         {"restartPolicy", restart}}},
                   {"status", json::object()}};
  std::string target = with_query(client::Kind{"", "v1", "pods", true}.path(c.ns()),
                                  {{"dryRun", dry_run == "server" ? "All" : ""},
                                   {"fieldManager", c.args.get("field-manager", "kubectl-run")}});
  return post_new_object(c, target, pod, printer, dry_run, fmt::format("pod/{} created", name));
}

// Attaching, and -o json (printed in Go's field order, which the sorted printer is not),
// are left to another kubectl; so is a missing NAME (after the image check).
bool run_handles(const ParsedArgs& args) {
  if (!args.has("image")) return true;
  return !args.positional.empty() && !args.flag("stdin") && !args.flag("tty") && !args.flag("rm") && !args.flag("attach") &&
         args.get("output") != "json";
}

}  // namespace

std::vector<Verb> run_verbs() {
  return {{"run",
           {{"image"},
            {"port"},
            {"labels", 'l'},
            {"env"},
            {"restart"},
            {"command", 0, false},
            {"dry-run", 0, false},
            {"output", 'o'},
            {"image-pull-policy"},
            {"field-manager"},
            {"stdin", 'i', false},
            {"tty", 't', false},
            {"rm", 0, false},
            {"attach", 0, false}},
           run_run,
           run_handles}};
}

}  // namespace kscratch::kubectl
