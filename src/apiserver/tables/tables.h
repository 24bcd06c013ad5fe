#pragma once
// Table printers for the built-in kinds: for each kind, the meta.k8s.io/v1 column definitions
// and the cells of one object's row, as upstream's pkg/printers/internalversion/printers.go
// produces them on the apiserver (which always prints the wide columns too; kubectl hides the
// priority-1 columns unless -o wide). Column names are upstream's ("Name", "Nominated Node"):
// kubectl upper-cases them. Objects are raw stored JSON; a missing or wrong-typed field prints
// as upstream prints the zero value, and nothing here throws.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <vector>

#include "kscratch/apiserver/resource.h"

namespace kscratch::apiserver::tables {

// Upstream's default table for kinds without printers (rest.defaultTableConvertor):
// "Name" and "Created At" (an RFC 3339 date, not an age).
std::vector<TableColumn> default_columns();
boost::json::array default_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> namespace_columns();
boost::json::array namespace_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> node_columns();
boost::json::array node_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> pod_columns();
boost::json::array pod_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> service_columns();
boost::json::array service_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> endpoints_columns();
boost::json::array endpoints_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> configmap_columns();
boost::json::array configmap_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> secret_columns();
boost::json::array secret_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> event_columns();
boost::json::array event_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> serviceaccount_columns();
boost::json::array serviceaccount_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> deployment_columns();
boost::json::array deployment_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> replicaset_columns();
boost::json::array replicaset_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> endpointslice_columns();
boost::json::array endpointslice_row(const boost::json::object& object, Clock::time_point now);

std::vector<TableColumn> lease_columns();
boost::json::array lease_row(const boost::json::object& object, Clock::time_point now);

}  // namespace kscratch::apiserver::tables
