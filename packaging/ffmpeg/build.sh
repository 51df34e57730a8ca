#!/usr/bin/env bash
# An audio-only, LGPL FFmpeg for the bundle, and PyAV compiled against it.
#
# PyAV's PyPI wheels carry a general-purpose FFmpeg: every video codec and the encoders
# x264, x265, SVT-AV1, libvpx, dav1d, ... (72 MB of libraries, GPL because of x264/x265).
# The app only demuxes and decodes the audio formats it lists (core/audio.py EXTENSIONS),
# so the bundle gets an FFmpeg with exactly those decoders and demuxers: ~4 MB, LGPL.
# Development and the tests keep the PyPI wheel (its encoders make the test fixtures).
#
#   packaging/ffmpeg/build.sh OUTDIR    -> OUTDIR/prefix (FFmpeg), OUTDIR/wheels/av-*.whl
#   packaging/ffmpeg/build.sh OUTDIR --licenses-only
#                                       -> OUTDIR/prefix/share/licenses/ffmpeg only
# Cached: a second run with the same versions does nothing.
#
# Linux and macOS (Apple Silicon; `brew install nasm pkg-config`) build it. Windows does
# not yet: PyAV on Windows is compiled with MSVC against FFmpeg import libraries, which
# needs an MSYS2 + MSVC toolchain this script does not set up. The Windows bundle keeps the
# PyPI wheel's FFmpeg (with x264/x265, GPL) and ships FFmpeg's licence texts with a note of
# where its source is (--licenses-only).
set -euo pipefail

mkdir -p "${1:?usage: build.sh OUTDIR [--licenses-only]}"
OUT=$(cd "$1" && pwd)
MODE=${2:-build}
PYTHON=${PYTHON:-python3}
FFMPEG_VERSION=8.1.2
FFMPEG_SHA256=464beb5e7bf0c311e68b45ae2f04e9cc2af88851abb4082231742a74d97b524c
# the release tarball: Debian's copy of it (byte for byte, signed upstream), then ffmpeg.org
FFMPEG_URLS=(
  ${FFMPEG_URL:-}
  "http://deb.debian.org/debian/pool/main/f/ffmpeg/ffmpeg_${FFMPEG_VERSION}.orig.tar.xz"
  "https://ffmpeg.org/releases/ffmpeg-${FFMPEG_VERSION}.tar.xz"
)
# the PyAV release that matches this FFmpeg (PyAV follows FFmpeg's API closely: pin both)
AV_VERSION=18.1.0

PREFIX=$OUT/prefix
STAMP=$PREFIX/.built-$FFMPEG_VERSION
JOBS=$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
mkdir -p "$OUT"

sha_ok() { # sha_ok SHA FILE: GNU coreutils on Linux and Git Bash, shasum on macOS
  if command -v sha256sum >/dev/null; then echo "$1  $2" | sha256sum -c --status
  else echo "$1  $2" | shasum -a 256 -c --status; fi
}

fetch_source() {
  tarball=$OUT/ffmpeg-$FFMPEG_VERSION.tar.xz
  if [ ! -f "$tarball" ] || ! sha_ok "$FFMPEG_SHA256" "$tarball"; then
    for url in "${FFMPEG_URLS[@]}"; do
      echo "fetching FFmpeg $FFMPEG_VERSION source from $url"
      if curl -fsSL --retry 2 --connect-timeout 20 -o "$tarball.part" "$url" &&
        sha_ok "$FFMPEG_SHA256" "$tarball.part"; then
        mv "$tarball.part" "$tarball"
        FFMPEG_URL=$url
        break
      fi
      echo "  not available there, or its checksum differs" >&2
    done
    [ -f "$tarball" ] || { echo "FFmpeg $FFMPEG_VERSION source not found (set FFMPEG_URL)" >&2; exit 1; }
  fi
}

if [ "$MODE" = "--licenses-only" ]; then
  # the PyPI wheel's FFmpeg stays (Windows): its licences travel with it
  fetch_source
  tar -xf "$tarball" -C "$OUT" "ffmpeg-$FFMPEG_VERSION/LICENSE.md" "ffmpeg-$FFMPEG_VERSION/COPYING.GPLv2" \
    "ffmpeg-$FFMPEG_VERSION/COPYING.GPLv3" "ffmpeg-$FFMPEG_VERSION/COPYING.LGPLv2.1" "ffmpeg-$FFMPEG_VERSION/COPYING.LGPLv3"
  mkdir -p "$PREFIX/share/licenses/ffmpeg"
  cp "$OUT/ffmpeg-$FFMPEG_VERSION"/{LICENSE.md,COPYING.*} "$PREFIX/share/licenses/ffmpeg/"
  av_version=$("$PYTHON" -c "import av; print(av.__version__, av.ffmpeg_version_info)" 2>/dev/null || echo "unknown")
  cat >"$PREFIX/share/licenses/ffmpeg/SOURCE.txt" <<TXT
