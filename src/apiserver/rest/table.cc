// meta.k8s.io/v1 Table output, for `kubectl get`: the server formats every cell.

#include "api.h"

#include "../tables/tables.h"

namespace kscratch::apiserver::rest {

bool wants_table(const http::Request& req) {
  auto accept = req.header("accept");
  return accept.find("as=Table") != std::string::npos;
}

json::object to_table(const Resource& r, const std::vector<json::object>& objects, const std::string& resource_version,
                      const std::string& continue_token, bool include_columns) {
  auto columns = r.table_columns ? r.table_columns() : tables::default_columns();
  auto now = Clock::now();
  json::array defs;
  for (auto& c : columns) {
    defs.push_back(json::object{{"name", c.name},
                                {"type", c.type},
                                {"format", c.format},
                                {"description", c.description},
                                {"priority", c.priority}});
  }
  json::array rows;
  for (auto& o : objects) {
    json::object meta;
    if (auto* m = o.if_contains("metadata"); m && m->is_object()) meta = m->get_object();
    rows.push_back(json::object{
        {"cells", r.table_row ? r.table_row(o, now) : tables::default_row(o, now)},
        {"object", json::object{{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", std::move(meta)}}}});
  }
  json::object meta{{"resourceVersion", resource_version}};
  if (!continue_token.empty()) meta["continue"] = continue_token;
  json::object table{{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", std::move(meta)}};
  table["columnDefinitions"] = include_columns ? std::move(defs) : json::array();
  table["rows"] = std::move(rows);
  return table;
}

}  // namespace kscratch::apiserver::rest
