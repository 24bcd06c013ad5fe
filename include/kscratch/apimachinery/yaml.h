#pragma once
// YAML <-> JSON for Kubernetes manifests, as sigs.k8s.io/yaml (go-yaml v2) does it:
//  - to_json / stream_to_json read manifests (kubectl apply -f, the apiserver's YAML bodies):
//    YAML 1.1 plain scalars (yes/no/on/off/y/n booleans, 0x/0o/leading-0 octal integers,
//    underscores), quoted scalars stay strings, anchors/aliases and `<<` merge keys, non-string
//    keys turned into strings, keys sorted as Go's JSON maps are.
//  - from_json writes what `kubectl get -o yaml` prints for an object, byte for byte.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "kscratch/util/expected.h"

namespace kscratch::apimachinery::yaml {

// Limits that keep hostile documents from exhausting the stack or memory.
inline constexpr size_t kMaxDepth = 1000;         // Nesting of maps and sequences.
inline constexpr size_t kMaxInputBytes = 64 << 20;  // One stream.

// Converts one YAML document (sigs.k8s.io/yaml.YAMLToJSON). An empty document is null.
// Errors read "error converting YAML to JSON: yaml: line 3: <reason> (column 7)".
Expected<boost::json::value> to_json(std::string_view yaml);

// Splits a stream on `---` lines as k8s.io/apimachinery's YAMLReader and converts each
// document, skipping empty and null ones (as kubectl does).
Expected<std::vector<boost::json::value>> stream_to_json(std::string_view yaml);

// The YAML text `kubectl get -o yaml` prints for v (sigs.k8s.io/yaml.Marshal).
std::string from_json(const boost::json::value& v);

// The JSON text `kubectl get -o json` prints for v, trailing newline included: Go's
// json.MarshalIndent with four spaces of a decoded (unstructured) object, so keys sorted
// bytewise, <, > and & escaped as \u003c..., and Go's float format. It lives beside the
// YAML printer because both follow Go's marshalling of the same values. A typed object
// (a Go struct, such as kubectl's generators build) keeps its fields in declaration
// order: KeyOrder::as_built writes objects in the order their keys were inserted.
enum class KeyOrder { sorted, as_built };
std::string to_indented_json(const boost::json::value& v, KeyOrder order = KeyOrder::sorted);
// The same without indentation (json.Marshal), no trailing newline.
std::string to_compact_json(const boost::json::value& v);

}  // namespace kscratch::apimachinery::yaml
