#include "field_set.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <iterator>

namespace kscratch::apiserver::fieldmanager {

namespace {

// value.ToString: strings quoted as Go's %q, everything else as JSON prints it.
std::string go_value_string(const json::value& v) {
  if (!v.is_string()) return json::serialize(v);
  std::string out = "\"";
  for (char c : v.get_string()) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string element_string(const PathElement& e) {
  if (e.size() < 2) return "{{invalid path element}}";
  std::string body = e.substr(2);
  switch (e[0]) {
    case 'f': return "." + body;
    case 'i': return "[" + body + "]";
    case 'v': {
      boost::system::error_code ec;
      auto v = json::parse(body, ec);
      return ec ? "[=" + body + "]" : "[=" + go_value_string(v) + "]";
    }
    case 'k': {
      boost::system::error_code ec;
      auto v = json::parse(body, ec);
      if (ec || !v.is_object()) return "[" + body + "]";
      std::string out = "[";
      bool first = true;
      for (auto& [name, value] : v.get_object()) {
        if (!first) out += ",";
        first = false;
        out += std::string(name) + "=" + go_value_string(value);
      }
      return out + "]";
    }
    default: return "{{invalid path element}}";
  }
}

bool valid_element(std::string_view e) {
  return e.size() >= 2 && e[1] == ':' && (e[0] == 'f' || e[0] == 'k' || e[0] == 'v' || e[0] == 'i');
}

}  // namespace

const FieldSet* FieldSet::child(const PathElement& e) const {
  auto it = children_.find(e);
  return it == children_.end() ? nullptr : &it->second;
}

void FieldSet::insert(const Path& path) {
  FieldSet* node = this;
  for (const auto& e : path) node = &node->children_[e];
  node->member_ = true;
}

void FieldSet::adopt(PathElement e, FieldSet sub) {
  if (sub.empty()) return;
  auto [it, inserted] = children_.try_emplace(std::move(e), std::move(sub));
  // try_emplace leaves `sub` alone when `e` is there already.
  if (!inserted) it->second.unite_in_place(std::move(sub));
}

bool FieldSet::contains(const Path& path) const {
  const FieldSet* node = this;
  for (const auto& e : path) {
    node = node->child(e);
    if (!node) return false;
  }
  return node->member_;
}

FieldSet FieldSet::unite(const FieldSet& other) const {
  FieldSet out = *this;
  out.member_ = member_ || other.member_;
  for (const auto& [e, sub] : other.children_) {
    auto it = out.children_.find(e);
    if (it == out.children_.end()) out.children_.emplace(e, sub);
    else it->second = it->second.unite(sub);
  }
  return out;
}

FieldSet FieldSet::subtract(const FieldSet& other) const {
  FieldSet out;
  out.member_ = member_ && !other.member_;
  for (const auto& [e, sub] : children_) {
    const FieldSet* theirs = other.child(e);
    FieldSet rest = theirs ? sub.subtract(*theirs) : sub;
    if (!rest.empty()) out.children_.emplace(e, std::move(rest));
  }
  return out;
}

FieldSet FieldSet::intersect(const FieldSet& other) const {
  FieldSet out;
  out.member_ = member_ && other.member_;
  for (const auto& [e, sub] : children_) {
    const FieldSet* theirs = other.child(e);
    if (!theirs) continue;
    FieldSet both = sub.intersect(*theirs);
    if (!both.empty()) out.children_.emplace(e, std::move(both));
  }
  return out;
}

void FieldSet::unite_in_place(FieldSet other) {
  member_ = member_ || other.member_;
  if (children_.empty()) {
    children_ = std::move(other.children_);
    return;
  }
  // Nodes only `other` has move over whole; shared ones unite below.
  while (!other.children_.empty()) {
    auto result = children_.insert(other.children_.extract(other.children_.begin()));
    if (!result.inserted) result.position->second.unite_in_place(std::move(result.node.mapped()));
  }
}

void FieldSet::subtract_in_place(const FieldSet& other) {
  if (&other == this) {
    *this = FieldSet();
    return;
  }
  if (other.member_) member_ = false;
  // Both levels are sorted alike: one pass over them meets every shared element.
  ElementOrder less;
  auto mine = children_.begin();
  auto theirs = other.children_.begin();
  while (mine != children_.end() && theirs != other.children_.end()) {
    if (less(mine->first, theirs->first)) {
      ++mine;
    } else if (less(theirs->first, mine->first)) {
      ++theirs;
    } else {
      mine->second.subtract_in_place(theirs->second);
      mine = mine->second.empty() ? children_.erase(mine) : std::next(mine);
      ++theirs;
    }
  }
}

void FieldSet::erase_subtree(const Path& path) { erase_subtree(path.data(), path.data() + path.size()); }

void FieldSet::erase_subtree(const PathElement* first, const PathElement* last) {
  if (first == last) {
    *this = FieldSet();
    return;
  }
  auto it = children_.find(*first);
  if (it == children_.end()) return;
  it->second.erase_subtree(first + 1, last);
  if (it->second.empty()) children_.erase(it);
}

void FieldSet::for_each_under(Path& prefix, const std::function<void(const Path&)>& visit) const {
  // Upstream iterates the members of a level before descending into its children.
  for (const auto& [e, sub] : children_) {
    if (!sub.member_) continue;
    prefix.push_back(e);
    visit(prefix);
    prefix.pop_back();
  }
  for (const auto& [e, sub] : children_) {
    if (sub.children_.empty()) continue;
    prefix.push_back(e);
    sub.for_each_under(prefix, visit);
    prefix.pop_back();
  }
}

void FieldSet::for_each(const std::function<void(const Path&)>& visit) const {
  Path prefix;
  if (member_) visit(prefix);
  for_each_under(prefix, visit);
}

std::vector<Path> FieldSet::paths() const {
  std::vector<Path> out;
  for_each([&](const Path& p) { out.push_back(p); });
  return out;
}

json::object FieldSet::to_fields_v1() const {
  bool dot = member_ && !children_.empty();
  json::object out(children_.size() + (dot ? 1 : 0));
  if (dot) out.emplace(".", json::object());
  for (const auto& [e, sub] : children_) out.emplace(e, sub.to_fields_v1());
  return out;
}

std::optional<FieldSet> FieldSet::from_fields_v1(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  FieldSet out;
  const auto& o = v.get_object();
  if (o.empty()) {
    out.member_ = true;
    return out;
  }
  for (const auto& [key, sub] : o) {
    if (key == ".") {
      out.member_ = true;
      continue;
    }
    if (!valid_element(key)) return std::nullopt;
    auto child = from_fields_v1(sub);
    if (!child) return std::nullopt;
    out.children_.emplace(std::string(key), std::move(*child));
  }
  return out;
}

bool FieldSet::operator==(const FieldSet& other) const {
  if (member_ != other.member_ || children_.size() != other.children_.size()) return false;
  auto a = children_.begin();
  auto b = other.children_.begin();
  for (; a != children_.end(); ++a, ++b) {
    if (a->first != b->first || !(a->second == b->second)) return false;
  }
  return true;
}

std::string path_string(const Path& path) {
  std::string out;
  for (const auto& e : path) out += element_string(e);
  return out;
}

}  // namespace kscratch::apiserver::fieldmanager
