// Multi-document streams, split as k8s.io/apimachinery/pkg/util/yaml's YAMLReader does.

#include <boost/json.hpp>

#include "kscratch/apimachinery/yaml.h"

namespace kscratch::apimachinery::yaml {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Expected<std::vector<boost::json::value>> stream_to_json(std::string_view yaml) {
  if (yaml.size() > kMaxInputBytes) return make_error("error converting YAML to JSON: yaml: input too large");
  std::vector<std::string_view> documents;
  size_t doc_start = 0;
  size_t pos = 0;
  while (pos < yaml.size()) {
    size_t eol = yaml.find('\n', pos);
    size_t next = eol == std::string_view::npos ? yaml.size() : eol + 1;
    std::string_view line = yaml.substr(pos, next - pos);
    if (line.substr(0, 3) == "---") {
      // Only spaces and a comment may follow the separator.
      std::string_view rest = trim(line.substr(3));
      if (!rest.empty() && rest.front() != '#') {
        return make_error("invalid Yaml document separator: " + std::string(rest));
      }
      documents.push_back(yaml.substr(doc_start, pos - doc_start));
      doc_start = next;
    }
    pos = next;
  }
  documents.push_back(yaml.substr(doc_start));

  std::vector<boost::json::value> out;
  for (std::string_view doc : documents) {
    if (trim(doc).empty()) continue;
    Expected<boost::json::value> v = to_json(doc);
    if (!v) return v.error();
    // kubectl skips documents that are empty or hold only comments (they decode to null).
    if (v->is_null()) continue;
    out.push_back(std::move(*v));
  }
  return out;
}

}  // namespace kscratch::apimachinery::yaml
