#pragma once
// client-go's event recorder: v1 Events about an object, as `kubectl describe` shows them.
// Repeats of the same event (same object, type, reason, message and source) update one
// Event's count and lastTimestamp instead of creating new ones (the EventCorrelator's
// aggregation). Recording never blocks the caller: writes run in the background.

#include "kscratch/client/client.h"

#include <boost/asio/any_io_executor.hpp>

#include <string>
#include <string_view>
#include <unordered_map>

namespace kscratch::client {

class EventRecorder {
 public:
  // component is the event source ("default-scheduler", "replicaset-controller"); host is
  // set for node components (the kubelet's node name).
  EventRecorder(boost::asio::any_io_executor executor, Client& client, std::string component, std::string host = {});

  // type is "Normal" or "Warning"; reason is CamelCase ("Scheduled", "SuccessfulCreate").
  void event(const json::object& object, std::string_view type, std::string_view reason, std::string message);

 private:
  struct Seen {
    std::string namespace_;
    std::string name;
    std::int64_t count = 0;
    std::string first_timestamp;
  };
  boost::asio::any_io_executor executor_;
  Client& client_;
  std::string component_;
  std::string host_;
  std::unordered_map<std::string, Seen> seen_;
};

}  // namespace kscratch::client
