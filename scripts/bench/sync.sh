#!/usr/bin/env bash
# Sync benchmark: `rapport sync` against a real Dovecot on loopback, next to mbsync and a raw
# IMAP fetch (the floor). Prints figures and PASS/MISS against the targets; asserts nothing
# (the exit status is 0 whenever the runs themselves worked).
#
#   scripts/bench/sync.sh [SIZES...]        default sizes: 10000 50000 (messages, INBOX + Sent)
#
# Environment:
#   RUNS=3                 timed runs per measurement; the median is printed
#   CARGO_TARGET_DIR       where `cargo build --release` puts rapport (default: ./target)
#   RAPPORT_BENCH_KEEP=1   keep the work folder (servers are stopped anyway)
#   RAPPORT_BENCH_NO_BUILD=1  use the binaries already in CARGO_TARGET_DIR
#
# Per size: a fresh private Dovecot+Postfix (scripts/mail/servers.sh), seeded by writing the
# generated Maildir (examples/gen_maildir.rs) straight into talent@example.test's maildir, then
# indexed by Dovecot and read once (untimed warm-up). Then, interleaved, RUNS times each, each
# first sync after the server's cache was rebuilt the same way (`fresh_server_state`):
#   rapport sync into an empty data dir, then again with no changes (/usr/bin/time -v: peak RSS)
#   mbsync into an empty Maildir, then again with no changes
#   mbsync with `FSync No` into an empty Maildir
#   raw fetch: python imaplib, TLS, UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])
#   rapport import-maildir of the same generated Maildir (parse + store, no network)
# Every timing is wall-clock time of the whole process, `sync` (flush) run before each, and
# an untimed 1.1 s pause before each no-change run (mbsync waits out the second in which its
# Maildir last changed). Verdicts compare the best (least disturbed) runs; medians are shown
# too. Other work on the machine inflates mbsync (FSync yes) most: its fsyncs wait for every
# dirty page of the file system, so read the load averages printed with each table.
# Needs root (the servers, and writing into the mail user's maildir).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
SERVERS=$ROOT/scripts/mail/servers.sh
RAW_FETCH=$ROOT/scripts/bench/raw_fetch.py
RUNS=${RUNS:-3}
COMMAND_LINE="RUNS=$RUNS $0${*:+ $*}"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 50000)
SHARED_USER=talent@example.test
MAIL_UID=8
MAIL_GID=8

log() { echo "sync.sh: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

case "$RUNS" in '' | *[!0-9]* | 0) die "RUNS must be a positive integer, not '$RUNS'" ;; esac
for n in "${SIZES[@]}"; do
	case "$n" in '' | *[!0-9]*) die "sizes are message counts, not '$n'" ;; esac
	[ "$n" -ge 20 ] || die "size $n is too small"
done
[ "$(id -u)" -eq 0 ] || die "must run as root (it starts the mail servers and writes into their maildirs)"

# ---------------------------------------------------------------------------------------
# tools
# ---------------------------------------------------------------------------------------
pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_tools() {
	"$SERVERS" install
	local missing=() p
	for p in isync time; do
		pkg_installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq -o DPkg::Lock::Timeout=300
	apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" \
		>/tmp/rapport-bench-install.$$.log 2>&1 || {
		tail -n 30 /tmp/rapport-bench-install.$$.log >&2
		die "apt-get install ${missing[*]} failed"
	}
	rm -f /tmp/rapport-bench-install.$$.log
}

# A Python without pyenv's shim in front (its start-up would count in the raw fetch).
pick_python() {
	local p
	for p in /usr/bin/python3 "$(command -v python3 || true)"; do
		[ -n "$p" ] && [ -x "$p" ] && "$p" -c 'import imaplib, ssl' 2>/dev/null && {
			echo "$p"
			return 0
		}
	done
	die "python3 with imaplib and ssl not found"
}

build() {
	TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
	if [ -z "${RAPPORT_BENCH_NO_BUILD:-}" ]; then
		log "building rapport and examples/gen_maildir (release) in $TARGET"
		(cd "$ROOT" && cargo build --release --quiet --bin rapport --example gen_maildir) ||
			die "cargo build failed"
	fi
	RAPPORT=$TARGET/release/rapport
	GEN=$TARGET/release/examples/gen_maildir
	[ -x "$RAPPORT" ] || die "$RAPPORT not found"
	[ -x "$GEN" ] || die "$GEN not found"
}

