-- luajit-yield-across-require / repro.lua -- a module that does I/O while it is being required.
--
-- WHAT IT SHOWS
--   The shape of skynet issue 394 (and of the OpenResty "cosocket in a module's
--   main chunk" reports): a service framework runs each request in a coroutine
--   and turns blocking calls (an RPC, a socket read) into coroutine.yield, so the
--   scheduler can run other work meanwhile. A module's main chunk makes such a
--   call at load time. The module is loaded with require(), and require is a C
--   function (lj_cf_package_require) that runs the chunk through lua_call: the
--   yield would have to suspend a C frame, which Lua cannot do. LuaJIT stops
--   it: "attempt to yield across C-call boundary". The same RPC, made from the
--   coroutine's own Lua code, works.
--   LuaJIT (unlike Lua 5.1) can yield across pcall and metamethods, so people
--   expect yields to work everywhere; they do not cross require, table.sort's
--   comparator, string.gsub's callback or an FFI callback.
--
-- HOW IT RUNS
--   A Python child runs this file in lupa's LuaJIT 2.1.
--   crashcourse run luajit-yield-across-require
--
-- WHAT MUST APPEAR
--   plain : exit 1, lupa.LuaError "attempt to yield across C-call boundary",
--           with a Lua traceback that shows "[C]: in function 'require'"
--           between the yield and the task.

-- ---- a tiny cooperative scheduler (skynet / OpenResty stand-in) -----------

local sched = { queue = {} }

-- A blocking call, made cooperative: park the current coroutine until the
-- scheduler has the answer.
function sched.call(service, request)
  return coroutine.yield(service, request)
end

-- The "network": what each service answers.
local services = {
  config = function(req) return { workers = 4, greeting = "hello" } end,
}

-- Run one task to completion, answering each call it yields.
function sched.run(name, fn)
  local co = coroutine.create(fn)
  local ok, service, request = coroutine.resume(co)
  while true do
    if not ok then
      -- A task failed: report it the way the framework does, with its stack.
      error(name .. " failed: " .. tostring(service) .. "\n" .. debug.traceback(co), 0)
    end
    if coroutine.status(co) == "dead" then return service end
    ok, service, request = coroutine.resume(co, services[service](request))
  end
end

-- ---- the module, as it would sit in settings.lua --------------------------

package.preload["settings"] = function()
  local M = {}
  -- Load the settings from the config service when the module is loaded.
  local cfg = sched.call("config", "get")  -- BUG: yields from the module's main chunk, i.e. from inside require()
  M.workers, M.greeting = cfg.workers, cfg.greeting
  return M
end

-- ---- a request handler, run as a task ---------------------------------------

local reply = sched.run("request 1", function()
  local settings = require("settings")   -- require runs the chunk above through a C frame
  return settings.greeting .. " from " .. settings.workers .. " workers"
end)
io.write(reply, "\n")
io.flush()
return 0
