#!/usr/bin/env bash
# Install votebot as a hardened systemd service.
#
#   go build -o votebot ./cmd/votebot && sudo deploy/install.sh --binary ./votebot [--key PEM] [--dry-run]
#
# Installs (only what differs; running it again changes nothing):
#   /usr/local/bin/votebot                      0755 root  (--binary, or built here when go is on PATH)
#   /etc/systemd/system/votebot.service         0644 root
#   /etc/votebot/votebot.yaml                   0644 root  (copied from configs/votebot.example.yaml
#                                                           only when there is none: yours is never overwritten)
#   /etc/votebot/votebot.env                    0600 root  (empty; VOTEBOT_* overrides for secrets)
#   /etc/votebot/hotkey.pem                     0600 root  (--key; an existing key is kept unless --key)
#   /usr/local/share/doc/votebot/operations.md  0644 root
#
# DESTDIR=/some/dir installs under that directory instead of / (for packaging and tests) and never
# calls systemctl. --dry-run prints what it would do and changes nothing.
set -euo pipefail

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
destdir=${DESTDIR:-}
binary=""
key=""
dry_run=0

while [ $# -gt 0 ]; do
	case "$1" in
	--binary) binary=${2:?--binary needs a path}; shift 2 ;;
	--binary=*) binary=${1#*=}; shift ;;
	--key) key=${2:?--key needs a path}; shift 2 ;;
	--key=*) key=${1#*=}; shift ;;
	--dry-run|-n) dry_run=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "install.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
	esac
done

# Owners are only set when we can: a test run as a normal user into a DESTDIR keeps its own.
owner=()
if [ "$(id -u)" = 0 ]; then owner=(-o root -g root); fi

changed=0
say() { printf '%s\n' "$*"; }
run() {
	if [ "$dry_run" = 1 ]; then say "would run: $*"; else "$@"; fi
}

