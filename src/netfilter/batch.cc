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
// Chunks start small (most batches are a few messages) and double up to 4 MiB.
constexpr std::size_t kFirstChunk = 4 * kMessageRoom, kLargestChunk = 4 << 20;
}  // namespace

Batch::Batch(std::uint8_t family)
    : family_(family), first_seq_(static_cast<std::uint32_t>(std::time(nullptr)) << 8), seq_(first_seq_) {
  nftnl_batch_begin(reserve(kMessageRoom), seq_++);
  next();
}

char* Batch::reserve(std::size_t room) {
  if (chunks_.empty() || chunks_.back().size - chunks_.back().used < room) {
    std::size_t size = chunks_.empty() ? kFirstChunk : std::min(chunks_.back().size * 2, kLargestChunk);
    size = std::max(size, room);
    chunks_.push_back({std::unique_ptr<char[]>(new char[size]), size, 0});  // not zeroed: written before sent
  }
  return chunks_.back().data.get() + chunks_.back().used;
}

std::size_t Batch::bytes() const {
  std::size_t total = 0;
  for (const auto& c : chunks_) total += c.used;
  return total;
}

nlmsghdr* Batch::add(std::uint16_t type, std::uint16_t flags, std::string what) {
  return add(type, flags, Describe([what = std::move(what)] { return what; }));
}

nlmsghdr* Batch::add(std::uint16_t type, std::uint16_t flags, Describe what) {
  char* at = reserve(kMessageRoom);
  what_.push_back(std::move(what));
  // No NLM_F_ACK: the kernel reports every failing message anyway, and 100,000
  // acknowledgements of a large sync would only overflow the socket.
  return nftnl_nlmsg_build_hdr(at, type, family_, flags, seq_++);
}

void Batch::next() {
  auto& chunk = chunks_.back();
  auto* nlh = reinterpret_cast<nlmsghdr*>(chunk.data.get() + chunk.used);
  chunk.used += NLMSG_ALIGN(nlh->nlmsg_len);
}

Status Batch::commit() {
  if (committed_) return make_error("nftables: batch committed twice");
  committed_ = true;
  nftnl_batch_end(reserve(kMessageRoom), seq_++);
  next();

  auto sock = NetlinkSocket::open();
  if (!sock) return sock.error();
  std::vector<std::pair<const void*, std::size_t>> parts;
  for (const auto& c : chunks_) parts.emplace_back(c.data.get(), c.used);
  if (auto s = sock->reserve_send(bytes()); !s) return s;
  if (auto s = sock->send(parts); !s) return s;
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
    std::string what = index < what_.size() && what_[index] ? what_[index]() : "nftables";
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
