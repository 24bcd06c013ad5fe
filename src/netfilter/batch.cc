// nf_tables transactions over a libnl socket (see batch.h).

#include "kscratch/netfilter/batch.h"

#include "netlink_socket.h"

#include <fmt/format.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cstring>
#include <ctime>

namespace kscratch::netfilter {

namespace {
// libnftnl writes a message without knowing the room left: keep this much free before
// each one. The largest messages kscratch builds (a rule with a dozen expressions, a
// set-element list) are a few KiB.
constexpr std::size_t kMessageRoom = 64 * 1024;
}  // namespace

Batch::Batch(std::uint8_t family)
    : family_(family), first_seq_(static_cast<std::uint32_t>(std::time(nullptr)) << 8), seq_(first_seq_) {
  reserve(kMessageRoom);
  nftnl_batch_begin(buffer_.data() + used_, seq_++);
  next();
}

void Batch::reserve(std::size_t extra) {
  if (buffer_.size() - used_ >= extra) return;
  std::size_t size = buffer_.empty() ? 4 * kMessageRoom : buffer_.size();
  while (size - used_ < extra) size *= 2;
  buffer_.resize(size);
}

nlmsghdr* Batch::add(std::uint16_t type, std::uint16_t flags, std::string what) {
  reserve(kMessageRoom);
  what_.push_back(std::move(what));
  // No NLM_F_ACK: the kernel reports every failing message anyway, and 100,000
  // acknowledgements of a large sync would only overflow the socket.
  return nftnl_nlmsg_build_hdr(buffer_.data() + used_, type, family_, flags, seq_++);
}

void Batch::next() {
  auto* nlh = reinterpret_cast<nlmsghdr*>(buffer_.data() + used_);
  used_ += NLMSG_ALIGN(nlh->nlmsg_len);
}

Status Batch::commit() {
  if (committed_) return make_error("nftables: batch committed twice");
  committed_ = true;
  reserve(kMessageRoom);
  nftnl_batch_end(buffer_.data() + used_, seq_++);
  next();

  auto sock = NetlinkSocket::open();
  if (!sock) return sock.error();
  if (auto s = sock->reserve_send(used_); !s) return s;
  if (auto s = sock->send(buffer_.data(), used_); !s) return s;
  // nfnetlink handles the whole batch inside sendmsg, so every error is already queued:
  // read until the socket is empty (as nft does), keeping the first error.
  std::string first_error;
  std::size_t errors = 0;
  auto read = sock->drain([&](const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != NLMSG_ERROR) return;
    const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(nlh));
    if (err->error == 0) return;
    ++errors;
    if (!first_error.empty()) return;
    std::uint32_t index = nlh->nlmsg_seq - first_seq_ - 1;
    const char* what = index < what_.size() ? what_[index].c_str() : "nftables";
    first_error = fmt::format("{}: {}", what, std::strerror(-err->error));
  });
  if (!read) return read.error();
  if (!first_error.empty()) {
    if (errors > 1) first_error += fmt::format(" (and {} more errors)", errors - 1);
    return make_error("nftables transaction failed: " + first_error);
  }
  return Ok{};
}

}  // namespace kscratch::netfilter
