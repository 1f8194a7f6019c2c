#!/usr/bin/env bash
# HTTP throughput of `nadiya serve`, as a ratio to nginx serving the same bytes
# as static files, both measured with wrk in the same run on the same machine.
#
#   bench/http.sh                 # 10 s per target
#   DURATION=30 bench/http.sh     # 30 s per target
#
# Target: nadiya /healthz >= 50% of nginx static req/s.
# Exit status: 0 when every measurement ran (whatever the verdict), 1 otherwise.
# Never part of `make test`.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/build/nadiya"
NGINX=/usr/sbin/nginx
DURATION=${DURATION:-10}
THREADS=1
CONNS=32
TARGET_PCT=50

die() { echo "bench/http.sh: $*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive whole number of seconds, got '$DURATION'"

# --- 1. tools and build ------------------------------------------------------

need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
[[ -x $NGINX ]] || need_pkgs+=(nginx-light)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if ((${#need_pkgs[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "installing: ${need_pkgs[*]}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
    else
        echo "bench/http.sh: missing tools; install them with:" >&2
        echo "  sudo apt-get install -y ${need_pkgs[*]}" >&2
        exit 1
    fi
fi
command -v wrk >/dev/null 2>&1 || die "wrk still missing after install"
[[ -x $NGINX ]] || die "$NGINX still missing after install"

make -s -C "$ROOT" >&2 || die "build failed"
[[ -x $BIN ]] || die "$BIN not built"

# --- 2. temp dir, cleanup ----------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/nadiya-bench-http.XXXXXX")
PIDS=()      # servers started by this script
WRK_PID=""   # the wrk running now, if any
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$? pid _
    [[ -n ${NGINX_PID:-} ]] && PIDS+=("$NGINX_PID")   # set by nginx_reference (bench/lib.sh)
    if [[ -n $WRK_PID ]]; then
        kill "$WRK_PID" 2>/dev/null || true
        wait "$WRK_PID" 2>/dev/null || true
    fi
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    # Give each server 5 s to stop on SIGTERM, then SIGKILL: cleanup must not hang.
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "bench/http.sh: pid $pid ($(ps -o comm= -p "$pid" 2>/dev/null || echo '?')) did not stop within 5 s of SIGTERM; sending SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


# wait_http URL PID LOG: until URL answers 2xx, the process dies, or 15 s pass.
wait_http() {
    local url=$1 pid=$2 log=$3 _
    for _ in $(seq 1 150); do
        if curl -sf -o /dev/null --max-time 1 "$url"; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "bench/http.sh: server (pid $pid) exited before $url answered; its log:" >&2
            tail -n 20 "$log" >&2 || true
            exit 1
        fi
        sleep 0.1
    done
    echo "bench/http.sh: $url did not answer within 15 s; log:" >&2
    tail -n 20 "$log" >&2 || true
    exit 1
}

# --- 2b. nadiya --------------------------------------------------------------

"$BIN" keygen "$TMP/key" >/dev/null
NPORT=$(free_port)
"$BIN" serve --db "sqlite:$TMP/db" --key-file "$TMP/key" \
    --listen "127.0.0.1:$NPORT" --threads 2 --log-level warn \
    >"$TMP/serve.log" 2>&1 &
PIDS+=("$!")
NADIYA_PID=$!
NADIYA="http://127.0.0.1:$NPORT"
wait_http "$NADIYA/healthz" "$NADIYA_PID" "$TMP/serve.log"

# --- 3. the same bytes, served statically by nginx ---------------------------

mkdir -p "$TMP/www" "$TMP/nginx-tmp"
curl -sf "$NADIYA/healthz" -o "$TMP/www/healthz" || die "GET /healthz failed"
curl -sf -H 'Accept-Language: uk' "$NADIYA/" -o "$TMP/www/page" || die "GET / failed"
[[ -s $TMP/www/healthz && -s $TMP/www/page ]] || die "empty response body from nadiya"

GPORT=$(free_port)
[[ $GPORT != "$NPORT" ]] || GPORT=$(free_port)

nginx_reference "$NGINX" "$GPORT" "/healthz text/plain; charset=utf-8" "/page text/html; charset=utf-8"

# The reference must serve exactly the bytes nadiya serves.
if ! curl -sf "$STATIC/healthz" -o "$TMP/check-healthz" || ! cmp -s "$TMP/check-healthz" "$TMP/www/healthz"; then
    die "nginx /healthz differs from nadiya /healthz"
fi
if ! curl -sf "$STATIC/page" -o "$TMP/check-page" || ! cmp -s "$TMP/check-page" "$TMP/www/page"; then
    die "nginx /page differs from nadiya /"
fi

# --- 4. wrk ------------------------------------------------------------------

declare -A RPS ERRS
FAILED=0

# run NAME URL [wrk args...]
run() {
    local name=$1 url=$2 out rps sock non2xx
    shift 2
    out="$TMP/wrk-$name.txt"
    local shown=""
    (($#)) && shown="$(printf '%q ' "$@")"
    echo "+ wrk -t$THREADS -c$CONNS -d${DURATION}s $shown$url" >&2
    # In the background, so that a signal interrupts the wait and cleans up at once.
    wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$@" "$url" >"$out" 2>&1 &
    WRK_PID=$!
    if ! wait "$WRK_PID"; then
        WRK_PID=""
        cat "$out" >&2
        die "wrk failed against $url"
    fi
    WRK_PID=""
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    if [[ -z $rps ]]; then
        cat "$out" >&2
        die "no Requests/sec in wrk output for $url"
    fi
    sock=$(sed -n 's/^ *Socket errors: *//p' "$out")
    non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$out")
    RPS[$name]=$rps
    ERRS[$name]=""
    [[ -n $sock ]] && ERRS[$name]="socket errors: $sock"
    if [[ -n $non2xx ]]; then
        ERRS[$name]+="${ERRS[$name]:+; }non-2xx: $non2xx"
        # Error responses are not throughput: the figure means nothing.
        FAILED=1
    fi
}

run nadiya-healthz "$NADIYA/healthz"
run nginx-healthz  "$STATIC/healthz"
run nadiya-page    "$NADIYA/"      -H 'Accept-Language: uk'
run nginx-page     "$STATIC/page"  -H 'Accept-Language: uk'

# The server must have survived the load.
kill -0 "$NADIYA_PID" 2>/dev/null || { tail -n 20 "$TMP/serve.log" >&2; die "nadiya exited during the benchmark"; }
kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited during the benchmark"

# --- 5. report ---------------------------------------------------------------

pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "nan" }'; }

hz_pct=$(pct "${RPS[nadiya-healthz]}" "${RPS[nginx-healthz]}")
pg_pct=$(pct "${RPS[nadiya-page]}" "${RPS[nginx-page]}")

echo
echo "HTTP benchmark: wrk -t$THREADS -c$CONNS -d${DURATION}s, $(nproc) CPUs, nadiya --threads 2, nginx 1 worker"
echo "healthz body: $(stat -c %s "$TMP/www/healthz") bytes; page body: $(stat -c %s "$TMP/www/page") bytes (GET / with Accept-Language: uk)"
echo
printf '%-26s %12s  %s\n' "target" "req/s" "errors"
printf '%-26s %12s  %s\n' "--------------------------" "------------" "------"
printf '%-26s %12s  %s\n' "nadiya /healthz"      "${RPS[nadiya-healthz]}" "${ERRS[nadiya-healthz]:--}"
printf '%-26s %12s  %s\n' "nginx static /healthz" "${RPS[nginx-healthz]}"  "${ERRS[nginx-healthz]:--}"
printf '%-26s %12s  %s\n' "nadiya / (uk)"        "${RPS[nadiya-page]}"    "${ERRS[nadiya-page]:--}"
printf '%-26s %12s  %s\n' "nginx static page"    "${RPS[nginx-page]}"     "${ERRS[nginx-page]:--}"
echo
printf '%-26s %11s%%\n' "healthz nadiya/nginx" "$hz_pct"
printf '%-26s %11s%%\n' "page nadiya/nginx" "$pg_pct"
echo

if awk -v p="$hz_pct" -v t="$TARGET_PCT" 'BEGIN { exit !(p + 0 >= t) }'; then
    verdict=PASS
else
    verdict=FAIL
fi
echo "target: nadiya /healthz >= ${TARGET_PCT}% of nginx static req/s: $verdict ($hz_pct%)"

if ((FAILED)); then
    echo "bench/http.sh: some targets answered with non-2xx responses: figures are not valid" >&2
    exit 1
fi
exit 0
