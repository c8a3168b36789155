-- luajit-yield-across-require / fixed.lua -- the twin: load the module, then make the call.
--
-- WHAT IT SHOWS
--   The same scheduler and the same config service as repro.lua. The module's
--   main chunk only defines functions; the RPC moves into settings.load(),
--   which the task calls from its own Lua code after require() has returned.
--   There is no C frame between the yield and the coroutine any more, so the
--   task parks and resumes as intended.
--
-- HOW IT RUNS
--   crashcourse run luajit-yield-across-require --variant fixed
--
-- WHAT MUST APPEAR
--   plain : exit 0, stdout "hello from 4 workers".

-- ---- a tiny cooperative scheduler (skynet / OpenResty stand-in) -----------

local sched = { queue = {} }

function sched.call(service, request)
  return coroutine.yield(service, request)
end

local services = {
  config = function(req) return { workers = 4, greeting = "hello" } end,
}

function sched.run(name, fn)
  local co = coroutine.create(fn)
  local ok, service, request = coroutine.resume(co)
  while true do
    if not ok then
      error(name .. " failed: " .. tostring(service) .. "\n" .. debug.traceback(co), 0)
    end
    if coroutine.status(co) == "dead" then return service end
    ok, service, request = coroutine.resume(co, services[service](request))
  end
end

-- ---- the module, as it would sit in settings.lua --------------------------

package.preload["settings"] = function()
  local M = {}
  -- Loading the module does no I/O; the caller asks for the settings.
  function M.load()
    local cfg = sched.call("config", "get")  -- FIX: yields from the task's own call, not from require()
    M.workers, M.greeting = cfg.workers, cfg.greeting
    return M
  end
  return M
end

-- ---- a request handler, run as a task ---------------------------------------

local reply = sched.run("request 1", function()
  local settings = require("settings").load()
  return settings.greeting .. " from " .. settings.workers .. " workers"
end)
io.write(reply, "\n")
io.flush()
return 0
