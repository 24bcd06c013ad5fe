#pragma once
// Resource lists (limits, requests, capacity): upstream's SetDefaults_ResourceList, which
// rounds quantities up to milli precision and, through serialisation, prints them in canonical
// form ("0.5" is stored as "500m"), and ValidateContainerResourceRequirements.

#include <boost/json/object.hpp>

#include "json_reader.h"

namespace kscratch::apiserver::kinds {

// Rounds and canonicalises every parsable quantity of the resource list at key.
void default_resource_list(boost::json::object& parent, std::string_view key);
// Validates a container's resources object (limits, requests, claims) at path.
void validate_container_resources(Reader& r, const boost::json::object& resources, const FieldPath& path);
// Validates a node's capacity/allocatable list at path (ValidateResourceQuantityValue).
void validate_resource_quantities(Reader& r, const boost::json::object& parent, std::string_view key,
                                  const FieldPath& path);

}  // namespace kscratch::apiserver::kinds
