#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "kscratch/apiserver/schema.h"

namespace schema = kscratch::apiserver::schema;
namespace json = boost::json;

TEST_CASE("OpenAPI schemas cover the kinds of a group version and what they reach") {
  const json::object apps = schema::openapi_schemas("apps", "v1");
  const json::object& deployment = apps.at("io.k8s.api.apps.v1.Deployment").as_object();
  CHECK(deployment.at("x-kubernetes-group-version-kind") ==
        json::parse(R"([{"group":"apps","kind":"Deployment","version":"v1"}])"));
  CHECK(deployment.at("properties").at("spec").at("$ref") ==
        "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec");
  CHECK(deployment.at("properties").as_object().contains("apiVersion"));
  // Reached through the pod template.
  const json::object& container = apps.at("io.k8s.api.core.v1.Container").as_object();
  CHECK(container.at("properties").at("ports").at("type") == "array");
  CHECK(container.at("properties").at("ports").at("items").at("$ref") ==
        "#/components/schemas/io.k8s.api.core.v1.ContainerPort");
  CHECK(apps.contains("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
  CHECK(apps.at("io.k8s.apimachinery.pkg.util.intstr.IntOrString").at("format") == "int-or-string");
  CHECK_FALSE(apps.contains("io.k8s.api.core.v1.Secret"));
}

TEST_CASE("OpenAPI schemas: maps, inline structs and byte fields") {
  const json::object core = schema::openapi_schemas("", "v1");
  CHECK(core.at("io.k8s.api.core.v1.Secret").at("properties").at("data") ==
        json::parse(R"({"type":"object","additionalProperties":{"type":"string","format":"byte"},
                        "description":""})"));
  // Volume's VolumeSource is embedded: its fields are Volume's own.
  const json::object& volume = core.at("io.k8s.api.core.v1.Volume").at("properties").as_object();
  CHECK(volume.contains("configMap"));
  CHECK_FALSE(volume.contains("volumeSource"));
  CHECK(core.at("io.k8s.api.core.v1.ResourceRequirements").at("properties").at("limits")
            .at("additionalProperties").at("$ref") ==
        "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity");
  CHECK(schema::openapi_schemas("nope", "v9").empty());
}
