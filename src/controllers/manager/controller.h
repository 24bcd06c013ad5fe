#pragma once
// What every controller shell is given: the API client, the process's shared informers,
// the executor, and the manager's options. A controller registers its informer handlers
// in its constructor and works in run() until cancelled.

#include "controllers/common/json_fields.h"
#include "kscratch/client/client.h"
#include "kscratch/client/events.h"
#include "kscratch/client/shared_informers.h"
#include "kscratch/controllers/controller_manager.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <string>

namespace kscratch::controllers {

struct ControllerContext {
  boost::asio::any_io_executor executor;
  client::Client& client;
  client::SharedInformers& informers;
  const ControllerManagerOptions& options;
};

class Controller {
 public:
  virtual ~Controller() = default;
  virtual const char* name() const = 0;
  virtual boost::asio::awaitable<void> run() = 0;
};

}  // namespace kscratch::controllers
