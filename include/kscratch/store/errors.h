#pragma once
// The store's expected failures, as an error_code category. They map one-to-one onto
// what etcd reports and what the apiserver turns into HTTP statuses:
//   not_found -> 404, already_exists -> 409 AlreadyExists, conflict -> 409 Conflict,
//   compacted -> 410 Gone (Expired), future_revision -> 504 Timeout (as etcd3 storage),
//   value_too_large -> 413/422, closed / storage -> 500/503.

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace kscratch::store {

enum class Errc {
  not_found = 1,
  already_exists,
  conflict,
  compacted,
  future_revision,
  invalid_key,
  value_too_large,
  closed,
  storage,
};

const boost::system::error_category& store_category() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), store_category()};
}

}  // namespace kscratch::store

template <>
struct boost::system::is_error_code_enum<kscratch::store::Errc> : std::true_type {};
