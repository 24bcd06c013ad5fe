// core/v1 Events: upstream's printEvent (the wide layout, which the apiserver always prints).
// LAST SEEN falls back to FIRST SEEN, FIRST SEEN to eventTime, and an event series overrides
// both LAST SEEN and COUNT.

#include <algorithm>
#include <cctype>

#include "columns.h"
#include "json_access.h"
#include "tables.h"

namespace kscratch::apiserver::tables {

namespace json = boost::json;

namespace {

std::string to_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Go's strings.TrimSpace for ASCII whitespace.
std::string trim_space(const std::string& s) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

// upstream's formatEventSource: "component, host", each falling back to the events.k8s.io
// reporting fields (reportingComponent is ReportingController's JSON name).
std::string event_source(const json::object& event) {
  const json::object& source = object_or_empty(event, "source");
  std::string component = string_at(source, "component");
  if (component.empty()) component = string_at(event, "reportingComponent");
  std::string host = string_at(source, "host");
  if (host.empty()) host = string_at(event, "reportingInstance");
  return host.empty() ? component : component + ", " + host;
}

}  // namespace

std::vector<TableColumn> event_columns() {
  return {
      column("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
      column("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
      column("Reason",
             "This should be a short, machine understandable string that gives the reason for the "
             "transition into the object's current status."),
      column("Object", "The object that this event is about."),
      column("Subobject",
             "If referring to a piece of an object instead of an entire object, this string should "
             "contain a valid JSON/Go field access statement, such as "
             "desiredState.manifest.containers[2]. For example, if the object reference is to a "
             "container within a pod, this would take on a value like: \"spec.containers{name}\" "
             "(where \"name\" refers to the name of the container that triggered the event) or if "
             "no container name is specified \"spec.containers[2]\" (container with index 2 in "
             "this pod). This syntax is chosen only to have some well-defined way of referencing a "
             "part of an object.",
             1),
      column("Source",
             "The component reporting this event. Should be a short machine understandable string.",
             1),
      column("Message", "A human-readable description of the status of this operation."),
      column("First Seen",
             "The time at which the event was first recorded. (Time of server receipt is in "
             "TypeMeta.)",
             1),
      column("Count", "The number of times this event has occurred.", 1),
      name_column(1),
  };
}

json::array event_row(const json::object& object, Clock::time_point now) {
  std::optional<Clock::time_point> first = time_at(object, "firstTimestamp");
  std::string first_seen = translate_timestamp_since(first ? first : time_at(object, "eventTime"), now);
  std::optional<Clock::time_point> last = time_at(object, "lastTimestamp");
  std::string last_seen = last ? translate_timestamp_since(last, now) : first_seen;

  int64_t count = int_at(object, "count");
  if (const json::object* series = object_at(object, "series")) {
    last_seen = translate_timestamp_since(time_at(*series, "lastObservedTime"), now);
    count = int_at(*series, "count");
  } else if (count == 0) {
    // Singleton events of the events.k8s.io API carry no count.
    count = 1;
  }

  const json::object& involved = object_or_empty(object, "involvedObject");
  std::string target = to_lower(string_at(involved, "kind"));
  if (std::string name = string_at(involved, "name"); !name.empty()) target += "/" + name;

  return json::array{
      last_seen,
      string_at(object, "type"),
      string_at(object, "reason"),
      target,
      string_at(involved, "fieldPath"),
      event_source(object),
      trim_space(string_at(object, "message")),
      first_seen,
      count,
      object_name(object),
  };
}

}  // namespace kscratch::apiserver::tables
