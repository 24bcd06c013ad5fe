#include "netlink_socket.h"

#include <fmt/format.h>
#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kscratch::netfilter {

void NetlinkSocket::Deleter::operator()(nl_sock* s) const { nl_socket_free(s); }

Expected<NetlinkSocket> NetlinkSocket::open() {
  NetlinkSocket sock;
  sock.sock_.reset(nl_socket_alloc());
  if (!sock.sock_) return make_error("nftables: cannot allocate a netlink socket");
  // Sequence checks are ours (batch messages carry their own numbers), and no automatic
  // acknowledgements are asked for.
  nl_socket_disable_seq_check(sock.get());
  nl_socket_disable_auto_ack(sock.get());
  if (int err = nl_connect(sock.get(), NETLINK_NETFILTER); err < 0) {
    return make_error(fmt::format("nftables: netlink connect: {}", nl_geterror(err)));
  }
  // Answers to a large batch (errors) or dumps of large tables.
  int rcv = 4 << 20;
  (void)::setsockopt(nl_socket_get_fd(sock.get()), SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv);
  nl_socket_enable_msg_peek(sock.get());
  return sock;
}

Status NetlinkSocket::reserve_send(std::size_t bytes) {
  int size = static_cast<int>(bytes + 4096);
  if (::setsockopt(nl_socket_get_fd(get()), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0 &&
      ::setsockopt(nl_socket_get_fd(get()), SOL_SOCKET, SO_SNDBUF, &size, sizeof size) < 0) {
    return make_error(fmt::format("nftables: send buffer of {} bytes: {}", bytes, std::strerror(errno)));
  }
  return Ok{};
}

Status NetlinkSocket::send(const void* data, std::size_t len) {
  int n = nl_sendto(get(), const_cast<void*>(data), len);
  if (n < 0) return make_error(fmt::format("nftables: send {} bytes: {}", len, nl_geterror(n)));
  return Ok{};
}

Status NetlinkSocket::send(const std::vector<std::pair<const void*, std::size_t>>& parts) {
  std::vector<iovec> iov;
  std::size_t total = 0;
  for (const auto& [data, len] : parts) {
    iov.push_back({const_cast<void*>(data), len});
    total += len;
  }
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  msghdr msg{};
  msg.msg_name = &kernel;
  msg.msg_namelen = sizeof kernel;
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  for (;;) {
    ssize_t n = ::sendmsg(nl_socket_get_fd(get()), &msg, 0);
    if (n >= 0) return Ok{};
    if (errno == EINTR) continue;
    return make_error(fmt::format("nftables: send {} bytes: {}", total, std::strerror(errno)));
  }
}

namespace {
// One nl_recv: the messages of one datagram. Returns bytes read, 0 for nothing, <0 libnl error.
int receive(nl_sock* sock, const std::function<bool(const nlmsghdr*)>& each) {
  sockaddr_nl peer{};
  unsigned char* buf = nullptr;
  int n = nl_recv(sock, &peer, &buf, nullptr);
  if (n <= 0) {
    std::free(buf);
    return n;
  }
  int len = n;
  for (auto* nlh = reinterpret_cast<nlmsghdr*>(buf); nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
    if (!each(nlh)) break;
  }
  std::free(buf);
  return n;
}
}  // namespace

Status NetlinkSocket::drain(const std::function<void(const nlmsghdr*)>& each) {
  int fd = nl_socket_get_fd(get());
  for (;;) {
    pollfd pfd{fd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, 0);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return Ok{};
    int n = receive(get(), [&](const nlmsghdr* nlh) {
      each(nlh);
      return true;
    });
    if (n == -NLE_AGAIN || n == 0) return Ok{};
    if (n < 0) return make_error(fmt::format("nftables: receive: {}", nl_geterror(n)));
  }
}

Status NetlinkSocket::read_until_done(const std::function<void(const nlmsghdr*)>& each, int& error_code) {
  error_code = 0;
  bool done = false;
  while (!done) {
    int n = receive(get(), [&](const nlmsghdr* nlh) {
      if (nlh->nlmsg_type == NLMSG_DONE) {
        done = true;
        return false;
      }
      if (nlh->nlmsg_type == NLMSG_ERROR) {
        error_code = -static_cast<const nlmsgerr*>(NLMSG_DATA(nlh))->error;
        done = true;
        return false;
      }
      each(nlh);
      return true;
    });
    if (n == 0) return make_error("nftables: netlink socket closed during a dump");
    if (n < 0) return make_error(fmt::format("nftables: receive: {}", nl_geterror(n)));
  }
  return Ok{};
}

}  // namespace kscratch::netfilter