# ---------------------------------------------------------------------------------------
# measuring
# ---------------------------------------------------------------------------------------
now_ns() { date +%s%N; }

# secs START_NS END_NS -> seconds with 3 decimals
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

# timed LOG CMD... : runs CMD (stdout+stderr to LOG) after flushing dirty pages; sets T to
# its wall-clock seconds. Fails (with LOG's tail) when CMD fails.
timed() {
	local out=$1 t0 t1 rc=0
	shift
	sync
	t0=$(now_ns)
	"$@" >"$out" 2>&1 || rc=$?
	t1=$(now_ns)
	if [ $rc -ne 0 ]; then
		log "failed (exit $rc): $*"
		tail -n 30 "$out" >&2
		return 1
	fi
	T=$(secs "$t0" "$t1")
}

# timed_rss LOG CMD... : like timed, under /usr/bin/time -v; also sets RSS_KB.
timed_rss() {
	local out=$1
	shift
	timed "$out" /usr/bin/time -v "$@" || return 1
	RSS_KB=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): *//p' "$out" | tail -n 1)
	[ -n "$RSS_KB" ] || die "no 'Maximum resident set size' in $out"
	CPU_S=$(awk -F': ' '/^[[:space:]]*(User|System) time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$out")
}

# fresh_dir PATH: empty it (untimed), create it
fresh_dir() {
	rm -rf "$1"
	mkdir -p "$1"
}

