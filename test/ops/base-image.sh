#!/usr/bin/env bash
# Makes the base image the container test builds on, without pulling anything: a
# debootstrap of Debian bookworm (minbase) from the mirror apt uses, plus this host's
# Node and npm (bookworm's own nodejs is 18, older than the shop's >= 20.11), plus the
# `node` user (uid 1000) that deploy/Dockerfile runs as. Kept in podman's store under a
# tag naming the Node version, so it is made once per machine and per Node release.
#
#   test/ops/base-image.sh            prints the image's tag, making it when missing
set -euo pipefail

NODE_BIN="$(command -v node)"
NODE_VERSION="$("$NODE_BIN" -p 'process.versions.node')"
TAG="localhost/shop-test-base:bookworm-node${NODE_VERSION}"

if podman image exists "$TAG"; then
  echo "$TAG"
  exit 0
fi

# The mirror apt uses (deb822 sources first, then the one-line format).
MIRROR="$(grep -hoE '^URIs: *\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 | awk '{print $2}')"
if [ -z "$MIRROR" ]; then
  MIRROR="$(grep -hoE '^deb +\S+' /etc/apt/sources.list 2>/dev/null | grep -v security | head -n 1 | awk '{print $2}')"
fi
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

NPM_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
[ -f "$NPM_DIR/package.json" ] || { echo "npm's package directory not found (looked at $NPM_DIR)" >&2; exit 1; }

ROOTFS="$(mktemp -d /var/tmp/shop-base-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
echo "debootstrap bookworm from $MIRROR into $ROOTFS" >&2
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >&2

install -m 0755 "$NODE_BIN" "$ROOTFS/usr/bin/node"
mkdir -p "$ROOTFS/usr/lib/node_modules"
cp -a "$NPM_DIR" "$ROOTFS/usr/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/bin/npx"
chroot "$ROOTFS" groupadd --gid 1000 node
chroot "$ROOTFS" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# Package lists and logs are dead weight in an image.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/log/*

tar -C "$ROOTFS" -c . | podman import --change 'CMD ["/bin/bash"]' - "$TAG" >&2
echo "$TAG"
