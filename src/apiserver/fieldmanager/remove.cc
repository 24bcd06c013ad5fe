// Removing fields an applier gave up (structured-merge-diff's prune: RemoveItems, with the
// fields other managers own added back).

#include "typed.h"
#include "walk.h"

namespace kscratch::apiserver::fieldmanager {

namespace {

class Remover {
 public:
  explicit Remover(const Shape& shape) : shape_(shape) {}

  void object(json::object& o, const FieldSet& remove, const FieldSet* keep, std::string_view type, bool at_root) {
    for (const auto& [e, sub] : remove.children()) {
      if (e.rfind("f:", 0) != 0) continue;
      std::string name = e.substr(2);
      auto* v = o.if_contains(name);
      if (!v) continue;
      const FieldSet* keep_child = keep ? keep->child(e) : nullptr;
      if (gone_whole(sub, keep_child)) {
        o.erase(name);
        continue;
      }
      if (descend(*v, sub, keep_child, shape_.field(type, name, at_root))) o.erase(name);
    }
  }

 private:
  // A field or item goes as a whole when it was the applier's and nothing under it is
  // anyone's now.
  static bool gone_whole(const FieldSet& remove, const FieldSet* keep) {
    return remove.member() && (keep == nullptr || keep->children().empty());
  }

  // Removes inside `v`; true when that emptied it (then it goes too).
  bool descend(json::value& v, const FieldSet& remove, const FieldSet* keep, const FieldShape& fs) {
    if (remove.children().empty() || walk::is_empty_container(v)) return false;
    auto t = walk::treat(v, fs);
    if (t == walk::Treat::object) {
      object(v.get_object(), remove, keep, fs.type, false);
    } else if (t == walk::Treat::list) {
      list(v.get_array(), remove, keep, fs);
    } else {
      return false;
    }
    return walk::is_empty_container(v);
  }

  void list(json::array& items, const FieldSet& remove, const FieldSet* keep, const FieldShape& fs) {
    auto item_fs = walk::item_shape(fs);
    json::array kept;
    for (auto& item : items) {
      auto e = *list_item_element(fs, item);
      const FieldSet* sub = remove.child(e);
      if (sub) {
        const FieldSet* keep_child = keep ? keep->child(e) : nullptr;
        if (gone_whole(*sub, keep_child)) continue;
        if (item.is_object()) object(item.get_object(), *sub, keep_child, item_fs.type, false);
      }
      kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }

  const Shape& shape_;
};

}  // namespace

void remove_fields(const Shape& shape, json::object& object, const FieldSet& remove, const FieldSet& keep) {
  Remover r(shape);
  r.object(object, remove, &keep, shape.root_type(), true);
}

}  // namespace kscratch::apiserver::fieldmanager
