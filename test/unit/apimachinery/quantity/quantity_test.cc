// Cases from upstream's pkg/api/resource/quantity_test.go.

#include <catch2/catch.hpp>

#include "kscratch/apimachinery/quantity.h"

namespace qty = kscratch::apimachinery::quantity;
using qty::Format;
using qty::Quantity;

namespace {

Quantity parse(const std::string& s) {
  auto q = qty::parse(s);
  if (!q) FAIL(s << ": " << q.error().message);
  return *q;
}

Quantity dec(int64_t value, int32_t scale, Format format) { return Quantity::from_scaled(value, scale, format); }

}  // namespace

TEST_CASE("parse gives upstream's values and formats", "[quantity]") {
  struct Case {
    const char* in;
    Quantity want;
  };
  const Quantity max = dec(INT64_MAX, 0, Format::kBinarySI);
  std::vector<Case> cases = {
      {"0", dec(0, 0, Format::kDecimalSI)},
      {"0n", dec(0, 0, Format::kDecimalSI)},
      {"0Ki", dec(0, 0, Format::kBinarySI)},
      {"1Ki", dec(1024, 0, Format::kBinarySI)},
      {"8Ki", dec(8 * 1024, 0, Format::kBinarySI)},
      {"7Mi", dec(7 * 1024 * 1024, 0, Format::kBinarySI)},
      {"6Gi", dec(int64_t{6} << 30, 0, Format::kBinarySI)},
      {"5Ti", dec(int64_t{5} << 40, 0, Format::kBinarySI)},
      {"4Pi", dec(int64_t{4} << 50, 0, Format::kBinarySI)},
      {"3Ei", dec(int64_t{3} << 60, 0, Format::kBinarySI)},
      {"5n", dec(5, -9, Format::kDecimalSI)},
      {"4u", dec(4, -6, Format::kDecimalSI)},
      {"3m", dec(3, -3, Format::kDecimalSI)},
      {"9", dec(9, 0, Format::kDecimalSI)},
      {"8k", dec(8, 3, Format::kDecimalSI)},
      {"50k", dec(5, 4, Format::kDecimalSI)},
      {"7M", dec(7, 6, Format::kDecimalSI)},
      {"6G", dec(6, 9, Format::kDecimalSI)},
      {"5T", dec(5, 12, Format::kDecimalSI)},
      {"40T", dec(4, 13, Format::kDecimalSI)},
      {"300T", dec(3, 14, Format::kDecimalSI)},
      {"2P", dec(2, 15, Format::kDecimalSI)},
      {"1E", dec(1, 18, Format::kDecimalSI)},
      {"1E-3", dec(1, -3, Format::kDecimalExponent)},
      {"1e3", dec(1, 3, Format::kDecimalExponent)},
      {"1E6", dec(1, 6, Format::kDecimalExponent)},
      {"1e9", dec(1, 9, Format::kDecimalExponent)},
      {"1E12", dec(1, 12, Format::kDecimalExponent)},
      {"1e15", dec(1, 15, Format::kDecimalExponent)},
      {"1E18", dec(1, 18, Format::kDecimalExponent)},
      {"0.001", dec(1, -3, Format::kDecimalSI)},
      {"0.0005k", dec(5, -1, Format::kDecimalSI)},
      {"0.005", dec(5, -3, Format::kDecimalSI)},
      {"0.05", dec(5, -2, Format::kDecimalSI)},
      {"0.5", dec(5, -1, Format::kDecimalSI)},
      {"0.00050k", dec(5, -1, Format::kDecimalSI)},
      {"0.00500", dec(5, -3, Format::kDecimalSI)},
      {"0.05000", dec(5, -2, Format::kDecimalSI)},
      {"0.50000", dec(5, -1, Format::kDecimalSI)},
      {"0.5e0", dec(5, -1, Format::kDecimalExponent)},
      {"0.5e-1", dec(5, -2, Format::kDecimalExponent)},
      {"0.5e-2", dec(5, -3, Format::kDecimalExponent)},
      {"10.035M", dec(10035, 3, Format::kDecimalSI)},
      {"1.2e3", dec(12, 2, Format::kDecimalExponent)},
      {"1.3E+6", dec(13, 5, Format::kDecimalExponent)},
      {"1.40e9", dec(14, 8, Format::kDecimalExponent)},
      {"1.53E12", dec(153, 10, Format::kDecimalExponent)},
      {"1.6e15", dec(16, 14, Format::kDecimalExponent)},
      {"1.7E18", dec(17, 17, Format::kDecimalExponent)},
      {"9.01", dec(901, -2, Format::kDecimalSI)},
      {"8.1k", dec(81, 2, Format::kDecimalSI)},
      {"7.123456M", dec(7123456, 0, Format::kDecimalSI)},
      {"6.987654321G", dec(6987654321, 0, Format::kDecimalSI)},
      {"5.444T", dec(5444, 9, Format::kDecimalSI)},
      {"40.1T", dec(401, 11, Format::kDecimalSI)},
      {"300.2T", dec(3002, 11, Format::kDecimalSI)},
      {"2.5P", dec(25, 14, Format::kDecimalSI)},
      {"1.01E", dec(101, 16, Format::kDecimalSI)},
      // Things that saturate or round.
      {"3.001n", dec(4, -9, Format::kDecimalSI)},
      {"1.1E-9", dec(2, -9, Format::kDecimalExponent)},
      {"0.0000000001", dec(1, -9, Format::kDecimalSI)},
      {"0.0000000005", dec(1, -9, Format::kDecimalSI)},
      {"0.00000000050", dec(1, -9, Format::kDecimalSI)},
      {"0.5e-9", dec(1, -9, Format::kDecimalExponent)},
      {"0.9n", dec(1, -9, Format::kDecimalSI)},
      {"0.00000012345", dec(124, -9, Format::kDecimalSI)},
      {"0.00000012354", dec(124, -9, Format::kDecimalSI)},
      {"9Ei", max},
      {"9223372036854775807Ki", max},
      {"12E", dec(12, 18, Format::kDecimalSI)},
      // Fractional binary amounts.
      {"100.035Ki", dec(10243584, -2, Format::kBinarySI)},
      {"0.5Mi", dec(512 * 1024, 0, Format::kBinarySI)},
      {"0.05Gi", dec(536870912, -1, Format::kBinarySI)},
      {"0.025Ti", dec(274877906944, -1, Format::kBinarySI)},
      // Things written by trolls.
      {"0.000000000001Ki", dec(2, -9, Format::kDecimalSI)},
      {".001", dec(1, -3, Format::kDecimalSI)},
      {".0001k", dec(100, -3, Format::kDecimalSI)},
      {"1.", dec(1, 0, Format::kDecimalSI)},
      {"1.G", dec(1, 9, Format::kDecimalSI)},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    Quantity q = parse(c.in);
    CHECK(q == c.want);
    CHECK(q.format() == c.want.format());
    // Negative and explicitly positive forms parse to the same amounts.
    if (!q.is_zero()) {
      CHECK(parse(std::string("-") + c.in) == c.want.neg());
      CHECK(parse(std::string("+") + c.in) == c.want);
    }
  }
}

