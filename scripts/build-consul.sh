#!/usr/bin/env bash
# Builds a real Consul agent for the tests from HashiCorp's published Go module, with this machine's
# Go toolchain, once: the binary is cached outside the repository and its path printed.
#
# Consul's go.mod replaces its own submodules (api, sdk, proto-public, envoyextensions, troubleshoot)
# with local directories, which a build from the module proxy cannot use; so it is built from a
# throw-away module that requires it. Those submodule versions are served by the Go module proxy
# but are missing from the checksum database, hence GONOSUMDB for Consul's own module path only.
set -euo pipefail

version=${CONSUL_VERSION:-v1.22.0}
cache=${PROMETHEUS_RELAY_CACHE:-$HOME/.cache/prometheus-relay}
binary="$cache/consul-$version/consul"

if [ -x "$binary" ]; then
  echo "$binary"
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "Go is not installed: cannot build Consul $version (the Consul tests will be skipped)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$binary")"
(
  cd "$work"
  printf 'module consulbuild\n\ngo 1.26\n' > go.mod
  export GONOSUMDB=github.com/hashicorp/consul GOFLAGS=-mod=mod
  echo "Building Consul $version from the Go module proxy (first time only; a few minutes)..." >&2
  go get "github.com/hashicorp/consul@$version" >&2
  go build -trimpath -o "$binary.tmp" github.com/hashicorp/consul >&2
)
mv "$binary.tmp" "$binary"
echo "$binary"
