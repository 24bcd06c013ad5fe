#pragma once
// One byte sequence per JSON value: object keys sorted, no whitespace. Upstream hashes pod
// templates with a deep print of the Go struct (hashutil.DeepHashObject); that print cannot
// be reproduced byte for byte, but any deterministic serialization serves the same purpose:
// equal templates hash equally, whatever order their keys arrived in.

#include <string>

#include <boost/json/fwd.hpp>

namespace kscratch::controllers {

std::string canonical_json(const boost::json::value& v);

}  // namespace kscratch::controllers