TEST_CASE("parse rejects upstream's invalid strings", "[quantity]") {
  const std::string wrong =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  for (const char* bad : {"1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ", ""}) {
    INFO(bad);
    auto q = qty::parse(bad);
    REQUIRE_FALSE(q.ok());
  }
  CHECK(qty::parse("").error().message == wrong);
  CHECK(qty::parse("1 ").error().message == wrong);
  CHECK(qty::parse("1.1.M").error().message == wrong);
  CHECK(qty::parse("1i").error().message == "unable to parse quantity's suffix");
  CHECK(qty::parse("-3.01e-").error().message == "unable to parse quantity's suffix");
  CHECK(qty::parse("1kb").error().message == wrong);
  CHECK(qty::parse("1GGi").error().message == "unable to parse quantity's suffix");
}

TEST_CASE("canonical strings", "[quantity]") {
  struct Case {
    Quantity in;
    const char* want;
  };
  std::vector<Case> cases = {
      {dec(1024 * 1024 * 1024, 0, Format::kBinarySI), "1Gi"},
      {dec(300 * 1024 * 1024, 0, Format::kBinarySI), "300Mi"},
      {dec(6 * 1024, 0, Format::kBinarySI), "6Ki"},
      {dec(int64_t{1001} << 30, 0, Format::kBinarySI), "1001Gi"},
      {dec(int64_t{1} << 40, 0, Format::kBinarySI), "1Ti"},
      {dec(5, 0, Format::kBinarySI), "5"},
      {dec(500, -3, Format::kBinarySI), "500m"},
      {dec(1, 9, Format::kDecimalSI), "1G"},
      {dec(1000, 6, Format::kDecimalSI), "1G"},
      {dec(1000000, 3, Format::kDecimalSI), "1G"},
      {dec(1000000000, 0, Format::kDecimalSI), "1G"},
      {dec(1, -3, Format::kDecimalSI), "1m"},
      {dec(80, -3, Format::kDecimalSI), "80m"},
      {dec(1080, -3, Format::kDecimalSI), "1080m"},
      {dec(108, -2, Format::kDecimalSI), "1080m"},
      {dec(10800, -4, Format::kDecimalSI), "1080m"},
      {dec(300, 6, Format::kDecimalSI), "300M"},
      {dec(1, 12, Format::kDecimalSI), "1T"},
      {dec(1234567, 6, Format::kDecimalSI), "1234567M"},
      {dec(1234567, -3, Format::kBinarySI), "1234567m"},
      {dec(3, 3, Format::kDecimalSI), "3k"},
      {dec(1025, 0, Format::kBinarySI), "1025"},
      {dec(0, 0, Format::kDecimalSI), "0"},
      {dec(0, 0, Format::kBinarySI), "0"},
      {dec(1, 9, Format::kDecimalExponent), "1e9"},
      {dec(1, -3, Format::kDecimalExponent), "1e-3"},
      {dec(1, -9, Format::kDecimalExponent), "1e-9"},
      {dec(80, -3, Format::kDecimalExponent), "80e-3"},
      {dec(300, 6, Format::kDecimalExponent), "300e6"},
      {dec(1, 12, Format::kDecimalExponent), "1e12"},
      {dec(1, 3, Format::kDecimalExponent), "1e3"},
      {dec(3, 3, Format::kDecimalExponent), "3e3"},
      {dec(0, 0, Format::kDecimalExponent), "0"},
      {dec(1, -9, Format::kDecimalSI), "1n"},
      {dec(80, -9, Format::kDecimalSI), "80n"},
      {dec(1080, -9, Format::kDecimalSI), "1080n"},
      {dec(108, -8, Format::kDecimalSI), "1080n"},
      {dec(10800, -10, Format::kDecimalSI), "1080n"},
      {dec(1, -6, Format::kDecimalSI), "1u"},
      {dec(80, -6, Format::kDecimalSI), "80u"},
      {dec(1080, -6, Format::kDecimalSI), "1080u"},
      {dec(-1500, -3, Format::kDecimalSI), "-1500m"},
      {dec(-3 * 1024, 0, Format::kBinarySI), "-3Ki"},
  };
  for (const Case& c : cases) {
    INFO(c.want);
    CHECK(c.in.to_string() == c.want);
  }
}

