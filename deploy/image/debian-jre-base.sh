#!/usr/bin/env bash
# Builds a Java 17 runtime base image from Debian packages, as a `docker save` tar that Jib reads with
# `tar://` (the image build's local base: `mvn -Pimage,image-local-base package`, see docs/operations.md).
# For machines that reach Debian's package archive but no container registry; with a registry, the image
# build uses eclipse-temurin:17-jre and this script is not needed.
#
#   deploy/image/debian-jre-base.sh OUT.tar
#
# Needs mmdebstrap (Debian/Ubuntu: apt-get install mmdebstrap) and root, or user namespaces for its
# unshare mode. The image: Debian bookworm's essential packages (bash, coreutils: the Compose healthcheck
# needs bash) and openjdk-17-jre-headless, without documentation, man pages and translations; the
# mirror is mmdebstrap's default for a Debian release (with its updates and security suites) unless
# PUMP_BASE_MIRROR names another. An OUT that exists is kept: delete it (or `mvn clean`) to rebuild.
set -euo pipefail

out=${1:?usage: $0 OUT.tar}
suite=bookworm
if [ -s "$out" ]; then
  echo "debian-jre-base: keeping $out (delete it to rebuild)"
  exit 0
fi
if ! command -v mmdebstrap >/dev/null; then
  echo "debian-jre-base: mmdebstrap is not installed (apt-get install mmdebstrap)" >&2
  exit 1
fi

arch=$(dpkg --print-architecture)   # Debian's names for amd64 and arm64 are also the OCI ones
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"

# openjdk's postinst registers java.1.gz with update-alternatives and fails when man1/ is missing: keep the
# directory, drop its content. --variant=essential: no apt, no init; packages are installed from outside.
mmdebstrap --variant=essential --include=openjdk-17-jre-headless \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='rm -rf "$1"/var/cache/debconf/*-old "$1"/var/log/*' \
  "$suite" "$work/layer.tar" ${PUMP_BASE_MIRROR:+"$PUMP_BASE_MIRROR"}

# The docker-archive wrapping (what `docker save` writes): one layer, its config, a manifest naming both.
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
java_home=/usr/lib/jvm/java-17-openjdk-$arch
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat > "$work/config.json" <<JSON
{"architecture":"$arch","os":"linux","created":"$created",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8","JAVA_HOME=$java_home"],
           "Cmd":["bash"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"$created","created_by":"deploy/image/debian-jre-base.sh: mmdebstrap $suite openjdk-17-jre-headless"}]}
JSON
cat > "$work/manifest.json" <<JSON
[{"Config":"config.json","RepoTags":["vertx-pump-base:17-$suite"],"Layers":["layer.tar"]}]
JSON
tar -cf "$out.tmp" -C "$work" manifest.json config.json layer.tar
mv "$out.tmp" "$out"
echo "debian-jre-base: wrote $out ($(du -h "$out" | cut -f1))"
