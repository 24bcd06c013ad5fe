#pragma once
// The garbage collector (upstream pkg/controller/garbagecollector): objects whose owners
// (metadata.ownerReferences) are gone are deleted; owners deleted with
// propagationPolicy=Foreground wait (finalizer foregroundDeletion) until their dependents
// are gone; owners deleted with Orphan (finalizer orphan) first have their dependents'
// references to them removed. Upstream builds a graph of every kind from discovery; here
// the graph is the informer caches of the kinds in kTracked, indexed by owner uid.

#include "../manager/controller.h"
#include "kscratch/client/workqueue.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace kscratch::controllers::garbagecollector {

class GarbageCollector : public Controller {
 public:
  explicit GarbageCollector(ControllerContext& ctx);
  const char* name() const override { return "garbage-collector"; }
  boost::asio::awaitable<void> run() override;

 private:
  struct Tracked {
    const client::Kind* kind;
    std::string api_version;
    std::string kind_name;
    client::Informer* informer;
  };
  struct Located {
    std::size_t tracked;
    std::string key;
  };
  enum class OwnerState { kSolid, kGone, kWaitingForDependents };

  void on_object(std::size_t tracked, const client::ObjectPtr& object, bool added);
  void on_deleted(std::size_t tracked, const client::ObjectPtr& object);
  void enqueue_dependents(const std::string& owner_uid);
  std::vector<std::pair<std::size_t, client::ObjectPtr>> dependents_of(const std::string& owner_uid) const;
  const Tracked* tracked_for(const json::object& owner_ref) const;

  boost::asio::awaitable<bool> sync(const std::string& item);
  boost::asio::awaitable<bool> attempt_to_delete(std::size_t tracked, const std::string& key);
  boost::asio::awaitable<bool> finish_deleting_owner(std::size_t tracked, const std::string& key);
  boost::asio::awaitable<OwnerState> owner_state(const json::object& dependent, const json::object& owner_ref);
  boost::asio::awaitable<bool> remove_owner_references(std::size_t tracked, const json::object& dependent,
                                                       const std::vector<std::string>& uids);
  boost::asio::awaitable<bool> remove_finalizer(std::size_t tracked, const json::object& owner, const std::string& finalizer);

  ControllerContext& ctx_;
  std::vector<Tracked> tracked_;
  std::unordered_map<std::string, Located> by_uid_;
  client::WorkQueue queue_;
};

}  // namespace kscratch::controllers::garbagecollector
