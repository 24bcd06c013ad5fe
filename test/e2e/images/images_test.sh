# `kscratch images`: air-gap archives (docker-archive, oci-archive, gzip, zstd) imported
# and listed, and pulls from a real registry (docker-registry) over plain HTTP: an OCI
# and a Docker v2s2 manifest, through a registries.yaml mirror, by digest, and a
# missing tag.
K=$1
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib_images.sh"

DATA=$WORK/data
STORE=$DATA/agent/images-store
images_build_busybox "$WORK/oci" hello

# Archives, as `docker save` / `skopeo copy` make them for k3s's agent/images/.
images_save "$WORK/oci" hello docker-archive "$WORK/hello-docker.tar" hello-docker:1
images_save "$WORK/oci" hello oci-archive "$WORK/hello-oci.tar" example.test/hello-oci:2
images_save "$WORK/oci" hello docker-archive "$WORK/gz.tar" hello-gz:3
gzip -c "$WORK/gz.tar" >"$WORK/hello-gz.tar.gz"
images_save "$WORK/oci" hello docker-archive "$WORK/zst.tar" hello-zst:4
zstd -q -c "$WORK/zst.tar" >"$WORK/hello-zst.tar.zst"

expect_exit 0 "$K" images --data-dir "$DATA" import "$WORK/hello-docker.tar"
expect_output 'imported docker.io/library/hello-docker:1 sha256:[0-9a-f]{64}'
expect_exit 0 "$K" images --data-dir "$DATA" import "$WORK/hello-oci.tar" "$WORK/hello-gz.tar.gz" "$WORK/hello-zst.tar.zst"
expect_output 'imported example.test/hello-oci:2 sha256:'
expect_output 'imported docker.io/library/hello-gz:3 sha256:'
expect_output 'imported docker.io/library/hello-zst:4 sha256:'

expect_exit 0 "$K" images ls --data-dir "$DATA"
expect_output '^IMAGE +TAG +IMAGE ID +SIZE'
expect_output '^docker.io/library/hello-docker +1 +[0-9a-f]{13} +[0-9.]+[kMG]?B$'
expect_output '^example.test/hello-oci +2 +[0-9a-f]{13} '
expect_output '^docker.io/library/hello-gz +3 '
expect_output '^docker.io/library/hello-zst +4 '
# One image (one config) under four names, one unpacked layer.
[[ $(grep -Eo ' [0-9a-f]{13} ' <<<"$OUT" | sort -u | wc -l) == 1 ]] || fail "one image id expected: $OUT"
layers=("$STORE"/layers/sha256-*)
[[ ${#layers[@]} == 1 ]] || fail "one layer directory expected: ${layers[*]}"
[[ -x ${layers[0]}/bin/busybox && -L ${layers[0]}/bin/sh ]] || fail "layer lacks bin/busybox: $(ls -la "${layers[0]}/bin" | head)"
ls "$STORE"/layers | grep -q ':' && fail "a ':' in a layer directory name"

# Bad input: a clear message naming the problem, exit 1; bad usage, exit 2.
expect_exit 1 "$K" images --data-dir "$DATA" import "$WORK/missing.tar"
expect_output 'missing.tar: no such file'
echo "not an archive" >"$WORK/text.tar"
expect_exit 1 "$K" images --data-dir "$DATA" import "$WORK/text.tar"
expect_output 'text.tar: not a tar archive'
tar -cf "$WORK/plain.tar" -C "$WORK" text.tar
expect_exit 1 "$K" images --data-dir "$DATA" import "$WORK/plain.tar"
expect_output 'neither a docker-archive'
expect_exit 2 "$K" images --data-dir "$DATA"
expect_exit 2 "$K" images --data-dir "$DATA" import
expect_exit 2 "$K" images --data-dir "$DATA" frobnicate
expect_exit 2 "$K" images --data-dir "$DATA" ls --bogus
expect_exit 0 "$K" images --help
expect_output 'import FILE'

# A real registry on loopback (plain HTTP, as containerd treats loopback registries).
PORT=$(images_pick_port 35711)
images_start_registry "$PORT"
images_push "$WORK/oci" hello "$REGISTRY/hello:1"
images_push "$WORK/oci" hello "$REGISTRY/hello-v2s2:1" --format v2s2
cat >"$WORK/registries.yaml" <<YAML
mirrors:
  example.test:
    endpoint:
      - "http://$REGISTRY"
YAML
PULL=("$K" images --data-dir "$WORK/pulled" pull --private-registry "$WORK/registries.yaml")

expect_exit 0 "${PULL[@]}" "$REGISTRY/hello:1"
expect_output 'Image is up to date for sha256:[0-9a-f]{64}'
expect_exit 0 "${PULL[@]}" "$REGISTRY/hello-v2s2:1"
expect_exit 0 "${PULL[@]}" example.test/hello:1
DIGEST=$(images_manifest_digest "$REGISTRY/hello:1")
[[ $DIGEST == sha256:* ]] || fail "no manifest digest for $REGISTRY/hello:1"
expect_exit 0 "${PULL[@]}" "$REGISTRY/hello@$DIGEST"
expect_exit 1 "${PULL[@]}" "$REGISTRY/hello:nope"
expect_output "pull $REGISTRY/hello:nope: .*manifest hello:nope not found"
expect_exit 1 "${PULL[@]}" "$REGISTRY/hello@sha256:$(printf '0%.0s' $(seq 64))"
expect_output 'not found'
expect_exit 1 "${PULL[@]}" "Bad/Ref"
expect_output 'invalid image reference'

expect_exit 0 "$K" images --data-dir "$WORK/pulled" ls
expect_output "^$REGISTRY/hello +1 +[0-9a-f]{13} "
expect_output "^$REGISTRY/hello-v2s2 +1 "
expect_output '^example.test/hello +1 '
pulled=("$WORK"/pulled/agent/images-store/layers/sha256-*)
[[ ${#pulled[@]} == 1 && -x ${pulled[0]}/bin/busybox ]] || fail "pulled layer lacks bin/busybox: ${pulled[*]}"
# The pulled record keeps the manifest digest, so the digest pull found the same image.
grep -q "$REGISTRY/hello@$DIGEST" "$WORK"/pulled/agent/images-store/images/*.json ||
  fail "no repo digest $DIGEST recorded"
# Nothing is left in the store's temporary directory.
[[ -z $(ls -A "$WORK/pulled/agent/images-store/tmp") ]] || fail "leftovers in tmp: $(ls "$WORK/pulled/agent/images-store/tmp")"
echo PASS
