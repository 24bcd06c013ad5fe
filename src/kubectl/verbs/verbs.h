#pragma once
// The built-in verbs: each declares its flags and runs against a Command.

#include "../command.h"
#include "../flags.h"

#include <string>
#include <vector>

namespace kscratch::kubectl {

struct Verb {
  std::string name;
  std::vector<FlagSpec> flags;
  int (*run)(Command& command);
  // Whether this form of the verb is built in (e.g. `create secret` is not yet); the
  // command goes to another kubectl when it is not.
  bool (*handles)(const ParsedArgs& args) = nullptr;
  bool needs_server = true;
};

const std::vector<Verb>& verbs();

int run_get(Command& c);
int run_version(Command& c);
int run_api_resources(Command& c);
int run_delete(Command& c);
int run_scale(Command& c);
int run_create(Command& c);
int run_label(Command& c);
int run_annotate(Command& c);
int run_patch(Command& c);
int run_config(Command& c);
int run_api_versions(Command& c);

bool create_handles(const ParsedArgs& args);
bool get_handles(const ParsedArgs& args);
bool config_handles(const ParsedArgs& args);

}  // namespace kscratch::kubectl
