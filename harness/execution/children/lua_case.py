"""Child: run a Lua case on LuaJIT (lupa.luajit21). argv: <lua file> <allocator: luajit|libc>

With the "libc" allocator the runtime gets max_memory, which makes lupa install its own lua_Alloc
on top of realloc/free: LuaJIT's heap then comes from the C library, where AddressSanitizer sees it.
LuaJIT's default allocator is its own mmap arena, invisible to ASan.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's dir out
import hangdump  # noqa: E402

hangdump.install()
from lupa import luajit21  # noqa: E402

lua_file, allocator = sys.argv[1], sys.argv[2]
kwargs = {"max_memory": 512 << 20} if allocator == "libc" else {}
runtime = luajit21.LuaRuntime(**kwargs)
with open(lua_file, encoding="utf-8") as f:
    code = f.read()
sys.stdout.flush()
result = runtime.execute(code)
sys.exit(int(result) if isinstance(result, (int, float)) else 0)
