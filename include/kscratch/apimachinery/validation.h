#pragma once
// Name and value format checks as k8s.io/apimachinery/pkg/util/validation does them. Each
// check returns the list of upstream error strings (empty when the value is valid), so the
// apiserver can put the exact texts kubectl users know into field errors.
//
// The checks are defined inline here, not in the validation library, because every
// apimachinery part is its own library without link dependencies on the others, and the
// label selector parser needs is_qualified_name and is_valid_label_value.
// The texts follow Kubernetes v1.32 (the version kscratch speaks).

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::apimachinery::validation {

inline constexpr int kDNS1123LabelMaxLength = 63;
inline constexpr int kDNS1123SubdomainMaxLength = 253;
inline constexpr int kDNS1035LabelMaxLength = 63;
inline constexpr int kQualifiedNameMaxLength = 63;
inline constexpr int kLabelValueMaxLength = 63;

// The regular expressions upstream validates with; they appear verbatim in the messages.
inline constexpr std::string_view kDNS1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
inline constexpr std::string_view kDNS1123SubdomainFmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
inline constexpr std::string_view kDNS1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
inline constexpr std::string_view kQualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
inline constexpr std::string_view kLabelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
inline constexpr std::string_view kCIdentifierFmt = "[A-Za-z_][A-Za-z0-9_]*";
inline constexpr std::string_view kEnvVarNameFmt = "[-._a-zA-Z][-._a-zA-Z0-9]*";
inline constexpr std::string_view kConfigMapKeyFmt = "[-._a-zA-Z0-9]+";

// Message builders, shared with other validators so their wording matches upstream.
inline std::string max_len_error(int length) {
  return "must be no more than " + std::to_string(length) + " characters";
}

inline std::string empty_error() { return "must be non-empty"; }

inline std::string inclusive_range_error(int64_t lo, int64_t hi) {
  return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", inclusive";
}

inline std::string regex_error(std::string msg, std::string_view fmt,
                               std::initializer_list<std::string_view> examples = {}) {
  if (examples.size() == 0) return msg + " (regex used for validation is '" + std::string(fmt) + "')";
  msg += " (e.g. ";
  bool first = true;
  for (std::string_view example : examples) {
    if (!first) msg += " or ";
    first = false;
    msg += "'" + std::string(example) + "', ";
  }
  msg += "regex used for validation is '" + std::string(fmt) + "')";
  return msg;
}

namespace detail {

// Hand-written matchers for upstream's anchored regular expressions: linear time, no
// std::regex recursion on long hostile input.
inline bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

// ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
inline bool matches_dns1123_label(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '-') return false;
  }
  return true;
}

// ^label(\.label)*$
inline bool matches_dns1123_subdomain(std::string_view s) {
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (!matches_dns1123_label(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// ^[a-z]([-a-z0-9]*[a-z0-9])?$
inline bool matches_dns1035_label(std::string_view s) {
  return matches_dns1123_label(s) && s.front() >= 'a' && s.front() <= 'z';
}

// ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$
inline bool matches_qualified_name(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

}  // namespace detail

// A lowercase RFC 1123 label: object names like namespaces and services.
inline std::vector<std::string> is_dns1123_label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > static_cast<size_t>(kDNS1123LabelMaxLength)) {
    errs.push_back(max_len_error(kDNS1123LabelMaxLength));
  }
  if (!detail::matches_dns1123_label(value)) {
    if (detail::matches_dns1123_subdomain(value)) {
      // A valid subdomain that is not a valid label can only be failing on its dots.
      errs.push_back("must not contain dots");
    } else {
      errs.push_back(regex_error(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
          "and must start and end with an alphanumeric character",
          kDNS1123LabelFmt, {"my-name", "123-abc"}));
    }
  }
  return errs;
}

// A lowercase RFC 1123 subdomain: most object names.
inline std::vector<std::string> is_dns1123_subdomain(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > static_cast<size_t>(kDNS1123SubdomainMaxLength)) {
    errs.push_back(max_len_error(kDNS1123SubdomainMaxLength));
  }
  if (!detail::matches_dns1123_subdomain(value)) {
    errs.push_back(regex_error(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character",
        kDNS1123SubdomainFmt, {"example.com"}));
  }
  return errs;
}

// An RFC 1035 label: service names, which must start with a letter.
inline std::vector<std::string> is_dns1035_label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > static_cast<size_t>(kDNS1035LabelMaxLength)) {
    errs.push_back(max_len_error(kDNS1035LabelMaxLength));
  }
  if (!detail::matches_dns1035_label(value)) {
    errs.push_back(regex_error(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
        "an alphabetic character, and end with an alphanumeric character",
        kDNS1035LabelFmt, {"my-name", "abc-123"}));
  }
  return errs;
}

