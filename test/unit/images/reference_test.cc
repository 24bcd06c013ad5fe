#include "kscratch/images/images.h"

#include <catch2/catch.hpp>

using kscratch::images::parse_reference;

namespace {
const std::string kDigest = "sha256:" + std::string(64, 'a');
}

TEST_CASE("references normalise as Docker's do") {
  struct Case {
    std::string in, domain, repository, tag, digest, str;
  };
  std::vector<Case> cases = {
      {"nginx", "docker.io", "library/nginx", "latest", "", "docker.io/library/nginx:latest"},
      {"library/nginx", "docker.io", "library/nginx", "latest", "", "docker.io/library/nginx:latest"},
      {"docker.io/nginx:1.27", "docker.io", "library/nginx", "1.27", "", "docker.io/library/nginx:1.27"},
      {"index.docker.io/library/nginx", "docker.io", "library/nginx", "latest", "", "docker.io/library/nginx:latest"},
      {"user/app:1", "docker.io", "user/app", "1", "", "docker.io/user/app:1"},
      {"localhost:5000/x", "localhost:5000", "x", "latest", "", "localhost:5000/x:latest"},
      {"localhost/x", "localhost", "x", "latest", "", "localhost/x:latest"},
      {"127.0.0.1:5000/a/b:tag", "127.0.0.1:5000", "a/b", "tag", "", "127.0.0.1:5000/a/b:tag"},
      {"registry.k8s.io/pause:3.10", "registry.k8s.io", "pause", "3.10", "", "registry.k8s.io/pause:3.10"},
      {"x@" + kDigest, "docker.io", "library/x", "", kDigest, "docker.io/library/x@" + kDigest},
      {"ghcr.io/o/r:v1@" + kDigest, "ghcr.io", "o/r", "v1", kDigest, "ghcr.io/o/r@" + kDigest},
      {"my-registry.local:443/a_b/c-d__e.f:Tag_1.0", "my-registry.local:443", "a_b/c-d__e.f", "Tag_1.0", "",
       "my-registry.local:443/a_b/c-d__e.f:Tag_1.0"},
  };
  for (auto& c : cases) {
    INFO(c.in);
    auto r = parse_reference(c.in);
    REQUIRE(r.ok());
    CHECK(r->domain == c.domain);
    CHECK(r->repository == c.repository);
    CHECK(r->tag == c.tag);
    CHECK(r->digest == c.digest);
    CHECK(r->str() == c.str);
    CHECK(r->name() == c.domain + "/" + c.repository);
  }
}

TEST_CASE("bad references are errors naming the reference") {
  for (const std::string& bad : std::vector<std::string>{"", "Nginx", "nginx:", ":tag", "nginx@sha256:abc", "nginx@md5:" + std::string(32, 'a'),
                          "a//b", "-x", "x-", "nginx:tag with space", "UPPER.io/Repo", "host:5000/", "x@",
                          "nginx:" + std::string(129, 't')}) {
    INFO(bad);
    auto r = parse_reference(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("invalid image reference") != std::string::npos);
  }
}
