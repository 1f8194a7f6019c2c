-- load-orgs-create.lua — API writes: POST /api/v1/orgs, each with a code never used before.
-- Environment: WRK_TOKEN (an API bearer token of a user who may create organizations).
-- A code is the run's random prefix, the thread number and a counter, so no
-- two requests collide (a 409 would be an answer, not a write).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "load-common.lua")

local token = os.getenv("WRK_TOKEN") or ""
local prefix
local n = 0

function init(args)
   math.randomseed(os.time() + (thread_id or 0) * 7919)
   prefix = string.format("l%d-%d", math.random(100000, 999999), thread_id or 0)
end

function request()
   n = n + 1
   local code = string.format("%s-%d", prefix, n)
   local body = string.format(
      '{"code":"%s","name_uk":"Організація %s","kind":"ngo","region":"UA-61","services":["shelter","legal"]}',
      code, code)
   return wrk.format("POST", "/api/v1/orgs", {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
   }, body)
end
