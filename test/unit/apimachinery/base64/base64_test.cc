// Secret data goes out base64-encoded (kscratch kubectl create secret) and comes back
// decoded (the kubelet's secret volumes): both directions agree with RFC 4648's vectors.

#include "kscratch/apimachinery/base64.h"

#include <catch2/catch.hpp>

using kscratch::apimachinery::base64_decode;
using kscratch::apimachinery::base64_encode;

TEST_CASE("base64 encodes RFC 4648's test vectors, padded") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 round-trips every byte value") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  auto encoded = base64_encode(bytes);
  CHECK(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == std::string::npos);
  CHECK(base64_decode(encoded) == bytes);
  CHECK(base64_decode("Zm9vYg") == std::string("foob"));  // unpadded input is accepted
  CHECK_FALSE(base64_decode("Zm9v!").has_value());
}
