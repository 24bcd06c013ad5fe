// kubectl's reporting of the errors a command collected (cmdutil.CheckErr): one error in
// its standard form, several as an aggregate, one per line.

#include "apply.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <set>

namespace kscratch::kubectl::apply {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// err.Error(): the Status message, or the plain message, or an aggregate's "[a, b]".
std::string error_text(const Failure& f) {
  if (f.aggregate) {
    if (f.nested.size() == 1) return error_text(f.nested[0]);
    std::set<std::string> seen;
    std::string out;
    for (auto& n : f.nested) {
      auto m = error_text(n);
      if (!seen.insert(m).second) continue;
      if (seen.size() > 1) out += ", ";
      out += m;
    }
    return seen.size() == 1 ? out : "[" + out + "]";
  }
  return f.is_status ? str(f.status, "message") : f.message;
}

// StandardErrorMessage: what an API Status prints as.
std::optional<std::string> standard_message(const Failure& f) {
  if (!f.is_status) return std::nullopt;
  std::string reason = str(f.status, "reason"), message = str(f.status, "message");
  if (reason == "Unauthorized") return fmt::format("error: You must be logged in to the server ({})", message);
  if (!reason.empty()) return fmt::format("Error from server ({}): {}", reason, message);
  return "Error from server: " + message;
}

std::string single_message(const Failure& f) {
  if (f.is_status) {
    if (str(f.status, "reason") == "Invalid") {
      int code = 422;
      if (auto* c = f.status.if_contains("code"); c && c->is_int64()) code = static_cast<int>(c->as_int64());
      return error_message(client::HttpResponse{code, json::serialize(f.status)}, "");
    }
    return *standard_message(f);
  }
  if (f.raw) return f.message;
  std::string m = error_text(f);
  return m.starts_with("error: ") ? m : "error: " + m;
}

std::string aggregate_line(const Failure& f) {
  if (auto m = standard_message(f)) return *m;
  return error_text(f);
}

}  // namespace

Failure Failure::from_response(const client::HttpResponse& response, const std::string& server, const std::string& verb,
                               const std::string& source) {
  boost::system::error_code ec;
  auto v = json::parse(response.body, ec);
  if (response.status != 0 && !ec && v.is_object() && str(v.get_object(), "kind") == "Status") {
    Failure f;
    f.is_status = true;
    f.status = v.get_object();
    if (!source.empty())
      f.status["message"] = fmt::format("error when {} \"{}\": {}", verb, source, str(f.status, "message"));
    return f;
  }
  Failure f = plain(error_message(response, server));
  f.raw = true;
  return f;
}

Failure reduce(std::vector<Failure> failures) {
  if (failures.size() == 1) return std::move(failures[0]);
  Failure f;
  f.aggregate = true;
  f.nested = std::move(failures);
  return f;
}

int report(const std::vector<Failure>& failures) {
  if (failures.empty()) return 0;
  // An aggregate of one is unwrapped.
  const Failure* only = failures.size() == 1 ? &failures[0] : nullptr;
  while (only && only->aggregate && only->nested.size() == 1) only = &only->nested[0];
  if (only && !only->aggregate) {
    fmt::print(stderr, "{}\n", single_message(*only));
    return kFailure;
  }
  const std::vector<Failure>& list = only ? only->nested : failures;
  for (auto& f : list) fmt::print(stderr, "{}\n", aggregate_line(f));
  return kFailure;
}

}  // namespace kscratch::kubectl::apply
