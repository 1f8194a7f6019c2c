#!/usr/bin/env bash
# The same authenticated pages and API calls of `nadiya serve` on SQLite and on
# PostgreSQL, measured with wrk in the same run on the same machine, with the
# ratio SQLite/PostgreSQL per endpoint.
#
#   bench/stores.sh                              # 10 s per endpoint and store
#   DURATION=30 bench/stores.sh                  # 30 s each; more stable figures
#   NADIYA_BIN=/tmp/b/nadiya bench/stores.sh     # use this binary, do not build
#   PG_VIA=tcp bench/stores.sh                   # PostgreSQL over TCP to 127.0.0.1
#                                                # (default: its Unix socket)
#   THREADS=4 bench/stores.sh                    # nadiya serve --threads (default 2)
#   ENDPOINTS="api-orgs orgs" bench/stores.sh    # only these endpoints (names below)
#
# Both stores get the same data (`nadiya demo`); the demo caseworker (and, for
# /network, which the caseworker's role may not see, the donor) signs in on each.
# Besides req/s and latency, the report shows CPU per request of nadiya and of
# PostgreSQL, and the statements PostgreSQL runs per request: where the time goes.
#
# Target: PostgreSQL within 2x of SQLite (ratio SQLite/PostgreSQL req/s <= 2.0)
# on every endpoint.
# Exit status: 0 when every measurement ran (whatever the verdict), 1 otherwise.
# Never part of `make test`.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-10}
PG_VIA=${PG_VIA:-socket}
SERVE_THREADS=${THREADS:-2}
THREADS=1
CONNS=32
TARGET_RATIO=2.0
LUA="$ROOT/bench/lua/stores-auth.lua"
STORES=(sqlite postgresql)
# Requests per endpoint when counting PostgreSQL statements per request.
COUNT_REQUESTS=20

