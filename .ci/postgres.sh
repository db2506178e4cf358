#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the test suite and prints its URL on stdout.
# Usage: eval "$(bash .ci/postgres.sh start)"   -> exports GONGFU_TEST_DATABASE_URL, PG_TMP
#        bash .ci/postgres.sh stop "$PG_TMP"
# The server binaries come from Debian's postgresql-15 (installed when missing). The
# cluster lives in a temporary directory owned by the postgres user, listens only on
# 127.0.0.1 on a free port, trusts local connections, and is deleted by `stop`.
set -euo pipefail

pg_bin() {
    for v in 17 16 15; do
        if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then echo "/usr/lib/postgresql/$v/bin"; return; fi
    done
    return 1
}

case "${1:-}" in
start)
    if ! bin=$(pg_bin); then
        echo "postgres.sh: installing postgresql (server binaries not found)" >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        bin=$(pg_bin)
    fi
    tmp=$(mktemp -d /tmp/gongfu-pg.XXXXXX)
    chown postgres "$tmp"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    su postgres -s /bin/sh -c "$bin/initdb -D $tmp/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >$tmp/initdb.log 2>&1" \
        || { echo "postgres.sh: initdb failed, see $tmp/initdb.log" >&2; cat "$tmp/initdb.log" >&2; exit 1; }
    # TLS with a throwaway self-signed certificate, so the suite can check that gongfu
    # talks to PostgreSQL over TLS (sslmode=require) as production deployments should.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
        -keyout "$tmp/data/server.key" -out "$tmp/data/server.crt" >/dev/null 2>&1
    chown postgres "$tmp/data/server.key" "$tmp/data/server.crt"
    chmod 600 "$tmp/data/server.key"
    su postgres -s /bin/sh -c "$bin/pg_ctl -D $tmp/data -l $tmp/server.log -w -o '-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c ssl=on' start >&2" \
        || { echo "postgres.sh: server did not start, see $tmp/server.log" >&2; cat "$tmp/server.log" >&2; exit 1; }
    echo "export PG_TMP=$tmp PG_BIN=$bin"
    echo "export GONGFU_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    tmp=${2:?usage: postgres.sh stop DIR}
    bin=$(pg_bin)
    su postgres -s /bin/sh -c "$bin/pg_ctl -D $tmp/data -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$tmp"
    ;;
*)
    echo "usage: postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
