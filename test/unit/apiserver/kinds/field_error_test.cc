// FieldError texts as upstream's field.Error.Error() and ErrorBody() print them.

#include <catch2/catch.hpp>

#include "errors.h"
#include "go_format.h"
#include "test_support.h"

using namespace kscratch::apiserver;
using namespace kscratch::apiserver::kinds;
namespace json = boost::json;

TEST_CASE("cause_reason names every error type as upstream's CauseType") {
  CHECK(std::string(cause_reason(FieldErrorType::not_found)) == "FieldValueNotFound");
  CHECK(std::string(cause_reason(FieldErrorType::required)) == "FieldValueRequired");
  CHECK(std::string(cause_reason(FieldErrorType::duplicate)) == "FieldValueDuplicate");
  CHECK(std::string(cause_reason(FieldErrorType::invalid)) == "FieldValueInvalid");
  CHECK(std::string(cause_reason(FieldErrorType::not_supported)) == "FieldValueNotSupported");
  CHECK(std::string(cause_reason(FieldErrorType::forbidden)) == "FieldValueForbidden");
  CHECK(std::string(cause_reason(FieldErrorType::too_long)) == "FieldValueTooLong");
  CHECK(std::string(cause_reason(FieldErrorType::too_many)) == "FieldValueTooMany");
  CHECK(std::string(cause_reason(FieldErrorType::internal)) == "InternalError");
  CHECK(std::string(cause_reason(FieldErrorType::type_invalid)) == "FieldValueTypeInvalid");
}

TEST_CASE("bad values print with Go's %q for strings and %v for numbers") {
  FieldPath p = FieldPath("spec").child("replicas");
  CHECK(error_text(invalid(p, -1, "must be greater than or equal to 0")) ==
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0");
  CHECK(error_text(invalid(p, "three", "x")) == "spec.replicas: Invalid value: \"three\": x");
  CHECK(error_text(invalid(p, json::value(1.5), "x")) == "spec.replicas: Invalid value: 1.5: x");
  CHECK(error_text(invalid(p, json::value(true), "x")) == "spec.replicas: Invalid value: true: x");
  CHECK(error_text(invalid(p, nullptr, "x")) == "spec.replicas: Invalid value: null: x");
  CHECK(error_text(invalid(p, "a\"b\n\xff", "x")) == "spec.replicas: Invalid value: \"a\\\"b\\n\\xff\": x");
}

TEST_CASE("required, forbidden and too long never show the value") {
  CHECK(error_text(required(FieldPath("spec").child("containers"))) == "spec.containers: Required value");
  CHECK(error_text(required(FieldPath("metadata").child("name"), "name or generateName is required")) ==
        "metadata.name: Required value: name or generateName is required");
  CHECK(error_text(forbidden(FieldPath("metadata").child("namespace"), "not allowed on this type")) ==
        "metadata.namespace: Forbidden: not allowed on this type");
  CHECK(error_text(too_long(FieldPath("metadata").child("annotations"), 262144)) ==
        "metadata.annotations: Too long: must have at most 262144 bytes");
  // The whole-object path is empty, so the text starts with ": ".
  CHECK(error_text(too_long(FieldPath(""), 1048576)) == ": Too long: must have at most 1048576 bytes");
}

TEST_CASE("not supported, duplicate, not found and too many read as upstream") {
  CHECK(error_text(not_supported(FieldPath("spec").child("restartPolicy"), "Sometimes", {"Always", "OnFailure", "Never"})) ==
        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"");
  CHECK(error_text(duplicate(FieldPath("spec").child("containers").index(1).child("name"), "app")) ==
        "spec.containers[1].name: Duplicate value: \"app\"");
  CHECK(error_text(not_found(FieldPath("spec").child("containers").index(0).child("volumeMounts").index(0).child("name"), "data")) ==
        "spec.containers[0].volumeMounts[0].name: Not found: \"data\"");
  CHECK(error_text(too_many(FieldPath("endpoints"), 1001, 1000)) == "endpoints: Too many: 1001: must have at most 1000 items");
}

TEST_CASE("maps and string lists print as Go's %#v") {
  json::value labels = json::parse(R"({"tier":"web","app":"x"})");
  CHECK(error_text(invalid(FieldPath("spec").child("template").child("metadata").child("labels"), labels,
                           "`selector` does not match template `labels`")) ==
        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\", \"tier\":\"web\"}: "
        "`selector` does not match template `labels`");
  CHECK(error_text(invalid(FieldPath("x"), json::parse(R"(["a","b"])"), "d")) == "x: Invalid value: []string{\"a\", \"b\"}: d");
  CHECK(error_text(invalid(FieldPath("x"), go_value(go_string_map(nullptr)), "d")) ==
        "x: Invalid value: map[string]string(nil): d");
  CHECK(error_text(invalid(FieldPath("x"), json::parse(R"({"a":1})"), "d")) == "x: Invalid value: {\"a\":1}: d");
}

TEST_CASE("Go renderings of selectors, int-or-strings and times") {
  CHECK(go_label_selector(json::parse(R"({"matchLabels":{"app":"y"}})")) ==
        "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"y\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}");
  CHECK(go_label_selector(json::parse(R"({"matchExpressions":[{"key":"a","operator":"In","values":["x"]}]})")) ==
        "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{"
        "v1.LabelSelectorRequirement{Key:\"a\", Operator:\"In\", Values:[]string{\"x\"}}}}");
  CHECK(go_int_or_string(json::value("25%")) == "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"25%\"}");
  CHECK(go_int_or_string(json::value(3)) == "intstr.IntOrString{Type:0, IntVal:3, StrVal:\"\"}");
  CHECK(go_time("2024-05-01T10:00:00Z") == "2024-05-01 10:00:00 +0000 UTC");
  CHECK(go_float(1e21) == "1e+21");
  CHECK(go_float(100.0) == "100");
  CHECK(go_float(0.25) == "0.25");
}
