-- stores-auth.lua — credentials and a parseable summary for bench/stores.sh.
--
-- The script signs in with curl and hands the credentials over in the
-- environment, so no secret is written into this file or onto a command line:
--   BENCH_COOKIE         "sid=..." for the web pages
--   BENCH_AUTHORIZATION  "Bearer ..." for the JSON API
--   BENCH_LANG           Accept-Language (default uk)
-- Setting headers once here (no request()/response() callbacks) keeps wrk on
-- its fast path: the load generator shares the 2 cores with the server.

local cookie = os.getenv("BENCH_COOKIE")
local auth = os.getenv("BENCH_AUTHORIZATION")
local lang = os.getenv("BENCH_LANG")

if cookie and cookie ~= "" then
    wrk.headers["Cookie"] = cookie
end
if auth and auth ~= "" then
    wrk.headers["Authorization"] = auth
end
wrk.headers["Accept-Language"] = (lang and lang ~= "") and lang or "uk"

-- One line bench/stores.sh parses: latency in microseconds, bytes per response
-- (to catch a lost session: a redirect to /signin is 3xx, which wrk counts as
-- success, but it is much shorter than the page), and wrk's error counters.
function done(summary, latency, requests)
    local n = summary.requests
    local e = summary.errors
    io.write(string.format(
        "STORES requests=%d bytes=%d bytes_per_response=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d"
            .. " err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
        n, summary.bytes, n > 0 and math.floor(summary.bytes / n) or 0,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
        e.connect, e.read, e.write, e.status, e.timeout))
end
