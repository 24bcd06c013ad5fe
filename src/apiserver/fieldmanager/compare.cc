// What changed between two objects (structured-merge-diff's Compare).

#include "typed.h"
#include "walk.h"

#include <map>

namespace kscratch::apiserver::fieldmanager {

namespace {

class Comparer {
 public:
  Comparer(const Shape& shape, Comparison& out) : shape_(shape), out_(out) {}

  void objects(const json::object* l, const json::object* r, std::string_view type, bool at_root) {
    static const json::value kEmptyObject = json::object();
    static const json::value kEmptyArray = json::array();
    auto visit = [&](std::string_view name, const json::value* lv, const json::value* rv) {
      auto fs = shape_.field(type, name, at_root);
      // Go's empty object already holds non-pointer structs and non-omitempty lists, so
      // they are never added or removed as a whole, only their contents.
      // (Only where the parent itself exists: a new container has no zero resources.)
      if (fs.always_present && (lv == nullptr) != (rv == nullptr)) {
        const json::value& other = lv ? *lv : *rv;
        const json::value* empty = other.is_array() ? &kEmptyArray : &kEmptyObject;
        if (!lv && l) lv = empty;
        if (!rv && r) rv = empty;
      }
      path_.push_back("f:" + std::string(name));
      value(lv, rv, fs);
      path_.pop_back();
    };
    if (l) {
      for (const auto& [name, lv] : *l) visit(name, &lv, r ? r->if_contains(name) : nullptr);
    }
    if (r) {
      for (const auto& [name, rv] : *r) {
        if (!l || !l->contains(name)) visit(name, nullptr, &rv);
      }
    }
  }

 private:
  void value(const json::value* l, const json::value* r, const FieldShape& fs) {
    using walk::Treat;
    Treat tl = l ? walk::treat(*l, fs) : Treat::leaf;
    Treat tr = r ? walk::treat(*r, fs) : Treat::leaf;
    Treat t = l ? tl : tr;
    if (l && r && tl != tr) t = Treat::leaf;
    // Empty or missing on both sides: a leaf, which keeps {} apart from absent.
    bool both_empty = (!l || walk::is_empty_container(*l)) && (!r || walk::is_empty_container(*r));
    if (t == Treat::leaf || both_empty) {
      if (!l) out_.added.insert(path_);
      else if (!r) out_.removed.insert(path_);
      else if (*l != *r) out_.modified.insert(path_);
      return;
    }
    if (t == Treat::object) {
      objects(l ? &l->get_object() : nullptr, r ? &r->get_object() : nullptr, fs.type, false);
    } else {
      lists(l ? &l->get_array() : nullptr, r ? &r->get_array() : nullptr, fs);
    }
    if (!l) out_.added.insert(path_);
    if (!r) out_.removed.insert(path_);
  }

  void lists(const json::array* l, const json::array* r, const FieldShape& fs) {
    std::map<PathElement, const json::value*> right;
    if (r) {
      for (const auto& item : *r) right.emplace(*list_item_element(fs, item), &item);
    }
    auto item_shape = walk::item_shape(fs);
    auto visit = [&](const PathElement& e, const json::value* lv, const json::value* rv) {
      path_.push_back(e);
      value(lv, rv, item_shape);
      path_.pop_back();
    };
    std::map<PathElement, bool> seen_left;
    if (l) {
      for (const auto& item : *l) {
        auto e = *list_item_element(fs, item);
        seen_left[e] = true;
        auto it = right.find(e);
        visit(e, &item, it == right.end() ? nullptr : it->second);
      }
    }
    if (r) {
      for (const auto& item : *r) {
        auto e = *list_item_element(fs, item);
        if (!seen_left.count(e)) visit(e, nullptr, &item);
      }
    }
  }

  const Shape& shape_;
  Comparison& out_;
  Path path_;
};

}  // namespace

Comparison compare(const Shape& shape, const json::object& before, const json::object& after) {
  Comparison out;
  Comparer c(shape, out);
  c.objects(&before, &after, shape.root_type(), true);
  return out;
}

}  // namespace kscratch::apiserver::fieldmanager
