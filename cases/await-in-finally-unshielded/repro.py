# await-in-finally-unshielded: cleanup that awaits, in a task that is being cancelled.
#
# WHAT IT SHOWS
#   agronholm/anyio issue 366 ("`await` in a `finally` block + cancellation of task group"):
#   a task's finally block awaited its cleanup; when the task group was cancelled, "the
#   `await` in the finally block of that task doesn't execute": the first await of the
#   cleanup raised the cancellation again, and the rest of the finally block was skipped.
#   A cancelled scope stays cancelled: every await inside it (not only the one that was
#   interrupted) raises, until the code leaves the scope. Here: a connection handler that
#   says goodbye to its peer when the server shuts down.
# HOW IT RUNS
#   crashcourse run await-in-finally-unshielded   # lens plain, profiles asyncio and trio (anyio)
#   python3 repro.py trio
#   Nothing is forced: cancelling the task group always cancels the handler's sleep.
# WHAT MUST APPEAR
#   plain: exit 0, no error anywhere; stdout has "closing connection 1" but never "goodbye
#          sent": CRASHCOURSE_METRIC goodbyes_sent=0 (the fixed twin: 1). On both backends.
# The bug: the line marked `# BUG:`; fixed.py shields the cleanup from the cancellation.
import sys

import anyio

BACKEND = sys.argv[1] if len(sys.argv) > 1 else "asyncio"
goodbyes_sent = 0


async def send_goodbye(conn_id: int) -> None:
    global goodbyes_sent
    await anyio.sleep(0.01)  # a network write: flush "BYE" and wait for the peer's ack
    goodbyes_sent += 1
    print(f"goodbye sent on connection {conn_id}")


async def handle_connection(conn_id: int, started: anyio.Event) -> None:
    try:
        started.set()
        await anyio.sleep(10)  # serving the client
    finally:
        print(f"closing connection {conn_id}", flush=True)
        await send_goodbye(conn_id)  # BUG: awaits inside a cancelled scope: raises at once
        print(f"connection {conn_id} closed cleanly")


async def main() -> None:
    async with anyio.create_task_group() as tg:
        started = anyio.Event()
        tg.start_soon(handle_connection, 1, started)
        await started.wait()
        print("server: shutting down", flush=True)
        tg.cancel_scope.cancel()
    print(f"CRASHCOURSE_METRIC goodbyes_sent={goodbyes_sent}")


if __name__ == "__main__":
    anyio.run(main, backend=BACKEND)
