-- load-page.lua — one signed-in page over and over (the latency probe of the flood phase).
-- Environment: WRK_COOKIE (the "sid=..." of a signed-in web session), WRK_PATH (default /orgs).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "load-common.lua")

local path = os.getenv("WRK_PATH") or "/orgs"
local cookie = os.getenv("WRK_COOKIE") or ""

function request()
   return wrk.format("GET", path, { ["Cookie"] = cookie, ["Accept-Language"] = "uk" })
end
