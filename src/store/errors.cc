#include "kscratch/store/errors.h"

#include <string>

namespace kscratch::store {
namespace {

class Category : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "kscratch.store"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::not_found: return "key not found";
      case Errc::already_exists: return "key already exists";
      case Errc::conflict: return "the key was modified (revision mismatch)";
      case Errc::compacted: return "the requested revision has been compacted";
      case Errc::future_revision: return "the requested revision is a future revision";
      case Errc::invalid_key: return "invalid key: keys must be non-empty";
      case Errc::value_too_large: return "value exceeds the store's size limit";
      case Errc::closed: return "the store is closed";
      case Errc::storage: return "storage failure (see the server log)";
    }
    return "unknown store error";
  }
};

}  // namespace

const boost::system::error_category& store_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace kscratch::store
