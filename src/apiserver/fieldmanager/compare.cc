// What changed between two objects (structured-merge-diff's Compare).

#include "typed.h"
#include "walk.h"

#include <algorithm>
#include <numeric>

namespace kscratch::apiserver::fieldmanager {

namespace {

using walk::Treat;

// walk::treat, keeping the names of a list's items for Comparer::lists.
Treat treat(const json::value& v, const FieldShape& fs, std::vector<PathElement>& names) {
  if (v.is_object() && !fs.atomic_object) return Treat::object;
  if (v.is_array() && name_items(fs, v.get_array(), names)) return Treat::list;
  return Treat::leaf;
}

// The path element of a field: "f:" and its name, in one allocation at most.
PathElement field_element(std::string_view name) {
  PathElement e;
  e.reserve(name.size() + 2);
  e.append("f:").append(name);
  return e;
}

// Indices of `names` in their sorted order.
std::vector<std::size_t> sorted_order(const std::vector<PathElement>& names) {
  std::vector<std::size_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });
  return order;
}

// Walks both objects at once and builds the three sets from the bottom up: each place's
// changes are collected in a Comparison of its own, which its parent adopts under the
// place's element when something changed there. No path is ever looked up from the root.
class Comparer {
 public:
  Comparer(const Shape& shape, bool skip_managed_fields) : shape_(shape), skip_managed_fields_(skip_managed_fields) {}

  // `at` holds the sets' nodes of the objects' place; `root_metadata` says they are the
  // root's metadata, whose managedFields are left out when asked.
  void objects(const json::object* l, const json::object* r, std::string_view type, bool at_root, bool root_metadata,
               Comparison& at) {
    static const json::value kEmptyObject = json::object();
    static const json::value kEmptyArray = json::array();
    auto visit = [&](std::string_view name, const json::value* lv, const json::value* rv) {
      if (root_metadata && name == "managedFields") return;
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
      Comparison below;
      value(lv, rv, fs, at_root && skip_managed_fields_ && name == "metadata", below);
      adopt(at, [&] { return field_element(name); }, std::move(below));
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
  void value(const json::value* l, const json::value* r, const FieldShape& fs, bool root_metadata, Comparison& at) {
    std::vector<PathElement> l_names, r_names;
    Treat tl = l ? treat(*l, fs, l_names) : Treat::leaf;
    Treat tr = r ? treat(*r, fs, r_names) : Treat::leaf;
    Treat t = l ? tl : tr;
    if (l && r && tl != tr) t = Treat::leaf;
    // Empty or missing on both sides: a leaf, which keeps {} apart from absent.
    bool both_empty = (!l || walk::is_empty_container(*l)) && (!r || walk::is_empty_container(*r));
    if (t == Treat::leaf || both_empty) {
      if (!l) at.added.insert_self();
      else if (!r) at.removed.insert_self();
      else if (*l != *r) at.modified.insert_self();
      return;
    }
    if (t == Treat::object) {
      objects(l ? &l->get_object() : nullptr, r ? &r->get_object() : nullptr, fs.type, false, root_metadata, at);
    } else {
      lists(l ? &l->get_array() : nullptr, r ? &r->get_array() : nullptr, fs, std::move(l_names),
            std::move(r_names), at);
    }
    if (!l) at.added.insert_self();
    if (!r) at.removed.insert_self();
  }

  // Items pair up by name (each side's names are distinct). The sets are sorted, so the
  // order of the visits does not matter: both sides are walked in their names' order.
  void lists(const json::array* l, const json::array* r, const FieldShape& fs, std::vector<PathElement> l_names,
             std::vector<PathElement> r_names, Comparison& at) {
    auto item_shape = walk::item_shape(fs);
    auto visit = [&](PathElement& e, const json::value* lv, const json::value* rv) {
      Comparison below;
      value(lv, rv, item_shape, false, below);
      adopt(at, [&] { return std::move(e); }, std::move(below));
    };
    auto lo = sorted_order(l_names);
    auto ro = sorted_order(r_names);
    std::size_t i = 0, j = 0;
    while (i < lo.size() || j < ro.size()) {
      if (j == ro.size() || (i < lo.size() && l_names[lo[i]] < r_names[ro[j]])) {
        visit(l_names[lo[i]], &(*l)[lo[i]], nullptr);
        ++i;
      } else if (i == lo.size() || r_names[ro[j]] < l_names[lo[i]]) {
        visit(r_names[ro[j]], nullptr, &(*r)[ro[j]]);
        ++j;
      } else {
        visit(l_names[lo[i]], &(*l)[lo[i]], &(*r)[ro[j]]);
        ++i;
        ++j;
      }
    }
  }

  // Puts the changes below one element into the sets' nodes of its parent. The element's
  // name is made only when something changed there, as most of an update changes nothing.
  template <typename MakeElement>
  static void adopt(Comparison& at, MakeElement make_element, Comparison below) {
    if (below.empty()) return;
    PathElement e = make_element();
    FieldSet* sets[] = {&at.added, &at.modified, &at.removed};
    FieldSet* subs[] = {&below.added, &below.modified, &below.removed};
    int last = 2;
    while (subs[last]->empty()) --last;
    for (int k = 0; k <= last; ++k) {
      if (subs[k]->empty()) continue;
      sets[k]->adopt(k == last ? std::move(e) : e, std::move(*subs[k]));
    }
  }

  const Shape& shape_;
  bool skip_managed_fields_;
};

Comparison compare_objects(const Shape& shape, const json::object& before, const json::object& after,
                           bool skip_managed_fields) {
  Comparison out;
  Comparer c(shape, skip_managed_fields);
  c.objects(&before, &after, shape.root_type(), true, false, out);
  return out;
}

}  // namespace

Comparison compare(const Shape& shape, const json::object& before, const json::object& after) {
  return compare_objects(shape, before, after, false);
}

Comparison compare_tracked(const Shape& shape, const json::object& before, const json::object& after) {
  return compare_objects(shape, before, after, true);
}

}  // namespace kscratch::apiserver::fieldmanager
