#!/bin/sh
# The first process of a pod run by verify's kubelet stand-in (lib/verify/live/pods.ts), inside the pod's own
# network, mount, UTS, IPC and PID namespaces (made by unshare). It waits for the veth the stand-in moves in, sets the
# pod's address, mounts the pod's root (the host's root, read-only underneath an overlay whose upper directory holds
# the image's layer), /dev, /proc and the pod's volumes, then runs the container's command as its user.
#
# pod-init.sh DIR IP/PREFIX GATEWAY HOSTNAME UID GID GROUPS -- COMMAND...
#   DIR/upper, DIR/work, DIR/root   the overlay; DIR/mounts: lines "SOURCE TARGET" bound into the root
set -eu
dir=$1 address=$2 gateway=$3 name=$4 uid=$5 gid=$6 groups=$7
shift 8

i=0
until ip link show eth0 >/dev/null 2>&1; do
  i=$((i + 1))
  [ "$i" -lt 300 ] || { echo "pod-init: no eth0 after 30 s" >&2; exit 1; }
  sleep 0.1
done
ip link set lo up
ip addr add "$address" dev eth0
ip link set eth0 up
ip route add default via "$gateway"
hostname "$name"

mount --make-rprivate /
root=$dir/root
mount -t overlay overlay -o "lowerdir=/,upperdir=$dir/upper,workdir=$dir/work" "$root"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
mount -t proc proc "$root/proc"
while read -r source target; do
  # the target as the pod sees it: its symlinks (/var/run -> /run) resolved inside the root, never on the host
  target=$(chroot "$root" readlink -m "$target")
  if [ -d "$source" ]; then
    mkdir -p "$root$target"
  else
    mkdir -p "$(dirname "$root$target")"
    [ -e "$root$target" ] || touch "$root$target"
  fi
  mount --bind "$source" "$root$target"
done <"$dir/mounts"

exec chroot "$root" setpriv --reuid "$uid" --regid "$gid" --groups "$groups" -- "$@"
