#pragma once
// The printers for whole objects: -o yaml|json|name|jsonpath=...|custom-columns=...,
// fed with what kubectl's printGeneric builds (one object, or a List of every item).

#include "kscratch/util/expected.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace kscratch::kubectl {

// A typed list as kubectl decodes it: each item without apiVersion and kind gets the
// list's ("PodList" -> "Pod").
std::vector<boost::json::object> items_of(const boost::json::object& list);

// Drops metadata.managedFields, which kubectl hides unless --show-managed-fields.
void omit_managed_fields(boost::json::object& object);

// kubectl's List wrapper: {"apiVersion":"v1","items":[...],"kind":"List","metadata":{"resourceVersion":""}}.
boost::json::object make_list(std::vector<boost::json::object> items);

// "deployment.apps/web" for an object, from its own apiVersion and kind.
std::string qualified_name(const boost::json::object& object);

// fmt.Sprint of a decoded JSON value: maps as map[k:v], slices as [a b].
std::string go_sprint(const boost::json::value& v);

// A printer chosen by -o. Parse errors are kubectl's messages.
class ObjectPrinter {
 public:
  static Expected<ObjectPrinter> make(const std::string& output, bool no_headers);
  // The text for obj (a single object or a List).
  Expected<std::string> print(const boost::json::object& obj) const;
  // Objects a generator built (client dry runs) are Go structs to kubectl: -o json keeps
  // their fields in the order they were built instead of sorting them.
  void print_as_typed() { typed_ = true; }

 private:
  std::string format_;  // yaml, json, name, jsonpath, custom-columns
  std::string argument_;
  bool no_headers_ = false;
  bool typed_ = false;
};

// Whether -o names a printer of whole objects (and not the table).
bool is_object_output(const std::string& output);

}  // namespace kscratch::kubectl
