#pragma once
// kubectl exec's stream: a WebSocket to pods/NAME/exec speaking the channel protocol of
// v5.channel.k8s.io (v4 accepted). Every binary message starts with its channel: 0 stdin,
// 1 stdout, 2 stderr, 3 the command's Status, 4 a terminal resize; in v5 the client's
// [255, N] closes its stream N (stdin at its end). Beast stays in websocket.cc.

#include "kscratch/pki/pki.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kscratch::kubectl {

inline constexpr std::uint8_t kStdinChannel = 0;
inline constexpr std::uint8_t kStdoutChannel = 1;
inline constexpr std::uint8_t kStderrChannel = 2;
inline constexpr std::uint8_t kErrorChannel = 3;
inline constexpr std::uint8_t kResizeChannel = 4;
inline constexpr std::uint8_t kCloseChannel = 255;

// One message: its channel, then the data.
std::string channel_message(std::uint8_t channel, std::string_view data);
// Channel 4's {"Width":W,"Height":H}.
std::string resize_message(int width, int height);
// v5's close of one of the client's streams.
std::string close_message(std::uint8_t channel);

struct ExecStreamOptions {
  std::string target;  // path and query of the exec subresource
  bool stdin = false;  // forward standard input on channel 0
  bool tty = false;    // send the terminal's size now and on SIGWINCH
  // The local terminal's columns and rows, when tty.
  std::function<std::optional<std::pair<int, int>>()> terminal_size;
};

struct ExecStreamResult {
  int status = 0;        // 101 once upgraded, the HTTP status of a refusal, 0 when unreachable
  std::string body;      // a refusal's body, or why the connection failed
  std::string error;     // channel 3's Status JSON (empty when none came)
  std::string protocol;  // the subprotocol the server chose
};

// Connects with the kubeconfig's TLS settings and credentials, copies the stdout and
// stderr channels to file descriptors 1 and 2 (and fd 0 to stdin) until the server closes.
// Throws std::runtime_error when the kubeconfig's PEM text does not load.
ExecStreamResult run_exec_stream(const pki::Kubeconfig& config, const ExecStreamOptions& options);

}  // namespace kscratch::kubectl
