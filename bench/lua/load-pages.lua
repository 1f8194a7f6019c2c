-- load-pages.lua — signed-in pages, in turn: the home page, the registry, the account.
-- Environment: WRK_COOKIE (the "sid=..." of a signed-in web session).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "load-common.lua")

local paths = { "/", "/orgs", "/account" }
local cookie = os.getenv("WRK_COOKIE") or ""
local n = 0

function request()
   n = n + 1
   return wrk.format("GET", paths[(n % #paths) + 1],
                     { ["Cookie"] = cookie, ["Accept-Language"] = "uk" })
end
