#pragma once
// API errors as upstream's StatusError: the HTTP code, the reason, the message kubectl
// prints after "Error from server (<Reason>): ", and details naming the object.

#include "kscratch/apiserver/resource.h"

#include <boost/json/object.hpp>

#include <string>

namespace kscratch::apiserver::rest {

struct ApiError {
  int code = 500;
  std::string reason;
  std::string message;
  boost::json::object details;
};

boost::json::object status_object(const ApiError& e);
boost::json::object success_status(const Resource& r, const std::string& name);

// "deployments.apps", or "pods" for the core group.
std::string qualified_resource(const Resource& r);

ApiError not_found(const Resource& r, const std::string& name);
ApiError already_exists(const Resource& r, const std::string& name);
ApiError conflict(const Resource& r, const std::string& name, const std::string& why);
ApiError invalid(const Resource& r, const std::string& name, const FieldErrors& errors);
ApiError bad_request(std::string message);
ApiError forbidden(const Resource& r, const std::string& name, const std::string& why);
ApiError gone(std::string message);
ApiError method_not_supported(const std::string& method, const Resource* r);
ApiError unsupported_media_type(const std::string& type);
ApiError not_acceptable(std::string message);
ApiError internal(std::string message);
ApiError path_not_found();

}  // namespace kscratch::apiserver::rest
