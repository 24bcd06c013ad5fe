// Pod volume validation: ValidateVolumes and validateVolumeSource for the volume types real
// clusters use; the remaining (mostly removed in-tree cloud) types are counted so that "more
// than 1 volume type" and "must specify a volume type" still hold, but not checked further.

#include <set>

#include "kscratch/apimachinery/quantity.h"
#include "object_meta.h"
#include "pod_spec.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {

constexpr std::string_view kFileModeError = "must be a number between 0 and 0777 (octal), both inclusive";

// The volume sources in upstream's checking order, with the path name each reports under when
// it is one too many (two differ from the JSON names, as upstream's do).
struct SourceName {
  std::string_view json;
  std::string_view reported;
};
constexpr SourceName kSources[] = {
    {"emptyDir", "emptyDir"}, {"hostPath", "hostPath"}, {"gitRepo", "gitRepo"},
    {"gcePersistentDisk", "gcePersistentDisk"}, {"awsElasticBlockStore", "awsElasticBlockStore"},
    {"secret", "secret"}, {"nfs", "nfs"}, {"iscsi", "iscsi"}, {"glusterfs", "glusterfs"}, {"flocker", "flocker"},
    {"persistentVolumeClaim", "persistentVolumeClaim"}, {"rbd", "rbd"}, {"cinder", "cinder"},
    {"cephfs", "cephFS"}, {"quobyte", "quobyte"}, {"downwardAPI", "downwarAPI"}, {"fc", "fc"},
    {"flexVolume", "flexVolume"}, {"configMap", "configMap"}, {"azureFile", "azureFile"},
    {"vsphereVolume", "vsphereVolume"}, {"photonPersistentDisk", "photonPersistentDisk"},
    {"portworxVolume", "portworxVolume"}, {"azureDisk", "azureDisk"}, {"storageos", "storageos"},
    {"projected", "projected"}, {"scaleIO", "scaleIO"}, {"csi", "csi"}, {"ephemeral", "ephemeral"},
    {"image", "image"}};

void validate_path_no_backsteps(FieldErrors& errs, const std::string& p, const FieldPath& path) {
  size_t start = 0;
  while (true) {
    size_t slash = p.find('/', start);
    if (p.substr(start, slash == std::string::npos ? std::string::npos : slash - start) == "..") {
      errs.push_back(invalid(path, p, "must not contain '..'"));
      return;
    }
    if (slash == std::string::npos) return;
    start = slash + 1;
  }
}

// ValidateLocalNonReservedPath.
void validate_local_non_reserved_path(FieldErrors& errs, const std::string& p, const FieldPath& path) {
  if (!p.empty() && p[0] == '/') errs.push_back(invalid(path, p, "must be a relative path"));
  validate_path_no_backsteps(errs, p, path);
  if (p.substr(0, 2) == ".." && p.substr(0, 3) != "../") errs.push_back(invalid(path, p, "must not start with '..'"));
}

void validate_file_mode(Reader& r, const json::object& parent, std::string_view key, const FieldPath& path) {
  if (std::optional<int64_t> mode = r.integer(parent, key, path)) {
    if (*mode > 0777 || *mode < 0) r.add(invalid(path, *mode, std::string(kFileModeError)));
  }
}

void validate_key_to_paths(Reader& r, const json::object& source, const FieldPath& path) {
  const json::array* items = r.array(source, "items", path.child("items"));
  if (items == nullptr) return;
  for (size_t i = 0; i < items->size(); ++i) {
    FieldPath ip = path.child("items").index(i);
    const json::object* item = r.element_object((*items)[i], ip);
    if (item == nullptr) continue;
    if (r.string(*item, "key", ip.child("key")).value_or("").empty()) r.add(required(ip.child("key")));
    std::string p = r.string(*item, "path", ip.child("path")).value_or("");
    if (p.empty()) r.add(required(ip.child("path")));
    validate_local_non_reserved_path(r.errors(), p, ip.child("path"));
    validate_file_mode(r, *item, "mode", ip.child("mode"));
  }
}

