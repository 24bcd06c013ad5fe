#include "columns.h"

namespace kscratch::apiserver::tables {

const std::string_view kObjectMetaNameDoc =
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name automatically. "
    "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
    "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

const std::string_view kObjectMetaCreationTimestampDoc =
    "CreationTimestamp is a timestamp representing the server time when this object was created. It "
    "is not guaranteed to be set in happens-before order across separate operations. Clients may not "
    "set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. "
    "Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

TableColumn column(std::string name, std::string_view description, int priority, std::string type) {
  return TableColumn{std::move(name), std::move(type), "", std::string(description), priority};
}

TableColumn name_column(int priority) {
  return TableColumn{"Name", "string", "name", std::string(kObjectMetaNameDoc), priority};
}

TableColumn age_column() { return column("Age", kObjectMetaCreationTimestampDoc); }

TableColumn containers_column() {
  return column("Containers", "Names of each container in the template.", 1);
}

TableColumn images_column() {
  return column("Images", "Images referenced by each container in the template.", 1);
}

}  // namespace kscratch::apiserver::tables
