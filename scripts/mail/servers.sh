#!/usr/bin/env bash
# Private Dovecot (IMAP) + Postfix (SMTP) instances for rapport's integration tests.
#
#   scripts/mail/servers.sh install     # Debian packages (idempotent; root or sudo)
#   scripts/mail/servers.sh up DIR      # configure + start both inside DIR, write DIR/env
#   scripts/mail/servers.sh down DIR    # stop both (idempotent)
#   scripts/mail/servers.sh status DIR  # exit 0 if both instances of DIR are running
#
# Everything (certificates, configs, queue, mail, logs, pid files) lives inside DIR, all
# listeners are on 127.0.0.1 on ports picked at run time, and nothing in /etc is changed
# (apart from installing the packages). Needs root (re-runs itself through sudo if not).
# See scripts/mail/README.md.
set -euo pipefail

PACKAGES=(dovecot-imapd dovecot-lmtpd postfix openssl)
DOMAIN=example.test
PASSWORD=Secret-Test-Pass-1
# c000..c199: the candidates of the share test (tests/share.rs), one mailbox each.
USERS=(talent alice bob jane omar li $(printf 'c%03d ' $(seq 0 199)))
MAIL_UID=8 # Debian's `mail` user
MAIL_GID=8
WAIT_SECONDS=${RAPPORT_MAIL_WAIT_SECONDS:-20}

# Postfix and Dovecot read these from the environment; never let a caller's leak in.
unset MAIL_CONFIG MAIL_DEBUG MAIL_VERBOSE DOVECOT_CONFIG 2>/dev/null || true
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
# Daemons running as postfix, dovecot and mail must read what we write, whatever the caller's umask.
umask 022

