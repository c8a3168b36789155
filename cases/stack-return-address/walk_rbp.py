"""walk_rbp.py -- gdb command `walk-rbp`: recover the call chain of a smashed stack.

When an overrun has written over the saved rbp and the return address, gdb's `bt`
unwinds through garbage and prints nothing but `?? ()` frames. But the overrun only
destroys the frames it reached; the frames further up the stack (higher addresses,
the callers) are intact, and with -fno-omit-frame-pointer each of them starts with a
two-word record that `push rbp; mov rbp, rsp` left behind:

    [X]     saved rbp of the caller   -> points to the caller's record, higher up
    [X+8]   return address            -> an instruction right after a `call`

These records form a linked list (the "rbp chain"). This command does by machine
what the seed article does by hand with `x/256xg $rsp`: scan the words above the
crashing rsp for the first record that starts a plausible chain, follow the chain,
and name each return address with `info symbol`. It prints the result in gdb's own
backtrace format, so the crashcourse gdb lens reads it like any backtrace, plus
`CRASHCOURSE_METRIC` lines for the expectations.

Usage (the case's [gdb] commands do this against the core):
    (gdb) source walk_rbp.py
    (gdb) walk-rbp            # optional argument: how many words to scan (default 8192)
"""

import re

import gdb

WORD = 8
MAX_FRAME = 1 << 20  # a saved rbp more than 1 MiB above its slot is not a frame link
MIN_CHAIN = 3  # links needed before a candidate is believed (rules out stale words)


def read_word(addr):
    try:
        return int.from_bytes(bytes(gdb.selected_inferior().read_memory(addr, WORD)), "little")
    except gdb.MemoryError:
        return None


def code_symbol(pc):
    """'func' if pc lies inside a function's code (ours or a shared library's), else None."""
    if pc < 0x1000:
        return None
    block = None
    try:
        block = gdb.block_for_pc(pc)
    except RuntimeError:
        pass
    while block is not None and block.function is None:
        block = block.superblock
    if block is not None:
        return block.function.name
    try:
        text = gdb.execute(f"info symbol {pc:#x}", to_string=True)
    except gdb.error:
        return None
    m = re.match(r"(\S+)(?: \+ \d+)? in section \.text", text)
    return m.group(1) if m else None


def is_link(x):
    """(saved_rbp, return_address, function) if the record at x looks like a frame record."""
    saved, ret = read_word(x), read_word(x + WORD)
    if saved is None or ret is None:
        return None
    func = code_symbol(ret)
    if func is None:
        return None
    return saved, ret, func


def follow(x):
    """The chain of records starting at x: [(x, saved, ret, func), ...]."""
    chain = []
    while True:
        link = is_link(x)
        if link is None:
            break
        saved, ret, func = link
        chain.append((x, saved, ret, func))
        if not (x < saved <= x + MAX_FRAME and saved % 16 == 0):
            break  # the last record: its saved rbp belongs to code built without frame pointers
        x = saved
    return chain


class WalkRbp(gdb.Command):
    """Recover the caller chain above a smashed stack by following saved rbp links."""

    def __init__(self):
        super().__init__("walk-rbp", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        words = int(arg) if arg.strip() else 8192
        frame = gdb.newest_frame()
        pc = int(frame.pc())
        rsp = int(frame.read_register("rsp"))
        print(f"walk-rbp: pc={pc:#x} rsp={rsp:#x}; scanning {words} words above rsp for the rbp chain")
        for i in range(words):
            x = rsp + i * WORD
            if x % 16:
                continue  # records sit where `push rbp` put them: 16-byte aligned
            chain = follow(x)
            if len(chain) >= MIN_CHAIN:
                break
        else:
            print("walk-rbp: no intact rbp chain found")
            print("CRASHCOURSE_METRIC rbp_chain_links=0")
            return
        print(f"walk-rbp: first intact record at {x:#x}, {x - rsp} bytes above rsp "
              f"(everything below it was overwritten)")
        print("walk-rbp: recovered backtrace (#0 is where the CPU was sent; "
              "#1.. are return addresses found on the rbp chain)")
        print(f"#0  {pc:#018x} in {code_symbol(pc) or '??'} ()")
        for n, (slot, saved, ret, func) in enumerate(chain, 1):
            sal = gdb.find_pc_line(ret - 1)  # ret points after the call; ret-1 is the call's line
            where = f" at {sal.symtab.filename.rsplit('/', 1)[-1]}:{sal.line}" if sal.symtab else ""
            print(f"#{n:<2} {ret:#018x} in {func} (){where}  [record at {slot:#x}, saved rbp {saved:#x}]")
        print(f"CRASHCOURSE_METRIC rbp_chain_links={len(chain)}")
        print(f"CRASHCOURSE_METRIC rbp_chain_offset={x - rsp}")


WalkRbp()