void validate_source(Reader& r, std::string_view type, const json::object& src, const FieldPath& path) {
  auto require_string = [&](std::string_view key) {
    std::string s = r.string(src, key, path.child(key)).value_or("");
    if (s.empty()) r.add(required(path.child(key)));
    return s;
  };
  if (type == "emptyDir") {
    if (std::optional<std::string> limit = r.string(src, "sizeLimit", path.child("sizeLimit"))) {
      Expected<apimachinery::quantity::Quantity> q = apimachinery::quantity::parse(*limit);
      if (q && q->sign() < 0) r.add(forbidden(path.child("sizeLimit"), "SizeLimit field must be a valid resource quantity"));
    }
  } else if (type == "hostPath") {
    std::string p = r.string(src, "path", path.child("path")).value_or("");
    if (p.empty()) {
      r.add(required(path.child("path")));
      return;
    }
    validate_path_no_backsteps(r.errors(), p, path.child("path"));
    if (std::optional<std::string> t = r.string(src, "type", path.child("type"))) {
      static const std::vector<std::string> kTypes = {"",          "BlockDevice", "CharDevice", "Directory",
                                                      "DirectoryOrCreate", "File", "FileOrCreate", "Socket"};
      if (std::find(kTypes.begin(), kTypes.end(), *t) == kTypes.end()) {
        r.add(not_supported(path.child("type"), *t, kTypes));
      }
    }
  } else if (type == "secret") {
    require_string("secretName");
    validate_file_mode(r, src, "defaultMode", path.child("defaultMode"));
    validate_key_to_paths(r, src, path);
  } else if (type == "configMap") {
    require_string("name");
    validate_file_mode(r, src, "defaultMode", path.child("defaultMode"));
    validate_key_to_paths(r, src, path);
  } else if (type == "persistentVolumeClaim") {
    require_string("claimName");
  } else if (type == "nfs") {
    require_string("server");
    std::string p = require_string("path");
    if (p.empty() || p[0] != '/') r.add(invalid(path.child("path"), p, "must be an absolute path"));
  } else if (type == "downwardAPI") {
    validate_file_mode(r, src, "defaultMode", path.child("defaultMode"));
  } else if (type == "projected") {
    validate_file_mode(r, src, "defaultMode", path.child("defaultMode"));
  } else if (type == "csi") {
    std::string driver = r.string(src, "driver", path.child("driver")).value_or("");
    if (driver.empty()) r.add(required(path.child("driver")));
    if (driver.size() > 63) r.add(too_long(path.child("driver"), 63));
    std::string lower = driver;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    add_invalid(r.errors(), path.child("driver"), json::value(driver),
                name_messages(NameRule::kDNS1123Subdomain, lower, false));
  } else if (type == "ephemeral") {
    if (!has(src, "volumeClaimTemplate")) r.add(required(path.child("volumeClaimTemplate")));
  } else if (type == "gitRepo") {
    require_string("repository");
  }
}

}  // namespace

VolumeMap validate_volumes(Reader& r, const json::object& spec, const FieldPath& path) {
  VolumeMap vols;
  const json::array* volumes = r.array(spec, "volumes", path);
  if (volumes == nullptr) return vols;
  std::set<std::string> names;
  for (size_t i = 0; i < volumes->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* vol = r.element_object((*volumes)[i], ip);
    if (vol == nullptr) continue;
    FieldErrors el;
    Reader vr(el);
    int count = 0;
    for (const SourceName& s : kSources) {
      const json::object* src = vr.object(*vol, s.json, ip.child(s.json));
      if (src == nullptr) continue;
      if (count > 0) {
        vr.add(forbidden(ip.child(s.reported), "may not specify more than 1 volume type"));
        continue;
      }
      ++count;
      // Upstream reports gcePersistentDisk fields under "persistentDisk" and cephfs under "cephfs".
      validate_source(vr, s.json, *src, ip.child(s.json == "gcePersistentDisk" ? "persistentDisk" : s.json));
    }
    if (count == 0) vr.add(required(ip, "must specify a volume type"));
    std::string name = vr.string(*vol, "name", ip.child("name")).value_or("");
    if (name.empty()) {
      vr.add(required(ip.child("name")));
    } else {
      validate_dns1123_label(el, name, ip.child("name"));
    }
    if (names.count(name)) vr.add(duplicate(ip.child("name"), name));
    // Only a volume without errors is usable by mounts, as upstream's map of good volumes.
    if (el.empty()) {
      names.insert(name);
      vols[name] = vol;
    } else {
      for (FieldError& e : el) r.add(std::move(e));
    }
  }
  return vols;
}

}  // namespace kscratch::apiserver::kinds
