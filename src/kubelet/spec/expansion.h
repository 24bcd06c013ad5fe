#pragma once
// $(VAR) expansion as upstream's third_party/forked/golang/expansion: "$$" is a literal
// '$', "$(NAME)" is replaced by the mapping, an unknown name or an unterminated "$(" is
// left as written.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::kubelet::spec {

// Returns the replacement of a reference name; the mapping decides what unknown names give.
using ExpansionMapping = std::function<std::string(const std::string&)>;

std::string expand(std::string_view input, const ExpansionMapping& mapping);

// MappingFuncFor: the first context that has the name wins; unknown names stay "$(NAME)".
ExpansionMapping mapping_for(std::vector<const std::map<std::string, std::string>*> contexts);

}  // namespace kscratch::kubelet::spec
