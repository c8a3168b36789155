# coroutine-never-awaited (fixed twin): the coroutine is awaited.
#
# WHAT IT SHOWS
#   aio-libs/aiobotocore issue 682: endpoint.py line 293 built the response for the
#   "after-call" event hooks with `convert_to_response_dict(http_response, operation_model)`,
#   an async function, without `await`. Calling an async function only creates a coroutine
#   object; its body never runs. The hooks got a coroutine instead of a dict, and Python
#   printed "RuntimeWarning: coroutine 'convert_to_response_dict' was never awaited" when the
#   object was thrown away. "Assuming it is just a typo. Warning goes away when I added await."
# HOW IT RUNS
#   crashcourse run coroutine-never-awaited       # lenses plain and asyncio-debug
#   python3 repro.py                              # python3 -X dev repro.py: where it was created
#   Nothing is forced: the coroutine object is dropped (and the warning printed) at once.
# WHAT MUST APPEAR
#   plain:         exit 0; the RuntimeWarning naming the coroutine and the line (kind
#                  never-awaited); the hook saw a coroutine, not a dict.
#   asyncio-debug: the same warning plus "Coroutine created at (most recent call last)": the
#                  stack that called it, _send -> make_api_call -> main.
# The fix: the line marked `# FIX:`.
import asyncio


async def convert_to_response_dict(http_response: dict, operation: str) -> dict:
    body = await http_response["read"]()
    return {"status_code": http_response["status"], "body": body, "operation": operation}


async def read_body() -> bytes:
    return b'{"ETag": "abc"}'


def after_call_hook(response_dict) -> None:
    # A user's event hook (botocore's "after-call" event): log the status code.
    if isinstance(response_dict, dict):
        print(f"hook: {response_dict['operation']} -> {response_dict['status_code']}")
    else:
        print(f"hook: got {type(response_dict).__name__}, not a response")


async def _send(operation: str) -> None:
    http_response = {"status": 200, "read": read_body}
    kwargs_to_emit = {"response_dict": await convert_to_response_dict(http_response, operation)}  # FIX: await
    after_call_hook(**kwargs_to_emit)


async def make_api_call(operation: str) -> None:
    await _send(operation)


async def main() -> None:
    await make_api_call("GetObject")
    print("done")


if __name__ == "__main__":
    asyncio.run(main())