# ---------------------------------------------------------------------------------------
# servers, seeding, configs
# ---------------------------------------------------------------------------------------
WORK=
SRV_DIRS=()
cleanup() {
	local rc=$? d
	trap - EXIT INT TERM
	for d in "${SRV_DIRS[@]}"; do
		"$SERVERS" down "$d" >/dev/null 2>&1 || log "could not stop the servers in $d"
	done
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		if [ -n "${RAPPORT_BENCH_KEEP:-}" ]; then
			log "kept $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

write_rapport_config() {
	local f=$1
	cat >"$f" <<EOF
[identity]
team = "Bench"
address = "$SHARED_USER"

[imap]
host = "localhost"
port = $RAPPORT_TEST_IMAPS_PORT
security = "tls"
username = "$SHARED_USER"
password_env = "RAPPORT_TEST_PASSWORD"
ca_file = "$RAPPORT_TEST_CA"
EOF
}

# write_mbsyncrc RC MAILDIR FSYNC(yes|no)
write_mbsyncrc() {
	local rc=$1 md=$2 fsync=$3
	cat >"$rc" <<EOF
FSync $fsync

IMAPAccount bench
Host localhost
Port $RAPPORT_TEST_IMAPS_PORT
User $SHARED_USER
Pass $RAPPORT_TEST_PASSWORD
SSLType IMAPS
CertificateFile $RAPPORT_TEST_CA

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path $md/
Inbox $md/INBOX
SubFolders Verbatim

Channel bench
Far :bench-far:
Near :bench-near:
Patterns INBOX Sent
Create Near
Sync Pull
Expunge None
SyncState *
EOF
	chmod 600 "$rc"
}

dadm() {
	# shellcheck disable=SC2086 # RAPPORT_TEST_DOVEADM is a command prefix, split on purpose
	$RAPPORT_TEST_DOVEADM "$@"
}

# seed GEN_DIR: copy the generated Maildir into the shared user's maildir, owned by the mail
# user, and have Dovecot index it. Sets SEED_SECS.
seed() {
	local gen=$1 t0 home md
	t0=$(now_ns)
	home=$RAPPORT_TEST_MAIL_DIR/mail/example.test/talent
	md=$home/Maildir
	[ ! -e "$md" ] || die "$md exists already: not a fresh instance"
	mkdir -p "$home"
	cp -a "$gen" "$md"
	chown -R "$MAIL_UID:$MAIL_GID" "$RAPPORT_TEST_MAIL_DIR/mail/example.test"
	chmod -R u+rwX,go-rwx "$md"
	# Creates the index and dovecot-uidlist (UIDs), and the auto-created folders.
	local inbox sent
	inbox=$(dadm -f flow mailbox status -u "$SHARED_USER" messages INBOX | sed 's/.*messages=//')
	sent=$(dadm -f flow mailbox status -u "$SHARED_USER" messages Sent | sed 's/.*messages=//')
	[ "$inbox" = "$N_INBOX" ] || die "Dovecot sees $inbox messages in INBOX, expected $N_INBOX"
	[ "$sent" = "$N_SENT" ] || die "Dovecot sees $sent messages in Sent, expected $N_SENT"
	dadm index -u "$SHARED_USER" INBOX
	dadm index -u "$SHARED_USER" Sent
	SEED_SECS=$(secs "$t0" "$(now_ns)")
}

# Before every timed first sync, whoever the client: Dovecot's cache files go, the index is
# brought up to date and one raw fetch reads everything (untimed), so each client meets the
# server in the state a first sync meets it in. Without this, what one client made Dovecot
# cache (rapport's BODYSTRUCTURE requests) would speed up later runs.
fresh_server_state() {
	local md=$RAPPORT_TEST_MAIL_DIR/mail/example.test/talent/Maildir
	rm -f "$md/dovecot.index.cache" "$md/.Sent/dovecot.index.cache"
	dadm index -u "$SHARED_USER" INBOX
	dadm index -u "$SHARED_USER" Sent
	raw_fetch >"$WORK/warm.log" 2>&1 || {
		cat "$WORK/warm.log" >&2
		die "warm-up raw fetch failed"
	}
}

raw_fetch() {
	RAPPORT_TEST_PASSWORD=$RAPPORT_TEST_PASSWORD "$PYTHON" "$RAW_FETCH" localhost \
		"$RAPPORT_TEST_IMAPS_PORT" "$RAPPORT_TEST_CA" "$SHARED_USER" RAPPORT_TEST_PASSWORD INBOX Sent
}

# check_rapport_report LOG NEW_INBOX NEW_SENT
check_rapport_report() {
	if ! grep -q "^INBOX: $2 new" "$1" || ! grep -q "^Sent: $3 new" "$1"; then
		tail -n 5 "$1" >&2
		die "rapport sync did not report 'INBOX: $2 new' and 'Sent: $3 new' (its output is above)"
	fi
}

count_files() { find "$1" -path '*/cur/*' -type f -o -path '*/new/*' -type f | wc -l; }

# ---------------------------------------------------------------------------------------
# one size
# ---------------------------------------------------------------------------------------
declare -A R # results, keyed "N:name"

bench_size() {
	local n=$1 i
	local base=$WORK/$n
	local srv=$WORK/srv$n
	mkdir -p "$base"

	log "[$n] generating the mailbox"
	local gen=$base/gen
	local counts
	counts=$("$GEN" "$gen" "$n") || die "gen_maildir failed"
	read -r N_INBOX N_SENT BYTES <<<"$counts"
	N_TOTAL=$((N_INBOX + N_SENT))

	log "[$n] starting the servers"
	SRV_DIRS+=("$srv")
	"$SERVERS" up "$srv" >"$base/servers-up.log" 2>&1 || {
		cat "$base/servers-up.log" >&2
		die "servers.sh up failed"
	}
	# shellcheck disable=SC1091
	source "$srv/env"

	log "[$n] seeding $N_TOTAL messages"
	seed "$gen"
	log "[$n] seeded in ${SEED_SECS}s; warm-up fetch"
	raw_fetch >"$base/warmup.log" 2>&1 || {
		cat "$base/warmup.log" >&2
		die "warm-up raw fetch failed"
	}
	read -r _ wm wb _ < <(tail -n 1 "$base/warmup.log")
	[ "$wm" = "$N_TOTAL" ] || die "warm-up fetched $wm messages, expected $N_TOTAL"

	local cfg=$base/rapport.toml
	write_rapport_config "$cfg"
	local data=$base/rapport-data mdir=$base/mbsync-maildir
	local rc_fsync=$base/mbsyncrc rc_nofsync=$base/mbsyncrc-nofsync
	write_mbsyncrc "$rc_fsync" "$mdir" yes
	write_mbsyncrc "$rc_nofsync" "$mdir" no

	local load0
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	local r_init=() r_noop=() r_rss=() r_cpu=() imp_cpu=() m_init=() m_noop=() mn_init=() raw=() imp=() imp_rss=()
	for i in $(seq 1 "$RUNS"); do
		log "[$n] run $i/$RUNS: rapport sync"
		fresh_server_state
		fresh_dir "$data"
		timed_rss "$base/rapport-init.log" env RAPPORT_CONFIG="$cfg" RAPPORT_DATA_DIR="$data" \
			"$RAPPORT" sync
		r_init+=("$T")
		r_rss+=("$RSS_KB")
		r_cpu+=("$CPU_S")
		check_rapport_report "$base/rapport-init.log" "$N_INBOX" "$N_SENT"
		# (a no-change run right after the initial one can meet mbsync's "folder changed in this
		# very second, wait for the clock" guard; let the second pass, untimed, for both)
		sleep 1.1
		timed "$base/rapport-noop.log" env RAPPORT_CONFIG="$cfg" RAPPORT_DATA_DIR="$data" \
			"$RAPPORT" sync
		r_noop+=("$T")
		check_rapport_report "$base/rapport-noop.log" 0 0

		log "[$n] run $i/$RUNS: mbsync"
		fresh_server_state
		fresh_dir "$mdir"
		timed "$base/mbsync-init.log" mbsync -q -c "$rc_fsync" -a
		m_init+=("$T")
		local got
		got=$(count_files "$mdir")
		[ "$got" = "$N_TOTAL" ] || die "mbsync wrote $got messages, expected $N_TOTAL"
		sleep 1.1
		timed "$base/mbsync-noop.log" mbsync -q -c "$rc_fsync" -a
		m_noop+=("$T")

		log "[$n] run $i/$RUNS: mbsync (FSync No)"
		fresh_server_state
		fresh_dir "$mdir"
		timed "$base/mbsync-nofsync.log" mbsync -q -c "$rc_nofsync" -a
		mn_init+=("$T")
		got=$(count_files "$mdir")
		[ "$got" = "$N_TOTAL" ] || die "mbsync (FSync No) wrote $got messages, expected $N_TOTAL"

		log "[$n] run $i/$RUNS: raw fetch"
		fresh_server_state
		timed "$base/raw.log" raw_fetch
		raw+=("$T")
		read -r _ wm _ _ < <(tail -n 1 "$base/raw.log")
		[ "$wm" = "$N_TOTAL" ] || die "raw fetch got $wm messages, expected $N_TOTAL"

		log "[$n] run $i/$RUNS: rapport import-maildir"
		fresh_dir "$base/import-data"
		timed_rss "$base/import.log" env RAPPORT_DATA_DIR="$base/import-data" \
			"$RAPPORT" import-maildir "$gen"
		imp+=("$T")
		imp_rss+=("$RSS_KB")
		imp_cpu+=("$CPU_S")
	done
	rm -rf "$mdir" "$base/import-data"
	local db_bytes
	db_bytes=$(du -sb "$data" | cut -f1)

	"$SERVERS" down "$srv" >/dev/null 2>&1 || log "could not stop the servers in $srv"

	R[$n:inbox]=$N_INBOX
	R[$n:sent]=$N_SENT
	R[$n:bytes]=$BYTES
	R[$n:wire]=$wb
	R[$n:db]=$db_bytes
	R[$n:seed]=$SEED_SECS
	R[$n:load0]=$load0
	R[$n:r_init]="${r_init[*]}"
	R[$n:r_noop]="${r_noop[*]}"
	R[$n:r_rss]="${r_rss[*]}"
	R[$n:r_cpu]="${r_cpu[*]}"
	R[$n:m_init]="${m_init[*]}"
	R[$n:m_noop]="${m_noop[*]}"
	R[$n:mn_init]="${mn_init[*]}"
	R[$n:raw]="${raw[*]}"
	R[$n:imp]="${imp[*]}"
	R[$n:imp_rss]="${imp_rss[*]}"
	R[$n:imp_cpu]="${imp_cpu[*]}"
	print_table "$n"
}

# ---------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------
print_table() {
	local n=$1 k args=()
	for k in inbox sent bytes wire db seed load0 r_init r_noop r_rss r_cpu m_init m_noop mn_init raw imp imp_rss imp_cpu; do
		args+=(-v "$k=${R[$n:$k]}")
	done
	awk -v n="$n" -v runs="$RUNS" -v load1="$(cut -d' ' -f1-3 /proc/loadavg)" "${args[@]}" '
	function sorted(s, v,   c, i, j, t) {
		c = split(s, v, " ")
		for (i = 2; i <= c; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return c
	}
	function med(s,   v, c) { c = sorted(s, v); return (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2 }
	function best(s,   v) { sorted(s, v); return v[1] }
	function worst(s,   v, c) { c = sorted(s, v); return v[c] }
	function verdict(v, lim) { return (v <= lim) ? "PASS" : "MISS" }
	function row(name, s) {
		printf "  %-38s %8.3f %8.3f %11.0f   [%s]\n", name, med(s), best(s), total / med(s), s
	}
	function ratio(name, a, b, lim) {
		printf "  %-40s %6.2f %6.2f   ", name, med(a) / med(b), best(a) / best(b)
		if (lim) printf "target <= %.2f  %s\n", lim, verdict(best(a) / best(b), lim); else printf "(reference)\n"
	}
	BEGIN {
		total = inbox + sent
		note = (n == 50000) ? "" : "  (target set for 50,000)"
		printf "\n== %d messages requested: %d in INBOX + %d in Sent = %d, %.1f MiB ==\n", n, inbox, sent, total, bytes / 1048576
		printf "   seeded in %.1f s; %d runs each; load average before: %s, after: %s\n\n", seed, runs, load0, load1
		printf "  %-38s %8s %8s %11s   %s\n", "seconds", "median", "best", "messages/s", "[every run]"
		row("rapport sync, initial", r_init)
		row("mbsync, initial (FSync yes)", m_init)
		row("mbsync, initial (FSync No)", mn_init)
		row("raw fetch (imaplib, TLS, discarded)", raw)
		row("rapport import-maildir (no network)", imp)
		printf "  %-38s %8.3f %8.3f %11s   [%s]\n", "rapport sync, no changes", med(r_noop), best(r_noop), "", r_noop
		printf "  %-38s %8.3f %8.3f %11s   [%s]\n", "mbsync, no changes", med(m_noop), best(m_noop), "", m_noop
		printf "\n  rapport sync: peak RSS %.1f MB median, %.1f MB max (%.1f MiB); CPU (user+sys) %.2f s median = %.0f%% of its wall time\n",
			med(r_rss) * 1024 / 1e6, worst(r_rss) * 1024 / 1e6, worst(r_rss) / 1024, med(r_cpu), 100 * med(r_cpu) / med(r_init)
		printf "  rapport import-maildir: peak RSS %.1f MB, CPU %.2f s; data dir after sync %.1f MiB\n\n",
			med(imp_rss) * 1024 / 1e6, med(imp_cpu), db / 1048576
		printf "  %-40s %6s %6s   (PASS/MISS on best: noise only ever adds time)\n", "", "median", "best"
		ratio("initial: rapport / mbsync (FSync yes)", r_init, m_init, 0.5)
		ratio("initial: rapport / mbsync (FSync No)", r_init, mn_init, 0)
		ratio("initial: rapport / raw fetch", r_init, raw, 1.5)
		ratio("import-maildir / rapport sync", imp, r_init, 0)
		printf "  %-40s %6.0f %6.0f   target <= 200 ms %s%s\n", "no-change sync, ms", med(r_noop) * 1000, best(r_noop) * 1000, verdict(med(r_noop) * 1000, 200), note
		printf "  %-40s %6.0f %6s   target <= 200 MB %s%s\n", "peak RSS, MB (max of runs)", worst(r_rss) * 1024 / 1e6, "", verdict(worst(r_rss) * 1024 / 1e6, 200), note
	}'
}

# ---------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------
echo "command: $COMMAND_LINE"
install_tools
PYTHON=$(pick_python)
build
WORK=$(mktemp -d /tmp/rbench.XXXXXX)
chmod 755 "$WORK"
echo "rapport $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ' (modified)'), $RAPPORT"
echo "dovecot $(dovecot --version | cut -d' ' -f1), $(mbsync --version), $("$PYTHON" --version)"
echo "$(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs per measurement: $RUNS, interleaved; median and best (least disturbed) shown, then every run"
for n in "${SIZES[@]}"; do
	bench_size "$n"
done
