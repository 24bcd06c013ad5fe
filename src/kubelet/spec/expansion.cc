// $(VAR) expansion, byte for byte what upstream's expansion.Expand does, since users
// rely on its corner cases ("$$(X)" gives "$(X)", a lone '$' at the end stays).

#include "kubelet/spec/expansion.h"

namespace kscratch::kubelet::spec {

namespace {

struct Read {
  std::string text;  // the name when is_var, else the bytes to copy
  bool is_var;
  std::size_t advance;
};

// input starts just after a '$' and is not empty.
Read try_read_variable_name(std::string_view input) {
  switch (input[0]) {
    case '$':
      return {"$", false, 1};
    case '(':
      for (std::size_t i = 1; i < input.size(); ++i) {
        if (input[i] == ')') return {std::string(input.substr(1, i - 1)), true, i + 1};
      }
      // An unterminated reference is copied as written.
      return {"$(", false, 1};
    default:
      return {std::string("$") + input[0], false, 1};
  }
}

}  // namespace

std::string expand(std::string_view input, const ExpansionMapping& mapping) {
  std::string out;
  std::size_t checkpoint = 0;
  for (std::size_t cursor = 0; cursor < input.size(); ++cursor) {
    if (input[cursor] == '$' && cursor + 1 < input.size()) {
      out.append(input.substr(checkpoint, cursor - checkpoint));
      Read read = try_read_variable_name(input.substr(cursor + 1));
      out += read.is_var ? mapping(read.text) : read.text;
      cursor += read.advance;
      checkpoint = cursor + 1;
    }
  }
  if (checkpoint < input.size()) out.append(input.substr(checkpoint));
  return out;
}

ExpansionMapping mapping_for(std::vector<const std::map<std::string, std::string>*> contexts) {
  return [contexts = std::move(contexts)](const std::string& name) {
    for (const auto* vars : contexts) {
      auto it = vars->find(name);
      if (it != vars->end()) return it->second;
    }
    return "$(" + name + ")";
  };
}

}  // namespace kscratch::kubelet::spec
