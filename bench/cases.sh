#!/usr/bin/env bash
# Issue 5's performance targets, measured on a fresh SQLite database filled by
# `nadiya demo --cases N` (N = 100,000 unless CASES says otherwise):
#
#   1. `nadiya demo --cases 100000` finishes in <= 60 s;
#   2. the case list page (50 rows, filtered) >= 5,000 req/s with wrk -t1 -c32,
#      and its ratio to nginx serving the same bytes in the same run;
#   3. search by name over 100,000 persons: median server time <= 2 ms.
#
#   bench/cases.sh                               # 100,000 cases, 10 s of wrk per target
#   DURATION=30 bench/cases.sh                   # 30 s of wrk per target
#   CASES=10000 bench/cases.sh                   # a smaller database (the targets are for 100,000)
#   SEARCHES=500 bench/cases.sh                  # searches timed in phase 3 (default 200)
#   NADIYA_BIN=/tmp/b/nadiya bench/cases.sh      # use this binary, do not build
#   KEEP=1 bench/cases.sh                        # keep the database and logs for a closer look
#
# Exit status: 0 when every measurement ran (whatever the verdicts), 1 otherwise.
# Never part of `make test`.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NGINX=/usr/sbin/nginx
DURATION=${DURATION:-10}
CASES=${CASES:-100000}
SEARCHES=${SEARCHES:-200}
KEEP=${KEEP:-0}
THREADS=1
CONNS=32
LUA="$ROOT/bench/lua/stores-auth.lua"  # Cookie and Accept-Language headers, and a parseable summary
MANAGER=demo-manager@example.org       # the demo's manager: sees every case of her organization
PAGE_ROWS=50                           # rows on a page of /cases (PAGE_SIZE in src/web/ui-case-list.c)
# The list pages tried in order, as that manager: the first with a full page of rows is measured.
LIST_PATHS=('/cases?status=Active' '/cases?exploitation=ForcedLabour' '/cases?status=FollowUp' '/cases?country=PL')
# Requests sent before the search timings count: each pooled connection prepares its statements once.
SEARCH_WARMUP=8
# The targets.
TARGET_DEMO_S=60
TARGET_LIST_RPS=5000
TARGET_SEARCH_MS=2

