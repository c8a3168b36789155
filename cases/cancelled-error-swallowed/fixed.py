# cancelled-error-swallowed (fixed twin): clean up, then let the cancellation propagate.
#
# WHAT IT SHOWS
#   IBM/mcp-context-forge PR 2941 ("re-raise asyncio.CancelledError after cleanup"):
#   transports, caches and services caught CancelledError and swallowed it (`pass`, or
#   `continue`), "preventing proper task cancellation propagation which caused hanging tasks
#   and zombie connections during shutdown". task.cancel() only asks: it throws CancelledError
#   into the coroutine at its current await. A loop that catches it and carries on has
#   refused, and whoever awaits the task after cancelling it waits forever.
# HOW IT RUNS
#   crashcourse run cancelled-error-swallowed      # lens plain
#   python3 repro.py
#   Nothing is forced: the cancellation always lands in the listener's await.
# WHAT MUST APPEAR
#   plain: a hang with ~0 CPU (deadlock). faulthandler: the loop thread idle in select(); the
#          task dump: main waiting on the listener task, the listener back in next_message.
# The fix: the line marked `# FIX:`.
import asyncio


async def next_message(inbox: asyncio.Queue) -> str:
    return await inbox.get()  # a pub/sub subscription: waits for the next message


async def rpc_listener(inbox: asyncio.Queue) -> None:
    while True:
        try:
            message = await next_message(inbox)
            print(f"listener: handled {message}")
        except asyncio.CancelledError:
            print("listener: cancelled, unsubscribing", flush=True)
            raise  # FIX: cleanup done, the task ends as cancelled


async def main() -> None:
    inbox: asyncio.Queue = asyncio.Queue()
    listener = asyncio.create_task(rpc_listener(inbox), name="rpc_listener")
    await inbox.put("tools/list")
    await asyncio.sleep(0.05)
    print("shutdown: cancelling the listener", flush=True)
    listener.cancel()
    try:
        await listener  # waits for the task to finish its cancellation
    except asyncio.CancelledError:
        pass
    print("shutdown: complete")


if __name__ == "__main__":
    asyncio.run(main())
