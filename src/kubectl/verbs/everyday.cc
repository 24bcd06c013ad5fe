// The everyday verbs beyond get/apply/describe: logs, wait, cordon, uncordon, drain,
// taint, cluster-info, expose, run, exec, edit, top, explain. Each group lives in a file named after its verb.

#include "verbs.h"

namespace kscratch::kubectl {

std::vector<Verb> node_verbs();          // cordon_drain.cc: cordon, uncordon, drain, taint
std::vector<Verb> wait_verbs();          // wait.cc: wait
std::vector<Verb> cluster_info_verbs();  // cluster_info.cc: cluster-info
std::vector<Verb> logs_verbs();          // logs.cc: logs
std::vector<Verb> run_verbs();           // run.cc: run
std::vector<Verb> expose_verbs();        // expose.cc: expose
std::vector<Verb> exec_verbs();          // exec.cc: exec
std::vector<Verb> edit_verbs();          // edit.cc: edit
std::vector<Verb> top_explain_verbs();   // top_explain.cc: top, explain

std::vector<Verb> everyday_verbs() {
  std::vector<Verb> all;
  for (auto family : {node_verbs, wait_verbs, cluster_info_verbs, logs_verbs, run_verbs, expose_verbs, exec_verbs,
                       edit_verbs, top_explain_verbs})
    for (auto& v : family()) all.push_back(std::move(v));
  return all;
}

}  // namespace kscratch::kubectl