die() { echo "bench/cases.sh: $*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive whole number of seconds, got '$DURATION'"
[[ $CASES =~ ^[1-9][0-9]*$ ]] || die "CASES must be a positive whole number, got '$CASES'"
[[ $SEARCHES =~ ^[1-9][0-9]*$ ]] || die "SEARCHES must be a positive whole number, got '$SEARCHES'"
[[ -r $LUA ]] || die "$LUA is missing"

# --- 1. tools and build ------------------------------------------------------

need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
[[ -x $NGINX ]] || need_pkgs+=(nginx-light)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
if ((${#need_pkgs[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "installing: ${need_pkgs[*]}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
    else
        echo "bench/cases.sh: missing tools; install them with:" >&2
        echo "  sudo apt-get install -y ${need_pkgs[*]}" >&2
        exit 1
    fi
fi
for t in wrk curl python3; do
    command -v "$t" >/dev/null 2>&1 || die "$t still missing after install"
done
[[ -x $NGINX ]] || die "$NGINX still missing after install"

if [[ -n ${NADIYA_BIN:-} ]]; then
    BIN=$NADIYA_BIN
else
    make -s -C "$ROOT" >&2 || die "build failed"
    BIN="$ROOT/build/nadiya"
fi
[[ -x $BIN ]] || die "$BIN not built"

# --- 2. temp dir, cleanup ----------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/nadiya-bench-cases.XXXXXX")
SERVER_PID=""  # the nadiya serve running now, if any
NGINX_PID=""   # the nginx running now, if any
WRK_PID=""     # the wrk running now, if any

# Stops PID: 5 s after SIGTERM, SIGKILL, so that this never hangs.
stop_pid() { # PID NAME
    local pid=$1 _
    [[ -n $pid ]] || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "bench/cases.sh: $2 (pid $pid) did not stop within 5 s of SIGTERM; sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
stop_server() {
    local pid=$SERVER_PID
    SERVER_PID=""
    stop_pid "$pid" nadiya
}
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$?
    if [[ -n $WRK_PID ]]; then
        kill "$WRK_PID" 2>/dev/null || true
        wait "$WRK_PID" 2>/dev/null || true
    fi
    stop_server
    stop_pid "$NGINX_PID" nginx
    if [[ $KEEP == 1 ]]; then
        echo "bench/cases.sh: kept $TMP (database db, key, logs serve-*.log, demo.txt)" >&2
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


now_ns() { date +%s%N; }

# --- 3. the demo: the first target -----------------------------------------

DB="$TMP/db"
"$BIN" keygen "$TMP/key" >/dev/null
echo "+ nadiya demo --db sqlite:$DB --key-file $TMP/key --cases $CASES" >&2
t0=$(now_ns)
"$BIN" demo --db "sqlite:$DB" --key-file "$TMP/key" --cases "$CASES" >"$TMP/demo.txt" 2>"$TMP/demo.err" \
    || { cat "$TMP/demo.err" "$TMP/demo.txt" >&2; die "nadiya demo failed"; }
t1=$(now_ns)
DEMO_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
# "100000 fictional cases added in 44.7 s."
read -r DEMO_N DEMO_S < <(sed -n 's/^\([0-9][0-9]*\) fictional cases added in \([0-9.][0-9.]*\) s\.$/\1 \2/p' "$TMP/demo.txt")
[[ -n ${DEMO_S:-} ]] || { cat "$TMP/demo.txt" >&2; die "no 'N fictional cases added in X s' line in the demo output"; }
[[ $DEMO_N == "$CASES" ]] || die "the demo says it added $DEMO_N cases, $CASES were asked for"
NORGS=$(sed -n 's/^Demo network.*: \([0-9][0-9]*\) organizations,.*/\1/p' "$TMP/demo.txt")

db_size() { # bytes of the database, its WAL and shared-memory file together
    local n=0 f
    for f in "$DB" "$DB-wal" "$DB-shm"; do
        [[ -e $f ]] && n=$((n + $(stat -c %s "$f")))
    done
    echo "$n"
}
DB_BYTES=$(stat -c %s "$DB")
DB_ALL_BYTES=$(db_size)

# The manager's password, TOTP secret and recovery codes, as the demo printed them.
# Written to a file in $TMP (0700): not on a command line.
python3 - "$TMP/demo.txt" "$MANAGER" >"$TMP/manager.env" <<'EOF' || die "the demo output has no sign-in details for $MANAGER"
import re, sys, urllib.parse
text = open(sys.argv[1], encoding="utf-8").read()
for block in re.split(r"\n\s*\n", text):
    if re.search(r"^e-mail:\s+" + re.escape(sys.argv[2]) + r"\s*$", block, re.M) is None:
        continue
    pw = re.search(r"^password:\s+(\S+)", block, re.M)
    uri = re.search(r"^otpauth:\s+(\S+)", block, re.M)
    codes = re.findall(r"^\s+([a-z0-9]{5}-[a-z0-9]{5})\s*$", block, re.M)
    if not (pw and uri and codes):
        sys.exit(1)
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri.group(1)).query)["secret"][0]
    print(f"PASSWORD={pw.group(1)}\nTOTP_SECRET={secret}\nRECOVERY={codes[0]}\nRECOVERY2={codes[1]}")
    sys.exit(0)
sys.exit(1)
EOF
# shellcheck disable=SC1091
source "$TMP/manager.env"

# --- 4. server, sign-in ------------------------------------------------------

BASE=""
start_server() { # LOG_LEVEL LOG_FILE
    local port _
    port=$(free_port)
    "$BIN" serve --db "sqlite:$DB" --key-file "$TMP/key" \
        --listen "127.0.0.1:$port" --threads 2 --log-level "$1" \
        >>"$2" 2>&1 &
    SERVER_PID=$!
    BASE="http://127.0.0.1:$port"
    for _ in $(seq 1 150); do
        curl -sf -o /dev/null --max-time 1 "$BASE/healthz" && return 0
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            tail -n 20 "$2" >&2 || true
            die "nadiya serve exited before /healthz answered"
        fi
        sleep 0.1
    done
    tail -n 20 "$2" >&2 || true
    die "nadiya serve did not answer /healthz within 15 s"
}

# Web sign-in as the manager: the form (CSRF token and `pre` cookie), the
# password, then the second factor with the TOTP code of this 30-second step.
# Prints the value for a Cookie header ("sid=...").
web_signin() {
    BASE=$BASE EMAIL=$MANAGER PASSWORD=$PASSWORD TOTP_SECRET=$TOTP_SECRET python3 - <<'EOF'
import base64, hashlib, hmac, http.client, os, re, struct, sys, time, urllib.parse

base = urllib.parse.urlparse(os.environ["BASE"])
conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
jar = {}

def req(method, path, form=None):
    headers = {"Accept-Language": "uk"}
    if jar:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read().decode("utf-8", "replace")
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in v.lower():
                jar[name.strip()] = value
            else:
                jar.pop(name.strip(), None)
    return r.status, r.getheader("Location") or "", data

def csrf(html):
    m = re.search(r'name="csrf" value="([^"]*)"', html)
    if not m:
        sys.exit("no CSRF token in the form")
    return m.group(1)

def totp(secret, t):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(t) // 30), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)

st, _, html = req("GET", "/signin")
if st != 200:
    sys.exit(f"GET /signin answered {st}")
st, loc, _ = req("POST", "/signin", {"email": os.environ["EMAIL"], "password": os.environ["PASSWORD"],
                                     "csrf": csrf(html), "next": "/"})
if st != 303 or "/signin/code" not in loc:
    sys.exit(f"POST /signin answered {st} -> {loc!r}, expected 303 to /signin/code")
st, _, html = req("GET", "/signin/code")
if st != 200:
    sys.exit(f"GET /signin/code answered {st}")
st, loc, _ = req("POST", "/signin/code", {"code": totp(os.environ["TOTP_SECRET"], time.time()),
                                          "csrf": csrf(html), "next": "/"})
if st != 303 or "/signin" in loc or "/account/2fa" in loc:
    sys.exit(f"POST /signin/code answered {st} -> {loc!r}")
if "sid" not in jar:
    sys.exit("no session cookie after the second factor")
print("sid=" + jar["sid"])
EOF
}

# GET PATH with the web session; saves the body to OUT; prints "status header_bytes body_bytes".
fetch() { # PATH OUT
    curl -s -o "$2" -w '%{http_code} %{size_header} %{size_download}\n' \
        -H "Cookie: $COOKIE" -H 'Accept-Language: uk' "$BASE$1"
}

# Data rows in the <tbody> of a page.
tbody_rows() { python3 - "$1" <<'EOF'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
print(len(re.findall(r"<tr[ >]", m.group(1))) if m else 0)
EOF
}

# --- 5. the case list page against nginx: the second target -----------------

start_server warn "$TMP/serve-warn.log"
COOKIE=$(web_signin) || die "web sign-in of $MANAGER failed"

LIST_PATH=""
tried=()
for p in "${LIST_PATHS[@]}"; do
    read -r st hb bb < <(fetch "$p" "$TMP/list.html")
    rows=0
    [[ $st == 200 ]] && rows=$(tbody_rows "$TMP/list.html")
    if [[ $st == 200 && $rows == "$PAGE_ROWS" ]]; then
        LIST_PATH=$p
        LIST_HB=$hb LIST_BB=$bb
        break
    fi
    tried+=("$p: $st, $rows rows")
done
[[ -n $LIST_PATH ]] || die "no list page shows $PAGE_ROWS rows to $MANAGER (${tried[*]})"
cp "$TMP/list.html" "$TMP/page"
# The page must not change from one request to the next, or nginx would not serve "the same bytes".
fetch "$LIST_PATH" "$TMP/list2.html" >/dev/null
cmp -s "$TMP/list.html" "$TMP/list2.html" || die "$LIST_PATH differs between two requests: nothing to compare nginx with"

# nginx, 1 worker, serving those bytes (see bench/http.sh for the why of each line).
mkdir -p "$TMP/www" "$TMP/nginx-tmp"
cp "$TMP/page" "$TMP/www/page"
GPORT=$(free_port)
nginx_reference "$NGINX" "$GPORT" "/page text/html; charset=utf-8"
read -r st STATIC_HB STATIC_BB < <(curl -s -o "$TMP/check-page" -w '%{http_code} %{size_header} %{size_download}\n' "$STATIC/page")
if [[ $st != 200 ]] || ! cmp -s "$TMP/check-page" "$TMP/page"; then
    die "nginx /page differs from nadiya $LIST_PATH"
fi

declare -A RPS P50 P99 ERRS
FAILED=0
kv() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }

# wrk against URL; EXPECT: bytes of one full answer (headers and body), so that
# a lost session (a short redirect, which wrk counts as success) is caught.
run_wrk() { # NAME URL EXPECT
    local name=$1 url=$2 expect=$3 out="$TMP/wrk-$1.txt" line e="" sock bpr
    echo "+ wrk -t$THREADS -c$CONNS -d${DURATION}s -s bench/lua/stores-auth.lua $url" >&2
    BENCH_COOKIE=$COOKIE BENCH_LANG=uk wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -s "$LUA" "$url" >"$out" 2>&1 &
    WRK_PID=$!
    if ! wait "$WRK_PID"; then
        WRK_PID=""
        cat "$out" >&2
        die "wrk failed against $url"
    fi
    WRK_PID=""
    RPS[$name]=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    line=$(grep '^STORES ' "$out" || true)
    [[ -n ${RPS[$name]} && -n $line ]] || { cat "$out" >&2; die "no figures in wrk output for $url"; }
    P50[$name]=$(kv p50_us "$line")
    P99[$name]=$(kv p99_us "$line")
    sock=$(($(kv err_connect "$line") + $(kv err_read "$line") + $(kv err_write "$line") + $(kv err_timeout "$line")))
    ((sock == 0)) || e="socket errors: $sock"
    if (($(kv err_status "$line") > 0)); then
        e+="${e:+; }non-2xx: $(kv err_status "$line")"
        FAILED=1
    fi
    bpr=$(kv bytes_per_response "$line")
    if ((bpr * 10 < expect * 9 || bpr * 10 > expect * 11)); then
        e+="${e:+; }responses average $bpr bytes, the 200 answer has $expect"
        FAILED=1
    fi
    ERRS[$name]=$e
}

run_wrk nadiya "$BASE$LIST_PATH" $((LIST_HB + LIST_BB))
kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$TMP/serve-warn.log" >&2; die "nadiya exited during the benchmark"; }
# The session must still be good after the run.
read -r st _ _ < <(fetch "$LIST_PATH" "$TMP/list3.html")
[[ $st == 200 ]] || die "$LIST_PATH answers $st after the run: the session was lost"
stop_server
run_wrk nginx "$STATIC/page" $((STATIC_HB + STATIC_BB))
stop_pid "$NGINX_PID" nginx
NGINX_PID=""

# --- 6. search by name: the third target -------------------------------------
# The access log (--log-level info) says how long the server took for each
# request: from the request's arrival to the response handed to the socket.

start_server info "$TMP/serve-info.log"
TOKEN=$(BASE=$BASE EMAIL=$MANAGER PASSWORD=$PASSWORD CODE=$RECOVERY python3 - <<'EOF'
import http.client, json, os, sys, urllib.parse
base = urllib.parse.urlparse(os.environ["BASE"])
conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
# The web session above used this step's TOTP code, which works once: a recovery code here.
body = json.dumps({"email": os.environ["EMAIL"], "password": os.environ["PASSWORD"], "totp": os.environ["CODE"]})
conn.request("POST", "/api/v1/sessions", body=body, headers={"Content-Type": "application/json"})
r = conn.getresponse()
data = r.read()
if r.status != 201:
    sys.exit(f"POST /api/v1/sessions answered {r.status}: {data[:300]!r}")
print(json.loads(data)["token"])
EOF
) || die "API sign-in of $MANAGER failed"

# Names as the demo makes them: its own first names and surnames (src/model/demo-cases.c),
# half in Cyrillic and half in Latin letters, each query a different pair.
BASE=$BASE TOKEN=$TOKEN N=$SEARCHES WARMUP=$SEARCH_WARMUP python3 - "$ROOT/src/model/demo-cases.c" \
    >"$TMP/search-client.txt" <<'EOF' || die "the searches failed"
import http.client, json, os, random, re, statistics, sys, time, urllib.parse

src = open(sys.argv[1], encoding="utf-8").read()
def names(array):
    m = re.search(r"struct names " + array + r"\[\] = \{(.*?)\n\};", src, re.S)
    if not m:
        sys.exit(f"no array {array}[] in {sys.argv[1]}")
    return re.findall(r'\{\s*"([^"]+)",\s*"([^"]+)"\s*\}', m.group(1))
first = names("women") + names("men")
last = names("surnames")
pairs = [(f, l) for f in first for l in last]
n, warmup = int(os.environ["N"]), int(os.environ["WARMUP"])
if n + warmup > 2 * len(pairs):
    sys.exit(f"only {2 * len(pairs)} different names to search for")
rnd = random.Random(5)
queries = []
for f, l in rnd.sample(pairs, (n + warmup + 1) // 2 + 1):
    queries.append(f"{f[0]} {l[0]}")  # Олена Коваленко
    queries.append(f"{f[1]} {l[1]}")  # Olena Kovalenko
queries = queries[:n + warmup]

base = urllib.parse.urlparse(os.environ["BASE"])
conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
headers = {"Authorization": "Bearer " + os.environ["TOKEN"], "Accept": "application/json"}
rtt, found = [], []
for i, q in enumerate(queries):
    path = "/api/v1/persons?q=" + urllib.parse.quote(q)
    t = time.perf_counter()
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    data = r.read()
    dt = (time.perf_counter() - t) * 1000
    if r.status != 200:
        sys.exit(f"GET /api/v1/persons?q=... answered {r.status}: {data[:300]!r}")
    if i >= warmup:
        rtt.append(dt)
        found.append(len(json.loads(data)["items"]))
print("CLIENT n=%d rtt_median_ms=%.2f rtt_p90_ms=%.2f rtt_max_ms=%.2f found_total=%d found_queries=%d"
      % (len(rtt), statistics.median(rtt), statistics.quantiles(rtt, n=10)[-1], max(rtt), sum(found),
         sum(1 for f in found if f > 0)))
EOF
sleep 0.3  # the access log line is written when the response is complete
stop_server
grep -q '^CLIENT ' "$TMP/search-client.txt" || die "no figures from the search client"
CLIENT=$(grep '^CLIENT ' "$TMP/search-client.txt")

# The server's times of the searches after the warm-up: the last SEARCHES lines of that route.
grep -E 'access .* route=/api/v1/persons ' "$TMP/serve-info.log" | tail -n "$SEARCHES" >"$TMP/search-access.txt" || true
read -r SN SBAD SMED SP90 SMAX < <(python3 - "$TMP/search-access.txt" <<'EOF'
import re, statistics, sys
ms, bad = [], 0
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.search(r" status=(\d+) .* ms=([0-9.]+)", line)
    if not m:
        continue
    bad += m.group(1) != "200"
    ms.append(float(m.group(2)))
if len(ms) < 2:
    print(len(ms), bad, "nan nan nan")
else:
    print(len(ms), bad, "%.2f %.2f %.2f" % (statistics.median(ms), statistics.quantiles(ms, n=10)[-1], max(ms)))
EOF
)
((SN == SEARCHES)) || die "the access log has $SN lines for /api/v1/persons, expected $SEARCHES (serve-info.log)"
((SBAD == 0)) || die "$SBAD searches did not answer 200 in the access log"

# --- 7. report ---------------------------------------------------------------

# shellcheck disable=SC2317  # called through verdict
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
# shellcheck disable=SC2317  # called through verdict
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
verdict() { if "$@"; then echo PASS; else echo FAIL; fi; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "nan" }'; }
ckv() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$CLIENT"; }

V_DEMO=$(verdict le "$DEMO_S" "$TARGET_DEMO_S")
V_LIST=$(verdict ge "${RPS[nadiya]}" "$TARGET_LIST_RPS")
V_SEARCH=$(verdict le "$SMED" "$TARGET_SEARCH_MS")
LIST_PCT=$(pct "${RPS[nadiya]}" "${RPS[nginx]}")

echo
echo "Cases benchmark: $CASES demo cases ($NORGS organizations) on SQLite, $(nproc) CPUs;"
echo "nadiya serve --threads 2; wrk -t$THREADS -c$CONNS -d${DURATION}s; nginx 1 worker, no access log."
((CASES == 100000)) || echo "NOTE: the targets are for 100,000 cases; this run has $CASES."
echo "database: $(mb "$DB_BYTES") ($DB_BYTES bytes; with -wal and -shm: $DB_ALL_BYTES bytes)"
echo
fmt='%-58s %-34s %s\n'
# shellcheck disable=SC2059  # fmt is the format
printf "$fmt" "target" "measured" "verdict"
# shellcheck disable=SC2059
printf "$fmt" "----------------------------------------------------------" "----------------------------------" "-------"
# shellcheck disable=SC2059
printf "$fmt" "nadiya demo --cases $CASES in <= ${TARGET_DEMO_S} s" "$DEMO_S s (wall ${DEMO_WALL} s)" "$V_DEMO"
# shellcheck disable=SC2059
printf "$fmt" "case list page (50 rows, filtered) >= $TARGET_LIST_RPS req/s" "${RPS[nadiya]} req/s (${LIST_PCT}% of nginx)" "$V_LIST"
# shellcheck disable=SC2059
printf "$fmt" "search by name, median server time <= ${TARGET_SEARCH_MS} ms" "$SMED ms (p90 $SP90, max $SMAX)" "$V_SEARCH"
echo
echo "demo:   $DEMO_S s as the demo reports it (the inserts), ${DEMO_WALL} s wall for the whole command"
echo "list:   GET $LIST_PATH as $MANAGER (Accept-Language: uk), $PAGE_ROWS rows, $LIST_BB body bytes"
printf '        %-16s %10s req/s  p50 %s ms  p99 %s ms  %s\n' "nadiya" "${RPS[nadiya]}" "$(ms "${P50[nadiya]}")" \
    "$(ms "${P99[nadiya]}")" "${ERRS[nadiya]:-}"
printf '        %-16s %10s req/s  p50 %s ms  p99 %s ms  %s\n' "nginx (same bytes)" "${RPS[nginx]}" "$(ms "${P50[nginx]}")" \
    "$(ms "${P99[nginx]}")" "${ERRS[nginx]:-}"
echo "        nadiya/nginx: ${LIST_PCT}%"
echo "search: $SEARCHES × GET /api/v1/persons?q=<first name> <surname> (half Cyrillic, half Latin) as $MANAGER,"
echo "        one at a time on one keep-alive connection, after $SEARCH_WARMUP unmeasured ones"
echo "        server (access log ms): median $SMED ms, p90 $SP90 ms, max $SMAX ms"
echo "        client round trip:      median $(ckv rtt_median_ms) ms, p90 $(ckv rtt_p90_ms) ms, max $(ckv rtt_max_ms) ms"
echo "        $(ckv found_queries) of $SEARCHES searches found someone the manager may see ($(ckv found_total) persons in all)"

if ((FAILED)); then
    echo "bench/cases.sh: some requests answered errors or short responses: figures are not valid" >&2
    exit 1
fi
exit 0
