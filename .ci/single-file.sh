#!/usr/bin/env bash
# The single-file executable on a machine with no Node: builds it (npm run build:binary), then,
# in a mount namespace where every node (and bun) executable on this machine is /dev/null, runs
# what a user on a login node would: --version, parse --json on a corpus output, the demo
# without a terminal, and the cockpit in tmux. Needs root (unshare -m), tmux and the corpus of
# ../shared. Exits non-zero at the first check that fails, saying which.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [[ ${1-} != --inside ]]; then
	npm run build:binary
	# Every executable named like a JavaScript runtime: on PATH, in the usual places, and in
	# node_modules (the package's own Node, bun's executables).
	mapfile -t runtimes < <(
		{
			type -ap node nodejs bun || true
			ls /usr/bin/node /usr/local/bin/node /usr/bin/nodejs 2>/dev/null || true
			find "$root/node_modules" /usr/local /opt "$HOME" -xdev \( -name node -o -name nodejs -o -name bun -o -name 'bun.exe' -o -name 'bunx.exe' \) -type f -perm -u+x 2>/dev/null || true
		} | xargs -r readlink -f | sort -u
	)
	echo "hiding ${#runtimes[@]} runtime executables: ${runtimes[*]}"
	exec unshare -m bash -c '
		set -euo pipefail
		mount --make-rprivate /
		for file in "${@:2}"; do mount --bind /dev/null "$file"; done
		exec "$1" --inside
	' hide "$0" "${runtimes[@]}"
fi

binary=$root/build/crystal-tui-linux-x64
fail() {
	echo "single file: FAILED: $*" >&2
	exit 1
}
check() { echo "single file: ok: $*"; }

if node -e 0 2>/dev/null || "$root/node_modules/node/bin/node" -e 0 2>/dev/null || /usr/bin/node -e 0 2>/dev/null; then
	fail "a node executable still runs inside the namespace"
fi
check "no node runs here"

home=$(mktemp -d /tmp/crystal-tui-single-file-XXXXXX)
tmux_socket=crystal-tui-single-file-$$
cleanup() {
	tmux -L "$tmux_socket" kill-server 2>/dev/null || true
	# The cockpit leaves the demo's jobs running when it quits: stop them as a user would.
	if [[ -d ${XDG_STATE_HOME:-/nonexistent}/crystal-tui/demo ]]; then
		(cd "$XDG_STATE_HOME/crystal-tui/demo" && "$binary" stop --all --force >/dev/null 2>&1) || true
	fi
	# The demo's jobs may still run (the cockpit leaves them): end their process groups.
	for pid in $(pgrep -f "$home" || true); do kill "$pid" 2>/dev/null || true; done
	rm -rf "$home"
}
trap cleanup EXIT
export XDG_STATE_HOME=$home/state XDG_CACHE_HOME=$home/cache

version=$("$binary" --version)
[[ $version == "$(sed -n 's/^\t"version": "\(.*\)",$/\1/p' package.json)" ]] || fail "--version printed '$version'"
check "--version $version"

corpus=$root/../shared/crystal-corpus/outputs/a17_cry14_scf_and_opt.out
parsed=$("$binary" parse --json "$corpus")
grep -q '"finalEnergyHartree":-1263.569100529' <<<"$parsed" || fail "parse --json: $parsed"
grep -q '"optConverged":true' <<<"$parsed" || fail "parse --json: $parsed"
check "parse --json on $(basename "$corpus")"

# The demo without a terminal: every deck runs with the unpacked mock CRYSTAL; al-unconverged
# is meant to fail, so the exit status is 1.
status=0
CRYSTAL_MOCK_DELAY=0.005 timeout 300 "$binary" --demo --no-tui >"$home/demo.log" 2>&1 </dev/null || status=$?
[[ $status == 1 ]] || fail "--demo --no-tui exited $status: $(tail -5 "$home/demo.log")"
grep -q '^\[mgo\] done: E = -275.65802931745 Ha' "$home/demo.log" || fail "demo: no result for mgo: $(tail -5 "$home/demo.log")"
(cd "$XDG_STATE_HOME/crystal-tui/demo" && "$binary" status --json) >"$home/status.json"
grep -q '^\[mgo\.d3\] done: properties ended normally' "$home/demo.log" || fail "demo: no properties run: $(tail -5 "$home/demo.log")"
[[ -s $XDG_STATE_HOME/crystal-tui/demo/mgo_BAND.DAT ]] || fail "demo: the properties run left no mgo_BAND.DAT"
[[ $(grep -c '"state": "finished"' "$home/status.json") == 4 ]] || fail "status --json: $(cat "$home/status.json")"
grep -q '"state": "failed"' "$home/status.json" || fail "status --json: $(cat "$home/status.json")"
check "--demo --no-tui ran the five decks (mgo.d3 after mgo, its bands home); status --json reads them back"

# The cockpit in a real terminal (CI=false: Ink draws only for a terminal it believes in).
rm -rf "$XDG_STATE_HOME"
tmux -L "$tmux_socket" -f /dev/null new-session -d -s cockpit -x 120 -y 36 \
	-e CI=false -e TERM=xterm-256color -e CRYSTAL_MOCK_DELAY=0.1 \
	-e XDG_STATE_HOME="$XDG_STATE_HOME" -e XDG_CACHE_HOME="$XDG_CACHE_HOME" \
	"'$binary' --demo; echo \"[exit \$?]\"; sleep 600"
screen() { tmux -L "$tmux_socket" capture-pane -p -t cockpit; }
wait_for() {
	for _ in $(seq 300); do
		screen | grep -q -- "$1" && return 0
		sleep 0.1
	done
	fail "the cockpit never showed '$1'; the screen:
$(screen)"
}
wait_for "4 running 1 queued"
wait_for "mgo local running"
tmux -L "$tmux_socket" send-keys -t cockpit q
wait_for "\[exit 0\]"
screen | grep -q "still running" || fail "quitting the cockpit: $(screen)"
check "the cockpit drew the demo's four running jobs and the properties run waiting for mgo, and quit with q"
echo "single file: all checks passed ($(du -m "$binary" | cut -f1) MB)"
