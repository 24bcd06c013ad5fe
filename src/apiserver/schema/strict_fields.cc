// Strict field validation: the unknown and duplicate fields upstream's strict JSON decoder
// (sigs.k8s.io/json) reports, with its path format: keys joined by ".", list items as "[i]".

#include <set>
#include <string>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <fmt/format.h>

#include "kscratch/apiserver/schema.h"
#include "registry.h"

namespace kscratch::apiserver::schema {
namespace {

namespace json = boost::json;
using detail::Field;
using detail::MessageType;
using detail::Shape;
using detail::ValueKind;

// Upstream stops collecting strict errors at 100 so that a hostile body cannot make the error
// message arbitrarily large; so do we, and nesting deeper than a sane object is not walked.
constexpr std::size_t kMaxReported = 100;
constexpr int kMaxDepth = 100;

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

class Collector {
 public:
  void add(std::string path) {
    if (found_.size() < kMaxReported && seen_.insert(path).second) found_.push_back(std::move(path));
  }
  std::vector<std::string> take() { return std::move(found_); }

 private:
  std::vector<std::string> found_;
  std::set<std::string> seen_;
};

void walk(const MessageType& type, const json::object& object, const std::string& path,
          int depth, Collector& out) {
  if (depth > kMaxDepth) return;
  for (const auto& member : object) {
    const std::string_view key = member.key();
    if (type.top_level_kind && (key == "apiVersion" || key == "kind")) continue;
    const Field* field = detail::field_by_json_name(type, key);
    if (field == nullptr) {
      out.add(join(path, key));
      continue;
    }
    // Only messages have fields of their own; every other kind (including the free-form
    // RawExtension and FieldsV1) accepts whatever it holds.
    if (field->kind != ValueKind::message) continue;
    const MessageType& child = detail::message_of(*field);
    const std::string child_path = join(path, key);
    const json::value& value = member.value();
    switch (field->shape) {
      case Shape::single:
        if (value.is_object()) walk(child, value.get_object(), child_path, depth + 1, out);
        break;
      case Shape::list:
        if (!value.is_array()) break;
        for (std::size_t i = 0; i < value.get_array().size(); ++i) {
          const json::value& item = value.get_array()[i];
          if (item.is_object()) {
            walk(child, item.get_object(), fmt::format("{}[{}]", child_path, i), depth + 1, out);
          }
        }
        break;
      case Shape::map:
        if (!value.is_object()) break;
        for (const auto& entry : value.get_object()) {
          if (entry.value().is_object()) {
            walk(child, entry.value().get_object(), join(child_path, entry.key()), depth + 1, out);
          }
        }
        break;
    }
  }
}

// A boost::json SAX handler that tracks the path of the value being parsed and reports keys
// seen twice in one object.
struct DuplicateKeyHandler {
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  struct Frame {
    bool is_object;
    std::string path;
    std::set<std::string> keys;
    std::string pending_key;
    std::size_t next_index = 0;
  };
  std::vector<Frame> frames;
  std::string key;
  Collector* out;

  // The path of a value starting now, advancing the enclosing list's index.
  std::string value_path() {
    if (frames.empty()) return {};
    Frame& parent = frames.back();
    if (parent.is_object) return join(parent.path, parent.pending_key);
    return fmt::format("{}[{}]", parent.path, parent.next_index++);
  }
  void scalar() { (void)value_path(); }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) {
    frames.push_back({false, value_path(), {}, {}, 0});
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    frames.pop_back();
    return true;
  }
  bool on_object_begin(json::error_code&) {
    frames.push_back({true, value_path(), {}, {}, 0});
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    frames.pop_back();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) {
    scalar();
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    key.append(s.data(), s.size());
    Frame& frame = frames.back();
    if (!frame.keys.insert(key).second) out->add(join(frame.path, key));
    frame.pending_key = std::move(key);
    key.clear();
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) {
    scalar();
    return true;
  }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) {
    scalar();
    return true;
  }
  bool on_double(double, json::string_view, json::error_code&) {
    scalar();
    return true;
  }
  bool on_bool(bool, json::error_code&) {
    scalar();
    return true;
  }
  bool on_null(json::error_code&) {
    scalar();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

}  // namespace

std::vector<std::string> unknown_fields(const Type& type, const json::value& object) {
  Collector out;
  if (object.is_object()) walk(type, object.get_object(), "", 0, out);
  return out.take();
}

std::vector<std::string> duplicate_fields(std::string_view json_text) {
  Collector out;
  json::parse_options options;
  options.max_depth = kMaxDepth;
  json::basic_parser<DuplicateKeyHandler> parser(options);
  parser.handler().out = &out;
  json::error_code ec;
  parser.write_some(false, json_text.data(), json_text.size(), ec);
  return out.take();
}

std::string strict_error_detail(const std::vector<std::string>& unknown,
                                const std::vector<std::string>& duplicate) {
  std::string detail;
  auto append = [&](std::string_view what, const std::string& path) {
    if (!detail.empty()) detail += ", ";
    detail += fmt::format("{} \"{}\"", what, path);
  };
  for (const std::string& path : duplicate) append("duplicate field", path);
  for (const std::string& path : unknown) append("unknown field", path);
  return detail;
}

}  // namespace kscratch::apiserver::schema
