# The command line: help, version, and usage errors with exit code 2.
source "$(dirname "$0")/lib.sh"
K=$1

expect_exit 0 "$K" version
expect_output '^kscratch version v[0-9]+\.[0-9]+\.[0-9]+ \(Kubernetes v1\.32\.[0-9]+\+kscratch\)$'

expect_exit 0 "$K" --help
expect_output 'server'
expect_exit 2 "$K"
expect_exit 2 "$K" frobnicate
expect_output "unknown command 'frobnicate'"

for cmd in server agent version; do
  expect_exit 0 "$K" "$cmd" --help
  expect_output 'Usage: kscratch'
done
expect_exit 0 "$K" server -h
expect_output -- '--data-dir'

expect_exit 2 "$K" server --no-such-flag
expect_output "unrecognised option '--no-such-flag'"
expect_output "kscratch server --help"
expect_exit 2 "$K" server --https-listen-port notaport
expect_output "https-listen-port"
expect_exit 2 "$K" server --https-listen-port 70000
expect_output "out of range"
expect_exit 2 "$K" server --data-dir ""
expect_exit 2 "$K" server stray-argument
expect_exit 2 "$K" agent
expect_output -- "--server is required"
expect_exit 2 "$K" agent --server http://x:6443 --token t
expect_output "https://"
expect_exit 2 "$K" version extra

# klog-style verbosity is accepted in both spellings.
expect_exit 0 "$K" server -v=2 --help
expect_exit 0 "$K" server -v 4 --help

# Through a symlink named kubectl the binary is kubectl.
ln -s "$(readlink -f "$K")" "$WORK/kubectl"
if command -v kubectl >/dev/null; then
  expect_exit 0 "$WORK/kubectl" version --client
  expect_output 'Client Version'
  expect_exit 0 "$K" kubectl version --client
  expect_output 'Client Version'
fi
echo "cli: ok"
