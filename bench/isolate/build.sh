#!/bin/sh
# Builds isolate 1.10.1 (https://github.com/ioi/isolate, tag v1.10.1) for
# bench/executor-vs-isolate.mjs, from a checkout of that tag, into a prefix of its own.
#
#   bench/isolate/build.sh <isolate-source-dir> [prefix=/work/isolate-1.10.1]
#
# Get the source with `git clone --branch v1.10.1 https://github.com/ioi/isolate <dir>` (or
# `git archive v1.10.1 | tar -x -C <dir>` from a clone). Needs gcc, make and libcap's headers
# (`apt-get install -y gcc make libcap-dev`); only the binary is built (`make isolate`, no
# manual page, so no asciidoc). The source tree is copied to <prefix>/build and left untouched.
# Writes:
#   <prefix>/etc/isolate   the configuration, compiled in as the binary's CONFIG_FILE
#   <prefix>/bin/isolate   setuid root (mode 4755), as `make install` installs it
# Configuration: boxes in /var/local/lib/isolate (isolate's default; it and its parents must be
# writable by root only), cgroup v1 controllers under /sys/fs/cgroup, per-box cgroups below
# `pairpad-isolate-bench` (the bench creates it in memory, cpuacct and cpuset and reads isolate's
# CPU there), uids/gids 61000-61999 (out of PairPad's sandbox range). isolate 1.10.x drives
# cgroup v1 only; a cgroup v2 host needs isolate 2.x, which the bench does not drive.
set -eu

src=${1:?usage: bench/isolate/build.sh <isolate-source-dir> [prefix]}
prefix=${2:-/work/isolate-1.10.1}
src=$(cd "$src" && pwd)

version=$(sed -n 's/^VERSION=//p' "$src/Makefile")
if [ "$version" != 1.10.1 ]; then
  echo "build.sh: $src is isolate $version, not 1.10.1 (check out tag v1.10.1)" >&2
  exit 1
fi

mkdir -p "$prefix/bin" "$prefix/etc"
rm -rf "$prefix/build"
cp -R "$src" "$prefix/build"

cat > "$prefix/etc/isolate" <<CONF
# isolate 1.10.1 for bench/executor-vs-isolate.mjs (written by bench/isolate/build.sh)
box_root = /var/local/lib/isolate
cg_root = /sys/fs/cgroup
cg_parent = pairpad-isolate-bench
first_uid = 61000
first_gid = 61000
num_boxes = 1000
CONF

# BUILD_COMMIT and BUILD_DATE fixed so that the same source gives the same binary.
make -C "$prefix/build" isolate \
  CONFIG="$prefix/etc/isolate" \
  BUILD_COMMIT=v1.10.1 \
  BUILD_DATE=2023-01-01
install -m 4755 "$prefix/build/isolate" "$prefix/bin/isolate"
install -d -m 755 /var/local/lib/isolate

"$prefix/bin/isolate" --version | head -1
echo "ISOLATE_BIN=$prefix/bin/isolate"
