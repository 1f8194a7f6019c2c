-- load-signin-flood.lua — POST /api/v1/sessions as fast as the connections allow.
-- Environment: WRK_EMAIL (an existing account), WRK_PASSWORD (default: a wrong one).
-- With the default every attempt is wrong: 401, or 429 once the throttle locks
-- the account and the address.  With the right password every attempt is a
-- full sign-in, which the throttle does not stop: each one costs a hash.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "load-common.lua")

local email = os.getenv("WRK_EMAIL") or "nobody@example.org"
local password = os.getenv("WRK_PASSWORD")
local n = 0

function request()
   n = n + 1
   local pw = password or string.format("wrong password %d", n)
   local body = string.format('{"email":"%s","password":"%s"}', email, pw)
   return wrk.format("POST", "/api/v1/sessions",
                     { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }, body)
end
