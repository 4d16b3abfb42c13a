#!/bin/bash
# `make install DESTDIR=...` from the build tree being tested: the binary,
# the man pages, every document and completion the man pages point to
# (each /usr/share path of their FILES sections, read from the pages
# themselves, must exist under the installed prefix), every docs/*.md,
# the contrib examples where the systemd unit's Documentation= says they
# are; the installed binary runs; `make uninstall` leaves no file behind.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
: "${MIGRATORE:?MIGRATORE must name the migratore binary}"
: "${TOP_BUILDDIR:?TOP_BUILDDIR must name the build tree (make check sets it)}"
TOP_SRCDIR=$(cd "$TESTS_SRCDIR/.." && pwd)

D=$(mktemp -d "${TMPDIR:-/tmp}/install.XXXXXX") || bail_out "mktemp failed"
trap 'chmod -R u+w "$D" 2>/dev/null; rm -rf "$D"' EXIT

# make in the build tree, on its own: not a part of the make running the
# tests (make check, distcheck), whose flags would print directories.
bmake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TOP_BUILDDIR" "$@"; }
# A variable of the build tree's Makefile (prefix, docdir, ...), expanded.
makevar() {
	bmake -s --no-print-directory --eval "print-var: ; @echo \$($1)" print-var 2>/dev/null
}
prefix=$(makevar prefix)
datarootdir=$(makevar datarootdir)
docdir=$(makevar docdir)
mandir=$(makevar mandir)
bindir=$(makevar bindir)
ok "$([[ $prefix == /* && $docdir == /* && $mandir == /* ]]; echo $?)" \
	"the build tree's directories are known (prefix $prefix)"

out=$(bmake install DESTDIR="$D/root" 2>&1)
is "$?" 0 "make install DESTDIR=... succeeds"
[ $? -eq 0 ] || diag "$(printf '%s\n' "$out" | tail -20)"
R=$D/root

ok "$([ -x "$R$bindir/migratore" ]; echo $?)" "the binary is installed in bindir"
like "$("$R$bindir/migratore" version 2>&1)" "^migratore [0-9]" "the installed binary runs"
for m in man1/migratore.1 man5/migratore-inventory.5; do
	ok "$([ -f "$R$mandir/$m" ]; echo $?)" "man page $m is installed"
done

# Every /usr/share/... path the man pages name: under the installed
# datarootdir (a directory named with a trailing slash must be one).
paths=$(cat "$TOP_SRCDIR"/docs/*.[0-9] | sed 's/\\-/-/g; s/\\f[BIRP]//g' |
	grep -o '/usr/share/[A-Za-z0-9_./@-]*' | sed 's/[.]$//' | sort -u)
ok "$([ "$(printf '%s\n' "$paths" | grep -c .)" -ge 8 ]; echo $?)" \
	"the man pages name the installed files ($(printf '%s\n' "$paths" | grep -c .) paths)"
for p in $paths; do
	f=$R$datarootdir/${p#/usr/share/}
	if [[ $p == */ ]]; then
		ok "$([ -d "$f" ]; echo $?)" "man page path $p resolves (a directory)"
	else
		ok "$([ -f "$f" ]; echo $?)" "man page path $p resolves"
	fi
done

# Every document of docs/ is installed (a new one must be listed in
# docs/local.mk), and so is every contrib file, where the unit says.
for f in "$TOP_SRCDIR"/docs/*.md; do
	ok "$([ -f "$R$docdir/$(basename "$f")" ]; echo $?)" "docs/$(basename "$f") is installed in docdir"
done
missing=""
while IFS= read -r f; do
	cmp -s "$TOP_SRCDIR/$f" "$R$docdir/$f" || missing="$missing $f"
done < <(cd "$TOP_SRCDIR" && find contrib -type f ! -name local.mk ! -name migratore.bash | sort)
is "$missing" "" "every contrib file is installed, unchanged, under docdir/contrib/"
doc=$(sed -n 's|^Documentation=file:/usr/share/||p' "$TOP_SRCDIR/contrib/systemd/migratore-fleet.service")
ok "$([ -n "$doc" ] && [ -f "$R$datarootdir/$doc" ]; echo $?)" \
	"the unit's Documentation=file:/usr/share/$doc resolves"

cmp -s "$TOP_SRCDIR/contrib/completion/migratore.bash" "$R$datarootdir/bash-completion/completions/migratore"
ok $? "the bash completion is where bash-completion loads it"
cmp -s "$TOP_SRCDIR/contrib/completion/migratore.zsh" "$R$datarootdir/zsh/site-functions/_migratore"
ok $? "the zsh completion is _migratore in site-functions"
if command -v zsh >/dev/null 2>&1; then
	out=$(zsh -f -c "fpath=('$R$datarootdir/zsh/site-functions' \$fpath); autoload -Uz compinit; compinit -u -D; print -r -- \$_comps[migratore]" 2>&1)
	is "$out" "_migratore" "zsh's compinit finds it for migratore"
else
	skip "no zsh" 1
fi

out=$(bmake uninstall DESTDIR="$D/root" 2>&1)
is "$?" 0 "make uninstall succeeds"
is "$(find "$R" -type f | sed "s|^$R||")" "" "make uninstall leaves no file"

done_testing
