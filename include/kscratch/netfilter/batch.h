#pragma once
// One nf_tables transaction: messages (encoded with libnftnl by the caller) between a
// batch begin and a batch end, sent in one sendmsg on a libnl netlink socket. The kernel
// applies all of them or none, and answers each failing message with an error that
// commit() turns into text naming what that message was meant to do.
//
//   netfilter::Batch batch;
//   nftnl_table_nlmsg_build_payload(batch.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, "add table t"), table);
//   batch.next();
//   if (auto s = batch.commit(); !s) ...

#include "kscratch/util/expected.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct nlmsghdr;

namespace kscratch::netfilter {

class Batch {
 public:
  // family: NFPROTO_IPV4 (2) for `table ip`.
  explicit Batch(std::uint8_t family = 2);
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // Starts a message of the nf_tables subsystem (NFT_MSG_*) and returns its header for
  // libnftnl's *_nlmsg_build_payload; `what` describes it in errors. Call next() after
  // the payload is built. The header stays valid until the next add().
  nlmsghdr* add(std::uint16_t type, std::uint16_t flags, std::string what);
  // The same with a description made only if the kernel refuses the message (a large
  // sync has 100,000 messages): whatever it refers to must outlive commit().
  using Describe = std::function<std::string()>;
  nlmsghdr* add(std::uint16_t type, std::uint16_t flags, Describe what);
  void next();

  // Messages added so far (not counting the batch begin and end).
  std::size_t size() const { return what_.size(); }
  std::size_t bytes() const;
  bool empty() const { return what_.empty(); }

  // Sends the transaction and collects the kernel's answers. A batch is committed once.
  Status commit();

 private:
  // Room for the next message. The batch is a list of chunks sent with one sendmsg
  // (an iovec each): growing never copies or zero-fills what is already written.
  char* reserve(std::size_t room);

  struct Chunk {
    std::unique_ptr<char[]> data;
    std::size_t size = 0, used = 0;
  };
  std::uint8_t family_;
  std::vector<Chunk> chunks_;
  std::uint32_t first_seq_;
  std::uint32_t seq_;
  std::vector<Describe> what_;  // index: seq - first_seq_ - 1
  bool committed_ = false;
};

}  // namespace kscratch::netfilter