TEST_CASE("parsed quantities print canonically", "[quantity]") {
  std::vector<std::pair<const char*, const char*>> cases = {
      {"100m", "100m"}, {"1.5", "1500m"}, {"64Mi", "64Mi"}, {"1G", "1G"},   {"1e3", "1e3"},
      {"2k", "2k"},     {"1000m", "1"},   {"1.5Gi", "1536Mi"}, {"0.5Ki", "512"}, {"1024", "1024"},
      {"1Mi", "1Mi"},   {"1048576", "1048576"}, {"0.1", "100m"}, {"1.5G", "1500M"}, {"10e3", "10e3"},
      {"1e0", "1e0"},   {"+1", "+1"},     {"-1", "-1"},    {"-0", "0"},     {"000", "0"},
      {"1e100", "10e99"}, {"9Ei", "9223372036854775807"}, {"12E", "12E"}, {"2000Mi", "2000Mi"}, {"2048Mi", "2Gi"},
      {"1.1e-9", "2e-9"}, {".", "0"}, {"3.001n", "4n"}, {"0.000000000001Ki", "2n"},
  };
  for (const auto& [in, want] : cases) {
    INFO(in);
    CHECK(parse(in).to_string() == want);
  }
}

TEST_CASE("value and milli_value round up away from zero", "[quantity]") {
  CHECK(parse("1.5").value() == 2);
  CHECK(parse("1.5").milli_value() == 1500);
  CHECK(parse("-1.5").value() == -2);
  CHECK(parse("100m").value() == 1);
  CHECK(parse("100m").milli_value() == 100);
  CHECK(parse("1n").milli_value() == 1);
  CHECK(parse("64Mi").value() == 64 * 1024 * 1024);
  CHECK(parse("2k").milli_value() == 2000000);
  CHECK(parse("1e100").value() == INT64_MAX);
  CHECK(parse("9Ei").value() == INT64_MAX);
  CHECK(parse("-12E").value() == INT64_MIN);
  CHECK(parse("1.5G").scaled_value(6) == 1500);
}

