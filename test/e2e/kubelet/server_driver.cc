// A kubelet server on its own for the end-to-end test of `kubectl logs` and `kubectl exec`
// through the apiserver: one pod's container whose log is a file the test writes and whose
// exec runs commands on the host (the unit tests' fake runtime). Stops on SIGTERM/SIGINT.
//
//   kscratch-kubelet-server-driver PORT CERT_DIR CLIENT_CA LOG_FILE NAMESPACE/POD/CONTAINER

#include "fake_runtime.h"

#include "kscratch/util/log.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <iostream>

int main(int argc, char** argv) {
  using namespace kscratch;
  if (argc != 6) {
    std::cerr << "usage: " << argv[0] << " PORT CERT_DIR CLIENT_CA LOG_FILE NAMESPACE/POD/CONTAINER\n";
    return 2;
  }
  std::string pod = argv[5];
  auto first = pod.find('/'), second = pod.rfind('/');
  if (first == std::string::npos || first == second) {
    std::cerr << "NAMESPACE/POD/CONTAINER expected, got " << pod << "\n";
    return 2;
  }
  kubelet::testing::FakeRuntime runtime(KSCRATCH_FAKE_CONSOLE);
  kubelet::testing::FakeDirectory directory;
  directory.add(pod.substr(0, first), pod.substr(first + 1, second - first - 1), pod.substr(second + 1), false,
                kubelet::ContainerLocation{"driver-container", argv[4], true});
  kubelet::KubeletServerOptions options;
  options.address = "127.0.0.1";
  options.port = static_cast<std::uint16_t>(std::stoi(argv[1]));
  options.cert_dir = argv[2];
  options.client_ca_file = argv[3];

  boost::asio::io_context io;
  boost::asio::cancellation_signal stop;
  int rc = 0;
  boost::asio::co_spawn(io, kubelet::run_kubelet_server(io.get_executor(), options, directory, runtime),
                        boost::asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr e) {
                          if (!e) return;
                          try {
                            std::rethrow_exception(e);
                          } catch (const std::exception& ex) {
                            log::error("driver", "kubelet server failed: {}", ex.what());
                            rc = 1;
                          }
                        }));
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code, int) { stop.emit(boost::asio::cancellation_type::terminal); });
  io.run();
  return rc;
}
