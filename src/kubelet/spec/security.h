#pragma once
// The container's security settings: the pod's securityContext merged under the
// container's (pkg/securitycontext DetermineEffectiveSecurityContext and kuberuntime's
// determineEffectiveSecurityContext), and the runAsNonRoot check against the image user.

#include "kubelet/spec/spec.h"

namespace kscratch::kubelet::spec {

// Security for the runtime: run-as ids (container over pod), supplemental groups (fsGroup
// first, then the pod's supplementalGroups), privileged, capabilities, read-only root,
// no_new_privileges when allowPrivilegeEscalation is false.
containers::Security effective_security(const json::object& pod, const json::object& container);

// verifyRunAsNonRoot: an error (upstream's text) when runAsNonRoot is set and the container
// would run as uid 0, by its runAsUser or by the image's user ("" meaning root).
SpecResult<Ok> verify_run_as_non_root(const json::object& pod, const json::object& container,
                                      const std::string& image_user);

}  // namespace kscratch::kubelet::spec
