#pragma once
// Column definitions shared by many kinds. Descriptions are upstream's: the printers take them
// from the generated Go API docs (e.g. metav1.ObjectMeta{}.SwaggerDoc()["name"]) of 1.32, copied
// here verbatim because kubectl shows them in `kubectl explain`-like help and clients compare them.

#include <string>
#include <string_view>

#include "kscratch/apiserver/resource.h"

namespace kscratch::apiserver::tables {

// metav1.ObjectMeta{}.SwaggerDoc()["name"] and ["creationTimestamp"].
extern const std::string_view kObjectMetaNameDoc;
extern const std::string_view kObjectMetaCreationTimestampDoc;

// A plain column: type "string" unless given, no format.
TableColumn column(std::string name, std::string_view description, int priority = 0,
                   std::string type = "string");
// {Name: "Name", Type: "string", Format: "name", Description: ObjectMeta name doc}.
TableColumn name_column(int priority = 0);
// {Name: "Age", Type: "string", Description: ObjectMeta creationTimestamp doc}.
TableColumn age_column();
// The wide "Containers" and "Images" columns of workloads.
TableColumn containers_column();
TableColumn images_column();

}  // namespace kscratch::apiserver::tables