log() { echo "servers.sh: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

usage() {
	sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# Re-run this script as root through sudo when needed (postfix start needs root).
need_root() {
	[ "$(id -u)" -eq 0 ] && return 0
	command -v sudo >/dev/null || die "must run as root (and sudo is not installed)"
	exec sudo "$0" "$@"
}

# ---------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------
pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Is a system-wide (default config) instance running right now?
system_dovecot_running() {
	local pid
	pid=$(cat /run/dovecot/master.pid 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}
system_postfix_running() {
	local pid
	pid=$(sed -n '1s/ //gp' /var/spool/postfix/pid/master.pid 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

cmd_install() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		pkg_installed "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		log "packages already installed: ${PACKAGES[*]}"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
		die "not root and no sudo: install these Debian packages first: apt-get install ${missing[*]}"
	fi
	need_root install
	log "installing ${missing[*]}"

	local dovecot_before=0 postfix_before=0
	system_dovecot_running && dovecot_before=1
	system_postfix_running && postfix_before=1

	# Keep maintainer scripts from starting the system services: a policy-rc.d that says
	# "no" (exit 101) while we install, unless the machine already has one (Docker images do).
	local policy=/usr/sbin/policy-rc.d our_policy=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# temporary, from rapport scripts/mail/servers.sh install\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		our_policy=1
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi

	# "No configuration": the package then writes no /etc/postfix/main.cf for a system instance.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq -o DPkg::Lock::Timeout=300
	apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		"${missing[@]}" >/tmp/rapport-mail-install.$$.log 2>&1 || {
		tail -n 40 /tmp/rapport-mail-install.$$.log >&2
		rm -f /tmp/rapport-mail-install.$$.log
		die "apt-get install failed"
	}
	rm -f /tmp/rapport-mail-install.$$.log

	if [ $our_policy -eq 1 ]; then
		rm -f "$policy"
		trap - EXIT
	fi

	# Be defensive: if the install started a system instance that was not running before,
	# stop it, and on a systemd machine keep it from starting at boot.
	if [ $dovecot_before -eq 0 ]; then
		if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
			systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
		fi
		if system_dovecot_running; then
			log "stopping the system Dovecot the install started"
			doveadm stop >/dev/null 2>&1 || kill "$(cat /run/dovecot/master.pid)" 2>/dev/null || true
		fi
	fi
	if [ $postfix_before -eq 0 ]; then
		if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
			systemctl disable --now postfix.service >/dev/null 2>&1 || true
		fi
		if system_postfix_running; then
			log "stopping the system Postfix the install started"
			postfix stop >/dev/null 2>&1 || true
		fi
	fi
	for p in "${PACKAGES[@]}"; do
		pkg_installed "$p" || die "package $p is still not installed"
	done
	log "installed: ${PACKAGES[*]}"
}

# ---------------------------------------------------------------------------------------
# helpers for up/down
# ---------------------------------------------------------------------------------------

# Absolute, symlink-free path of DIR (created if missing).
resolve_dir() {
	local d=$1
	[ -n "$d" ] || usage
	mkdir -p "$d"
	d=$(cd "$d" && pwd -P)
	case "$d" in
	*[[:space:]]* | *[\'\"\$\\\`]*) die "DIR must not contain spaces, quotes, \$ or backslashes: '$d'" ;;
	esac
	printf '%s\n' "$d"
}

# N free TCP ports on 127.0.0.1, all different, asked from the kernel.
pick_ports() {
	local n=$1
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$n" <<'PY' && return 0
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
	fi
	# Fallback without python: random ports below the usual ephemeral range that nothing
	# answers on.
	local ports=() p tries=0
	while [ ${#ports[@]} -lt "$n" ]; do
		tries=$((tries + 1))
		[ $tries -lt 1000 ] || return 1
		p=$((20000 + RANDOM % 12000))
		case " ${ports[*]:-} " in *" $p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			ports+=("$p")
		fi
	done
	echo "${ports[*]}"
}

port_open() {
	# shellcheck disable=SC2016 # $1 is expanded by the inner bash
	timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# pid of this DIR's Dovecot master, if it is running.
dovecot_pid() {
	local dir=$1 pidfile pid exe
	pidfile="$dir/dovecot/run/master.pid"
	[ -r "$pidfile" ] || return 1
	pid=$(tr -dc '0-9' <"$pidfile")
	[ -n "$pid" ] || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	case "$exe" in */dovecot) ;; *) return 1 ;; esac
	echo "$pid"
}

# pid of this DIR's Postfix master, if it is running.
postfix_pid() {
	local dir=$1 pidfile pid exe
	pidfile="$dir/postfix-spool/pid/master.pid"
	[ -r "$pidfile" ] || return 1
	pid=$(tr -dc '0-9' <"$pidfile")
	[ -n "$pid" ] || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	case "$exe" in */master) ;; *) return 1 ;; esac
	echo "$pid"
}

# Seconds since a `date +%s%N` timestamp, e.g. 1.234.
elapsed() {
	local ms=$((($(date +%s%N) - $1) / 1000000))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

wait_gone() {
	local pid=$1
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# Stop this DIR's Postfix and Dovecot masters (found through their pid files inside DIR, and
# checked to be postfix/dovecot binaries), in parallel: each takes 1-2 s to wind down its
# children. SIGTERM to Postfix's master is what `postfix -c DIR/postfix stop` sends, without
# its one-second polling; SIGTERM to Dovecot's master is what `doveadm stop` sends.
stop_all() {
	local dir=$1 pids=() pid
	if pid=$(postfix_pid "$dir"); then pids+=("$pid"); fi
	if pid=$(dovecot_pid "$dir"); then pids+=("$pid"); fi
	[ ${#pids[@]} -gt 0 ] || return 0
	kill -TERM "${pids[@]}" 2>/dev/null || true
	for pid in "${pids[@]}"; do
		if ! wait_gone "$pid"; then
			log "pid $pid did not stop on SIGTERM within 10 s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
			wait_gone "$pid" || true
		fi
	done
}

show_logs() {
	local dir=$1 f
	for f in "$dir/logs/dovecot-start.log" "$dir/logs/dovecot.log" \
		"$dir/logs/postfix-start.log" "$dir/logs/postfix.log"; do
		[ -s "$f" ] || continue
		echo "----- tail of $f" >&2
		tail -n 30 "$f" >&2
	done
}

# ---------------------------------------------------------------------------------------
# certificates: a test CA and a server certificate it signs (rustls refuses a CA
# certificate used as the server's own).
# ---------------------------------------------------------------------------------------
make_certs() {
	local t=$1
	if [ -s "$t/ca.pem" ] && [ -s "$t/server.pem" ] && [ -s "$t/server.key" ] &&
		openssl verify -CAfile "$t/ca.pem" "$t/server.pem" >/dev/null 2>&1 &&
		openssl x509 -checkend 86400 -noout -in "$t/server.pem" >/dev/null 2>&1; then
		return 0 # keep what clients may already trust (re-`up` of the same DIR)
	fi
	mkdir -p "$t"
	chmod 755 "$t"
	cat >"$t/openssl.cnf" <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF
	(
		umask 077
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$t/ca.key"
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$t/server.key"
	) 2>/dev/null
	openssl req -x509 -new -config "$t/openssl.cnf" -key "$t/ca.key" -sha256 -days 3650 \
		-subj "/O=rapport tests/CN=rapport test CA" -extensions ca_ext -out "$t/ca.pem"
	openssl req -new -config "$t/openssl.cnf" -key "$t/server.key" \
		-subj "/O=rapport tests/CN=localhost" -out "$t/server.csr"
	openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" \
		-set_serial "0x$(openssl rand -hex 12)" -sha256 -days 3650 \
		-extfile "$t/openssl.cnf" -extensions server_ext -out "$t/server.pem" 2>/dev/null
	rm -f "$t/server.csr"
	chmod 644 "$t/ca.pem" "$t/server.pem"
	chmod 600 "$t/ca.key" "$t/server.key"
	openssl verify -CAfile "$t/ca.pem" "$t/server.pem" >/dev/null || die "generated certificate does not verify"
}

# ---------------------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------------------
write_dovecot_conf() {
	local dir=$1 name=$2
	local d="$dir/dovecot"
	cat >"$d/dovecot.conf" <<EOF
# Generated by rapport scripts/mail/servers.sh: a private Dovecot for tests.
# Start: dovecot -c $d/dovecot.conf    Admin: doveadm -c $d/dovecot.conf ...
instance_name = $name
base_dir = $BASE_DIR
state_dir = $d/state
log_path = $dir/logs/dovecot.log
info_log_path = $dir/logs/dovecot.log
debug_log_path = $dir/logs/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
verbose_proctitle = yes
shutdown_clients = yes

ssl = yes
ssl_cert = <$dir/tls/server.pem
ssl_key = <$dir/tls/server.key
ssl_min_protocol = TLSv1.2

auth_mechanisms = plain login
# talent+anything@ is talent's (LMTP looks the user up without the extension).
recipient_delimiter = +
auth_verbose = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu $d/users
}
userdb {
  driver = passwd-file
  args = username_format=%Lu $d/users
}

first_valid_uid = $MAIL_UID
last_valid_uid = $MAIL_UID
first_valid_gid = $MAIL_GID
last_valid_gid = $MAIL_GID
mail_location = maildir:~/Maildir
mail_max_userip_connections = 200

namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
}

service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}

# Postfix asks this listener to check SMTP AUTH credentials (smtpd_sasl_type = dovecot).
service auth {
  inet_listener auth-postfix {
    address = 127.0.0.1
    port = $AUTH_PORT
  }
}

# No growing per-IP "auth penalty" (2, 4, 8, 15 s) after failed logins: every test client
# comes from 127.0.0.1, so one wrong-password test would slow down all later logins. A
# failed login still waits auth_failure_delay (2 s) before it is answered.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

protocol lmtp {
  postmaster_address = postmaster@$DOMAIN
}
EOF
}

write_postfix_conf() {
	local dir=$1 name=$2
	local p="$dir/postfix"
	local u
	: >"$p/vmailbox"
	for u in "${USERS[@]}"; do
		printf '%s@%s %s/%s/\n' "$u" "$DOMAIN" "$DOMAIN" "$u" >>"$p/vmailbox"
	done
	cat >"$p/main.cf" <<EOF
# Generated by rapport scripts/mail/servers.sh: a private Postfix for tests.
# Start: postfix -c $p start    Stop: postfix -c $p stop
compatibility_level = 3.6
queue_directory = $SPOOL_DIR
data_directory = $dir/postfix-data
mail_owner = postfix
setgid_group = postdrop
syslog_name = $name
maillog_file = $dir/logs/postfix.log
maillog_file_prefixes = $dir
biff = no
readme_directory = no
append_dot_mydomain = no

myhostname = mail.$DOMAIN
mydomain = $DOMAIN
myorigin = \$mydomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
smtpd_banner = \$myhostname ESMTP rapport test instance

# No local delivery, and nothing ever leaves this machine.
mydestination =
local_recipient_maps =
local_transport = error:local delivery is disabled in the rapport test instance
alias_maps =
alias_database =
relay_domains =
default_transport = error:outbound mail is disabled in the rapport test instance
relay_transport = error:outbound mail is disabled in the rapport test instance

# Mail for $DOMAIN goes to Dovecot over LMTP.
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:$p/vmailbox
virtual_alias_maps =
virtual_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
virtual_mailbox_limit = 0
# Plus addresses (talent+u-TOKEN@: rapport's unsubscribe address) reach the base mailbox.
recipient_delimiter = +
mailbox_size_limit = 0
message_size_limit = 52428800

# Inbound ("internet") port: no AUTH, accepts mail for $DOMAIN only.
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions =
smtpd_sasl_auth_enable = no
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:$AUTH_PORT
smtpd_tls_chain_files = $dir/tls/server.key, $dir/tls/server.pem
smtpd_tls_security_level = may
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_received_header = yes
smtp_tls_security_level = none
lmtp_tls_security_level = none

# Test-friendly timing.
in_flow_delay = 0
delay_warning_time = 0
EOF
	cat >"$p/master.cf" <<EOF
# Generated by rapport scripts/mail/servers.sh. chroot = n everywhere.
# service           type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$SMTP_PORT  inet  n       -       n       -       -       smtpd
  -o syslog_name=$name/smtp-in
127.0.0.1:$SUBMISSION_PORT  inet  n       -       n       -       -       smtpd
  -o syslog_name=$name/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject_unauth_destination
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$SMTPS_PORT  inet  n       -       n       -       -       smtpd
  -o syslog_name=$name/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject_unauth_destination
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

write_users() {
	local dir=$1 u
	local f="$dir/dovecot/users"
	: >"$f"
	for u in "${USERS[@]}"; do
		# user:password:uid:gid:gecos:home:shell:extra
		printf '%s@%s:{PLAIN}%s:%s:%s::%s/mail/%s/%s::\n' \
			"$u" "$DOMAIN" "$PASSWORD" "$MAIL_UID" "$MAIL_GID" "$dir" "$DOMAIN" "$u" >>"$f"
	done
	chown root:dovecot "$f"
	chmod 640 "$f"
}

write_env() {
	local dir=$1
	local tmp="$dir/env.tmp"
	{
		echo "# rapport test mail servers in $dir (scripts/mail/servers.sh). Use: source $dir/env"
		echo "export RAPPORT_TEST_IMAP_HOST=localhost"
		echo "export RAPPORT_TEST_SMTP_HOST=localhost"
		echo "export RAPPORT_TEST_IMAPS_PORT=$IMAPS_PORT"
		echo "export RAPPORT_TEST_IMAP_PORT=$IMAP_PORT"
		echo "export RAPPORT_TEST_SMTP_PORT=$SMTP_PORT"
		echo "export RAPPORT_TEST_SUBMISSION_PORT=$SUBMISSION_PORT"
		echo "export RAPPORT_TEST_SMTPS_PORT=$SMTPS_PORT"
		echo "export RAPPORT_TEST_LMTP_PORT=$LMTP_PORT"
		echo "export RAPPORT_TEST_CA=$dir/tls/ca.pem"
		echo "export RAPPORT_TEST_PASSWORD=$PASSWORD"
		echo "export RAPPORT_TEST_DOMAIN=$DOMAIN"
		echo "export RAPPORT_TEST_SHARED_USER=talent@$DOMAIN"
		echo "export RAPPORT_TEST_USERS=\"$(printf "%s@$DOMAIN " "${USERS[@]}" | sed 's/ $//')\""
		echo "export RAPPORT_TEST_MAIL_DIR=$dir"
		# doveadm needs root; a caller that came through sudo gets it through sudo too.
		echo "export RAPPORT_TEST_DOVEADM=\"${SUDO_USER:+sudo }doveadm -c $dir/dovecot/dovecot.conf\""
	} >"$tmp"
	chmod 644 "$tmp"
	mv "$tmp" "$dir/env"
}

# Unix socket paths are limited to 108 bytes, and both Dovecot (everything under base_dir)
# and Postfix (the postlog socket in its queue directory) use absolute ones. With a long DIR
# both go to a short folder under /tmp, linked from DIR/dovecot/run and DIR/postfix-spool;
# `down` removes it. Sets BASE_DIR and SPOOL_DIR to the real paths the configs must name.
setup_socket_dirs() {
	local dir=$1 l short
	for l in "$dir/dovecot/run" "$dir/postfix-spool"; do
		# A link left by an earlier `up` whose short folder is gone.
		if [ -L "$l" ] && [ ! -d "$l" ]; then rm -f "$l"; fi
	done
	if [ ${#dir} -gt 50 ]; then
		if [ -L "$dir/dovecot/run" ]; then
			short=$(dirname "$(readlink "$dir/dovecot/run")")
		else
			short=$(mktemp -d /tmp/rapport-sock.XXXXXX)
		fi
		chmod 755 "$short"
		mkdir -p "$short/dovecot-run" "$short/postfix-spool"
		[ -L "$dir/dovecot/run" ] || ln -s "$short/dovecot-run" "$dir/dovecot/run"
		[ -L "$dir/postfix-spool" ] || ln -s "$short/postfix-spool" "$dir/postfix-spool"
	else
		mkdir -p "$dir/dovecot/run" "$dir/postfix-spool"
	fi
	BASE_DIR=$(cd "$dir/dovecot/run" && pwd -P)
	SPOOL_DIR=$(cd "$dir/postfix-spool" && pwd -P)
	chown root:root "$SPOOL_DIR"
	chmod 755 "$SPOOL_DIR"
}

# Can uid/gid reach (search) DIR? Needed for the mail user and Postfix's mail_owner.
check_traversable() {
	local dir=$1 user=$2
	if command -v setpriv >/dev/null; then
		local uid gid
		uid=$(id -u "$user") gid=$(id -g "$user")
		setpriv --reuid="$uid" --regid="$gid" --clear-groups test -x "$dir" ||
			die "user $user cannot reach $dir: every parent folder must be searchable (o+x); use a folder under /tmp"
	fi
}

# ---------------------------------------------------------------------------------------
# up / down / status
# ---------------------------------------------------------------------------------------
start_once() {
	local dir=$1 name=$2
	read -r IMAPS_PORT IMAP_PORT LMTP_PORT AUTH_PORT SMTP_PORT SUBMISSION_PORT SMTPS_PORT \
		<<<"$(pick_ports 7)" || die "could not find free ports"
	[ -n "$SMTPS_PORT" ] || die "could not find free ports"

	write_dovecot_conf "$dir" "$name"
	write_postfix_conf "$dir" "$name"
	# Postfix will not read a main.cf (or table) changed within the last second or two: it
	# waits, polling every 0.3 s, for it to "settle". Backdate what we just wrote.
	touch -d "@$(($(date +%s) - 60))" "$dir/postfix/main.cf" "$dir/postfix/master.cf" "$dir/postfix/vmailbox"
	: >"$dir/logs/dovecot.log"

	if ! dovecot -c "$dir/dovecot/dovecot.conf" </dev/null >"$dir/logs/dovecot-start.log" 2>&1; then
		log "Dovecot failed to start"
		return 1
	fi
	if ! postfix -c "$dir/postfix" start </dev/null >"$dir/logs/postfix-start.log" 2>&1; then
		log "Postfix failed to start"
		return 1
	fi

	local deadline=$((SECONDS + WAIT_SECONDS)) port pending
	while :; do
		pending=""
		for port in $IMAPS_PORT $IMAP_PORT $LMTP_PORT $AUTH_PORT $SMTP_PORT $SUBMISSION_PORT $SMTPS_PORT; do
			port_open "$port" || pending="$pending $port"
		done
		[ -z "$pending" ] && return 0
		dovecot_pid "$dir" >/dev/null || {
			log "Dovecot is not running"
			return 1
		}
		postfix_pid "$dir" >/dev/null || {
			log "Postfix is not running"
			return 1
		}
		if [ $SECONDS -ge $deadline ]; then
			log "timed out after ${WAIT_SECONDS}s waiting for ports:$pending"
			return 1
		fi
		sleep 0.1
	done
}

cmd_up() {
	need_root up "$@"
	local dir
	dir=$(resolve_dir "${1:-}")
	for b in dovecot doveadm postfix postconf openssl; do
		command -v "$b" >/dev/null || die "$b not found: run '$0 install' first"
	done
	if dovecot_pid "$dir" >/dev/null || postfix_pid "$dir" >/dev/null; then
		die "an instance is already running in $dir: run '$0 down $dir' first"
	fi
	local started
	started=$(date +%s%N)
	local name
	name="rapport-$(printf '%s' "$dir" | md5sum | cut -c1-8)"

	# The mail user and Postfix's mail_owner must reach things inside DIR.
	chmod a+x "$dir"
	check_traversable "$dir" mail
	check_traversable "$dir" postfix

	rm -f "$dir/env"
	mkdir -p "$dir/dovecot/state" "$dir/postfix" "$dir/logs" "$dir/mail"
	chmod 755 "$dir/dovecot" "$dir/postfix" "$dir/logs"
	chown root:root "$dir/postfix"
	chown "$MAIL_UID:$MAIL_GID" "$dir/mail"
	chmod 750 "$dir/mail"

	setup_socket_dirs "$dir"

	make_certs "$dir/tls"
	write_users "$dir"

	local attempt
	for attempt in 1 2 3; do
		if start_once "$dir" "$name"; then
			write_env "$dir"
			log "up in $(elapsed "$started")s: IMAPS $IMAPS_PORT, IMAP $IMAP_PORT, SMTP $SMTP_PORT, submission $SUBMISSION_PORT, SMTPS $SMTPS_PORT (source $dir/env)"
			return 0
		fi
		# A port taken between picking and binding: try again with new ports.
		if grep -qsi 'address already in use' "$dir"/logs/*.log && [ $attempt -lt 3 ]; then
			log "a port was taken meanwhile; retrying with new ports"
			stop_all "$dir"
			rm -f "$dir"/logs/*.log
			continue
		fi
		break
	done
	show_logs "$dir"
	stop_all "$dir"
	die "mail servers failed to start in $dir"
}

cmd_down() {
	need_root down "$@"
	local dir=${1:-}
	[ -n "$dir" ] || usage
	[ -d "$dir" ] || return 0
	dir=$(cd "$dir" && pwd -P)
	stop_all "$dir"
	# The short folder from `up`, if DIR was long.
	if [ -L "$dir/dovecot/run" ]; then
		local short
		short=$(dirname "$(readlink "$dir/dovecot/run")")
		case "$short" in /tmp/rapport-sock.??????) rm -rf "$short" ;; esac
		rm -f "$dir/dovecot/run" "$dir/postfix-spool"
	fi
	# A caller that came through sudo gets DIR back, so that it can delete it.
	if [ -n "${SUDO_UID:-}" ] && [ "${SUDO_UID}" != 0 ]; then
		chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$dir"
	fi
	return 0
}

cmd_status() {
	need_root status "$@"
	local dir=${1:-}
	[ -n "$dir" ] || usage
	[ -d "$dir" ] || exit 1
	dir=$(cd "$dir" && pwd -P)
	local rc=0
	if pid=$(dovecot_pid "$dir"); then echo "dovecot: running (pid $pid)"; else
		echo "dovecot: stopped"
		rc=1
	fi
	if pid=$(postfix_pid "$dir"); then echo "postfix: running (pid $pid)"; else
		echo "postfix: stopped"
		rc=1
	fi
	return $rc
}

case "${1:-}" in
install) cmd_install ;;
up)
	[ $# -eq 2 ] || usage
	cmd_up "$2"
	;;
down)
	[ $# -eq 2 ] || usage
	cmd_down "$2"
	;;
status)
	[ $# -eq 2 ] || usage
	cmd_status "$2"
	;;
*) usage ;;
esac
