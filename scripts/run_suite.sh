#!/usr/bin/env bash
# Installs what is missing, builds the suite and starts the org service, the
# roster service, the casework and activity services and the gateway on loopback, with
# their data under .data/
# (SQLite). Writes an ADMIN token for the local user (scope: every district)
# and prints the orgctl commands to try. `scripts/run_suite.sh stop` stops
# them; `status` shows them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data=${GRASSROOTS_DATA:-$root/.data}
org_port=${ORG_PORT:-50051}
roster_port=${ROSTER_PORT:-50052}
casework_port=${CASEWORK_PORT:-50054}
activity_port=${ACTIVITY_PORT:-50055}
gateway_port=${GATEWAY_PORT:-50050}
demo_scale=${GRASSROOTS_DEMO_SCALE:-1}  # the demo district's size when loaded (1: Tianyuan)

pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() {
  # Dependants first: the gateway, then the activity, casework and roster services,
  # then the org service.
  local pidfiles=()
  for name in gateway activity_service casework_service roster_service org_service; do
    [[ -f $data/run/$name.pid ]] && pidfiles+=("$data/run/$name.pid")
  done
  for pidfile in "${pidfiles[@]}"; do
    [[ -f $pidfile ]] || continue
    if pid_alive "$pidfile"; then
      kill -TERM "$(cat "$pidfile")"
      for _ in $(seq 50); do pid_alive "$pidfile" || break; sleep 0.1; done
      echo "stopped $(basename "$pidfile" .pid)"
    fi
    rm -f "$pidfile"
  done
}

