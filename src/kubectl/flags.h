#pragma once
// kubectl's command line as pflag reads it: flags anywhere among the arguments,
// `--name=value`, `--name value`, `-n value`, `-nvalue`, `-n=value`, booleans as `--flag`
// or `--flag=false`, and `--` ending the flags. Each verb declares the flags it knows; a
// flag it does not know makes the whole command fall back to another kubectl.

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kscratch::kubectl {

struct FlagSpec {
  std::string name;  // long name, without dashes
  char shorthand = 0;
  bool takes_value = true;
};

// The flags every verb accepts (kubeconfig, context, namespace, server, ...).
const std::vector<FlagSpec>& global_flags();

class ParsedArgs {
 public:
  std::vector<std::string> positional;  // the verb's arguments, verb itself excluded

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  // The last value given, or fallback.
  std::string get(const std::string& name, const std::string& fallback = {}) const;
  // Every value given, in order (repeatable flags such as --from-literal).
  std::vector<std::string> all(const std::string& name) const;
  // A boolean flag: present without a value, or =true.
  bool flag(const std::string& name) const;

  void add(const std::string& name, const std::string& value) { values_[name].push_back(value); }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

struct ParseError {
  std::string message;  // kubectl's wording, e.g. "unknown flag: --foo"
  bool unknown_flag = false;
};

// The first argument that is not a flag (the verb), skipping the values of global flags;
// nothing when there is none.
std::optional<std::string> find_verb(const std::vector<std::string>& args);

// Parses args (verb included; it is dropped from positional) with the global flags and
// the verb's own.
std::variant<ParsedArgs, ParseError> parse_args(const std::vector<std::string>& args,
                                                const std::vector<FlagSpec>& verb_flags);

}  // namespace kscratch::kubectl
