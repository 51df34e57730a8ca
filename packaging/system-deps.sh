#!/usr/bin/env bash
# System packages (Debian/Ubuntu) that pip cannot provide, installed only if missing.
#   packaging/system-deps.sh run|test|package
# run:     PortAudio for the preview player, Qt's X11 libraries
# test:    + ALSA's null device, Qt offscreen, Xvfb for screenshots
# package: + nasm and the tools that build the bundle's audio-only FFmpeg
# Elsewhere (no apt-get), or without root or password-less sudo, it prints what is missing
# and carries on: the app and the tests then say precisely what they lack.
set -euo pipefail

RUN=(
  libportaudio2
  libasound2
  libegl1 libgl1 libopengl0 libxkbcommon0 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 libxcb-image0
)
TEST=(libasound2-plugins alsa-utils xvfb)
PACKAGE=(nasm pkg-config make gcc curl xz-utils binutils)

case "${1:-run}" in
  run) wanted=("${RUN[@]}") ;;
  test) wanted=("${RUN[@]}" "${TEST[@]}") ;;
  package) wanted=("${RUN[@]}" "${PACKAGE[@]}") ;;
  *) echo "usage: $0 run|test|package" >&2; exit 2 ;;
esac

command -v dpkg-query >/dev/null || exit 0
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "system packages missing (install them as root): apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "installing system packages: ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
