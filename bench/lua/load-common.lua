-- load-common.lua — shared by the wrk scripts of bench/load.sh (loaded with dofile).
--
-- Every thread counts the answers by status class in globals; done() (run once,
-- in wrk's main state) adds them up across threads and prints one line that
-- load.sh parses:
--   RESULT requests=N duration_s=S rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D
--          connect=N read=N write=N timeout=N non2xx3xx=N s2xx=N s3xx=N s4xx=N
--          s5xx=N s401=N s429=N
-- The 5xx count comes from the response() callback, so it stays apart from the
-- 401/429 answers a sign-in flood is meant to get.

local threads = {}
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("thread_id", next_id)
   table.insert(threads, thread)
end

s2xx, s3xx, s4xx, s5xx, s401, s429 = 0, 0, 0, 0, 0, 0

function response(status, headers, body)
   if status >= 500 then
      s5xx = s5xx + 1
   elseif status >= 400 then
      s4xx = s4xx + 1
      if status == 401 then s401 = s401 + 1 elseif status == 429 then s429 = s429 + 1 end
   elseif status >= 300 then
      s3xx = s3xx + 1
   else
      s2xx = s2xx + 1
   end
end

function done(summary, latency, requests)
   local c = { s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0, s401 = 0, s429 = 0 }
   for _, t in ipairs(threads) do
      for k, _ in pairs(c) do
         c[k] = c[k] + (t:get(k) or 0)
      end
   end
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f"
      .. " connect=%d read=%d write=%d timeout=%d non2xx3xx=%d"
      .. " s2xx=%d s3xx=%d s4xx=%d s5xx=%d s401=%d s429=%d\n",
      summary.requests, secs, summary.requests / secs,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000,
      e.connect, e.read, e.write, e.timeout, e.status,
      c.s2xx, c.s3xx, c.s4xx, c.s5xx, c.s401, c.s429))
end

