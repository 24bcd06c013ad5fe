#pragma once
// The challenge a registry answers 401 with (RFC 7235):
//   WWW-Authenticate: Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"
//   WWW-Authenticate: Basic realm="Registry Realm"

#include "kscratch/util/expected.h"

#include <map>
#include <string>
#include <string_view>

namespace kscratch::images {

struct Challenge {
  std::string scheme;                         // lower case: "bearer", "basic"
  std::map<std::string, std::string> params;  // keys lower case, values unquoted
};

// The first challenge of the header value.
Expected<Challenge> parse_www_authenticate(std::string_view header);

}  // namespace kscratch::images
