#pragma once
// DNS messages in RFC 1035's wire format: parsing (with decompression, bounded so that a
// hostile packet can neither loop nor read past its end) and encoding (with name
// compression, and truncation to a size limit with the TC bit, as a UDP answer needs).
// EDNS0 (RFC 6891): the OPT pseudo-record is lifted out of the additional section into
// Message::edns. Pure code: no sockets.

#include "kscratch/util/expected.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace kscratch::dns {

namespace type {
constexpr std::uint16_t kA = 1, kNS = 2, kCNAME = 5, kSOA = 6, kPTR = 12, kMX = 15, kTXT = 16, kAAAA = 28,
                        kSRV = 33, kOPT = 41, kANY = 255;
}
constexpr std::uint16_t kClassIN = 1;

namespace rcode {
constexpr std::uint8_t kNoError = 0, kFormErr = 1, kServFail = 2, kNXDomain = 3, kNotImp = 4, kRefused = 5;
}

// The largest UDP answer without EDNS (RFC 1035), and the size kscratch offers in its own
// queries upstream (the DNS flag day 2020 value, which avoids IP fragmentation).
constexpr std::size_t kClassicUdpSize = 512;
constexpr std::size_t kMaxUdpSize = 1232;

struct Header {
  std::uint16_t id = 0;
  bool qr = false;  // a response
  std::uint8_t opcode = 0;
  bool aa = false, tc = false, rd = false, ra = false;
  std::uint8_t rcode = 0;  // the low 4 bits; EDNS carries the rest
};

// Names are dotted, without the final dot ("" is the root), in the case they came in.
struct Question {
  std::string name;
  std::uint16_t type = type::kA;
  std::uint16_t klass = kClassIN;
};

struct A { std::array<std::uint8_t, 4> address{}; };
struct AAAA { std::array<std::uint8_t, 16> address{}; };
struct NameData { std::string name; };  // CNAME, PTR, NS
struct SRV {
  std::uint16_t priority = 0, weight = 0, port = 0;
  std::string target;
};
struct SOA {
  std::string mname, rname;
  std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
};
struct TXT { std::vector<std::string> strings; };
struct RawData { std::vector<std::uint8_t> bytes; };  // any other type, kept as received
using Rdata = std::variant<A, AAAA, NameData, SRV, SOA, TXT, RawData>;

struct Record {
  std::string name;
  std::uint16_t type = type::kA;
  std::uint16_t klass = kClassIN;
  std::uint32_t ttl = 0;
  Rdata data;
};

struct Edns {
  std::uint16_t udp_size = kClassicUdpSize;
  std::uint8_t extended_rcode = 0, version = 0;
  bool dnssec_ok = false;
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<Record> answers, authority, additional;
  std::optional<Edns> edns;
};

// Fails with a message on anything malformed: short or trailing data, a bad label or
// compression pointer, a name over 255 octets, a second OPT record.
Expected<Message> parse(std::span<const std::uint8_t> packet);
// The header alone, when the packet has at least its 12 bytes (to answer FORMERR).
std::optional<Header> parse_header(std::span<const std::uint8_t> packet);

// Encodes with compression. When the result would exceed max_size, the records are
// dropped (the OPT record stays) and TC is set, which tells the client to ask over TCP.
std::vector<std::uint8_t> encode(const Message& message, std::size_t max_size = 65535);

// Lower case of an ASCII name (DNS compares names case-insensitively, RFC 4343).
std::string lower(std::string_view name);

}  // namespace kscratch::dns
