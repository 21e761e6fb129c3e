#!/usr/bin/env bash
# Builds the tests' real peers that are Go programs, from their published Go modules, with this
# machine's Go toolchain, once: each binary is cached outside the repository, and its path printed.
#
#   consul    HashiCorp's agent (consul agent -dev), for the Consul discovery tests
#   promtool  Prometheus's config checker with every service discovery compiled in: Debian's
#             promtool is built without kubernetes_sd, so it refuses deploy/kubernetes' config
#   prometheus  Prometheus v3.5.0's server: Debian's is 2.42, which cannot send remote-write 2.0,
#             and it is the reference receiver in the ingest benchmark (its web UI is not built in)
#
# These modules' go.mod files have replace directives, which `go install module@version` refuses;
# so each is built from a throw-away module that requires it. Consul's submodule versions are served
# by the Go module proxy but missing from the checksum database, hence GONOSUMDB for its path only.
#
# Usage: scripts/build-go-peers.sh [consul|promtool|prometheus]...   (default: all three)
set -euo pipefail

cache=${PROMETHEUS_RELAY_CACHE:-$HOME/.cache/prometheus-relay}

# build NAME MODULE VERSION PACKAGE: prints the cached binary's path, building it if needed.
build() {
  local name=$1 module=$2 version=$3 package=$4
  local binary="$cache/$name-$version/$name"
  if [ -x "$binary" ]; then
    echo "$binary"
    return 0
  fi
  if ! command -v go >/dev/null; then
    echo "Go is not installed: cannot build $name $version (the tests that need it will be skipped)" >&2
    return 1
  fi
  local work
  work=$(mktemp -d)
  mkdir -p "$(dirname "$binary")"
  echo "Building $name $version from the Go module proxy (first time only; a few minutes)..." >&2
  if ! (
    cd "$work"
    printf 'module %sbuild\n\ngo 1.26\n' "$name" > go.mod
    export GONOSUMDB=github.com/hashicorp/consul GOFLAGS=-mod=mod
    go get "$module@$version" >&2
    go build -trimpath -o "$binary.tmp" "$package" >&2
  ); then
    rm -rf "$work"
    return 1
  fi
  rm -rf "$work"
  mv "$binary.tmp" "$binary"
  echo "$binary"
}

peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(consul promtool prometheus)
status=0
for name in "${peers[@]}"; do
  case $name in
    consul)
      build consul github.com/hashicorp/consul "${CONSUL_VERSION:-v1.22.0}" github.com/hashicorp/consul || status=1 ;;
    promtool)
      # Prometheus v3.5.0's Go module version.
      build promtool github.com/prometheus/prometheus "${PROMTOOL_VERSION:-v0.305.0}" \
        github.com/prometheus/prometheus/cmd/promtool || status=1 ;;
    prometheus)
      build prometheus github.com/prometheus/prometheus "${PROMETHEUS_VERSION:-v0.305.0}" \
        github.com/prometheus/prometheus/cmd/prometheus || status=1 ;;
    *)
      echo "Unknown peer: $name (consul, promtool or prometheus)" >&2; status=2 ;;
  esac
done
exit $status
