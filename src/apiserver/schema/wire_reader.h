#pragma once
// A bounds-checked reader of the protobuf wire format. Every read reports failure instead of
// reading past the end, so truncated or hostile input cannot take it out of its buffer.

#include <cstdint>
#include <string_view>

namespace kscratch::apiserver::schema::detail {

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  bool at_end() const { return pos_ == data_.size(); }

  // Reads a field key; fails on a zero field number or a wire type this format does not use.
  bool read_key(std::uint32_t& number, std::uint32_t& wire_type);
  bool read_varint(std::uint64_t& value);
  bool read_fixed64(std::uint64_t& value);
  bool read_fixed32(std::uint32_t& value);
  bool read_bytes(std::string_view& value);
  // Skips one value of the given wire type (for fields the schema does not know).
  bool skip(std::uint32_t wire_type);

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

}  // namespace kscratch::apiserver::schema::detail
