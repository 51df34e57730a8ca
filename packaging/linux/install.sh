#!/bin/sh
# Install Genre Desktop for this user: the bundle in ~/.local/opt, a launcher and icons.
set -e
HERE="$(cd "$(dirname "$0")" && pwd)"
DEST="${XDG_DATA_HOME:-$HOME/.local/share}"
OPT="$HOME/.local/opt/GenreDesktop"
mkdir -p "$HOME/.local/opt" "$HOME/.local/bin" "$DEST/applications"
[ "$HERE" = "$OPT" ] || { rm -rf "$OPT"; cp -a "$HERE" "$OPT"; }
ln -sf "$OPT/GenreDesktop" "$HOME/.local/bin/GenreDesktop"
ln -sf "$OPT/GenreDesktop" "$HOME/.local/bin/genre-desktop"
sed "s|^Exec=GenreDesktop|Exec=$OPT/GenreDesktop|" "$OPT/share/applications/genre-desktop.desktop" > "$DEST/applications/genre-desktop.desktop"
cp -r "$OPT/share/icons" "$DEST/"
command -v update-desktop-database >/dev/null && update-desktop-database "$DEST/applications" || true
echo "Installed. Start Genre Desktop from your applications menu, or run: GenreDesktop"