This bundle carries the FFmpeg libraries of the PyAV wheel from PyPI (PyAV and FFmpeg:
$av_version). That FFmpeg is built with GPL parts (x264, x265), so it is distributed under
the GPL (COPYING.GPLv2 / COPYING.GPLv3 here); its source and build scripts are published by
the PyAV project: https://github.com/PyAV-Org/pyav-ffmpeg and https://ffmpeg.org/download.html
TXT
  echo "FFmpeg licence texts in $PREFIX/share/licenses/ffmpeg"
  exit 0
fi

# what core/audio.py reads: MP3, FLAC, Ogg Vorbis/Opus, M4A (AAC, ALAC), WAV/AIFF PCM and
# the common WAV ADPCM and telephony codecs, raw ADTS AAC
DECODERS=aac,aac_latm,alac,mp1,mp1float,mp2,mp2float,mp3,mp3float,flac,vorbis,opus,\
pcm_s8,pcm_u8,pcm_s16le,pcm_s16be,pcm_s24le,pcm_s24be,pcm_s32le,pcm_s32be,pcm_f32le,pcm_f32be,\
pcm_f64le,pcm_f64be,pcm_alaw,pcm_mulaw,adpcm_ms,adpcm_ima_wav,gsm_ms
DEMUXERS=mov,mp3,flac,ogg,wav,w64,aiff,aac
PARSERS=aac,aac_latm,flac,mpegaudio,opus,vorbis
# PyAV's AudioResampler and its graph helpers
FILTERS=abuffer,abuffersink,aformat,aresample,anull,buffer,buffersink,format,null

if [ ! -f "$STAMP" ]; then
  fetch_source
  src=$OUT/ffmpeg-$FFMPEG_VERSION
  rm -rf "$src" "$PREFIX"
  tar -xf "$tarball" -C "$OUT"
  command -v nasm >/dev/null || { echo "nasm is missing (apt-get install nasm)" >&2; exit 1; }
  (
    cd "$src"
    ./configure --prefix="$PREFIX" --enable-shared --disable-static --enable-pic \
      --disable-programs --disable-doc --disable-debug --disable-autodetect --disable-network \
      --disable-everything --disable-encoders --disable-muxers --disable-hwaccels \
      --enable-protocol=file,pipe \
      --enable-decoder="$DECODERS" --enable-demuxer="$DEMUXERS" --enable-parser="$PARSERS" \
      --enable-filter="$FILTERS" --enable-swresample \
      --extra-ldflags="-Wl,-rpath,$PREFIX/lib" >"$OUT/ffmpeg-build.log" 2>&1 &&
      make -j"$JOBS" >>"$OUT/ffmpeg-build.log" 2>&1 &&
      make install >>"$OUT/ffmpeg-build.log" 2>&1
  ) || { tail -40 "$OUT/ffmpeg-build.log" >&2; echo "FFmpeg build failed: $OUT/ffmpeg-build.log" >&2; exit 1; }
  # the bundle carries FFmpeg's licence (LGPL 2.1+: no GPL or non-free parts are enabled)
  mkdir -p "$PREFIX/share/licenses/ffmpeg"
  cp "$src/COPYING.LGPLv2.1" "$src/LICENSE.md" "$PREFIX/share/licenses/ffmpeg/"
  echo "FFmpeg $FFMPEG_VERSION, source: ${FFMPEG_URL:-${FFMPEG_URLS[0]}} (sha256 $FFMPEG_SHA256), configured by" \
    "genre-desktop packaging/ffmpeg/build.sh" >"$PREFIX/share/licenses/ffmpeg/SOURCE.txt"
  rm -rf "$src"
  touch "$STAMP"
fi

WHEELS=$OUT/wheels
if ! ls "$WHEELS"/av-"$AV_VERSION"-*.whl >/dev/null 2>&1; then
  echo "compiling PyAV $AV_VERSION against it"
  rm -rf "$WHEELS" && mkdir -p "$WHEELS"
  PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig \
    CFLAGS="-O2 -g0" LDFLAGS="-Wl,-rpath,$PREFIX/lib$([ "$(uname)" = Linux ] && echo " -s")" \
    "$PYTHON" -m pip wheel --quiet --no-deps --no-binary av "av==$AV_VERSION" -w "$WHEELS"
fi
du -sh "$PREFIX/lib" | sed 's/^/FFmpeg libraries: /'
ls "$WHEELS"
