#pragma once
// Expected<T>: a value or an Error with a message, for failures that are part of normal
// operation (bad client input, a missing object). Exceptions stay for bugs and start-up.
// C++20 has no std::expected; this is the small subset kscratch uses.

#include <string>
#include <utility>
#include <variant>

namespace kscratch {

struct Error {
  std::string message;
};

// E is the error type: Error by default; the API client uses its own with a status code.
template <class T, class E = Error>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}            // NOLINT: implicit on purpose
  Expected(E error) : v_(std::move(error)) {}            // NOLINT: implicit on purpose

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

// For operations that succeed with nothing to return.
struct Ok {};
using Status = Expected<Ok>;

inline Error make_error(std::string message) { return Error{std::move(message)}; }

}  // namespace kscratch
