#include "encoding.h"

#include "openssl_util.h"

#include <openssl/evp.h>

#include <cctype>

namespace kscratch::pki::detail {

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // EVP_Digest only fails on allocation failure; an empty result then fails every compare.
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) return {};
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Expected<std::string> base64_decode(std::string_view text) {
  std::string compact;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
  if (compact.size() % 4 != 0) return Error{"invalid base64: length is not a multiple of 4"};
  if (compact.empty()) return std::string();
  std::string out(compact.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(compact.data()), static_cast<int>(compact.size()));
  if (n < 0) {
    clear_openssl_errors();
    return Error{"invalid base64 data"};
  }
  // EVP_DecodeBlock counts the padding as zero bytes; drop them.
  std::size_t padding = 0;
  if (compact.ends_with("==")) padding = 2;
  else if (compact.ends_with('=')) padding = 1;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

}  // namespace kscratch::pki::detail
