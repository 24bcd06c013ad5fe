#pragma once
// The built-in verbs: each declares its flags and runs against a Command.

#include "../command.h"
#include "../flags.h"
#include "../printers/objects.h"

#include <boost/json/object.hpp>

#include <optional>
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

// Families of verbs, each defined in its own file and added to verbs().
std::vector<Verb> apply_verbs();      // verbs/apply.cc: apply
std::vector<Verb> describe_verbs();   // verbs/describe.cc: describe, rollout, set
std::vector<Verb> everyday_verbs();   // verbs/everyday.cc: logs, wait, cordon, drain, taint, ...

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

// What create, run and expose share once the object is built: POST it to `target` (a
// collection path with the command's query) unless the dry run is "client", then print
// the answer with `printer` when -o was given, or `done` ("pod/x created") with kubectl's
// dry-run suffix. A generator that wraps the server's error (`failed to create secret
// ...`) names its wording in failed_to.
int post_new_object(Command& c, const std::string& target, const boost::json::object& object,
                    const std::optional<ObjectPrinter>& printer, const std::string& dry_run, const std::string& done,
                    const std::string& failed_to = "");
bool get_handles(const ParsedArgs& args);
bool config_handles(const ParsedArgs& args);

}  // namespace kscratch::kubectl