// A qualified name ([prefix/]name): label and annotation keys.
inline std::vector<std::string> is_qualified_name(std::string_view value) {
  static constexpr std::string_view kMsg =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
      "alphanumeric character";
  std::vector<std::string> errs;
  std::string_view name = value;
  size_t slash = value.find('/');
  if (slash != std::string_view::npos) {
    if (value.find('/', slash + 1) != std::string_view::npos) {
      errs.push_back("a qualified name " +
                     regex_error(std::string(kMsg), kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}) +
                     " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return errs;
    }
    std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errs.push_back("prefix part " + empty_error());
    } else {
      for (const std::string& msg : is_dns1123_subdomain(prefix)) errs.push_back("prefix part " + msg);
    }
  }
  if (name.empty()) {
    errs.push_back("name part " + empty_error());
  } else if (name.size() > static_cast<size_t>(kQualifiedNameMaxLength)) {
    errs.push_back("name part " + max_len_error(kQualifiedNameMaxLength));
  }
  if (!detail::matches_qualified_name(name)) {
    errs.push_back("name part " +
                   regex_error(std::string(kMsg), kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

// A label value: empty, or a qualified name without prefix.
inline std::vector<std::string> is_valid_label_value(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > static_cast<size_t>(kLabelValueMaxLength)) {
    errs.push_back(max_len_error(kLabelValueMaxLength));
  }
  if (!value.empty() && !detail::matches_qualified_name(value)) {
    errs.push_back(regex_error(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
        "'.', and must start and end with an alphanumeric character",
        kLabelValueFmt, {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

// A port number in 1..65535.
inline std::vector<std::string> is_valid_port_num(int64_t port) {
  if (port >= 1 && port <= 65535) return {};
  return {inclusive_range_error(1, 65535)};
}

// An IANA_SVC_NAME (RFC 6335): named container and service ports.
inline std::vector<std::string> is_valid_port_name(std::string_view port) {
  std::vector<std::string> errs;
  if (port.size() > 15) errs.push_back(max_len_error(15));
  bool charset_ok = !port.empty();
  bool has_letter = false;
  for (char c : port) {
    if (!detail::is_lower_alnum(c) && c != '-') charset_ok = false;
    if (c >= 'a' && c <= 'z') has_letter = true;
  }
  if (!charset_ok) errs.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!has_letter) errs.push_back("must contain at least one letter (a-z)");
  if (port.find("--") != std::string_view::npos) errs.push_back("must not contain consecutive hyphens");
  if (!port.empty() && (port.front() == '-' || port.back() == '-')) {
    errs.push_back("must not begin or end with a hyphen");
  }
  return errs;
}

// A C identifier: the strict form of environment variable names.
inline std::vector<std::string> is_c_identifier(std::string_view value) {
  bool ok = !value.empty() && (detail::is_alpha(value.front()) || value.front() == '_');
  for (char c : value) {
    if (!detail::is_alnum(c) && c != '_') ok = false;
  }
  if (ok) return {};
  return {regex_error(
      "a valid C identifier must start with alphabetic character or '_', followed by a string of "
      "alphanumeric characters or '_'",
      kCIdentifierFmt, {"my_name", "MY_NAME", "MyName"})};
}

namespace detail {
// Names that would be confused with directories when used as file names.
inline void append_chdir_prefix_errors(std::string_view value, std::vector<std::string>& errs) {
  if (value == ".") {
    errs.push_back("must not be '.'");
  } else if (value == "..") {
    errs.push_back("must not be '..'");
  } else if (value.substr(0, 2) == "..") {
    errs.push_back("must not start with '..'");
  }
}
}  // namespace detail

// An environment variable name as containers[].env[].name accepts it.
inline std::vector<std::string> is_env_var_name(std::string_view value) {
  std::vector<std::string> errs;
  bool ok = !value.empty() && !detail::is_digit(value.front());
  for (char c : value) {
    if (!detail::is_alnum(c) && c != '-' && c != '.' && c != '_') ok = false;
  }
  if (!ok) {
    errs.push_back(regex_error(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', "
        "'-', or '.', and must not start with a digit",
        kEnvVarNameFmt, {"my.env-name", "MY_ENV.NAME", "MyEnvName1"}));
  }
  detail::append_chdir_prefix_errors(value, errs);
  return errs;
}

// A ConfigMap or Secret data key.
inline std::vector<std::string> is_config_map_key(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > static_cast<size_t>(kDNS1123SubdomainMaxLength)) {
    errs.push_back(max_len_error(kDNS1123SubdomainMaxLength));
  }
  bool ok = !value.empty();
  for (char c : value) {
    if (!detail::is_alnum(c) && c != '-' && c != '.' && c != '_') ok = false;
  }
  if (!ok) {
    errs.push_back(regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                               kConfigMapKeyFmt, {"key.name", "KEY_NAME", "key-name"}));
  }
  detail::append_chdir_prefix_errors(value, errs);
  return errs;
}

// metadata.generateName: the base truncated to 58 bytes plus 5 random characters, so the
// result fits a 63-character DNS label (upstream names.SimpleNameGenerator).
inline constexpr size_t kGeneratedNameRandomLength = 5;
inline constexpr size_t kMaxGeneratedNameBaseLength = 63 - kGeneratedNameRandomLength;
// The alphabet upstream draws from: no vowels (no accidental words) and no 0/1/3 look-alikes.
inline constexpr std::string_view kGeneratedNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

// Uses a process-wide random source.
std::string generate_name(std::string_view base);
// Deterministic variant for tests: random_index(n) must return a value in [0, n).
std::string generate_name(std::string_view base, const std::function<size_t(size_t)>& random_index);

}  // namespace kscratch::apimachinery::validation
