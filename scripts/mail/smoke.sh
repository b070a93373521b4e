#!/usr/bin/env bash
# End-to-end self-check of scripts/mail/servers.sh: install, up in fresh temporary folders,
# run scripts/mail/smoke_check.py (python3 standard library: smtplib, imaplib, ssl) against
# each instance, then down. Prints how long each step took.
#
#   scripts/mail/smoke.sh               # one instance
#   scripts/mail/smoke.sh --instances 2 # N instances up at the same time, checked in parallel
#   scripts/mail/smoke.sh --keep        # leave the folders (not the servers) for inspection
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servers="$here/servers.sh"

instances=1
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--instances)
		instances=${2:?}
		shift 2
		;;
	--keep)
		keep=1
		shift
		;;
	*)
		sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
		exit 2
		;;
	esac
done

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

t0=$(now)
"$servers" install
t1=$(now)
echo "smoke: install took $(secs "$t0" "$t1")s"

dirs=()
cleanup() {
	local d
	for d in "${dirs[@]}"; do
		"$servers" down "$d" || true
		[ "$keep" -eq 1 ] || rm -rf "$d"
	done
}
trap cleanup EXIT

for _ in $(seq 1 "$instances"); do
	dirs+=("$(mktemp -d "${TMPDIR:-/tmp}/rapport-mail-smoke.XXXXXX")")
done

# Start all instances at the same time.
pids=()
for d in "${dirs[@]}"; do
	(
		s=$(now)
		"$servers" up "$d" >"$d.up.log" 2>&1 || {
			cat "$d.up.log" >&2
			exit 1
		}
		echo "smoke: up $d took $(secs "$s" "$(now)")s"
	) &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
[ $rc -eq 0 ] || {
	echo "smoke: up failed" >&2
	exit 1
}

# Every instance must have its own ports.
ports=$(cat "${dirs[@]/%//env}" | grep -E '_PORT=' | cut -d= -f2 | sort)
if [ "$(echo "$ports" | uniq -d)" != "" ]; then
	echo "smoke: two instances share a port" >&2
	exit 1
fi

pids=()
for d in "${dirs[@]}"; do
	(
		# shellcheck disable=SC1091
		source "$d/env"
		python3 "$here/smoke_check.py" >"$d.check.log" 2>&1
		st=$?
		sed "s|^|[$(basename "$d")] |" "$d.check.log"
		exit $st
	) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || rc=1; done

t2=$(now)
for d in "${dirs[@]}"; do
	s=$(now)
	"$servers" down "$d"
	echo "smoke: down $d took $(secs "$s" "$(now)")s"
	if "$servers" status "$d" >/dev/null 2>&1; then
		echo "smoke: $d still running after down" >&2
		rc=1
	fi
	"$servers" down "$d" # idempotent
	[ $rc -ne 0 ] && [ $keep -eq 0 ] && {
		echo "----- logs of $d" >&2
		tail -n 20 "$d"/logs/*.log >&2 || true
	}
	rm -f "$d.up.log" "$d.check.log"
done
echo "smoke: total $(secs "$t0" "$(now)")s (checks+down $(secs "$t2" "$(now)")s)"
if [ $rc -eq 0 ]; then echo "smoke: PASS ($instances instance(s))"; else echo "smoke: FAIL" >&2; fi
exit $rc
