#!/usr/bin/env bash
# Installs what is missing, builds the services and starts them on loopback
# with their data under .data/ (SQLite). `scripts/run_suite.sh stop` stops
# them; `status` shows them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data=${GRASSROOTS_DATA:-$root/.data}
org_port=${ORG_PORT:-50051}
roster_port=${ROSTER_PORT:-50052}

pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() {
  # Dependants first: the roster before the org service it asks.
  local pidfiles
  mapfile -t pidfiles < <(ls -r "$data"/run/*.pid 2>/dev/null)
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
bash scripts/build.sh org_service roster_service
mkdir -p "$data/run" "$data/logs"
stop >/dev/null

start_service() {  # name binary port [extra flags...]
  local name=$1 binary=$2 port=$3
  shift 3
  rm -f "$data/run/$name.port"
  "$binary" --listen="127.0.0.1:$port" --data_dir="$data/$name" \
    --port_file="$data/run/$name.port" "$@" >>"$data/logs/$name.log" 2>&1 &
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
start_service org_service "$build_dir/org_service/org_service" "$org_port"
start_service roster_service "$build_dir/roster_service/roster_service" "$roster_port" \
  --org_service="127.0.0.1:$org_port"

cat <<EOT

The suite is up. Data: $data (SQLite, kept across restarts).
  org_service     127.0.0.1:$org_port  grassroots.org.v1.OrgService (+ health, reflection)
  roster_service  127.0.0.1:$roster_port  grassroots.roster.v1.RosterService (checks places with org_service)

The admin CLI (orgctl) and the gateway arrive with the next issues; until then
any gRPC client can call them: server reflection is on, and the APIs are in
protos/grassroots/{org,roster}/v1/*.proto.
Stop:    scripts/run_suite.sh stop
Status:  scripts/run_suite.sh status
EOT
