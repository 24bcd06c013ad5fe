#pragma once
// Go value formatting that upstream's error messages embed: strconv.Quote (%q) for strings and
// encoding/json for string lists, so kscratch's errors read byte for byte like the apiserver's.

#include <string>
#include <string_view>
#include <vector>

namespace kscratch::apimachinery::labels::detail {

// Go's strconv.Quote.
std::string go_quote(std::string_view s);
// Go's json.Marshal of a []string; a missing (nil) list is "null".
std::string go_json_string_list(const std::vector<std::string>* values);

// field.Invalid(path, value, detail).Error() for a string value.
std::string invalid_value_error(std::string_view field, std::string_view value, std::string_view detail);
// field.Invalid for a []string value.
std::string invalid_list_error(std::string_view field, const std::vector<std::string>* values,
                               std::string_view detail);
// utilerrors.NewAggregate(errs).Error(): one message alone, several deduplicated inside "[...]".
std::string aggregate(const std::vector<std::string>& messages);

}  // namespace kscratch::apimachinery::labels::detail
