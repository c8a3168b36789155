"""lupa-memory-cap / fixed.py -- the twin: the memo is bounded, the script fits its cap.

WHAT IT SHOWS
  The same host, the same cap and the same 200,000 distinct requests as
  repro.py. The memo keeps at most MAX_ENTRIES lines: when it is full it is
  dropped and started again (the simplest bounded cache; an LRU would do too).
  The table's size no longer grows with the traffic, old lines become garbage
  that the collector frees, and the script stays far below its cap.

HOW IT RUNS
  A Python child runs this file (lupa's LuaJIT 2.1, GC64).
  crashcourse run lupa-memory-cap --variant fixed

WHAT MUST APPEAR
  plain : exit 0; stdout "served 200000 requests" and "all requests served".
"""

from lupa import luajit21

CAP = 4 << 20  # 4 MiB for the user's code (lupa does not count the runtime's own ~20 KiB)

# The user's module, as a wiki or a bot would load it. render() is called once
# per request with that request's data.
USER_SCRIPT = r"""
local MAX_ENTRIES = 1000
local cache, entries = {}, 0   -- memo: input -> rendered line, at most MAX_ENTRIES
function render(user, n)
  local key = user .. "#" .. n
  local line = cache[key]
  if not line then
    line = string.format("<li>%s viewed page %d</li>", user, n)
    if entries >= MAX_ENTRIES then cache, entries = {}, 0 end  -- FIX: bounded: start over when full
    cache[key] = line
    entries = entries + 1
  end
  return line
end
"""


def render_all(lua, requests):
    render = lua.globals().render
    served = 0
    try:
        for user, n in requests:
            render(user, n)
            served += 1
    finally:
        print(f"served {served} requests", flush=True)
    return served


def main():
    lua = luajit21.LuaRuntime(max_memory=CAP)
    lua.execute(USER_SCRIPT)
    # Every request is distinct (user x page), like real traffic: the memo never hits.
    requests = ((f"user{i % 97}", i) for i in range(200_000))
    render_all(lua, requests)
    print("all requests served")


if __name__ == "__main__":
    main()
