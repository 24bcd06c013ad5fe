# Test images without internet, for any end-to-end test: source it after test/e2e/lib.sh
# (it uses $WORK, $PIDS and fail). Everything it creates lives under $WORK, and the
# registries it starts are in $PIDS, so lib.sh's exit trap kills and removes them.
#
#   images_pick_port BASE
#       Prints the first TCP port from BASE up that nothing listens on (give each test
#       its own BASE so parallel tests do not race for one).
#   images_build_busybox LAYOUT NAME
#       Builds OCI layout directory LAYOUT holding image NAME (umoci): one layer with
#       /bin/busybox (busybox-static) and symlinks to it (sh, ls, cat, echo, sleep,
#       httpd, wget, nc, ip, ...), /bin/start.sh as entrypoint (prints "hello from
#       kscratch", then runs its arguments), Env PATH=/bin, linux/amd64.
#   images_start_registry PORT
#       Runs Debian's docker-registry on 127.0.0.1:PORT with its storage in $WORK and
#       no auth; waits until /v2/ answers. Sets REGISTRY=127.0.0.1:PORT.
#   images_push LAYOUT NAME REF [--format v2s2]
#       Pushes the layout's image NAME to docker://REF (OCI manifest unless v2s2).
#   images_save LAYOUT NAME KIND FILE TAG
#       Saves the image as a KIND archive (docker-archive or oci-archive) in FILE,
#       named TAG (e.g. "hello:1").
#   images_manifest_digest REF
#       Prints the Docker-Content-Digest of REF's manifest (REF = host:port/repo:tag).

images_pick_port() {
  local port=$1
  while ss -Hltn "sport = :$port" | grep -q .; do port=$((port + 1)); done
  echo "$port"
}

images_build_busybox() {
  local layout=$1 name=$2
  local bundle=$WORK/bundle-$name
  [[ -x /bin/busybox ]] || fail "no /bin/busybox (apt-get install busybox-static)"
  if [[ ! -d $layout ]]; then
    umoci init --layout "$layout" >/dev/null || fail "umoci init $layout"
  fi
  umoci new --image "$layout:$name" >/dev/null || fail "umoci new $name"
  # unpack + repack, not `umoci insert`: Debian's umoci 0.4.7 insert writes layer tars
  # that end early (the last file's tail and the end-of-archive blocks are missing).
  rm -rf "$bundle"
  umoci unpack --image "$layout:$name" "$bundle" >/dev/null || fail "umoci unpack $name"
  local rootfs=$bundle/rootfs
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  local tool
  for tool in sh ash ls cat echo sleep httpd wget nc ip hostname env id mkdir rm true false ps \
    printf test grep sed head tail wc date touch kill uname ping nslookup; do
    ln -s busybox "$rootfs/bin/$tool"
  done
  printf '#!/bin/sh\necho hello from kscratch\nexec "$@"\n' >"$rootfs/bin/start.sh"
  chmod 755 "$rootfs/bin/start.sh"
  echo 'root:x:0:0:root:/:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  umoci repack --image "$layout:$name" "$bundle" >/dev/null || fail "umoci repack $name"
  umoci config --image "$layout:$name" --config.entrypoint /bin/start.sh --config.env PATH=/bin \
    --os linux --architecture amd64 >/dev/null || fail "umoci config $name"
  rm -rf "$bundle"
}

images_start_registry() {
  local port=$1
  local dir=$WORK/registry-$port
  mkdir -p "$dir/storage"
  cat >"$dir/config.yml" <<CONFIG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CONFIG
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  PIDS+=($!)
  local i
  for i in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
    ((i < 100)) || fail "registry on port $port did not start: $(cat "$dir/registry.log")"
    sleep 0.1
  done
  REGISTRY=127.0.0.1:$port
}

images_push() {
  local layout=$1 name=$2 ref=$3
  shift 3
  TMPDIR=$WORK skopeo copy --quiet --dest-tls-verify=false "$@" "oci:$layout:$name" "docker://$ref" >/dev/null ||
    fail "skopeo copy $layout:$name to $ref"
}

images_save() {
  local layout=$1 name=$2 kind=$3 file=$4 tag=$5
  TMPDIR=$WORK skopeo copy --quiet "oci:$layout:$name" "$kind:$file:$tag" >/dev/null ||
    fail "skopeo copy $layout:$name to $kind:$file"
}

images_manifest_digest() {
  local ref=$1
  local host=${ref%%/*} rest=${ref#*/}
  local repo=${rest%:*} tag=${rest##*:}
  curl -fsI -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$host/v2/$repo/manifests/$tag" | tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" {print $2}'
}
