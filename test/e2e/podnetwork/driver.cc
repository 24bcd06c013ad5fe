// A command-line driver for the pod network, for the end-to-end test: each run is a new
// process, like a kubelet after a restart, so idempotence and re-adoption are tested too.
//
//   kscratch-e2e-podnetwork-driver --bridge B --veth-prefix P --table T --state-dir D
//       --netns-dir N --cluster-cidr C --pod-cidr X COMMAND ARGS...
//
// Commands: ensure | attach UID... | find UID | detach UID... | list |
//           routes [CIDR=VIA...] | teardown
// attach and find print "uid=U ip=I netns=F veth=V", one line per pod.

#include "kscratch/podnetwork/podnetwork.h"

#include <fmt/format.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace kscratch::podnetwork;

namespace {

int usage() {
  fmt::print(stderr,
             "usage: kscratch-e2e-podnetwork-driver --bridge B --veth-prefix P --table T --state-dir D "
             "--netns-dir N --cluster-cidr C --pod-cidr X (ensure | attach UID... | find UID | detach UID... | list "
             "| routes [CIDR=VIA...] | teardown)\n");
  return 2;
}

void print(const Attachment& a) {
  fmt::print("uid={} ip={} netns={} veth={}\n", a.pod_uid, a.ip, a.netns.string(), a.host_veth);
}

int failed(const std::string& what, const std::string& message) {
  fmt::print(stderr, "{}: {}\n", what, message);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  int i = 1;
  for (; i + 1 < argc && std::strncmp(argv[i], "--", 2) == 0; i += 2) flags[argv[i] + 2] = argv[i + 1];
  if (i >= argc) return usage();
  std::string command = argv[i++];
  std::vector<std::string> args(argv + i, argv + argc);
  for (const char* required : {"bridge", "veth-prefix", "table", "state-dir", "netns-dir", "cluster-cidr"}) {
    if (!flags.contains(required)) return usage();
  }

  NetworkOptions options;
  options.bridge_name = flags["bridge"];
  options.veth_prefix = flags["veth-prefix"];
  options.nft_table = flags["table"];
  options.state_dir = flags["state-dir"];
  options.netns_dir = flags["netns-dir"];
  options.cluster_cidr = flags["cluster-cidr"];
  auto network = make_pod_network(options);

  // Like a kubelet that starts: the node first, then whatever it was asked.
  auto ensure = [&]() -> bool {
    if (!flags.contains("pod-cidr")) return false;
    auto s = network->ensure_node(flags["pod-cidr"]);
    if (!s) fmt::print(stderr, "ensure: {}\n", s.error().message);
    return s.ok();
  };

  if (command == "ensure") {
    return ensure() ? 0 : 1;
  }
  if (command == "attach") {
    if (args.empty() || !ensure()) return usage();
    for (const auto& uid : args) {
      auto a = network->attach(uid);
      if (!a) return failed("attach " + uid, a.error().message);
      print(*a);
    }
    return 0;
  }
  if (command == "find") {
    if (args.size() != 1) return usage();
    auto a = network->find(args[0]);
    if (!a) return failed("find " + args[0], "not attached");
    print(*a);
    return 0;
  }
  if (command == "detach") {
    for (const auto& uid : args) {
      if (auto s = network->detach(uid); !s) return failed("detach " + uid, s.error().message);
    }
    return 0;
  }
  if (command == "list") {
    for (const auto& uid : network->attached_pods()) fmt::print("{}\n", uid);
    return 0;
  }
  if (command == "routes") {
    if (flags.contains("pod-cidr") && !ensure()) return 1;
    std::vector<Route> routes;
    for (const auto& arg : args) {
      auto eq = arg.find('=');
      if (eq == std::string::npos) return usage();
      routes.push_back(Route{arg.substr(0, eq), arg.substr(eq + 1)});
    }
    if (auto s = network->sync_routes(routes); !s) return failed("routes", s.error().message);
    return 0;
  }
  if (command == "teardown") {
    if (auto s = network->teardown(); !s) return failed("teardown", s.error().message);
    return 0;
  }
  return usage();
}