die() { echo "bench/stores.sh: $*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive whole number of seconds, got '$DURATION'"
[[ $PG_VIA == socket || $PG_VIA == tcp ]] || die "PG_VIA must be socket or tcp, got '$PG_VIA'"
[[ $SERVE_THREADS =~ ^[1-9][0-9]?$ ]] || die "THREADS must be a whole number from 1 to 99, got '$SERVE_THREADS'"
[[ -r $LUA ]] || die "$LUA is missing"

# --- 1. tools and build ------------------------------------------------------

need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
command -v psql >/dev/null 2>&1 || need_pkgs+=(postgresql-client)
if ((${#need_pkgs[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "installing: ${need_pkgs[*]}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
    else
        echo "bench/stores.sh: missing tools; install them with:" >&2
        echo "  sudo apt-get install -y ${need_pkgs[*]}" >&2
        exit 1
    fi
fi
for t in wrk curl python3 psql; do
    command -v "$t" >/dev/null 2>&1 || die "$t still missing after install"
done
# The PostgreSQL server itself is installed by tests/pg-cluster when missing.

if [[ -n ${NADIYA_BIN:-} ]]; then
    BIN=$NADIYA_BIN
else
    make -s -C "$ROOT" >&2 || die "build failed"
    BIN="$ROOT/build/nadiya"
fi
[[ -x $BIN ]] || die "$BIN not built"

# The list page size, from the one place that defines it.
PAGE_SIZE=$(awk '$1 == "#define" && $2 == "ORG_LIST_DEFAULT" { print $3 }' "$ROOT/src/model/org.h")
[[ $PAGE_SIZE =~ ^[0-9]+$ ]] || die "cannot read ORG_LIST_DEFAULT from src/model/org.h"

# --- 2. temp dir, cleanup ----------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/nadiya-bench-stores.XXXXXX")
# As root, tests/pg-cluster runs PostgreSQL as `postgres`, which must be able to
# reach $TMP/pg (its own 0700 directory) through this one.
chmod 711 "$TMP"
SERVER_PID=""  # the nadiya serve running now, if any
WRK_PID=""     # the wrk running now, if any
PG_STARTED=0
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$?
    if [[ -n $WRK_PID ]]; then
        kill "$WRK_PID" 2>/dev/null || true
        wait "$WRK_PID" 2>/dev/null || true
    fi
    stop_server
    if ((PG_STARTED)); then
        "$ROOT/tests/pg-cluster" stop "$TMP/pg" >/dev/null 2>&1 || echo "bench/stores.sh: stopping PostgreSQL failed" >&2
    fi
    rm -rf "$TMP"
    exit "$rc"
}

# Stops the running nadiya: 5 s after SIGTERM, SIGKILL, so that this never hangs.
stop_server() {
    local pid=$SERVER_PID _
    [[ -n $pid ]] || return 0
    SERVER_PID=""
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "bench/stores.sh: nadiya (pid $pid) did not stop within 5 s of SIGTERM; sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 3. the same data set on both stores ------------------------------------

"$BIN" keygen "$TMP/key" >/dev/null

ADMIN_URL=$("$ROOT/tests/pg-cluster" start "$TMP/pg") || die "tests/pg-cluster could not start PostgreSQL"
PG_STARTED=1
psql "$ADMIN_URL" -X -q -v ON_ERROR_STOP=1 -c 'CREATE DATABASE nadiya_bench' >/dev/null \
    || die "CREATE DATABASE failed on $ADMIN_URL"
PG_VERSION=$(psql "$ADMIN_URL" -X -A -t -c 'SHOW server_version')

# tests/pg-cluster listens on 127.0.0.1 and on a Unix socket in its directory.  On
# one machine an operator would connect through the socket (docs/OPERATIONS.md).
PG_PORT=$(cat "$TMP/pg/port")
if [[ $PG_VIA == socket ]]; then
    PG_URL="postgresql://postgres@/nadiya_bench?host=$TMP/pg&port=$PG_PORT"
    PG_WHERE="its Unix socket"
else
    PG_URL="${ADMIN_URL%/postgres}/nadiya_bench"
    PG_WHERE="TCP to 127.0.0.1"
fi
declare -A DB_URL=(
    [sqlite]="sqlite:$TMP/nadiya.db"
    [postgresql]="$PG_URL"
)
declare -A STORE_LABEL=([sqlite]=SQLite [postgresql]=PostgreSQL)
declare -A NORGS
for store in "${STORES[@]}"; do
    "$BIN" demo --db "${DB_URL[$store]}" --key-file "$TMP/key" >"$TMP/demo-$store.txt" 2>&1 \
        || { cat "$TMP/demo-$store.txt" >&2; die "nadiya demo failed on ${STORE_LABEL[$store]}"; }
    NORGS[$store]=$(sed -n 's/^Demo network.*: \([0-9][0-9]*\) organizations,.*/\1/p' "$TMP/demo-$store.txt")
    [[ -n ${NORGS[$store]} ]] || die "cannot read the number of organizations from the demo output ($store)"
done
[[ ${NORGS[sqlite]} == "${NORGS[postgresql]}" ]] \
    || die "the demo made ${NORGS[sqlite]} organizations on SQLite but ${NORGS[postgresql]} on PostgreSQL"

# Accounts whose role needs no second factor, with their passwords, as the demo printed them.
demo_password() { # STORE EMAIL
    awk -v e="$2" '$1 == "e-mail:" { m = ($2 == e) } m && $1 == "password:" { print $2; exit }' "$TMP/demo-$1.txt"
}
declare -A EMAIL=([caseworker]=demo-caseworker@example.org [donor]=demo-donor@example.org)
declare -A PASSWORD
for acct in caseworker donor; do
    PASSWORD[$acct]=$(demo_password sqlite "${EMAIL[$acct]}")
    [[ -n ${PASSWORD[$acct]} ]] || die "the demo output has no password for ${EMAIL[$acct]}"
done

# --- 4. server start, sign-in, checks ----------------------------------------

BASE=""
start_server() { # STORE
    local store=$1 port _
    port=$(free_port)
    "$BIN" serve --db "${DB_URL[$store]}" --key-file "$TMP/key" \
        --listen "127.0.0.1:$port" --threads "$SERVE_THREADS" --log-level warn \
        >>"$TMP/serve-$store.log" 2>&1 &
    SERVER_PID=$!
    BASE="http://127.0.0.1:$port"
    for _ in $(seq 1 150); do
        curl -sf -o /dev/null --max-time 1 "$BASE/healthz" && return 0
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            tail -n 20 "$TMP/serve-$store.log" >&2 || true
            die "nadiya serve on ${STORE_LABEL[$store]} exited before /healthz answered"
        fi
        sleep 0.1
    done
    tail -n 20 "$TMP/serve-$store.log" >&2 || true
    die "nadiya serve on ${STORE_LABEL[$store]} did not answer /healthz within 15 s"
}

# Web sign-in: the form's CSRF token (pre-session cookie), then the password;
# prints the session cookie's value.
web_signin() { # ACCOUNT
    local acct=$1 jar="$TMP/jar-$1" csrf code loc sid
    rm -f "$jar"
    curl -sf -c "$jar" -b "$jar" "$BASE/signin" -o "$TMP/signin.html" || die "GET /signin failed"
    csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/signin.html" | head -n 1)
    [[ -n $csrf ]] || die "no CSRF token on /signin"
    read -r code loc < <(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}\n' \
        --data-urlencode "email=${EMAIL[$acct]}" --data-urlencode "password=${PASSWORD[$acct]}" \
        --data-urlencode "csrf=$csrf" "$BASE/signin")
    [[ $code == 303 ]] || die "web sign-in of ${EMAIL[$acct]} answered $code"
    [[ $loc != */signin/code* && $loc != */account/2fa* ]] \
        || die "web sign-in of ${EMAIL[$acct]} asks for a second factor ($loc)"
    sid=$(awk '$6 == "sid" { print $7 }' "$jar")
    [[ -n $sid ]] || die "web sign-in of ${EMAIL[$acct]} set no session cookie"
    echo "$sid"
}

# API sign-in: POST /api/v1/sessions; prints the bearer token.
api_signin() { # ACCOUNT
    local acct=$1 body
    body=$(EMAIL="${EMAIL[$acct]}" PASSWORD="${PASSWORD[$acct]}" python3 -c \
        'import json, os; print(json.dumps({"email": os.environ["EMAIL"], "password": os.environ["PASSWORD"]}))')
    curl -s -o "$TMP/token.json" -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary "$body" "$BASE/api/v1/sessions" >"$TMP/token.status"
    [[ $(cat "$TMP/token.status") == 201 ]] \
        || die "API sign-in of ${EMAIL[$acct]} answered $(cat "$TMP/token.status"): $(head -c 300 "$TMP/token.json")"
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["token"])' "$TMP/token.json"
}

declare -A CRED  # [store/account/web|api] -> the value of the Cookie or Authorization header

# The header value an endpoint of KIND sends for ACCOUNT on STORE.
cred() { # STORE ACCOUNT KIND
    echo "${CRED[$1/$2/$3]}"
}

# GET PATH as ACCOUNT; saves the body to OUT; prints "status header_bytes body_bytes".
fetch() { # STORE ACCOUNT KIND PATH OUT
    local h
    if [[ $3 == web ]]; then h="Cookie: $(cred "$1" "$2" web)"; else h="Authorization: $(cred "$1" "$2" api)"; fi
    curl -s -o "$5" -w '%{http_code} %{size_header} %{size_download}\n' \
        -H "$h" -H 'Accept-Language: uk' "$BASE$4"
}

# Rows in the <tbody> of a page, and a hash of them: the same data must render the same rows.
tbody_rows() { python3 - "$1" <<'EOF'
import hashlib, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
body = m.group(1) if m else ""
print(len(re.findall(r"<tr[ >]", body)), hashlib.sha256(body.encode()).hexdigest()[:16])
EOF
}

# --- endpoints ---------------------------------------------------------------
# name, kind (web page or JSON API), accounts to try in order (the first that
# answers 200 on SQLite is measured on both stores), path ({code}: an
# organization code from the API).
EP_NAMES=(orgs orgs-region account network org-page api-me api-orgs api-org)
# ENDPOINTS narrows what is measured; every endpoint is still signed in and checked.
MEASURED=("${EP_NAMES[@]}")
if [[ -n ${ENDPOINTS:-} ]]; then
    for ep in $ENDPOINTS; do
        [[ " ${EP_NAMES[*]} " == *" $ep "* ]] || die "ENDPOINTS: unknown endpoint '$ep' (known: ${EP_NAMES[*]})"
    done
    read -r -a MEASURED <<<"$ENDPOINTS"
fi
declare -A EP_KIND=(
    [orgs]=web [orgs-region]=web [account]=web [network]=web [org-page]=web
    [api-me]=api [api-orgs]=api [api-org]=api
)
declare -A EP_PATH=(
    [orgs]=/orgs [orgs-region]='/orgs?region=UA-61' [account]=/account [network]=/network
    [org-page]='/orgs/{code}' [api-me]=/api/v1/me [api-orgs]=/api/v1/orgs [api-org]='/api/v1/orgs/{code}'
)
# The caseworker is the everyday account (no second factor).  Their role may not
# see /network (403); the donor's may, and needs no second factor either.
declare -A EP_TRY=(
    [orgs]=caseworker [orgs-region]=caseworker [account]=caseworker [network]="caseworker donor"
    [org-page]=caseworker [api-me]=caseworker [api-orgs]=caseworker [api-org]=caseworker
)
declare -A EP_ACCT EP_URL
NOTES=()
ORG_CODE=""

# Signs in every account on STORE, picks or checks each endpoint's account,
# and records what each endpoint answers (for the sanity checks).
setup_store() { # STORE
    local store=$1 acct ep st hb bb a path tried
    for acct in caseworker donor; do
        CRED[$store/$acct/web]="sid=$(web_signin "$acct")"
        CRED[$store/$acct/api]="Bearer $(api_signin "$acct")"
    done
    if [[ -z $ORG_CODE ]]; then
        read -r st _ _ < <(fetch "$store" caseworker api /api/v1/me "$TMP/me.json")
        [[ $st == 200 ]] || die "GET /api/v1/me answered $st"
        ORG_CODE=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["org"])' "$TMP/me.json")
        [[ -n $ORG_CODE ]] || die "GET /api/v1/me names no organization"
    fi
    for ep in "${EP_NAMES[@]}"; do
        path=${EP_PATH[$ep]//\{code\}/$ORG_CODE}
        EP_URL[$ep]=$path
        if [[ -z ${EP_ACCT[$ep]:-} ]]; then
            tried=""
            for a in ${EP_TRY[$ep]}; do
                read -r st hb bb < <(fetch "$store" "$a" "${EP_KIND[$ep]}" "$path" "$TMP/body-$store-$ep")
                if [[ $st == 200 ]]; then
                    EP_ACCT[$ep]=$a
                    break
                fi
                tried+="${tried:+, }$a: $st"
            done
            [[ -n ${EP_ACCT[$ep]:-} ]] || die "GET $path answers no account with 200 ($tried)"
            [[ -z $tried ]] || NOTES+=("$path: not 200 for ($tried); measured as the ${EP_ACCT[$ep]} instead")
        else
            read -r st hb bb < <(fetch "$store" "${EP_ACCT[$ep]}" "${EP_KIND[$ep]}" "$path" "$TMP/body-$store-$ep")
            [[ $st == 200 ]] || die "GET $path as the ${EP_ACCT[$ep]} answers $st on ${STORE_LABEL[$store]} (200 on SQLite)"
        fi
    done
}

# --- 5. sanity: both stores render the same rows -----------------------------

check_same_rows() {
    local expect=$PAGE_SIZE s q r h
    ((NORGS[sqlite] < expect)) && expect=${NORGS[sqlite]}
    declare -A rows hash
    for s in "${STORES[@]}"; do
        read -r r h < <(tbody_rows "$TMP/body-$s-orgs")
        rows[$s]=$r hash[$s]=$h
        ((rows[$s] == expect)) \
            || die "/orgs on ${STORE_LABEL[$s]} shows ${rows[$s]} rows, expected $expect (page size $PAGE_SIZE, ${NORGS[$s]} organizations)"
    done
    [[ ${hash[sqlite]} == "${hash[postgresql]}" ]] || die "/orgs renders different rows on SQLite and PostgreSQL"
    SANITY=("/orgs: $expect rows on both stores (page size $PAGE_SIZE of ${NORGS[sqlite]} organizations), identical <tbody>")
    for s in "${STORES[@]}"; do
        read -r r h < <(tbody_rows "$TMP/body-$s-orgs-region")
        rows[$s]=$r hash[$s]=$h
    done
    [[ ${rows[sqlite]} == "${rows[postgresql]}" && ${hash[sqlite]} == "${hash[postgresql]}" && ${rows[sqlite]} -gt 0 ]] \
        || die "${EP_URL[orgs-region]} differs: ${rows[sqlite]} rows on SQLite, ${rows[postgresql]} on PostgreSQL"
    SANITY+=("${EP_URL[orgs-region]}: ${rows[sqlite]} rows on both stores, identical <tbody>")
    for s in "${STORES[@]}"; do
        q=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$TMP/body-$s-api-orgs")
        ((q == expect)) || die "/api/v1/orgs on ${STORE_LABEL[$s]} returns $q items, expected $expect"
    done
    # The same items but for the times they were made (each store's demo ran at its own second).
    python3 - "$TMP/body-sqlite-api-orgs" "$TMP/body-postgresql-api-orgs" <<'EOF' \
        || die "/api/v1/orgs returns different items on SQLite and PostgreSQL"
import json, sys
def items(path):
    return [{k: v for k, v in o.items() if k not in ("created_at", "updated_at")}
            for o in json.load(open(path))["items"]]
sys.exit(items(sys.argv[1]) != items(sys.argv[2]))
EOF
    SANITY+=("/api/v1/orgs: $expect items on both stores, the same JSON (but for created_at/updated_at)")
}

# --- 6. wrk ------------------------------------------------------------------

declare -A RPS P50 P99 ERRS CPU_NADIYA CPU_PG OTHER
FAILED=0
HZ=$(getconf CLK_TCK)

# CPU time, so the figures can say where the time went: throughput alone hides
# whether nadiya, PostgreSQL or the rest of the machine used the cores.
# proc_ticks PID [kids]: user + system ticks of PID (and, with kids, of its
# children: the postmaster and its backends).  The comm field may hold spaces,
# so fields are counted after its closing parenthesis.
proc_ticks() {
    # Processes come and go while cat reads: its complaints are expected.
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$1" -v kids="${2:-}" '
        { pid = $1; sub(/^.*\) /, ""); if (pid == p || (kids != "" && $2 == p)) s += $12 + $13 }
        END { print s + 0 }'
}
# machine_ticks: busy and total ticks of all CPUs.
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
# children_seconds: CPU seconds of the children this shell has waited for (wrk),
# from the output of `times` saved in $TMP/times.  `times` itself must run in
# this shell, not in a $(...) subshell, which would report its own children.
children_seconds() {
    awk 'function sec(x, m) { m = x; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", x); sub(/s$/, "", x); return m * 60 + x }
         NR == 2 { printf "%.3f", sec($1) + sec($2) }' "$TMP/times"
}
postmaster_pid() { head -n 1 "$TMP/pg/data/postmaster.pid" 2>/dev/null || echo 0; }

# kv KEY LINE: the number after KEY= on the STORES line that bench/lua/stores-auth.lua prints.
kv() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }

# wrk against ENDPOINT on the server running now for STORE.
measure() { # STORE ENDPOINT
    local store=$1 ep=$2 kind acct out line st hb bb bpr expect
    kind=${EP_KIND[$ep]} acct=${EP_ACCT[$ep]}
    out="$TMP/wrk-$store-$ep.txt"
    # The request once more: the session still works on this server, and the
    # statements of this endpoint are prepared before the clock starts.
    read -r st hb bb < <(fetch "$store" "$acct" "$kind" "${EP_URL[$ep]}" "$TMP/warm")
    [[ $st == 200 ]] || die "GET ${EP_URL[$ep]} as the $acct answers $st on ${STORE_LABEL[$store]}"
    echo "+ [${STORE_LABEL[$store]}] wrk -t$THREADS -c$CONNS -d${DURATION}s -s bench/lua/stores-auth.lua $BASE${EP_URL[$ep]} (as the $acct)" >&2
    local -a env=(BENCH_LANG=uk)
    if [[ $kind == web ]]; then env+=("BENCH_COOKIE=$(cred "$store" "$acct" web)"); else env+=("BENCH_AUTHORIZATION=$(cred "$store" "$acct" api)"); fi
    local post=0 n0 n1 p0=0 p1=0 b0 b1 t0 t1 w0 w1
    [[ $store == postgresql ]] && post=$(postmaster_pid)
    n0=$(proc_ticks "$SERVER_PID")
    ((post == 0)) || p0=$(proc_ticks "$post" kids)
    read -r b0 t0 < <(machine_ticks)
    times >"$TMP/times"
    w0=$(children_seconds)
    env "${env[@]}" wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -s "$LUA" "$BASE${EP_URL[$ep]}" >"$out" 2>&1 &
    WRK_PID=$!
    if ! wait "$WRK_PID"; then
        WRK_PID=""
        cat "$out" >&2
        die "wrk failed against ${EP_URL[$ep]} on ${STORE_LABEL[$store]}"
    fi
    WRK_PID=""
    times >"$TMP/times"
    w1=$(children_seconds)
    read -r b1 t1 < <(machine_ticks)
    n1=$(proc_ticks "$SERVER_PID")
    ((post == 0)) || p1=$(proc_ticks "$post" kids)
    kill -0 "$SERVER_PID" 2>/dev/null \
        || { tail -n 20 "$TMP/serve-$store.log" >&2; die "nadiya exited during the benchmark (${STORE_LABEL[$store]})"; }
    RPS[$store/$ep]=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    line=$(grep '^STORES ' "$out" || true)
    [[ -n ${RPS[$store/$ep]} && -n $line ]] || { cat "$out" >&2; die "no figures in wrk output for ${EP_URL[$ep]}"; }
    P50[$store/$ep]=$(kv p50_us "$line")
    P99[$store/$ep]=$(kv p99_us "$line")
    # CPU per request: nadiya, PostgreSQL (0 on SQLite); and the share of the
    # machine that went to other processes (not nadiya, PostgreSQL or wrk).
    local cn cp co
    read -r cn cp co < <(awk -v n=$((n1 - n0)) -v p=$((p1 - p0)) -v b=$((b1 - b0)) -v t=$((t1 - t0)) \
        -v w0="$w0" -v w1="$w1" -v hz="$HZ" -v req="$(kv requests "$line")" 'BEGIN {
            if (req < 1) req = 1
            other = t > 0 ? 100 * (b - n - p - (w1 - w0) * hz) / t : 0
            printf "%.0f %.0f %.0f\n", n / hz / req * 1e6, p / hz / req * 1e6, other < 0 ? 0 : other }')
    CPU_NADIYA[$store/$ep]=$cn CPU_PG[$store/$ep]=$cp OTHER[$store/$ep]=$co
    local e=""
    local sock=$(( $(kv err_connect "$line") + $(kv err_read "$line") + $(kv err_write "$line") + $(kv err_timeout "$line") ))
    ((sock == 0)) || e="socket errors: $sock"
    if (($(kv err_status "$line") > 0)); then
        e+="${e:+; }non-2xx: $(kv err_status "$line")"
        FAILED=1
    fi
    # A lost session turns pages into short redirects that wrk counts as success:
    # every response must be about as long as the 200 answer.
    bpr=$(kv bytes_per_response "$line")
    expect=$((hb + bb))
    if ((bpr * 10 < expect * 9 || bpr * 10 > expect * 11)); then
        e+="${e:+; }responses average $bpr bytes, the 200 answer has $expect"
        FAILED=1
    fi
    ERRS[$store/$ep]=$e
}

# --- 7. PostgreSQL statements per request -----------------------------------
# With log_statement = all, each statement a backend runs is one line in the
# server log (BEGIN/ROLLBACK included): a count of round trips per request,
# and, from one more request, which statements they are.
declare -A STMTS SEQ
STMT_RE='LOG:  (statement|execute [^ ]+):'
# The statements of the log lines on stdin, one word each: BEGIN, ROLLBACK, or
# the verb and first table of a prepared statement (SELECT:sessions).
stmt_words() {
    # A request served without a statement (a cached session) leaves no line: not an error.
    { grep -E "$STMT_RE" || true; } | sed -E 's/.*LOG:  (statement|execute [^ ]+): //' | awk '
        { v = toupper($1); t = "" }
        v == "SELECT" || v == "DELETE" { for (i = 2; i <= NF; i++) if (toupper($i) == "FROM") { t = $(i + 1); break } }
        v == "INSERT" { t = $3 }
        v == "UPDATE" { t = $2 }
        { w = w (w == "" ? "" : " ") v (t == "" ? "" : ":" t) }
        END { print w }'
}
count_statements() {
    local log="$TMP/pg/server.log" ep before n
    psql "$ADMIN_URL" -X -q -v ON_ERROR_STOP=1 \
        -c "ALTER SYSTEM SET log_statement = 'all'" -c 'SELECT pg_reload_conf()' >/dev/null
    start_server postgresql
    for ep in "${EP_NAMES[@]}"; do
        fetch postgresql "${EP_ACCT[$ep]}" "${EP_KIND[$ep]}" "${EP_URL[$ep]}" /dev/null >/dev/null
        sleep 0.2
        before=$(grep -cE "$STMT_RE" "$log" || true)
        for _ in $(seq 1 "$COUNT_REQUESTS"); do
            fetch postgresql "${EP_ACCT[$ep]}" "${EP_KIND[$ep]}" "${EP_URL[$ep]}" /dev/null >/dev/null
        done
        sleep 0.2
        n=$(grep -cE "$STMT_RE" "$log" || true)
        STMTS[$ep]=$(awk -v a="$before" -v b="$n" -v r="$COUNT_REQUESTS" 'BEGIN { printf "%.1f", (b - a) / r }')
        fetch postgresql "${EP_ACCT[$ep]}" "${EP_KIND[$ep]}" "${EP_URL[$ep]}" /dev/null >/dev/null
        sleep 0.2
        SEQ[$ep]=$(grep -E "$STMT_RE" "$log" | tail -n +$((n + 1)) | stmt_words)
    done
    stop_server
    psql "$ADMIN_URL" -X -q -v ON_ERROR_STOP=1 \
        -c 'ALTER SYSTEM RESET log_statement' -c 'SELECT pg_reload_conf()' >/dev/null
}

# --- run ---------------------------------------------------------------------

for store in "${STORES[@]}"; do
    start_server "$store"
    setup_store "$store"
    stop_server
done
check_same_rows
EP_NAMES=("${MEASURED[@]}")

# Endpoint by endpoint, SQLite then PostgreSQL, one server at a time (they would
# share the 2 cores): a slow spell on the machine hits both stores alike.
for ep in "${EP_NAMES[@]}"; do
    for store in "${STORES[@]}"; do
        start_server "$store"
        measure "$store" "$ep"
        stop_server
    done
done

count_statements

# --- 8. report ---------------------------------------------------------------

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
within() { awk -v r="$1" -v t="$TARGET_RATIO" 'BEGIN { exit !(r != "inf" && r + 0 <= t + 0) }'; }

echo
echo "Stores benchmark: wrk -t$THREADS -c$CONNS -d${DURATION}s per endpoint and store, $(nproc) CPUs,"
echo "nadiya serve --threads $SERVE_THREADS --log-level warn (pool of $((SERVE_THREADS + 2)) connections), one server at a time."
echo "Data: nadiya demo on each store (${NORGS[sqlite]} organizations, an account for every role)."
echo "PostgreSQL $PG_VERSION: throw-away cluster (tests/pg-cluster: fsync off), same machine, nadiya connects through $PG_WHERE."
echo "Latency p50/p99 in ms."
echo
fmt='%-36s %-10s %10s %10s %7s %13s %13s  %s\n'
# shellcheck disable=SC2059  # fmt is the format
printf "$fmt" "endpoint" "account" "SQLite r/s" "PG r/s" "ratio" "SQLite p50/99" "PG p50/99" "verdict"
# shellcheck disable=SC2059
printf "$fmt" "------------------------------------" "----------" "----------" "----------" "-------" "-------------" "-------------" "-------"
over=()
declare -A RATIO
for ep in "${EP_NAMES[@]}"; do
    r=$(ratio "${RPS[sqlite/$ep]}" "${RPS[postgresql/$ep]}")
    RATIO[$ep]=$r
    if within "$r"; then v=PASS; else v=FAIL; over+=("${EP_URL[$ep]} (${r}x)"); fi
    # shellcheck disable=SC2059
    printf "$fmt" "${EP_URL[$ep]}" "${EP_ACCT[$ep]}" "${RPS[sqlite/$ep]}" "${RPS[postgresql/$ep]}" "$r" \
        "$(ms "${P50[sqlite/$ep]}")/$(ms "${P99[sqlite/$ep]}")" \
        "$(ms "${P50[postgresql/$ep]}")/$(ms "${P99[postgresql/$ep]}")" "$v"
done
echo
echo "Where the time goes: CPU microseconds per request (user + system, from /proc) of nadiya and of"
echo "the PostgreSQL server processes; the CPU ratio is (PG nadiya + PG postgres) / SQLite nadiya."
echo "PG stmt/req: statements PostgreSQL ran per request, each a round trip (log_statement = all)."
echo
fmt2='%-36s %13s %13s %13s %9s %11s\n'
# shellcheck disable=SC2059
printf "$fmt2" "endpoint" "SQLite nadiya" "PG nadiya" "PG postgres" "CPU ratio" "PG stmt/req"
# shellcheck disable=SC2059
printf "$fmt2" "------------------------------------" "-------------" "-------------" "-------------" "---------" "-----------"
for ep in "${EP_NAMES[@]}"; do
    # shellcheck disable=SC2059
    printf "$fmt2" "${EP_URL[$ep]}" "${CPU_NADIYA[sqlite/$ep]}" "${CPU_NADIYA[postgresql/$ep]}" "${CPU_PG[postgresql/$ep]}" \
        "$(ratio $((CPU_NADIYA[postgresql/$ep] + CPU_PG[postgresql/$ep])) "${CPU_NADIYA[sqlite/$ep]}")" "${STMTS[$ep]:--}"
done
echo
mean_other() { for ep in "${EP_NAMES[@]}"; do echo "${OTHER[$1/$ep]}"; done | awk '{ s += $1; n++ } END { printf "%.0f", s / n }'; }
echo "CPU taken by other processes (not nadiya, PostgreSQL or wrk) during the runs, on average:" \
    "$(mean_other sqlite)% of the machine for SQLite, $(mean_other postgresql)% for PostgreSQL."
echo
for ep in "${EP_NAMES[@]}"; do
    for store in "${STORES[@]}"; do
        [[ -z ${ERRS[$store/$ep]} ]] || echo "errors: ${EP_URL[$ep]} on ${STORE_LABEL[$store]}: ${ERRS[$store/$ep]}"
    done
done
echo "PostgreSQL statements of one request:"
for ep in "${EP_NAMES[@]}"; do
    printf '  %-36s %s\n' "${EP_URL[$ep]}" "${SEQ[$ep]:--}"
done
echo
for n in "${SANITY[@]}"; do echo "check: $n"; done
for n in "${NOTES[@]}"; do echo "note:  $n"; done
geo=$(for ep in "${EP_NAMES[@]}"; do echo "${RATIO[$ep]}"; done | awk '{ s += log($1); n++ } END { printf "%.2f", exp(s / n) }')
echo
echo "geometric mean of the ratios: ${geo}x"
if ((${#over[@]} == 0)); then
    echo "target: PostgreSQL within ${TARGET_RATIO}x of SQLite (ratio <= $TARGET_RATIO) on every endpoint: PASS"
else
    echo "target: PostgreSQL within ${TARGET_RATIO}x of SQLite (ratio <= $TARGET_RATIO) on every endpoint: FAIL" \
        "(${#over[@]} of ${#EP_NAMES[@]} over: ${over[*]})"
fi

if ((FAILED)); then
    echo "bench/stores.sh: some endpoints answered errors or short responses: figures are not valid" >&2
    exit 1
fi
exit 0