case "${1:-start}" in
  stop) stop; exit 0 ;;
  status)
    for pidfile in "$data"/run/*.pid; do
      [[ -f $pidfile ]] || continue
      name=$(basename "$pidfile" .pid)
      if pid_alive "$pidfile"; then echo "$name: running (pid $(cat "$pidfile"))"; else echo "$name: stopped"; fi
    done
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

bash scripts/install_deps.sh
bash scripts/build.sh org_service roster_service casework_service activity_service gateway orgctl
mkdir -p "$data/run" "$data/logs" "$data/secrets"
chmod 700 "$data/secrets"
stop >/dev/null

# The key the gateway signs callers with and the services check; and the
# tokens file, which holds only hashes. The admin's token itself goes to a
# file only the local user can read, for orgctl --token-file.
secrets=$data/secrets
umask 077
[[ -s $secrets/caller.key ]] || head -c 32 /dev/urandom | base64 >"$secrets/caller.key"
if [[ ! -s $secrets/admin.token ]]; then
  head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$secrets/admin.token"
fi
admin=${USER:-$(id -un)}
admin=${admin//[^A-Za-z0-9._@-]/_}
if [[ ! -s $secrets/tokens ]] || ! grep -q " $admin ADMIN " "$secrets/tokens"; then
  {
    echo "# sha256(token) principal role scope personal-data   (see gateway/token_store.h)"
    echo "$(tr -d '\n' <"$secrets/admin.token" | sha256sum | cut -d' ' -f1) $admin ADMIN * pii"
  } >"$secrets/tokens"
fi
umask 022
# Mutual TLS between the gateway and the services, and from the roster and
# casework and activity services to the org service: a certificate authority of this
# suite's own, made once.
certs=$secrets/certs
bash scripts/make_certs.sh "$certs" org_service roster_service casework_service activity_service \
  gateway
tls_for() { echo "--tls_cert=$certs/$1.pem --tls_key=$certs/$1.key --tls_ca=$certs/ca.pem"; }

start_service() {  # name binary port [extra flags...]
  local name=$1 binary=$2 port=$3
  shift 3
  rm -f "$data/run/$name.port"
  "$binary" --listen="127.0.0.1:$port" --port_file="$data/run/$name.port" "$@" \
    >>"$data/logs/$name.log" 2>&1 &
  echo $! >"$data/run/$name.pid"
  for _ in $(seq 100); do
    [[ -s $data/run/$name.port ]] && { echo "$name: serving on 127.0.0.1:$port (log: $data/logs/$name.log)"; return 0; }
    pid_alive "$data/run/$name.pid" || break
    sleep 0.1
  done
  echo "$name: failed to start; last lines of its log:" >&2
  tail -n 20 "$data/logs/$name.log" >&2
  exit 1
}

build_dir=${BUILD_DIR:-build}
# shellcheck disable=SC2046  # tls_for's words are separate flags
start_service org_service "$build_dir/org_service/org_service" "$org_port" \
  --data_dir="$data/org_service" --caller_key_file="$secrets/caller.key" $(tls_for org_service)
# shellcheck disable=SC2046
start_service roster_service "$build_dir/roster_service/roster_service" "$roster_port" \
  --data_dir="$data/roster_service" --org_service="127.0.0.1:$org_port" \
  --caller_key_file="$secrets/caller.key" $(tls_for roster_service)
# shellcheck disable=SC2046
start_service casework_service "$build_dir/casework_service/casework_service" "$casework_port" \
  --data_dir="$data/casework_service" --org_service="127.0.0.1:$org_port" \
  --roster_service="127.0.0.1:$roster_port" \
  --caller_key_file="$secrets/caller.key" $(tls_for casework_service)
# shellcheck disable=SC2046
start_service activity_service "$build_dir/activity_service/activity_service" "$activity_port" \
  --data_dir="$data/activity_service" --org_service="127.0.0.1:$org_port" \
  --roster_service="127.0.0.1:$roster_port" \
  --caller_key_file="$secrets/caller.key" $(tls_for activity_service)
start_service gateway "$build_dir/gateway/gateway" "$gateway_port" \
  --org_service="127.0.0.1:$org_port" --roster_service="127.0.0.1:$roster_port" \
  --casework_address="127.0.0.1:$casework_port" --activity_address="127.0.0.1:$activity_port" \
  --tokens_file="$secrets/tokens" --caller_key_file="$secrets/caller.key" \
  --backend_tls_ca="$certs/ca.pem" --backend_tls_cert="$certs/gateway.pem" \
  --backend_tls_key="$certs/gateway.key" --access_log="$data/logs/access.log"

orgctl=$root/$build_dir/cli/orgctl
export ORGCTL_GATEWAY=127.0.0.1:$gateway_port
# First start on an empty data directory: load the demo district (Tianyuan's
# shape, with a few planted rule violations) and audit it.
if [[ -z $("$orgctl" --token-file "$secrets/admin.token" -o csv units list 2>/dev/null | tail -n +2) ]]; then
  echo
  echo "Empty suite: loading the demo district (orgctl demo) ..."
  "$orgctl" --token-file "$secrets/admin.token" demo --scale "$demo_scale"
  echo "Auditing it (orgctl audit; exit 3 means ERROR findings, as planted) ..."
  "$orgctl" --token-file "$secrets/admin.token" audit --out "$data/reports" || true
fi
report=$(ls -t "$data"/reports/*.html 2>/dev/null | head -n 1 || true)

cat <<EOT

The suite is up. Data: $data (SQLite, kept across restarts).
  gateway           127.0.0.1:$gateway_port  what clients use: the org, roster, casework and activity APIs
                                     with auth, grassroots.gateway.v1.GatewayService (profile,
                                     path, whoami)
  org_service       127.0.0.1:$org_port  the hierarchy and party organisations
  roster_service    127.0.0.1:$roster_port  people, memberships, roles
  casework_service  127.0.0.1:$casework_port  residents' issues through the levels, dispatches
  activity_service  127.0.0.1:$activity_port  party activities, attendance, volunteer credit, service points

You ($admin) have an ADMIN token for every district, with the personal-data grant:
  export ORGCTL_TOKEN=\$(cat $secrets/admin.token)
Then try (the demo district is units/1 when the suite started empty):
  $orgctl whoami
  $orgctl units list --parent units/1              # its streets
  $orgctl tree units/1 | head -40                  # names aligned by display width
  $orgctl units list --parent units/2              # communities; then a community's compounds
  $orgctl profile units/N                          # N: a compound from the list above
  $orgctl path units/N
  $orgctl -o json people list --limit 3
  $orgctl roles list --place units/2 --subtree --limit 10
  $orgctl audit --out $data/reports                # add --previous <an earlier .json>
  $orgctl external-orgs list --district units/1     # agencies, co-builders, property companies
  $orgctl demo --profile zhangping && $orgctl alliances list --limit 5   # 近邻党建联盟, "1+4+X"
  $orgctl issues board --place units/2             # residents' issues of a street, overdue first
  $orgctl issues report --place units/N --category 物业维修 --channel 网格员 --title 楼顶漏水
  $orgctl issues list --place units/2 --open       # then: issues accept|escalate|resolve|confirm issues/N
  $orgctl activities list --place units/2         # party activities; plan|submit|approve|hold|record (docs/activities.md)
  $orgctl service-points list --unit units/2 && $orgctl credit show people/ID
  $orgctl export --subtree units/2 --dir /tmp/export && $orgctl import /tmp/export/people.csv --dry-run
  $orgctl --help
Latest audit report: ${report:-none yet}
  (open the .html in a browser; the .json and .md are beside it)
More tokens: add lines to $secrets/tokens (hash principal role scope pii|-), then
  kill -HUP \$(cat $data/run/gateway.pid)
Access log: $data/logs/access.log
Stop:    scripts/run_suite.sh stop
Status:  scripts/run_suite.sh status
EOT
