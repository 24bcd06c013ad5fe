#include "dns/message.h"

#include <fmt/format.h>

#include <unordered_map>

namespace kscratch::dns {

namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxNameOctets = 255;
constexpr std::size_t kMaxLabel = 63;

// Thrown inside the parser only; parse() turns it into an Error.
struct Malformed {
  std::string what;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data) : d_(data) {}

  std::size_t pos() const { return pos_; }
  bool at_end() const { return pos_ == d_.size(); }
  void need(std::size_t at, std::size_t n, const char* what) const {
    if (at > d_.size() || d_.size() - at < n) throw Malformed{fmt::format("{} ends early at offset {}", what, at)};
  }
  std::uint8_t u8(const char* what) {
    need(pos_, 1, what);
    return d_[pos_++];
  }
  std::uint16_t u16(const char* what) {
    need(pos_, 2, what);
    std::uint16_t v = static_cast<std::uint16_t>((d_[pos_] << 8) | d_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::uint32_t u32(const char* what) {
    std::uint32_t hi = u16(what);
    return (hi << 16) | u16(what);
  }
  std::vector<std::uint8_t> bytes(std::size_t n, const char* what) {
    need(pos_, n, what);
    std::vector<std::uint8_t> out(d_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                  d_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return out;
  }

  // A possibly compressed name. Each pointer must point before itself, so following
  // pointers always moves backwards and can never loop.
  std::string name() {
    std::string out;
    std::size_t p = pos_, octets = 0;
    bool jumped = false;
    for (;;) {
      need(p, 1, "name");
      std::uint8_t len = d_[p];
      if ((len & 0xC0) == 0xC0) {
        need(p, 2, "compression pointer");
        std::size_t target = (static_cast<std::size_t>(len & 0x3F) << 8) | d_[p + 1];
        if (target >= p) throw Malformed{fmt::format("compression pointer at offset {} does not point back", p)};
        if (!jumped) pos_ = p + 2;
        jumped = true;
        p = target;
        continue;
      }
      if (len & 0xC0) throw Malformed{fmt::format("unsupported label type at offset {}", p)};
      octets += len + 1;
      if (octets > kMaxNameOctets) throw Malformed{"name longer than 255 octets"};
      if (len == 0) {
        if (!jumped) pos_ = p + 1;
        return out;
      }
      need(p + 1, len, "label");
      std::string label(reinterpret_cast<const char*>(&d_[p + 1]), len);
      if (label.find('.') != std::string::npos) throw Malformed{"label containing a dot"};
      if (!out.empty()) out += '.';
      out += label;
      p += 1 + len;
    }
  }

 private:
  std::span<const std::uint8_t> d_;
  std::size_t pos_ = 0;
};

Rdata parse_rdata(Reader& r, std::uint16_t t, std::uint16_t length) {
  std::size_t start = r.pos();
  r.need(start, length, "record data");
  Rdata out;
  switch (t) {
    case type::kA: {
      if (length != 4) throw Malformed{"A record data is not 4 bytes"};
      A a;
      for (auto& b : a.address) b = r.u8("A");
      out = a;
      break;
    }
    case type::kAAAA: {
      if (length != 16) throw Malformed{"AAAA record data is not 16 bytes"};
      AAAA a;
      for (auto& b : a.address) b = r.u8("AAAA");
      out = a;
      break;
    }
    case type::kCNAME:
    case type::kPTR:
    case type::kNS:
      out = NameData{r.name()};
      break;
    case type::kSRV: {
      SRV s;
      s.priority = r.u16("SRV");
      s.weight = r.u16("SRV");
      s.port = r.u16("SRV");
      s.target = r.name();
      out = s;
      break;
    }
    case type::kSOA: {
      SOA s;
      s.mname = r.name();
      s.rname = r.name();
      s.serial = r.u32("SOA");
      s.refresh = r.u32("SOA");
      s.retry = r.u32("SOA");
      s.expire = r.u32("SOA");
      s.minimum = r.u32("SOA");
      out = s;
      break;
    }
    case type::kTXT: {
      TXT txt;
      while (r.pos() < start + length) {
        auto n = r.u8("TXT");
        auto b = r.bytes(n, "TXT string");
        txt.strings.emplace_back(b.begin(), b.end());
      }
      out = txt;
      break;
    }
    default:
      out = RawData{r.bytes(length, "record data")};
  }
  if (r.pos() != start + length) throw Malformed{fmt::format("record data of type {} has the wrong length", t)};
  return out;
}

Header header_from(std::uint16_t id, std::uint16_t flags) {
  Header h;
  h.id = id;
  h.qr = flags & 0x8000;
  h.opcode = static_cast<std::uint8_t>((flags >> 11) & 0xF);
  h.aa = flags & 0x0400;
  h.tc = flags & 0x0200;
  h.rd = flags & 0x0100;
  h.ra = flags & 0x0080;
  h.rcode = static_cast<std::uint8_t>(flags & 0xF);
  return h;
}

class Writer {
 public:
  std::vector<std::uint8_t> out;

  void u8(std::uint8_t v) { out.push_back(v); }
  void u16(std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }

  // Writes a name, pointing at an earlier copy of its longest known suffix (RFC 1035
  // 4.1.4). compress=false writes every label (SRV targets, RFC 2782) but still records
  // the suffixes for later names.
  void name(std::string_view name, bool compress = true) {
    std::string_view rest = name;
    while (!rest.empty()) {
      std::string key = lower(rest);
      if (compress) {
        if (auto it = offsets_.find(key); it != offsets_.end()) {
          u16(static_cast<std::uint16_t>(0xC000 | it->second));
          return;
        }
      }
      if (out.size() < 0x4000) offsets_.emplace(std::move(key), static_cast<std::uint16_t>(out.size()));
      auto dot = rest.find('.');
      auto label = rest.substr(0, dot);
      // Labels longer than DNS allows cannot be sent; parse() never produces them and the
      // answer logic builds names from validated Kubernetes names.
      if (label.size() > kMaxLabel) label = label.substr(0, kMaxLabel);
      u8(static_cast<std::uint8_t>(label.size()));
      out.insert(out.end(), label.begin(), label.end());
      rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    }
    u8(0);
  }

  void record(const Record& rr) {
    name(rr.name);
    u16(rr.type);
    u16(rr.klass);
    u32(rr.ttl);
    std::size_t length_at = out.size();
    u16(0);
    std::visit([this](const auto& d) { rdata(d); }, rr.data);
    std::size_t length = out.size() - length_at - 2;
    out[length_at] = static_cast<std::uint8_t>(length >> 8);
    out[length_at + 1] = static_cast<std::uint8_t>(length);
  }

  void opt(const Edns& e) {
    u8(0);
    u16(type::kOPT);
    u16(e.udp_size);
    u32((static_cast<std::uint32_t>(e.extended_rcode) << 24) | (static_cast<std::uint32_t>(e.version) << 16) |
        (e.dnssec_ok ? 0x8000u : 0u));
    u16(0);
  }

 private:
  void rdata(const A& a) { out.insert(out.end(), a.address.begin(), a.address.end()); }
  void rdata(const AAAA& a) { out.insert(out.end(), a.address.begin(), a.address.end()); }
  void rdata(const NameData& n) { name(n.name); }
  void rdata(const SRV& s) {
    u16(s.priority);
    u16(s.weight);
    u16(s.port);
    name(s.target, false);
  }
  void rdata(const SOA& s) {
    name(s.mname);
    name(s.rname);
    u32(s.serial);
    u32(s.refresh);
    u32(s.retry);
    u32(s.expire);
    u32(s.minimum);
  }
  void rdata(const TXT& t) {
    for (const auto& s : t.strings) {
      auto piece = std::string_view(s).substr(0, 255);
      u8(static_cast<std::uint8_t>(piece.size()));
      out.insert(out.end(), piece.begin(), piece.end());
    }
  }
  void rdata(const RawData& r) { out.insert(out.end(), r.bytes.begin(), r.bytes.end()); }

  std::unordered_map<std::string, std::uint16_t> offsets_;
};

std::vector<std::uint8_t> encode_sections(const Message& m, bool records) {
  Writer w;
  const Header& h = m.header;
  w.u16(h.id);
  std::uint16_t flags = static_cast<std::uint16_t>((h.qr ? 0x8000 : 0) | ((h.opcode & 0xF) << 11) |
                                                   (h.aa ? 0x0400 : 0) | (h.tc || !records ? 0x0200 : 0) |
                                                   (h.rd ? 0x0100 : 0) | (h.ra ? 0x0080 : 0) | (h.rcode & 0xF));
  w.u16(flags);
  auto count = [](std::size_t n) { return static_cast<std::uint16_t>(std::min<std::size_t>(n, 0xFFFF)); };
  w.u16(count(m.questions.size()));
  w.u16(records ? count(m.answers.size()) : 0);
  w.u16(records ? count(m.authority.size()) : 0);
  w.u16(count((records ? m.additional.size() : 0) + (m.edns ? 1 : 0)));
  for (const auto& q : m.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.klass);
  }
  if (records) {
    for (const auto& rr : m.answers) w.record(rr);
    for (const auto& rr : m.authority) w.record(rr);
    for (const auto& rr : m.additional) w.record(rr);
  }
  if (m.edns) w.opt(*m.edns);
  return std::move(w.out);
}

}  // namespace

std::string lower(std::string_view name) {
  std::string out(name);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<Header> parse_header(std::span<const std::uint8_t> packet) {
  if (packet.size() < kHeaderSize) return std::nullopt;
  return header_from(static_cast<std::uint16_t>((packet[0] << 8) | packet[1]),
                     static_cast<std::uint16_t>((packet[2] << 8) | packet[3]));
}

Expected<Message> parse(std::span<const std::uint8_t> packet) {
  try {
    Reader r(packet);
    Message m;
    auto id = r.u16("header");
    auto flags = r.u16("header");
    m.header = header_from(id, flags);
    std::uint16_t qd = r.u16("header"), an = r.u16("header"), ns = r.u16("header"), ar = r.u16("header");
    for (std::uint16_t i = 0; i < qd; ++i) {
      Question q;
      q.name = r.name();
      q.type = r.u16("question");
      q.klass = r.u16("question");
      m.questions.push_back(std::move(q));
    }
    auto read_records = [&](std::uint16_t n, std::vector<Record>& into, bool additional) {
      for (std::uint16_t i = 0; i < n; ++i) {
        Record rr;
        rr.name = r.name();
        rr.type = r.u16("record");
        rr.klass = r.u16("record");
        rr.ttl = r.u32("record");
        auto length = r.u16("record");
        if (rr.type == type::kOPT) {
          if (!additional) throw Malformed{"OPT record outside the additional section"};
          if (m.edns) throw Malformed{"more than one OPT record"};
          if (!rr.name.empty()) throw Malformed{"OPT record not owned by the root"};
          r.bytes(length, "OPT options");  // options (cookies, padding, ...) are not used
          Edns e;
          e.udp_size = rr.klass;
          e.extended_rcode = static_cast<std::uint8_t>(rr.ttl >> 24);
          e.version = static_cast<std::uint8_t>(rr.ttl >> 16);
          e.dnssec_ok = rr.ttl & 0x8000;
          m.edns = e;
          continue;
        }
        rr.data = parse_rdata(r, rr.type, length);
        into.push_back(std::move(rr));
      }
    };
    read_records(an, m.answers, false);
    read_records(ns, m.authority, false);
    read_records(ar, m.additional, true);
    if (!r.at_end()) throw Malformed{fmt::format("{} bytes after the last record", packet.size() - r.pos())};
    return m;
  } catch (const Malformed& e) {
    return make_error(e.what);
  }
}

std::vector<std::uint8_t> encode(const Message& message, std::size_t max_size) {
  auto full = encode_sections(message, true);
  if (full.size() <= max_size) return full;
  return encode_sections(message, false);
}

}  // namespace kscratch::dns
