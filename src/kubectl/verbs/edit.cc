// kubectl edit TYPE NAME: the object as YAML in $KUBE_EDITOR or $EDITOR (vi without
// either), and what changed sent back as a patch, as kubectl 1.32's editor does: a
// strategic merge patch for the built-in kinds, a JSON merge patch otherwise, field
// manager kubectl-edit; an unchanged or emptied file cancels. The last-applied annotation
// is left as it was (kubectl 1.32 does not rewrite it on edit).

#include "../json_fields.h"
#include "kscratch/apimachinery/patch.h"
#include "kscratch/apimachinery/yaml.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace kscratch::kubectl {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHeader =
    "# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
    "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
    "# reopened with the relevant failures.\n"
    "#\n";

// The editor command of kubectl's editor package: KUBE_EDITOR, EDITOR, then vi; one with
// spaces in it runs through `sh -c` with the file appended.
int run_editor(const std::string& path) {
  std::string editor;
  for (const char* env : {"KUBE_EDITOR", "EDITOR"}) {
    if (const char* v = std::getenv(env); v && *v) {
      editor = v;
      break;
    }
  }
  if (editor.empty()) editor = "vi";
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (editor.find(' ') == std::string::npos) {
      execlp(editor.c_str(), editor.c_str(), path.c_str(), static_cast<char*>(nullptr));
    } else {
      std::string command = editor + " '" + path + "'";
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    }
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The edited text without its comment lines; empty when nothing but blanks is left.
std::string without_comments(const std::string& text) {
  std::istringstream in(text);
  std::string out, line;
  bool any = false;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0) continue;
    out += line + "\n";
    if (line.find_first_not_of(" \t\r") != std::string::npos) any = true;
  }
  return any ? out : std::string();
}

int run_edit(Command& c) {
  auto targets = resolve_targets(c.args.positional, *c.discovery);
  if (!targets) return fail(targets.error().message);
  if (targets->size() != 1 || (*targets)[0].names.size() != 1) return fail("kscratch kubectl edit: one object at a time");
  auto& target = (*targets)[0];
  const std::string& name = target.names[0];
  std::string path = target.resource.rest_kind().path(target.resource.namespaced ? c.ns() : "", name);
  auto live = c.rest->get(path);
  if (!is_success(live)) return fail_raw(error_message(live, c.rest->server()));
  boost::system::error_code ec;
  auto parsed = json::parse(live.body, ec);
  if (ec || !parsed.is_object()) return fail("the server sent an object kscratch kubectl cannot read");
  json::object original = parsed.get_object();
  if (!c.args.flag("show-managed-fields")) omit_managed_fields(original);

  char file_template[] = "/tmp/kubectl-edit-XXXXXX.yaml";
  int fd = mkstemps(file_template, 5);
  if (fd < 0) return fail("cannot create a temporary file for the editor");
  close(fd);
  std::string file = file_template;
  struct Remove {
    std::string path;
    ~Remove() {
      std::error_code ignored;
      fs::remove(path, ignored);
    }
  } remove{file};
  {
    std::ofstream out(file, std::ios::binary);
    out << kHeader << apimachinery::yaml::from_json(original);
  }
  if (int rc = run_editor(file); rc != 0) return fail(fmt::format("there was a problem with the editor \"{}\"", rc));
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  std::string content = without_comments(text);
  if (content.empty()) {
    fmt::print(stderr, "Edit cancelled, saved file was empty.\n");
    return 0;
  }
  auto edited_value = apimachinery::yaml::to_json(content);
  if (!edited_value || !edited_value->is_object()) {
    return fail(fmt::format("the edited file is not a valid object: {}",
                            edited_value ? std::string("not a map") : edited_value.error().message));
  }
  json::object edited = edited_value->get_object();
  if (edited == original) {
    fmt::print(stderr, "Edit cancelled, no changes made.\n");
    return 0;
  }
  std::string kind = str(original, "kind");
  bool strategic = apimachinery::has_builtin_patch_schema(target.resource.group, kind);
  auto patch = strategic ? apimachinery::create_two_way_strategic_merge_patch(
                               original, edited, apimachinery::builtin_patch_schema(target.resource.group, kind))
                         : apimachinery::create_three_way_json_merge_patch(original, edited, original);
  if (!patch) return fail(patch.error().message);
  std::string content_type =
      strategic ? "application/strategic-merge-patch+json" : "application/merge-patch+json";
  client::HttpRequest request{"PATCH", with_query(path, {{"fieldManager", "kubectl-edit"}}), content_type,
                              json::serialize(*patch)};
  auto response = c.rest->send(request);
  if (!is_success(response)) {
    fmt::print(stderr, "error: {} \"{}\" could not be patched: {}\n", target.resource.group_resource(), name,
               status_message(response, c.rest->server()));
    return kFailure;
  }
  fmt::print("{}/{} edited\n", target.resource.kind_prefix(), name);
  return 0;
}

// One named object (TYPE NAME or TYPE/NAME); files, lists of objects and the JSON view
// (-o json in the editor) are left to kubectl.
bool edit_handles(const ParsedArgs& args) {
  // -o is the editing format: yaml (the default) is built in.
  if (args.has("filename") || args.has("output-patch") || args.has("selector")) return false;
  if (args.has("output") && args.get("output") != "yaml") return false;
  if (args.positional.size() == 2) return args.positional[0].find('/') == std::string::npos;
  return args.positional.size() == 1 && args.positional[0].find('/') != std::string::npos;
}

}  // namespace

std::vector<Verb> edit_verbs() {
  return {{"edit",
           {{"output", 'o'}, {"filename", 'f'}, {"show-managed-fields", 0, false}, {"selector", 'l'},
            {"output-patch", 0, false}},
           run_edit,
           edit_handles}};
}

}  // namespace kscratch::kubectl
