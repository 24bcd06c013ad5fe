#pragma once
// Per-kind defaulting and validation with upstream's semantics: SetDefaults_<Kind> from
// pkg/apis/*/v1/defaults.go (plus the declarative defaults of zz_generated.defaults.go) and
// Validate<Kind> / Validate<Kind>Update from pkg/apis/*/validation. The apiserver's Resource
// entries point at these functions.
//
// Objects arrive as parsed JSON of the right apiVersion and kind, but any field may still have
// the wrong JSON type; the functions never throw for that and report a FieldError instead.
// Validation functions take old == nullptr on create and the stored object on update.

#include <boost/json/object.hpp>

#include "kscratch/apiserver/field_error.h"

namespace kscratch::apiserver::kinds {

void set_defaults_namespace(boost::json::object& obj);
void set_defaults_node(boost::json::object& obj);
void set_defaults_pod(boost::json::object& obj);
void set_defaults_service(boost::json::object& obj);
void set_defaults_endpoints(boost::json::object& obj);
void set_defaults_configmap(boost::json::object& obj);
void set_defaults_secret(boost::json::object& obj);
void set_defaults_event(boost::json::object& obj);
void set_defaults_serviceaccount(boost::json::object& obj);
void set_defaults_deployment(boost::json::object& obj);
void set_defaults_replicaset(boost::json::object& obj);
void set_defaults_endpointslice(boost::json::object& obj);
void set_defaults_lease(boost::json::object& obj);

// What upstream's namespace strategy does on create besides defaulting: spec.finalizers is
// set to ["kubernetes"]. It is separate from set_defaults_namespace because defaults also
// run on updates, and re-adding the finalizer after the namespace controller removed it
// would keep a terminating namespace forever.
void prepare_namespace_for_create(boost::json::object& obj);

FieldErrors validate_namespace(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_node(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_pod(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_service(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_endpoints(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_configmap(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_secret(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_event(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_serviceaccount(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_deployment(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_replicaset(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_endpointslice(const boost::json::object& obj, const boost::json::object* old);
FieldErrors validate_lease(const boost::json::object& obj, const boost::json::object* old);

// The status subresources (upstream's Validate<Kind>StatusUpdate).
FieldErrors validate_pod_status_update(const boost::json::object& obj, const boost::json::object& old);
FieldErrors validate_node_status_update(const boost::json::object& obj, const boost::json::object& old);
FieldErrors validate_service_status_update(const boost::json::object& obj, const boost::json::object& old);
FieldErrors validate_deployment_status_update(const boost::json::object& obj, const boost::json::object& old);
FieldErrors validate_replicaset_status_update(const boost::json::object& obj, const boost::json::object& old);

}  // namespace kscratch::apiserver::kinds
