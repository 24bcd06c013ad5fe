#pragma once
// Field paths as upstream's field.Path prints them: children joined by '.', list indexes and
// map keys in brackets ("spec.containers[0].resources.limits[cpu]").

#include <string>
#include <string_view>
#include <utility>

namespace kscratch::apiserver::kinds {

class FieldPath {
 public:
  FieldPath() = default;
  explicit FieldPath(std::string root) : path_(std::move(root)) {}

  FieldPath child(std::string_view name) const {
    return FieldPath(path_.empty() ? std::string(name) : path_ + "." + std::string(name));
  }
  FieldPath index(size_t i) const { return FieldPath(path_ + "[" + std::to_string(i) + "]"); }
  FieldPath key(std::string_view k) const { return FieldPath(path_ + "[" + std::string(k) + "]"); }
  const std::string& str() const { return path_; }

 private:
  std::string path_;
};

}  // namespace kscratch::apiserver::kinds
