// The fields an applied configuration sets (structured-merge-diff's ToFieldSet).

#include "typed.h"
#include "walk.h"

#include <fmt/format.h>

#include <set>

namespace kscratch::apiserver::fieldmanager {

namespace {

class FieldCollector {
 public:
  explicit FieldCollector(const Shape& shape) : shape_(shape) {}

  bool object(const json::object& o, std::string_view type, bool at_root) {
    for (const auto& [name, v] : o) {
      auto fs = shape_.field(type, name, at_root);
      path_.push_back("f:" + std::string(name));
      bool ok = value(v, fs);
      path_.pop_back();
      if (!ok) return false;
    }
    return true;
  }

  FieldSet set;
  std::string error;

 private:
  bool value(const json::value& v, const FieldShape& fs) {
    if (v.is_object() && !fs.atomic_object) return object(v.get_object(), fs.type, false);
    if (v.is_array() && fs.list != ListType::atomic) return list(v.get_array(), fs);
    set.insert(path_);
    return true;
  }

  bool list(const json::array& items, const FieldShape& fs) {
    std::set<PathElement> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto e = list_item_element(fs, items[i]);
      if (!e) {
        error = fs.list == ListType::set
                    ? fmt::format("{}: element {}: expected a scalar in a set", path_string(path_), i)
                    : fmt::format("{}: element {}: associative list with keys has an element that omits key field "
                                  "\"{}\" (and doesn't have default value)",
                                  path_string(path_), i, missing_key(fs, items[i]));
        return false;
      }
      if (!seen.insert(*e).second) {
        error = fmt::format("{}: duplicate entries for key {}", path_string(path_), path_string({*e}));
        return false;
      }
      path_.push_back(*e);
      set.insert(path_);
      bool ok = !items[i].is_object() || object(items[i].get_object(), fs.type, false);
      path_.pop_back();
      if (!ok) return false;
    }
    return true;
  }

  static std::string missing_key(const FieldShape& fs, const json::value& item) {
    for (const auto& k : fs.keys) {
      if (!item.is_object() || !item.get_object().contains(k)) return k;
    }
    return fs.keys.empty() ? "" : fs.keys.front();
  }

  const Shape& shape_;
  Path path_;
};

}  // namespace

Expected<FieldSet> fields_of(const Shape& shape, const json::object& config) {
  FieldCollector c(shape);
  if (!c.object(config, shape.root_type(), true)) return make_error(c.error);
  return std::move(c.set);
}

}  // namespace kscratch::apiserver::fieldmanager
