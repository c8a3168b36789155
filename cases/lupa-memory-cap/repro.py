"""lupa-memory-cap / repro.py -- a sandboxed Lua script outgrows its memory cap.

WHAT IT SHOWS
  A Python host runs user Lua code in a lupa LuaRuntime with a memory cap
  (max_memory=, lupa 2.0+), the way wikis and bots sandbox user scripts. The
  script memoises every rendered line in a table that is never trimmed: one
  entry per distinct input, forever. Under the cap this does not crash the
  process: LuaJIT's allocation fails inside the script, the Lua error unwinds
  to the host, and lupa raises lupa.luajit21.LuaMemoryError, which is both a
  LuaError and a Python MemoryError. The host does not expect it.

HOW IT RUNS
  A Python child runs this file (lupa's LuaJIT 2.1, GC64).
  crashcourse run lupa-memory-cap

WHAT MUST APPEAR
  plain : exit 1, an uncaught lupa.luajit21.LuaMemoryError raised from
          LuaRuntime.execute in render_all; stdout shows how many requests were
          served before the cap was hit ("served 2xxxx requests").
"""

from lupa import luajit21

CAP = 4 << 20  # 4 MiB for the user's code (lupa does not count the runtime's own ~20 KiB)

# The user's module, as a wiki or a bot would load it. render() is called once
# per request with that request's data.
USER_SCRIPT = r"""
local cache = {}   -- memo: input -> rendered line
function render(user, n)
  local key = user .. "#" .. n
  local line = cache[key]
  if not line then
    line = string.format("<li>%s viewed page %d</li>", user, n)
    cache[key] = line   -- BUG: one entry per distinct request, never evicted
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
