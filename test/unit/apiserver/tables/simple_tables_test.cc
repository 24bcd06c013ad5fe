// Namespace, ConfigMap, Secret, ServiceAccount, Lease and default-table rows.

#include <catch2/catch.hpp>

#include "columns.h"
#include "tables.h"
#include "test_support.h"

namespace tables = kscratch::apiserver::tables;
namespace t = kscratch::apiserver::tables::test;
using namespace std::chrono_literals;

namespace {

boost::json::object with_meta(std::string_view name, std::string_view rest) {
  return t::object(std::string(R"({"metadata":{"name":")") + std::string(name) +
                   R"(","creationTimestamp":")" + t::ago(72h) + "\"}" +
                   (rest.empty() ? "" : ",") + std::string(rest) + "}");
}

}  // namespace

TEST_CASE("name and age columns carry the ObjectMeta docs", "[tables]") {
  auto columns = tables::namespace_columns();
  CHECK(columns[0].name == "Name");
  CHECK(columns[0].format == "name");
  CHECK(columns[0].description ==
        "Name must be unique within a namespace. Is required when creating resources, although "
        "some resources may allow a client to request the generation of an appropriate name "
        "automatically. Name is primarily intended for creation idempotence and configuration "
        "definition. Cannot be updated. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names");
  CHECK(columns[2].description ==
        "CreationTimestamp is a timestamp representing the server time when this object was "
        "created. It is not guaranteed to be set in happens-before order across separate "
        "operations. Clients may not set this value. It is represented in RFC3339 form and is in "
        "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
}

TEST_CASE("namespace rows", "[tables][namespace]") {
  t::check_columns(tables::namespace_columns(), {"Name:string:0", "Status:string:0", "Age:string:0"});
  CHECK(tables::namespace_row(with_meta("default", R"("status":{"phase":"Active"})"), t::now()) ==
        t::array(R"(["default","Active","3d"])"));
  CHECK(tables::namespace_row(with_meta("old", R"("status":{"phase":"Terminating"})"), t::now()) ==
        t::array(R"(["old","Terminating","3d"])"));
  // An empty phase decodes as Active.
  CHECK(tables::namespace_row(with_meta("new", ""), t::now())[1] == "Active");
}

TEST_CASE("configmap rows count data and binaryData keys", "[tables][configmap]") {
  t::check_columns(tables::configmap_columns(), {"Name:string:0", "Data:string:0", "Age:string:0"});
  CHECK(tables::configmap_row(with_meta("cfg", R"("data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="})"),
                              t::now()) == t::array(R"(["cfg",3,"3d"])"));
  CHECK(tables::configmap_row(with_meta("empty", ""), t::now()) == t::array(R"(["empty",0,"3d"])"));
}

TEST_CASE("secret rows", "[tables][secret]") {
  t::check_columns(tables::secret_columns(),
                   {"Name:string:0", "Type:string:0", "Data:string:0", "Age:string:0"});
  CHECK(tables::secret_row(with_meta("tls", R"("type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""})"),
                           t::now()) == t::array(R"(["tls","kubernetes.io/tls",2,"3d"])"));
  CHECK(tables::secret_row(with_meta("plain", ""), t::now()) == t::array(R"(["plain","Opaque",0,"3d"])"));
}

TEST_CASE("serviceaccount rows", "[tables][serviceaccount]") {
  t::check_columns(tables::serviceaccount_columns(), {"Name:string:0", "Secrets:string:0", "Age:string:0"});
  CHECK(tables::serviceaccount_row(with_meta("default", ""), t::now()) ==
        t::array(R"(["default",0,"3d"])"));
  CHECK(tables::serviceaccount_row(with_meta("builder", R"("secrets":[{"name":"builder-token"}])"),
                                   t::now()) == t::array(R"(["builder",1,"3d"])"));
}

TEST_CASE("lease rows", "[tables][lease]") {
  t::check_columns(tables::lease_columns(), {"Name:string:0", "Holder:string:0", "Age:string:0"});
  CHECK(tables::lease_row(with_meta("n1", R"("spec":{"holderIdentity":"n1","leaseDurationSeconds":40})"),
                          t::now()) == t::array(R"(["n1","n1","3d"])"));
  CHECK(tables::lease_row(with_meta("free", R"("spec":{})"), t::now()) == t::array(R"(["free","","3d"])"));
}

TEST_CASE("default table is name and creation date", "[tables][default]") {
  t::check_columns(tables::default_columns(), {"Name:string:0", "Created At:date:0"});
  CHECK(tables::default_columns()[1].description == tables::kObjectMetaCreationTimestampDoc);
  CHECK(tables::default_row(with_meta("x", ""), t::now()) ==
        t::array(R"(["x","2024-05-29T12:00:00Z"])"));
  CHECK(tables::default_row(t::object("{}"), t::now()) == t::array(R"(["","0001-01-01T00:00:00Z"])"));
}

TEST_CASE("ages", "[tables]") {
  auto age = [](std::string_view created) {
    return tables::namespace_row(
        t::object(std::string(R"({"metadata":{"creationTimestamp":")") + std::string(created) + "\"}}"),
        t::now())[2];
  };
  CHECK(age(t::ago(0s)) == "0s");
  CHECK(age(t::ago(119s)) == "119s");
  CHECK(age(t::ago(190s)) == "3m10s");
  CHECK(age(t::ago(5h + 30min)) == "5h30m");
  CHECK(age("2024-06-01T12:00:01Z") == "0s");  // Within the clock skew upstream tolerates.
  CHECK(age("2024-06-01T12:00:05Z") == "<invalid>");
  CHECK(age("yesterday") == "<unknown>");
  CHECK(age("") == "<unknown>");
}
