#pragma once
// The namespace controller (upstream pkg/controller/namespace): a namespace being deleted
// (Terminating) has everything in it deleted, kind by kind; once nothing is left it
// removes the "kubernetes" finalizer through /finalize and the apiserver deletes it.

#include "../manager/controller.h"
#include "kscratch/client/workqueue.h"

namespace kscratch::controllers::namespaces {

class NamespaceController : public Controller {
 public:
  explicit NamespaceController(ControllerContext& ctx);
  const char* name() const override { return "namespace"; }
  boost::asio::awaitable<void> run() override;

 private:
  boost::asio::awaitable<bool> sync(const std::string& name);

  ControllerContext& ctx_;
  client::Informer& namespaces_;
  client::WorkQueue queue_;
};

}  // namespace kscratch::controllers::namespaces
