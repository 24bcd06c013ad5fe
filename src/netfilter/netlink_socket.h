#pragma once
// A NETLINK_NETFILTER socket from libnl-3 (nl_socket_alloc, nl_connect), sending raw
// buffers that libnftnl encoded and handing back every message the kernel answers.

#include "kscratch/util/expected.h"

#include <functional>
#include <memory>
#include <utility>
#include <vector>

struct nl_sock;
struct nlmsghdr;

namespace kscratch::netfilter {

class NetlinkSocket {
 public:
  static Expected<NetlinkSocket> open();

  // Makes room in the send buffer for one message of `bytes` (a batch goes in one sendmsg).
  Status reserve_send(std::size_t bytes);
  Status send(const void* data, std::size_t len);
  // One message made of several buffers (one sendmsg, an iovec each).
  Status send(const std::vector<std::pair<const void*, std::size_t>>& parts);
  // Reads what is already queued, without waiting, calling `each` per message.
  Status drain(const std::function<void(const nlmsghdr*)>& each);
  // Reads a dump (or a GET with NLM_F_ACK) to its end: NLMSG_DONE or an NLMSG_ERROR.
  // A kernel error is returned as its errno (e.g. ENOENT) in `error_code`.
  Status read_until_done(const std::function<void(const nlmsghdr*)>& each, int& error_code);
  nl_sock* get() const { return sock_.get(); }

 private:
  struct Deleter {
    void operator()(nl_sock* s) const;
  };
  std::unique_ptr<nl_sock, Deleter> sock_;
};

}  // namespace kscratch::netfilter
