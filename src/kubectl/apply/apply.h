#pragma once
// What `kubectl apply -f` and `kubectl create -f` share: the manifests read as kubectl's
// resource builder reads them (files, directories, -R, standard input, multi-document
// YAML and JSON, Lists flattened, each object mapped to its resource through discovery
// and given its namespace), and kubectl's way of reporting several errors at once.

#include "../command.h"

#include "kscratch/client/transport.h"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kscratch::kubectl::apply {

// One failure, as kubectl keeps it until the command ends: either an API Status (whose
// message may have been prefixed, as cmdutil.AddSourceToErr does) or a plain message.
struct Failure {
  bool is_status = false;
  boost::json::object status;  // when is_status
  std::string message;         // when not
  // A nested aggregate (the builder's errors), printed as Go's aggregate Error().
  std::vector<Failure> nested;
  bool aggregate = false;
  bool raw = false;  // printed as it is, never with "error: " (a transport failure)

  static Failure plain(std::string m) { return Failure{false, {}, std::move(m)}; }
  // From a failed response; `verb` ("creating") and source prefix the Status message as
  // AddSourceToErr does when source is not empty.
  static Failure from_response(const client::HttpResponse& response, const std::string& server,
                               const std::string& verb = {}, const std::string& source = {});
};

// Errors as utilerrors.Reduce leaves them: one as itself, several as an aggregate.
Failure reduce(std::vector<Failure> failures);

// Prints the errors as kubectl's CheckErr does (one: its standard form with "error: " for
// client-side errors; several: one per line, unprefixed) and returns 1, or 0 for none.
int report(const std::vector<Failure>& failures);

struct Manifest {
  boost::json::object object;  // namespace set when the resource is namespaced
  ApiResource resource;
  std::string source;  // the file name, or "STDIN"
  std::string name, ns;
};

struct ReadOptions {
  std::vector<std::string> files;
  bool recursive = false;
  bool validate = true;  // --validate other than false/ignore
  std::string selector;  // -l: only the objects whose labels match
};

// The objects of every -f, in kubectl's order, and the builder's errors (a missing path,
// a document that cannot be parsed, a kind the server does not serve, a namespace that
// contradicts -n). A path that does not exist is fatal (kubectl stops before anything).
struct ReadResult {
  std::vector<Manifest> manifests;
  std::vector<Failure> errors;
  std::optional<std::string> fatal;
  // Both in the order they were met: (true, index in errors) or (false, index in manifests).
  std::vector<std::pair<bool, size_t>> sequence;
  // Per error: whether it comes from reading the files (kubectl's EagerVisitorList keeps
  // those and returns them after everything else) or from the visitors around it (the
  // namespace check), which report in order with the command's own errors.
  std::vector<bool> from_files;
  void add(Failure f, bool reading = true) {
    sequence.emplace_back(true, errors.size());
    errors.push_back(std::move(f));
    from_files.push_back(reading);
  }
  void add(Manifest m) {
    sequence.emplace_back(false, manifests.size());
    manifests.push_back(std::move(m));
  }
};
ReadResult read(Command& c, const ReadOptions& options);

// klog's warning line: `W1127 16:33:36.140131   19783 <where>] <text>`.
void klog_warning(const std::string& where, const std::string& text);

// --dry-run's value: none, client or server (with kubectl's warnings for the bare and
// boolean forms); an error message for a bad one.
Expected<std::string> dry_run_strategy(const ParsedArgs& args);

// `kubectl create -f`.
int run_create_files(Command& c);

}  // namespace kscratch::kubectl::apply
