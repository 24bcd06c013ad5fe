// Image references normalised as Docker (distribution/reference) does: "nginx" is
// docker.io/library/nginx:latest; the first path component is a registry host only when
// it looks like one (a '.', a ':' or "localhost").

#include "kscratch/images/images.h"

#include "digest.h"

#include <fmt/format.h>

#include <regex>

namespace kscratch::images {

namespace {

// distribution/reference's grammar for one path component and for a tag.
const std::regex& path_component_re() {
  static const std::regex re("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
  return re;
}
const std::regex& tag_re() {
  static const std::regex re("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  return re;
}
// A host name (labels of letters, digits and '-'), an IPv4 address, or "[IPv6]", with an
// optional port.
const std::regex& domain_re() {
  static const std::regex re(
      "(?:(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*"
      "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?");
  return re;
}

}  // namespace

std::string Reference::name() const { return domain + "/" + repository; }

std::string Reference::str() const {
  if (!digest.empty()) return name() + "@" + digest;
  return name() + ":" + tag;
}

Expected<Reference> parse_reference(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return make_error(fmt::format("invalid image reference \"{}\": {}", text, why));
  };
  if (text.empty()) return bad("empty");
  std::string rest(text);
  Reference ref;

  if (auto at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest.resize(at);
    if (!is_sha256_digest(ref.digest)) return bad("digest must be sha256: followed by 64 lower-case hex digits");
  }
  // A tag follows the last ':' unless that ':' belongs to a registry's port ("host:5000/x").
  if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find('/', colon) == std::string::npos) {
    ref.tag = rest.substr(colon + 1);
    rest.resize(colon);
    if (!std::regex_match(ref.tag, tag_re())) return bad("invalid tag");
  }
  if (rest.empty()) return bad("no repository name");

  auto slash = rest.find('/');
  std::string first = rest.substr(0, slash);
  bool has_domain = slash != std::string::npos &&
                    (first.find_first_of(".:") != std::string::npos || first == "localhost" ||
                     std::any_of(first.begin(), first.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
  if (has_domain) {
    ref.domain = first;
    ref.repository = rest.substr(slash + 1);
    if (!std::regex_match(ref.domain, domain_re())) return bad("invalid registry host");
  } else {
    ref.domain = "docker.io";
    ref.repository = rest;
  }
  if (ref.domain == "index.docker.io") ref.domain = "docker.io";
  if (ref.domain == "docker.io" && ref.repository.find('/') == std::string::npos) {
    ref.repository = "library/" + ref.repository;
  }
  if (ref.repository.empty()) return bad("no repository name");
  std::size_t start = 0;
  for (;;) {
    auto end = ref.repository.find('/', start);
    std::string component = ref.repository.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!std::regex_match(component, path_component_re())) {
      bool upper = std::any_of(component.begin(), component.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      return bad(upper ? "repository name must be lowercase" : "invalid repository name");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (ref.name().size() > 255) return bad("repository name longer than 255 characters");
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace kscratch::images
