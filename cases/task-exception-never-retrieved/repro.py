# task-exception-never-retrieved: a fire-and-forget task fails and nobody hears it.
#
# WHAT IT SHOWS
#   chelaxian/tg-ytdlp-bot issue 462: 48 "Task exception was never retrieved" in a day's log
#   of a Telegram download bot. Messages were sent with bare `loop.create_task(...)`; when
#   sending failed (Errno 122, disk quota exceeded), the exception stayed in the Task object
#   until the task was garbage collected, when asyncio logged it, with a truncated stack.
#   The user got no message and the bot carried on as if it had been sent.
# HOW IT RUNS
#   crashcourse run task-exception-never-retrieved     # lenses plain and asyncio-debug
#   python3 repro.py
#   Nothing is forced: the task fails at once, and is freed as soon as it is done.
# WHAT MUST APPEAR
#   plain:         exit 0; "Task exception was never retrieved" with the OSError's traceback
#                  (kind exception-never-retrieved, frames send_message <- safe_send).
#   asyncio-debug: the same, plus "source_traceback: Object created at": where the task was
#                  created (handle_download, line marked BUG).
# The bug: the line marked `# BUG:`; fixed.py adds a done callback that retrieves and logs it.
import asyncio
import errno


async def send_message(chat_id: int, text: str) -> None:
    await asyncio.sleep(0)
    raise OSError(errno.EDQUOT, "Disk quota exceeded")  # writing the temp file for the upload


async def safe_send(chat_id: int, text: str) -> None:
    await send_message(chat_id, text)


def on_done(task: asyncio.Task) -> None:
    pass  # the fixed twin retrieves and logs the exception here


async def handle_download(chat_id: int) -> None:
    task = asyncio.get_running_loop().create_task(safe_send(chat_id, "your video is ready"))  # BUG: nobody awaits it
    task.add_done_callback(on_done)


async def main() -> None:
    await handle_download(42)
    await asyncio.sleep(0.1)  # the bot goes on with other chats
    print("bot: handled chat 42")


if __name__ == "__main__":
    asyncio.run(main())