# put SRC DEST MODE: install SRC at DEST with MODE unless DEST already has that content and mode.
put() {
	local src=$1 dest=$destdir$2 mode=$3
	if [ -f "$dest" ] && cmp -s "$src" "$dest" && [ "$(stat -c %a "$dest")" = "${mode#0}" ] &&
		{ [ ${#owner[@]} = 0 ] || [ "$(stat -c %U:%G "$dest")" = root:root ]; }; then
		say "unchanged  $2"
		return
	fi
	changed=1
	say "install    $2 (mode $mode)"
	run install -D -m "$mode" "${owner[@]}" "$src" "$dest"
}

# ensure_mode PATH MODE: fix the mode and owner of a file we keep (an existing config or key).
ensure_mode() {
	local dest=$destdir$1 mode=$2
	if [ "$(stat -c %a "$dest")" != "${mode#0}" ]; then
		changed=1
		say "chmod      $1 $mode (was $(stat -c %a "$dest"))"
		run chmod "$mode" "$dest"
	fi
	if [ ${#owner[@]} != 0 ] && [ "$(stat -c %U:%G "$dest")" != root:root ]; then
		changed=1
		say "chown      $1 root:root"
		run chown root:root "$dest"
	fi
}

# The binary: given, or built from this tree.
if [ -z "$binary" ]; then
	if ! command -v go >/dev/null; then
		echo "install.sh: no --binary given and no go on this PATH (sudo resets PATH): build first," >&2
		echo "  go build -o votebot ./cmd/votebot && sudo deploy/install.sh --binary ./votebot" >&2
		exit 1
	fi
	build_dir=$(mktemp -d)
	trap 'rm -rf "$build_dir"' EXIT
	binary=$build_dir/votebot
	say "build      votebot from $repo"
	(cd "$repo" && CGO_ENABLED=0 go build -trimpath -o "$binary" ./cmd/votebot)
fi
[ -x "$binary" ] || { echo "install.sh: $binary is not an executable file" >&2; exit 1; }
for f in "$here/votebot.service" "$repo/docs/operations.md" "$repo/configs/votebot.example.yaml"; do
	[ -f "$f" ] || { echo "install.sh: $f is missing from this tree" >&2; exit 1; }
done

put "$binary" /usr/local/bin/votebot 0755
put "$here/votebot.service" /etc/systemd/system/votebot.service 0644
put "$repo/docs/operations.md" /usr/local/share/doc/votebot/operations.md 0644

if [ ! -d "$destdir/etc/votebot" ]; then
	changed=1
	say "mkdir      /etc/votebot (mode 0755)"
	run install -d -m 0755 "${owner[@]}" "$destdir/etc/votebot"
fi

# The config: the operator's own is never overwritten.
if [ -f "$destdir/etc/votebot/votebot.yaml" ]; then
	say "kept       /etc/votebot/votebot.yaml (yours)"
	ensure_mode /etc/votebot/votebot.yaml 0644
else
	# The example reads the key from a PEM path and shows the credential commented out; under the
	# unit the key arrives as the credential hotkey.pem (LoadCredential=), so swap the two lines:
	# the PEM path stays visible as the other option, commented out.
	work=$(mktemp)
	awk '
		$0 == "  pem_file: /etc/votebot/hotkey.pem" { print "  # pem_file: /etc/votebot/hotkey.pem"; pem++; next }
		$0 == "  # credential: hotkey.pem" { print "  credential: hotkey.pem"; cred++; next }
		{ print }
		END { exit !(pem == 1 && cred == 1) }
	' "$repo/configs/votebot.example.yaml" >"$work" ||
		say "warning    set identity: {credential: hotkey.pem} in /etc/votebot/votebot.yaml yourself"
	put "$work" /etc/votebot/votebot.yaml 0644
	rm -f "$work"
fi

# Secrets that should not sit in a world-readable config (webhook URLs, tokens) go here as
# VOTEBOT_* variables; systemd reads it as root before dropping to the service user.
if [ -f "$destdir/etc/votebot/votebot.env" ]; then
	ensure_mode /etc/votebot/votebot.env 0600
else
	changed=1
	say "create     /etc/votebot/votebot.env (mode 0600)"
	if [ "$dry_run" = 0 ]; then
		(umask 077 && printf '# VOTEBOT_* overrides for secrets, e.g. VOTEBOT_ALERTS_...=...\n' >"$destdir/etc/votebot/votebot.env")
		if [ ${#owner[@]} != 0 ]; then chown root:root "$destdir/etc/votebot/votebot.env"; fi
	fi
fi

# The hotkey: replaced only when --key is given; always root-owned 0600.
key_missing=0
if [ -n "$key" ]; then
	[ -f "$key" ] || { echo "install.sh: key file $key not found" >&2; exit 1; }
	put "$key" /etc/votebot/hotkey.pem 0600
elif [ -f "$destdir/etc/votebot/hotkey.pem" ]; then
	say "kept       /etc/votebot/hotkey.pem"
	ensure_mode /etc/votebot/hotkey.pem 0600
else
	key_missing=1
	say "missing    /etc/votebot/hotkey.pem (see step 1 below)"
fi

# The console's login token (the unit loads it as the credential console-token): made once,
# 32 random bytes in hex, root-owned 0600; an existing one is kept.
if [ -f "$destdir/etc/votebot/console-token" ]; then
	say "kept       /etc/votebot/console-token"
	ensure_mode /etc/votebot/console-token 0600
else
	changed=1
	say "create     /etc/votebot/console-token (mode 0600)"
	if [ "$dry_run" = 0 ]; then
		(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$destdir/etc/votebot/console-token")
		if [ ${#owner[@]} != 0 ]; then chown root:root "$destdir/etc/votebot/console-token"; fi
	fi
fi

if [ -z "$destdir" ] && [ "$changed" = 1 ] && command -v systemctl >/dev/null; then
	run systemctl daemon-reload
fi

if [ "$dry_run" = 1 ]; then say "(dry run: nothing was changed)"; fi
cat <<EOF

Next steps:
EOF
if [ "$key_missing" = 1 ]; then
	cat <<EOF
  1. Create the hotkey and add its principal to each neuron (README: "Run it for your neurons"):
       sudo votebot identity new --type ed25519 --pem-file /etc/votebot/hotkey.pem
       sudo votebot identity show --pem-file /etc/votebot/hotkey.pem
EOF
else
	cat <<EOF
  1. The hotkey is in place; its principal must be a hotkey of each neuron:
       sudo votebot identity show --pem-file /etc/votebot/hotkey.pem
EOF
fi
cat <<EOF
  2. Edit /etc/votebot/votebot.yaml: your neurons, policies and alert channels (secrets such as
     webhook URLs can go in /etc/votebot/votebot.env as VOTEBOT_* variables instead). Keep
     identity: {credential: hotkey.pem} and the store under /var/lib/votebot.
  3. Check it and see what it would do, without voting:
       sudo CREDENTIALS_DIRECTORY=/etc/votebot votebot config validate --config /etc/votebot/votebot.yaml
       sudo CREDENTIALS_DIRECTORY=/etc/votebot votebot plan --config /etc/votebot/votebot.yaml
  4. Start it and watch it:
       sudo systemctl enable --now votebot
       journalctl -u votebot -f
       curl -s http://127.0.0.1:9464/readyz; curl -s http://127.0.0.1:9464/metrics | grep ^votebot_
EOF
