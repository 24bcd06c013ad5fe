#pragma once
// Sets of field paths, as structured-merge-diff's fieldpath.Set: what a manager owns, what
// an applied configuration sets, what changed between two objects. A set is a tree: each
// node says whether the path ending there is itself a member, and holds the sets below it.
// Its wire form is upstream's FieldsV1 JSON, where "." marks a node that is a member and
// has children, and {} a member leaf:
//   {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{}}}

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::apiserver::fieldmanager {

namespace json = boost::json;

// One step of a path in FieldsV1's spelling: "f:spec" (a field), "k:{\"name\":\"web\"}" (the
// element of an associative list with these key values), "v:\"x\"" (an element of a set of
// scalars), "i:0" (an element by position; read from clients, never produced here).
using PathElement = std::string;
using Path = std::vector<PathElement>;

// Orders elements as structured-merge-diff does: fields, then keys, values and indices.
// Inline: every lookup in a set compares elements several times.
struct ElementOrder {
  bool operator()(const PathElement& a, const PathElement& b) const {
    int ra = rank(a), rb = rank(b);
    if (ra != rb) return ra < rb;
    return a < b;
  }
  // Fields sort before keys, values and indices (fieldpath.PathElement.Less).
  static int rank(const PathElement& e) {
    if (e.size() < 2 || e[1] != ':') return 4;
    switch (e[0]) {
      case 'f': return 0;
      case 'k': return 1;
      case 'v': return 2;
      case 'i': return 3;
      default: return 4;
    }
  }
};

class FieldSet {
 public:
  bool empty() const { return !member_ && children_.empty(); }
  // Whether the path ending at this node is itself in the set.
  bool member() const { return member_; }
  const FieldSet* child(const PathElement& e) const;
  const std::map<PathElement, FieldSet, ElementOrder>& children() const { return children_; }

  void insert(const Path& path);
  bool contains(const Path& path) const;
  // Makes the path ending at this node a member.
  void insert_self() { member_ = true; }
  // Puts `sub` below this node at `e`, united with what is there already. An empty `sub`
  // adds nothing, so that every node of a set holds a member.
  void adopt(PathElement e, FieldSet sub);

  FieldSet unite(const FieldSet& other) const;
  // Members of this set that are not members of `other` (not recursive, as upstream's
  // Difference: removing a path leaves the paths below it).
  FieldSet subtract(const FieldSet& other) const;
  FieldSet intersect(const FieldSet& other) const;
  // unite and subtract in place: the hot paths (track_update) build sets once and narrow
  // them, where copying a whole tree for each step cost more than the steps.
  void unite_in_place(FieldSet other);
  void subtract_in_place(const FieldSet& other);
  // Drops `path` and everything below it.
  void erase_subtree(const Path& path);

  // Every member path, in upstream's iteration order (a node's members before the nodes
  // below it, each level sorted).
  void for_each(const std::function<void(const Path&)>& visit) const;
  std::vector<Path> paths() const;

  json::object to_fields_v1() const;
  // nullopt when `v` is not FieldsV1 (not an object, or an element that is not f:, k:, v:, i:).
  static std::optional<FieldSet> from_fields_v1(const json::value& v);

  bool operator==(const FieldSet& other) const;

 private:
  void for_each_under(Path& prefix, const std::function<void(const Path&)>& visit) const;
  void erase_subtree(const PathElement* first, const PathElement* last);

  bool member_ = false;
  std::map<PathElement, FieldSet, ElementOrder> children_;
};

// A path as fieldpath.Path.String() prints it in conflict messages:
// .spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].
std::string path_string(const Path& path);

}  // namespace kscratch::apiserver::fieldmanager
