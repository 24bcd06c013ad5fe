#include "dns/handler.h"

#include "dns/names.h"

#include <algorithm>

namespace kscratch::dns {

namespace {

constexpr std::size_t kLargestUdpSize = 4096;
constexpr std::uint8_t kOpcodeQuery = 0;

Message response_to(const Message& query) {
  Message m;
  m.header.id = query.header.id;
  m.header.qr = true;
  m.header.opcode = query.header.opcode;
  m.header.rd = query.header.rd;
  m.header.ra = true;  // names outside the zone are resolved for the client
  m.questions = query.questions;
  // EDNS0: answer with an OPT record when asked with one, at the size the client offered.
  if (query.edns) {
    Edns e;
    e.udp_size = static_cast<std::uint16_t>(udp_limit(query));
    m.edns = e;
  }
  return m;
}

std::vector<std::uint8_t> error_reply(const Message& query, std::uint8_t code) {
  Message m = response_to(query);
  m.header.rcode = code;
  return encode(m);
}

}  // namespace

std::size_t udp_limit(const Message& query) {
  if (!query.edns) return kClassicUdpSize;
  return std::clamp<std::size_t>(query.edns->udp_size, kClassicUdpSize, kLargestUdpSize);
}

std::size_t reply_limit(const Message& query, bool udp) { return udp ? udp_limit(query) : 65535; }

Decision decide(std::span<const std::uint8_t> packet, const Catalog& catalog, const ZoneConfig& zone, bool udp) {
  Decision d;
  auto header = parse_header(packet);
  if (!header || header->qr) return d;
  d.kind = Decision::kReply;
  auto parsed = parse(packet);
  if (!parsed) {
    // The header alone, with FORMERR: nothing else of the packet can be trusted.
    Message m;
    m.header.id = header->id;
    m.header.qr = true;
    m.header.opcode = header->opcode;
    m.header.rd = header->rd;
    m.header.rcode = rcode::kFormErr;
    d.reply = encode(m);
    return d;
  }
  d.query = std::move(*parsed);
  if (d.query.header.opcode != kOpcodeQuery) {
    d.reply = error_reply(d.query, rcode::kNotImp);
    return d;
  }
  if (d.query.questions.size() != 1) {
    d.reply = error_reply(d.query, rcode::kFormErr);
    return d;
  }
  Answer answer = lookup(d.query.questions[0], catalog, zone);
  if (answer.forward) {
    d.kind = Decision::kForward;
    return d;
  }
  if (!answer.chase.empty()) {
    d.kind = Decision::kChase;
    d.answer = std::move(answer);
    return d;
  }
  d.reply = reply_bytes(d.query, answer, reply_limit(d.query, udp));
  return d;
}

std::vector<std::uint8_t> reply_bytes(const Message& query, const Answer& answer, std::size_t limit) {
  Message m = response_to(query);
  m.header.aa = answer.authoritative;
  m.header.rcode = answer.rcode;
  m.answers = answer.answers;
  m.authority = answer.authority;
  m.additional = answer.additional;
  return encode(m, limit);
}

std::vector<std::uint8_t> servfail(const Message& query) { return error_reply(query, rcode::kServFail); }

std::vector<std::uint8_t> query_bytes(std::uint16_t id, const std::string& name, std::uint16_t qtype) {
  Message m;
  m.header.id = id;
  m.header.rd = true;
  m.questions.push_back(Question{name, qtype, kClassIN});
  m.edns = Edns{static_cast<std::uint16_t>(kMaxUdpSize), 0, 0, false};
  return encode(m);
}

void add_chased(Answer& answer, std::span<const std::uint8_t> upstream_reply) {
  auto reply = parse(upstream_reply);
  if (!reply || reply->header.rcode != rcode::kNoError) return;
  for (auto& rr : reply->answers) answer.answers.push_back(std::move(rr));
}

std::optional<std::vector<std::uint8_t>> relay(const Message& query, std::vector<std::uint8_t> upstream_reply,
                                               std::size_t limit) {
  auto header = parse_header(upstream_reply);
  if (!header || !header->qr) return std::nullopt;
  upstream_reply[0] = static_cast<std::uint8_t>(query.header.id >> 8);
  upstream_reply[1] = static_cast<std::uint8_t>(query.header.id);
  if (upstream_reply.size() <= limit) return upstream_reply;
  // Too large for the client's UDP: the question and TC, so it asks again over TCP.
  Message m = response_to(query);
  m.header.rcode = header->rcode;
  m.header.tc = true;
  return encode(m, limit);
}

}  // namespace kscratch::dns
