#!/usr/bin/env bash
# bench/load.sh — `nadiya serve` under load: signed-in pages and API writes
# with wrk at 200 connections, then a sign-in flood next to ordinary requests.
#
#   bench/load.sh                          # 60 s per phase
#   DURATION=15 bench/load.sh              # shorter
#   NADIYA_BIN=/tmp/b/nadiya bench/load.sh # a binary built elsewhere (no `make`)
#   BENCH_DB=postgresql://... bench/load.sh   # an empty PostgreSQL database instead of SQLite
#   BENCH_KEEP=1 bench/load.sh             # keep the temporary folder (wrk outputs, server log)
#
# Phases (wrk scripts in bench/lua/load-*.lua; each counts 5xx in a response()
# callback, apart from the 401/429 a flood is meant to get):
#   1. pages    wrk -t2 -c200: GET /, /orgs, /account in turn with a caseworker's session cookie
#   2. writes   wrk -t2 -c200: POST /api/v1/orgs with codes never used before (an admin's API token)
#   3. sign-in flood, against a latency probe (wrk -t1 -c10 GET /orgs, signed in):
#      3a probe alone                       the baseline
#      3b probe + 100 connections of valid sign-ins (POST /api/v1/sessions, right password):
#         every one costs an Argon2id hash and the throttle lets them through; this is what a
#         wrong-password flood from many addresses would cost.  Informative, no target.
#      3c probe + 100 connections of wrong passwords (POST /api/v1/sessions) from one address:
#         the issue's flood.  Target: probe p50 and p99 at most 5x the baseline's.
#   (3b runs before 3c because 3c locks the account and the address for up to an hour.)
#
# Targets (PASS/FAIL, printed at the end):
#   - phases 1 and 2: zero socket errors, zero 5xx (and every answer 2xx, or the figures mean nothing)
#   - 3c: probe p50 and p99 <= 5x baseline
#   - memory: peak RSS during the floods <= RSS before them + hash-concurrency x 64 MiB (one
#     Argon2id INTERACTIVE hash each) + connections x conn-memory-kib
# The server's RSS (VmRSS of /proc/PID/status) is printed before and after every phase.
#
# Exit status: 0 when every phase ran, whatever the verdicts; 1 when something could not run
# (a missing tool, the build, the server not starting or dying, wrk failing).
# Never part of `make test`.  The machine has 2 cores shared by the server and wrk: compare
# the ratios, not the raw figures.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LUA="$ROOT/bench/lua"
DURATION=${DURATION:-60}
WRK_TIMEOUT=${WRK_TIMEOUT:-10}   # seconds; a request slower than this counts as a socket error
CONNS=200
FLOOD_CONNS=100
PROBE_CONNS=10
HASH_CONCURRENCY=2               # the server's default, passed explicitly
CONN_MEMORY_KIB=64               # the server's default, passed explicitly
ARGON2_MIB=64                    # crypto_pwhash_MEMLIMIT_INTERACTIVE
TARGET_RATIO=5
PASSWORD="load bench passphrase 42"

