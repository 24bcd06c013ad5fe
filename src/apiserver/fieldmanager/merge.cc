// An applied configuration merged into the live object (structured-merge-diff's Merge).

#include "typed.h"
#include "walk.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace kscratch::apiserver::fieldmanager {

namespace {

// Nulls in a configuration mean "no value": decoding into Go types drops them.
json::value without_nulls(const json::value& v) {
  if (v.is_object()) {
    json::object out;
    for (const auto& [k, child] : v.get_object()) {
      if (!child.is_null()) out[k] = without_nulls(child);
    }
    return out;
  }
  if (v.is_array()) {
    json::array out;
    for (const auto& item : v.get_array()) out.push_back(without_nulls(item));
    return out;
  }
  return v;
}

class Merger {
 public:
  explicit Merger(const Shape& shape) : shape_(shape) {}

  bool objects(json::object& out, const json::object& config, std::string_view type, bool at_root) {
    for (const auto& [name, rv] : config) {
      if (rv.is_null()) {
        out.erase(name);
        continue;
      }
      auto fs = shape_.field(type, name, at_root);
      path_.push_back("f:" + std::string(name));
      auto* lv = out.if_contains(name);
      auto merged = value(lv, rv, fs);
      path_.pop_back();
      if (!merged) return false;
      out[name] = std::move(*merged);
    }
    return true;
  }

  std::string error;

 private:
  std::optional<json::value> value(const json::value* l, const json::value& r, const FieldShape& fs) {
    if (r.is_array() && fs.list != ListType::atomic && !items_are_named(fs, r.get_array())) {
      std::string keys;
      for (const auto& k : fs.keys) keys += (keys.empty() ? "" : ", ") + k;
      error = fmt::format("{}: the items of this list must have distinct keys ({})", path_string(path_),
                          keys.empty() ? std::string("values") : keys);
      return std::nullopt;
    }
    if (!l) return without_nulls(r);
    auto tl = walk::treat(*l, fs);
    auto tr = walk::treat(r, fs);
    if (tl != tr || tr == walk::Treat::leaf) return without_nulls(r);
    if (tr == walk::Treat::object) {
      json::object out = l->get_object();
      if (!objects(out, r.get_object(), fs.type, false)) return std::nullopt;
      return json::value(std::move(out));
    }
    return lists(l->get_array(), r.get_array(), fs);
  }

  std::optional<json::value> item(const json::value* l, const json::value* r, const FieldShape& fs) {
    if (!r) return *l;
    if (l && l->is_object() && r->is_object()) {
      json::object out = l->get_object();
      if (!objects(out, r->get_object(), fs.type, false)) return std::nullopt;
      return json::value(std::move(out));
    }
    return without_nulls(*r);
  }

  // Upstream's order: live items keep their places, configured items that are also live
  // follow the configuration's order among themselves, and new items come after the live
  // item they follow in the configuration.
  std::optional<json::value> lists(const json::array& lhs, const json::array& rhs, const FieldShape& fs) {
    std::vector<PathElement> lpe, rpe;
    std::map<PathElement, const json::value*> seen_l, seen_r;
    for (const auto& v : lhs) {
      lpe.push_back(*list_item_element(fs, v));
      seen_l.emplace(lpe.back(), &v);
    }
    for (const auto& v : rhs) {
      rpe.push_back(*list_item_element(fs, v));
      seen_r.emplace(rpe.back(), &v);
    }
    std::vector<PathElement> shared;
    for (const auto& pe : rpe) {
      if (seen_l.count(pe)) shared.push_back(pe);
    }
    std::size_t next_shared = 0;
    auto advance_shared = [&] { ++next_shared; };
    auto shared_is = [&](const PathElement& pe) { return next_shared < shared.size() && shared[next_shared] == pe; };

    auto item_fs = walk::item_shape(fs);
    json::array out;
    std::set<PathElement> merged_r;
    auto emit = [&](const PathElement& pe, const json::value* l, const json::value* r) {
      path_.push_back(pe);
      auto v = item(l, r, item_fs);
      path_.pop_back();
      if (!v) return false;
      out.push_back(std::move(*v));
      return true;
    };
    std::size_t li = 0, ri = 0;
    while (li < lpe.size() || ri < rpe.size()) {
      if (li < lpe.size() && ri < rpe.size()) {
        const auto& pe = lpe[li];
        if (pe == rpe[ri]) {
          merged_r.insert(pe);
          if (!emit(pe, seen_l[pe], seen_r[pe])) return std::nullopt;
          ++li;
          ++ri;
          advance_shared();
          continue;
        }
        if (seen_r.count(pe) && next_shared < shared.size() && !shared_is(pe)) {
          ++li;  // A shared item, but not the one wanted in this round.
          continue;
        }
      }
      if (li < lpe.size()) {
        const auto& pe = lpe[li];
        if (!seen_r.count(pe)) {
          if (!emit(pe, &lhs[li], nullptr)) return std::nullopt;
          ++li;
          continue;
        }
        if (merged_r.count(pe)) {
          ++li;
          continue;
        }
      }
      if (ri < rpe.size()) {
        const auto& pe = rpe[ri];
        merged_r.insert(pe);
        auto l = seen_l.find(pe);
        if (!emit(pe, l == seen_l.end() ? nullptr : l->second, seen_r[pe])) return std::nullopt;
        ++ri;
        if (shared_is(pe)) advance_shared();
      }
    }
    return json::value(std::move(out));
  }

  const Shape& shape_;
  Path path_;
};

}  // namespace

Expected<json::object> merge(const Shape& shape, const json::object& live, const json::object& config) {
  Merger m(shape);
  json::object out = live;
  if (!m.objects(out, config, shape.root_type(), true)) return make_error(m.error);
  return out;
}

}  // namespace kscratch::apiserver::fieldmanager
