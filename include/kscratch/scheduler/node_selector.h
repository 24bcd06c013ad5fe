#pragma once
// Node selector terms of required and preferred node affinity, parsed once per pod (upstream
// component-helpers nodeaffinity.LazyErrorNodeSelector and PreferredSchedulingTerms).

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "kscratch/apimachinery/labels.h"

namespace kscratch::scheduler {

struct Node;

// A matchFields requirement: metadata.name In / NotIn one name (the only field upstream supports).
struct NodeNameRequirement {
  bool in = true;
  std::string name;
};

// One nodeSelectorTerm: matchExpressions over labels and matchFields over metadata.name, ANDed.
// A term that failed to parse or has no requirement matches no node, as upstream.
struct NodeSelectorTerm {
  std::vector<apimachinery::labels::Requirement> match_expressions;
  std::vector<NodeNameRequirement> match_fields;
  bool valid = true;

  bool matches(const Node& node) const;
};

// nodeSelectorTerms, ORed.
struct NodeSelector {
  std::vector<NodeSelectorTerm> terms;

  bool matches(const Node& node) const;
};

struct PreferredSchedulingTerm {
  int32_t weight = 0;
  NodeSelectorTerm term;
};

// Parses a v1.NodeSelectorTerm ({matchExpressions, matchFields}). Operators In, NotIn, Exists,
// DoesNotExist, Gt, Lt; a term with an invalid requirement becomes invalid (matches nothing).
NodeSelectorTerm parse_node_selector_term(const boost::json::value& term);
NodeSelector parse_node_selector(const boost::json::value& node_selector);  // {nodeSelectorTerms}

}  // namespace kscratch::scheduler