TEST_CASE("compare, add and sub are exact", "[quantity]") {
  CHECK(parse("1") == parse("1000m"));
  CHECK(parse("1Ki") == parse("1024"));
  CHECK(parse("100m") < parse("1"));
  CHECK(parse("-1") < parse("0"));
  CHECK(parse("-2") < parse("-1"));
  CHECK(parse("1e100") > parse("9Ei"));
  CHECK(parse("1n") > parse("0"));
  auto sum = parse("1.5").add(parse("500m"));
  REQUIRE(sum.ok());
  CHECK(sum->to_string() == "2");
  auto diff = parse("1Gi").sub(parse("512Mi"));
  REQUIRE(diff.ok());
  CHECK(diff->to_string() == "512Mi");
  auto from_zero = Quantity().add(parse("1Ki"));
  CHECK(from_zero->format() == Format::kBinarySI);
  CHECK(from_zero->to_string() == "1Ki");
  auto negative = parse("100m").sub(parse("1"));
  CHECK(negative->to_string() == "-900m");
  CHECK(negative->sign() == -1);
  CHECK_FALSE(parse("1e100").add(parse("1n")).ok());
  CHECK(Quantity::from_milli(250).to_string() == "250m");
}

TEST_CASE("hostile quantities do not crash", "[quantity]") {
  std::string long_digits(100000, '7');
  CHECK(parse(long_digits).value() == INT64_MAX);
  CHECK(parse("0." + std::string(100000, '0') + "1").to_string() == "1n");
  CHECK(parse("1." + std::string(100000, '3') + "Ki").value() == 1366);
  CHECK(parse("1e2147483647").to_string() == "10e2147483646");
  // Upstream wraps the exponent to int32: 1e4294967296 is 1 (and keeps its text), 1e-4294967295 is 10.
  CHECK(parse("1e4294967296").to_string() == "1e4294967296");
  CHECK(parse("1e4294967296").value() == 1);
  CHECK(parse("1e-4294967295").to_string() == "10");
  CHECK_FALSE(qty::parse("1e99999999999999999999").ok());
  std::string bytes;
  for (int c = 0; c < 256; ++c) bytes += static_cast<char>(c);
  CHECK_FALSE(qty::parse(bytes).ok());
}
