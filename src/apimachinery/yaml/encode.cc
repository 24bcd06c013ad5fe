// JSON to YAML text, as `kubectl get -o yaml` prints it.

#include "emitter.h"
#include "kscratch/apimachinery/yaml.h"

namespace kscratch::apimachinery::yaml {

std::string from_json(const boost::json::value& v) {
  detail::Emitter emitter;
  emitter.document(v);
  return emitter.take();
}

}  // namespace kscratch::apimachinery::yaml
