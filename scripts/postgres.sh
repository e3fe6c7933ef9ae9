#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests: `make test` and .ci/run run the suites through it.
#
#   scripts/postgres.sh CMD [ARGS...]   start a cluster, run CMD with JTL_CONNECT_TEST_PG set, stop it
#   scripts/postgres.sh restart         restart the cluster CMD runs against (the reliability test
#                                       "PostgreSQL restarted under load" calls this)
#   scripts/postgres.sh stop|start      stop it, start it again (same port): the outage tests
#
# The cluster lives in a temporary folder, listens on a free loopback port only, trusts local
# connections (nothing else can reach it) and is stopped and removed when CMD ends, however it
# ends. The server binaries come from Debian's `postgresql` package, installed when missing.
# initdb refuses to run as root, so as root (CI) the cluster belongs to the `postgres` user.
# Already inside a cluster (JTL_CONNECT_TEST_PG set), CMD simply runs in it.
set -euo pipefail

find_bin() {
    local name="$1" dir
    if command -v "$name" >/dev/null 2>&1 && "$name" --version >/dev/null 2>&1; then
        command -v "$name"; return 0
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/$name" ] && { echo "$dir/$name"; return 0; }
    done
    return 1
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [ "${1:-}" = restart ] || [ "${1:-}" = stop ] || [ "${1:-}" = start ]; then
    : "${JTL_CONNECT_TEST_PG_DATA:?$1 runs inside scripts/postgres.sh (JTL_CONNECT_TEST_PG_DATA is not set)}"
    pg_ctl="$(find_bin pg_ctl)"
    # The port and the other settings were given at the first start; pg_ctl keeps them
    # (postmaster.opts) for restart, and start reads them back from there.
    opts=()
    if [ "$1" = start ]; then
        opts=(-o "$(sed -e 's/^[^ ]* //' -e 's/"-D" "[^"]*"//' "$JTL_CONNECT_TEST_PG_DATA/postmaster.opts" | tr -d '"')")
    fi
    as_owner "$pg_ctl" -D "$JTL_CONNECT_TEST_PG_DATA" -w -t 30 -m fast -l "$JTL_CONNECT_TEST_PG_DATA/server.log" "${opts[@]}" "$1" >/dev/null
    exit 0
fi

[ $# -gt 0 ] || { echo "usage: scripts/postgres.sh CMD [ARGS...] | restart" >&2; exit 2; }

if [ -n "${JTL_CONNECT_TEST_PG:-}" ]; then
    exec "$@"
fi

if ! find_bin initdb >/dev/null || ! find_bin pg_ctl >/dev/null; then
    echo "== installing the PostgreSQL server (Debian package postgresql)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
initdb="$(find_bin initdb)"
pg_ctl="$(find_bin pg_ctl)"

if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
fi

free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

dir="$(mktemp -d /tmp/jtl-connect-pg.XXXXXX)"
chmod 755 "$dir"
data="$dir/data"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"

stop() {
    local status=$?
    as_owner "$pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    exit "$status"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_owner "$initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-instructions >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2; exit 1;
}
# A port can be taken between picking and binding: try a few.
started=
for _ in 1 2 3 4 5; do
    port="$(free_port)"
    if as_owner "$pg_ctl" -D "$data" -w -t 30 -l "$data/server.log" \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c fsync=off" \
        start >/dev/null; then
        started=1; break
    fi
done
[ -n "$started" ] || { echo "PostgreSQL did not start:" >&2; cat "$data/server.log" >&2; exit 1; }

export JTL_CONNECT_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
export JTL_CONNECT_TEST_PG_DATA="$data"
echo "== PostgreSQL $("$pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port (JTL_CONNECT_TEST_PG)" >&2
# Not exec: the trap must stop the cluster when CMD ends.
"$@"
