// The channel messages of kubectl exec's WebSocket (v5.channel.k8s.io).

#include "websocket.h"

#include <catch2/catch.hpp>

using namespace kscratch::kubectl;

TEST_CASE("a channel message is its channel byte, then the data") {
  CHECK(channel_message(kStdinChannel, "hi\n") == std::string("\0hi\n", 4));
  CHECK(channel_message(kStdoutChannel, "") == "\x01");
  auto binary = channel_message(kStderrChannel, std::string("\0\xff", 2));
  CHECK(binary == std::string("\x02\0\xff", 3));
}

TEST_CASE("a resize is channel 4 with kubectl's JSON") {
  CHECK(resize_message(91, 27) == "\x04{\"Width\":91,\"Height\":27}");
}

TEST_CASE("v5 closes a client stream with [255, channel]") {
  CHECK(close_message(kStdinChannel) == std::string("\xff\0", 2));
  CHECK(close_message(kResizeChannel) == "\xff\x04");
}
