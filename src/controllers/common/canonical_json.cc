#include "controllers/common/canonical_json.h"

#include <algorithm>
#include <vector>

#include <boost/json.hpp>

namespace kscratch::controllers {

namespace {

void write(const boost::json::value& v, std::string& out) {
  if (const auto* o = v.if_object()) {
    std::vector<const boost::json::key_value_pair*> entries;
    entries.reserve(o->size());
    for (const auto& kv : *o) entries.push_back(&kv);
    std::sort(entries.begin(), entries.end(),
              [](const auto* a, const auto* b) { return a->key() < b->key(); });
    out += '{';
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i) out += ',';
      out += boost::json::serialize(boost::json::value(entries[i]->key()));
      out += ':';
      write(entries[i]->value(), out);
    }
    out += '}';
  } else if (const auto* a = v.if_array()) {
    out += '[';
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i) out += ',';
      write((*a)[i], out);
    }
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string canonical_json(const boost::json::value& v) {
  std::string out;
  write(v, out);
  return out;
}

}  // namespace kscratch::controllers
