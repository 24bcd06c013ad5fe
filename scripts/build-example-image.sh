#!/usr/bin/env bash
# Builds the example's image, kscratch.local/hello:1.0, from Debian's busybox-static
# (umoci), and saves it as a docker-archive tarball (skopeo) for a node's air-gap images
# directory: a web server on :8080 answering "hello from <pod name> on <node name>" (the
# node from the NODE_NAME variable the example sets through the downward API).
#
#   scripts/build-example-image.sh OUT.tar
set -euo pipefail
out=${1:?usage: build-example-image.sh OUT.tar}
[[ -x /bin/busybox ]] || { echo "build-example-image: no /bin/busybox (apt-get install busybox-static)" >&2; exit 1; }
work=$(mktemp -d /tmp/kscratch-image.XXXXXX)
trap 'rm -rf "$work"' EXIT

umoci init --layout "$work/oci" >/dev/null
umoci new --image "$work/oci:hello" >/dev/null
# unpack + repack, not `umoci insert`: Debian's umoci 0.4.7 insert writes layer tars
# that end early.
umoci unpack --image "$work/oci:hello" "$work/bundle" >/dev/null
root=$work/bundle/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/www"
cp /bin/busybox "$root/bin/busybox"
for tool in sh cat echo sleep httpd wget hostname env ls ps kill nslookup; do ln -s busybox "$root/bin/$tool"; done
cat >"$root/bin/hello" <<'SCRIPT'
#!/bin/sh
# The page names the pod that served it, so load balancing shows.
echo "hello from $(hostname) on ${NODE_NAME:-an unknown node}" >/tmp/index.html
exec httpd -f -p 8080 -h /tmp
SCRIPT
chmod 755 "$root/bin/hello"
echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
umoci repack --image "$work/oci:hello" "$work/bundle" >/dev/null
umoci config --image "$work/oci:hello" --config.entrypoint /bin/hello --config.env PATH=/bin \
  --config.exposedports 8080/tcp --os linux --architecture amd64 >/dev/null
TMPDIR=$work skopeo copy --quiet "oci:$work/oci:hello" "docker-archive:$out.tmp:kscratch.local/hello:1.0" >/dev/null
mv "$out.tmp" "$out"
