#pragma once
// From a query's bytes to what the server does with it: drop it, answer it, or forward it
// to the upstream resolvers. Pure (the server owns the sockets and the forwarding), so the
// whole path from packet to answer is tested without a network.

#include "dns/catalog.h"
#include "dns/kubernetes_zone.h"
#include "dns/message.h"

#include <cstdint>
#include <span>
#include <vector>

namespace kscratch::dns {

struct Decision {
  enum Kind {
    kDrop,     // not a query (a response, or under 12 bytes): answering could loop
    kReply,    // send reply
    kForward,  // send the query's bytes upstream
    kChase,    // an ExternalName outside the zone: reply with answer plus the target's records
  } kind = kDrop;
  std::vector<std::uint8_t> reply;
  Message query;  // parsed, for kForward and kChase
  Answer answer;  // for kChase
};

// udp: the query came over UDP, so the reply is cut to the client's limit.
Decision decide(std::span<const std::uint8_t> packet, const Catalog& catalog, const ZoneConfig& zone, bool udp);

// The largest UDP answer the client takes: 512 bytes, or its EDNS0 size (at most 4096).
std::size_t udp_limit(const Message& query);
// udp_limit() over UDP, 65535 over TCP.
std::size_t reply_limit(const Message& query, bool udp);

// The answer to query, cut to limit (reply_limit()).
std::vector<std::uint8_t> reply_bytes(const Message& query, const Answer& answer, std::size_t limit);
// SERVFAIL: the upstream resolvers did not answer.
std::vector<std::uint8_t> servfail(const Message& query);

// A recursive query for name/type with id (for chasing an ExternalName's target).
std::vector<std::uint8_t> query_bytes(std::uint16_t id, const std::string& name, std::uint16_t qtype);
// Adds the records of an upstream's answer to a chased name to answer.
void add_chased(Answer& answer, std::span<const std::uint8_t> upstream_reply);

// An upstream's reply, relayed: the client's id, and over UDP cut to the client's limit
// (TC set) when larger. nullopt when the reply is not a response to a query.
std::optional<std::vector<std::uint8_t>> relay(const Message& query, std::vector<std::uint8_t> upstream_reply,
                                               std::size_t limit);

}  // namespace kscratch::dns
