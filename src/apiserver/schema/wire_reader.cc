#include "wire_reader.h"

namespace kscratch::apiserver::schema::detail {

bool WireReader::read_varint(std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return false;
    const auto byte = static_cast<std::uint8_t>(data_[pos_++]);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;  // more than ten bytes: not a varint
}

bool WireReader::read_key(std::uint32_t& number, std::uint32_t& wire_type) {
  std::uint64_t key = 0;
  if (!read_varint(key)) return false;
  const std::uint64_t field = key >> 3;
  wire_type = static_cast<std::uint32_t>(key & 7);
  if (field == 0 || field > 0x1fffffff) return false;
  number = static_cast<std::uint32_t>(field);
  return wire_type == kVarint || wire_type == kFixed64 || wire_type == kLengthDelimited ||
         wire_type == kFixed32;
}

bool WireReader::read_fixed64(std::uint64_t& value) {
  if (data_.size() - pos_ < 8) return false;
  value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<std::uint8_t>(data_[pos_ + i]);
  pos_ += 8;
  return true;
}

bool WireReader::read_fixed32(std::uint32_t& value) {
  if (data_.size() - pos_ < 4) return false;
  value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<std::uint8_t>(data_[pos_ + i]);
  pos_ += 4;
  return true;
}

bool WireReader::read_bytes(std::string_view& value) {
  std::uint64_t length = 0;
  if (!read_varint(length)) return false;
  // Compared against what is left, so a huge declared length fails instead of overflowing.
  if (length > data_.size() - pos_) return false;
  value = data_.substr(pos_, static_cast<std::size_t>(length));
  pos_ += static_cast<std::size_t>(length);
  return true;
}

bool WireReader::skip(std::uint32_t wire_type) {
  std::uint64_t u64 = 0;
  std::uint32_t u32 = 0;
  std::string_view bytes;
  switch (wire_type) {
    case kVarint: return read_varint(u64);
    case kFixed64: return read_fixed64(u64);
    case kLengthDelimited: return read_bytes(bytes);
    case kFixed32: return read_fixed32(u32);
    default: return false;
  }
}

}  // namespace kscratch::apiserver::schema::detail
