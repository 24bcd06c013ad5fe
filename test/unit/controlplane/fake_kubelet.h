#pragma once
// A simulated kubelet for control-plane tests: registers its Node (capacity, labels,
// taints, Ready), renews its Lease, marks the pods bound to it Running and Ready with an
// IP, and completes graceful deletions, until told to stop (as a node that dies).

#include "kscratch/client/client.h"

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>

namespace kscratch::testing {

struct FakeNodeSpec {
  std::string name;
  std::string cpu = "4";
  std::string memory = "8Gi";
  std::map<std::string, std::string> labels;
  boost::json::array taints;
};

class FakeKubelet {
 public:
  FakeKubelet(client::Client& client, FakeNodeSpec spec, int index);
  boost::asio::awaitable<void> run();
  // Stops heartbeats and pod updates (the node went away without a word).
  void stop() { stopped_ = true; }
  const std::string& name() const { return spec_.name; }

 private:
  boost::asio::awaitable<void> register_node();
  boost::asio::awaitable<void> renew_lease();
  boost::asio::awaitable<void> sync_pods();

  client::Client& client_;
  FakeNodeSpec spec_;
  int index_;
  int next_ip_ = 2;
  bool stopped_ = false;
};

}  // namespace kscratch::testing