die() { echo "bench/load.sh: $*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive whole number of seconds, got '$DURATION'"
[[ $WRK_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "WRK_TIMEOUT must be a positive whole number of seconds"

# --- tools and build ---------------------------------------------------------

need=()
for t in wrk curl python3; do
    command -v "$t" >/dev/null 2>&1 || need+=("$t")
done
if ((${#need[@]})); then
    echo "bench/load.sh: missing tools; install them with:" >&2
    echo "  sudo apt-get install -y ${need[*]}" >&2
    exit 1
fi
if [[ -n ${NADIYA_BIN:-} ]]; then
    BIN=$NADIYA_BIN
else
    BIN="$ROOT/build/nadiya"
    make -s -C "$ROOT" >&2 || die "build failed"
fi
[[ -x $BIN ]] || die "$BIN is not an executable"

# --- temp dir, cleanup -------------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/nadiya-bench-load.XXXXXX")
SERVER_PID=""
BG_PIDS=()   # wrk and the RSS sampler, while they run
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$? pid _
    for pid in "${BG_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "bench/load.sh: the server (pid $SERVER_PID) did not stop within 5 s of SIGTERM; sending SIGKILL" >&2
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ -n ${BENCH_KEEP:-} ]]; then
        echo "bench/load.sh: kept $TMP" >&2
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Resident memory of the server, KiB: rss_kib [VmRSS|VmHWM]
rss_kib() {
    awk -v f="${1:-VmRSS}:" '$1 == f { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

alive() {
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$TMP/serve.log" >&2; die "the server exited; its log is above"; }
}

# --- the server and its people -----------------------------------------------

"$BIN" keygen "$TMP/key" >/dev/null
DB=${BENCH_DB:-sqlite:$TMP/nadiya.db}
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
MAX_CONNS_PER_IP=$((CONNS + FLOOD_CONNS + PROBE_CONNS + 100))
"$BIN" serve --db "$DB" --key-file "$TMP/key" --listen "127.0.0.1:$PORT" \
    --threads 2 --log-level warn \
    --max-conns $((MAX_CONNS_PER_IP * 2)) --max-conns-per-ip "$MAX_CONNS_PER_IP" \
    --hash-concurrency "$HASH_CONCURRENCY" --conn-memory-kib "$CONN_MEMORY_KIB" \
    >"$TMP/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
    curl -sf -o /dev/null --max-time 1 "$URL/healthz" && break
    alive
    sleep 0.1
done
curl -sf -o /dev/null --max-time 1 "$URL/healthz" || die "$URL/healthz did not answer within 15 s"

cli() { NADIYA_DB="$DB" NADIYA_KEY_FILE="$TMP/key" "$BIN" "$@"; }
cli org add --code load-hq --name "Навантаження" --kind ngo --region UA-30 >/dev/null || die "org add failed"
add_user() { # EMAIL ROLE -> what `user add` printed
    printf '%s\n' "$PASSWORD" | cli user add --email "$1" --org load-hq --role "$2" --password-stdin \
        || die "user add $1 failed"
}
add_user worker@load.example caseworker >/dev/null
add_user target@load.example caseworker >/dev/null   # the account the floods sign in to
ADMIN_OUT=$(add_user admin@load.example admin)
TOTP_SECRET=$(printf '%s\n' "$ADMIN_OUT" | grep -o 'otpauth://[^[:space:]]*' | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p')
[[ -n $TOTP_SECRET ]] || die "no TOTP secret in the output of user add for the admin"

# api_signin EMAIL [TOTP] -> token
api_signin() {
    local body out
    body=$(python3 -c 'import json, sys
d = {"email": sys.argv[1], "password": sys.argv[2]}
if sys.argv[3]: d["totp"] = sys.argv[3]
print(json.dumps(d))' "$1" "$PASSWORD" "${2:-}")
    out=$(curl -sf -X POST -H 'Content-Type: application/json' -H 'Accept: application/json' \
        --data-binary "$body" "$URL/api/v1/sessions") || die "API sign-in of $1 failed"
    printf '%s' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
TOTP=$(python3 - "$TOTP_SECRET" <<'EOF'
import base64, hashlib, hmac, struct, sys, time
key = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
mac = hmac.new(key, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
off = mac[-1] & 15
print("%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000))
EOF
)
ADMIN_TOKEN=$(api_signin admin@load.example "$TOTP")
WORKER_TOKEN=$(api_signin worker@load.example)
[[ -n $ADMIN_TOKEN && -n $WORKER_TOKEN ]] || die "no API token"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $WORKER_TOKEN" "$URL/api/v1/me")
[[ $code == 200 ]] || die "GET /api/v1/me with the caseworker's token answers $code"

# A web session: the sign-in form's CSRF token and pre-session cookie, then the form.
JAR="$TMP/cookies"
page=$(curl -sf -c "$JAR" -b "$JAR" -H 'Accept-Language: uk' "$URL/signin") || die "GET /signin failed"
CSRF=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[[ -n $CSRF ]] || die "no CSRF token on /signin"
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
    --data-urlencode "csrf=$CSRF" --data-urlencode "email=worker@load.example" \
    --data-urlencode "password=$PASSWORD" "$URL/signin")
[[ $code == 303 ]] || die "POST /signin answers $code, not 303"
SID=$(awk -F'\t' '$6 == "sid" { print $7 }' "$JAR" | tail -n 1)
[[ -n $SID ]] || die "no session cookie after signing in"
COOKIE="sid=$SID"
for p in / /orgs /account; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" -H 'Accept-Language: uk' "$URL$p")
    [[ $code == 200 ]] || die "GET $p with the session cookie answers $code"
done

# --- wrk ---------------------------------------------------------------------

declare -A R          # R[phase.key] from the RESULT line of load-common.lua
declare -A RSS0 RSS1  # KiB before and after each phase
PHASES=()

# wrk_run NAME SCRIPT THREADS CONNS SECONDS [VAR=VALUE...]: runs wrk in the background
# (so a signal interrupts the wait), then parses its RESULT line.  wrk_start/wrk_finish
# split it for phases that run two wrk at once.
wrk_start() {
    local name=$1 script=$2 threads=$3 conns=$4 secs=$5
    shift 5
    echo "+ wrk -t$threads -c$conns -d${secs}s --latency -s bench/lua/$script ($name)" >&2
    env "$@" wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout "${WRK_TIMEOUT}s" --latency \
        -s "$LUA/$script" "$URL" >"$TMP/wrk-$name.txt" 2>&1 &
    WRK_PID=$!
    BG_PIDS+=("$WRK_PID")
}
wrk_finish() { # NAME PID
    local name=$1 pid=$2 line kv
    if ! wait "$pid"; then
        cat "$TMP/wrk-$name.txt" >&2
        die "wrk failed ($name)"
    fi
    line=$(grep '^RESULT ' "$TMP/wrk-$name.txt" | tail -n 1)
    [[ -n $line ]] || { cat "$TMP/wrk-$name.txt" >&2; die "no RESULT line from wrk ($name)"; }
    for kv in ${line#RESULT }; do
        R[$name.${kv%%=*}]=${kv#*=}
    done
    R[$name.sock]=$((${R[$name.connect]} + ${R[$name.read]} + ${R[$name.write]} + ${R[$name.timeout]}))
}
wrk_run() {
    local name=$1
    wrk_start "$@"
    wrk_finish "$name" "$WRK_PID"
}
phase_begin() { PHASES+=("$1"); RSS0[$1]=$(rss_kib); }
phase_end() { alive; RSS1[$1]=$(rss_kib); }

# Samples the server's RSS every 100 ms into FILE until killed (for the peak, where
# /proc/PID/clear_refs cannot reset VmHWM, and to check VmHWM where it can).
rss_sampler() {
    while kill -0 "$SERVER_PID" 2>/dev/null; do
        rss_kib >>"$1"
        sleep 0.1
    done
}

RSS_START=$(rss_kib)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# The peak RSS of ordinary load (phases 1-3a) is the base of the flood's memory bound.
# VmHWM is reset here (writing 5 to clear_refs), so the sign-ins of the setup, which
# hashed, do not count; where that is refused, 100 ms samples of VmRSS stand in.
HWM_RESET=0
echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null && HWM_RESET=1
: >"$TMP/rss-ordinary"
rss_sampler "$TMP/rss-ordinary" &
SAMPLER_PID=$!
BG_PIDS+=("$SAMPLER_PID")

# 1. signed-in pages
phase_begin pages
wrk_run pages load-pages.lua 2 "$CONNS" "$DURATION" WRK_COOKIE="$COOKIE"
phase_end pages

# 2. API writes
phase_begin writes
wrk_run writes load-orgs-create.lua 2 "$CONNS" "$DURATION" WRK_TOKEN="$ADMIN_TOKEN"
phase_end writes

# 3a. the probe alone
phase_begin baseline
wrk_run baseline load-page.lua 1 "$PROBE_CONNS" "$DURATION" WRK_COOKIE="$COOKIE" WRK_PATH=/orgs
phase_end baseline

# The memory bound of the flood phases, from the peak under ordinary load (phases 1-3a):
# SQLite's page cache and the allocator's free lists make the RSS of a given moment
# wander by megabytes, the peak much less.
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
RSS_FLOOD0=$(sort -n "$TMP/rss-ordinary" | tail -n 1)
if ((HWM_RESET)); then
    hwm=$(rss_kib VmHWM)
    ((hwm > RSS_FLOOD0)) && RSS_FLOOD0=$hwm
    echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || HWM_RESET=0
fi
BOUND_KIB=$((RSS_FLOOD0 + HASH_CONCURRENCY * ARGON2_MIB * 1024 + (FLOOD_CONNS + PROBE_CONNS) * CONN_MEMORY_KIB))
: >"$TMP/rss-samples"
rss_sampler "$TMP/rss-samples" &
SAMPLER_PID=$!
BG_PIDS+=("$SAMPLER_PID")

# flood_phase NAME PROBE_NAME [flood VAR=VALUE...]: the flood starts first and ends
# last, so the probe measures only while the flood runs.  Then waits until the server
# has worked through the requests the flood left queued (DRAIN[NAME] seconds), so the
# next phase does not measure this one's backlog.
declare -A DRAIN
flood_phase() {
    local name=$1 probe=$2 fpid t0
    shift 2
    phase_begin "$name"
    wrk_start "$name" load-signin-flood.lua 1 "$FLOOD_CONNS" $((DURATION + 3)) WRK_EMAIL=target@load.example "$@"
    fpid=$WRK_PID
    sleep 1
    wrk_run "$probe" load-page.lua 1 "$PROBE_CONNS" "$DURATION" WRK_COOKIE="$COOKIE" WRK_PATH=/orgs
    wrk_finish "$name" "$fpid"
    t0=$(date +%s)
    until curl -sf -o /dev/null --max-time 1 "$URL/healthz"; do
        alive
        (($(date +%s) - t0 < 600)) || die "the server did not answer /healthz within 1 s for 600 s after the $name flood"
    done
    DRAIN[$name]=$(($(date +%s) - t0))
    phase_end "$name"
}
# 3b. valid sign-ins: a hash each
flood_phase hashflood probe-hash WRK_PASSWORD="$PASSWORD"
# 3c. wrong passwords
flood_phase flood probe-flood

kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
PEAK_KIB=$(sort -n "$TMP/rss-samples" | tail -n 1)
if ((HWM_RESET)); then
    hwm=$(rss_kib VmHWM)
    ((hwm > PEAK_KIB)) && PEAK_KIB=$hwm
fi
alive
RSS_END=$(rss_kib)

# --- report ------------------------------------------------------------------

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

echo
echo "Load benchmark: $(nproc) CPUs; nadiya --threads 2 --hash-concurrency $HASH_CONCURRENCY" \
    "--conn-memory-kib $CONN_MEMORY_KIB, ${DB%%:*}; wrk ${DURATION}s per phase, timeout ${WRK_TIMEOUT}s"
echo "load average (1, 5, 15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
fmt='%-22s %5s %9s %9s %9s %8s %8s %7s %6s %6s %6s  %s\n'
# shellcheck disable=SC2059
printf "$fmt" phase conns "req/s" "p50 ms" "p99 ms" 2xx 401 429 "4xx*" 5xx "sock" "RSS MiB before -> after"
# shellcheck disable=SC2059
printf "$fmt" ---------------------- ----- --------- --------- --------- -------- -------- ------- ------ ------ ------ -----------------------
row() { # LABEL NAME CONNS [RSS-PHASE]
    local n=$2 other rss=""
    other=$((${R[$n.s4xx]} - ${R[$n.s401]} - ${R[$n.s429]} + ${R[$n.s3xx]}))
    local p50=${R[$n.p50_ms]} p99=${R[$n.p99_ms]}
    [[ -n ${4:-} ]] && rss="$(mib "${RSS0[$4]}") -> $(mib "${RSS1[$4]}")"
    ((${R[$n.requests]} > 0)) || { p50="none"; p99="none"; }
    # shellcheck disable=SC2059
    printf "$fmt" "$1" "$3" "${R[$n.rps]}" "$p50" "$p99" "${R[$n.s2xx]}" "${R[$n.s401]}" \
        "${R[$n.s429]}" "$other" "${R[$n.s5xx]}" "${R[$n.sock]}" "$rss"
}
row "1 pages (/, /orgs, /account)" pages "$CONNS" pages
row "2 API writes" writes "$CONNS" writes
row "3a probe alone" baseline "$PROBE_CONNS" baseline
row "3b valid sign-ins" hashflood "$FLOOD_CONNS" hashflood
row "   probe meanwhile" probe-hash "$PROBE_CONNS"
row "3c wrong passwords" flood "$FLOOD_CONNS" flood
row "   probe meanwhile" probe-flood "$PROBE_CONNS"
echo "  (4xx*: other 4xx and 3xx answers; sock: connect/read/write errors and timeouts; p50/p99 of the"
echo "   answers that came within the phase: \"none\" when not one did)"
echo "  after the floods the server needed ${DRAIN[hashflood]} s (valid sign-ins) and ${DRAIN[flood]} s (wrong passwords)" \
    "to answer /healthz within 1 s again"
echo

# Verdicts
# 1. Under load (phases 1-2): no socket error, no 5xx, and only 2xx (anything else would
#    mean the figures measure error pages).  No 5xx in any other phase either.
ok_load=PASS
why=""
for n in pages writes; do
    if ((${R[$n.sock]} > 0)); then
        ok_load=FAIL
        why+=" $n: ${R[$n.sock]} socket errors;"
    fi
    if ((${R[$n.s2xx]} != ${R[$n.requests]})); then
        ok_load=FAIL
        why+=" $n: $((${R[$n.requests]} - ${R[$n.s2xx]})) answers not 2xx;"
    fi
done
for n in pages writes baseline hashflood probe-hash flood probe-flood; do
    if ((${R[$n.s5xx]} > 0)); then
        ok_load=FAIL
        why+=" $n: ${R[$n.s5xx]} x 5xx;"
    fi
done
why=${why% ;}
echo "pages and writes at $CONNS connections: zero socket errors, zero 5xx (none in the floods either): $ok_load${why:+ (${why# })}"

# probe_ratio PROBE PERCENTILE: the probe's latency over the baseline's, as "X ms (Nx)";
# a probe that got no answer at all waited longer than the whole phase.
probe_ratio() {
    local p=$1 q=$2
    if ((${R[$p.requests]} == 0)); then
        echo "no answer within ${DURATION} s (>$(ratio "$((DURATION * 1000))" "${R[baseline.$q]}")x)"
    else
        echo "${R[$p.$q]} ms ($(ratio "${R[$p.$q]}" "${R[baseline.$q]}")x)"
    fi
}
# 2. The probe under the wrong-password flood: every request answered (2xx) within the phase
#    and WRK_TIMEOUT, p50 and p99 within TARGET_RATIO x the baseline's.
ok_lat=FAIL
if ((${R[probe-flood.requests]} > 0 && ${R[probe-flood.sock]} == 0 && ${R[probe-flood.s2xx]} == ${R[probe-flood.requests]})) &&
    le "$(ratio "${R[probe-flood.p50_ms]}" "${R[baseline.p50_ms]}")" "$TARGET_RATIO" &&
    le "$(ratio "${R[probe-flood.p99_ms]}" "${R[baseline.p99_ms]}")" "$TARGET_RATIO"; then
    ok_lat=PASS
fi
echo "latency under the wrong-password flood: p50 ${R[baseline.p50_ms]} -> $(probe_ratio probe-flood p50_ms)," \
    "p99 ${R[baseline.p99_ms]} -> $(probe_ratio probe-flood p99_ms); target <= ${TARGET_RATIO}x: $ok_lat"
echo "  the flood got ${R[flood.s401]} x 401 (a hash each) and ${R[flood.s429]} x 429 (throttled before hashing);" \
    "the probe had ${R[probe-flood.sock]} socket errors (timeouts: slower than ${WRK_TIMEOUT} s)" \
    "and $((${R[probe-flood.requests]} - ${R[probe-flood.s2xx]})) answers not 2xx"
echo "latency under valid sign-ins (${R[hashflood.rps]} hashes/s, which no throttle stops; informative):" \
    "p50 $(probe_ratio probe-hash p50_ms), p99 $(probe_ratio probe-hash p99_ms)," \
    "${R[probe-hash.sock]} probe requests slower than ${WRK_TIMEOUT} s"

if ((PEAK_KIB <= BOUND_KIB)); then ok_mem=PASS; else ok_mem=FAIL; fi
echo "memory during the floods: peak RSS $(mib "$PEAK_KIB") MiB; bound $(mib "$BOUND_KIB") MiB" \
    "= $(mib "$RSS_FLOOD0") peak under ordinary load (phases 1-3a) + $HASH_CONCURRENCY x $ARGON2_MIB MiB hashing" \
    "+ $((FLOOD_CONNS + PROBE_CONNS)) x $CONN_MEMORY_KIB KiB connections: $ok_mem"
echo "  (peaks from $( ((HWM_RESET)) && echo "VmHWM, reset before phase 1 and before the floods, and" ) 100 ms samples of VmRSS)"
echo "server RSS: $(mib "$RSS_START") MiB after setup, $(mib "$RSS_END") MiB at the end"
exit 0
