# executor-self-wait: a task waits for another task of its own one-worker executor.
#
# WHAT IT SHOWS
#   langchain-ai/langchain PR 10638 ("Share ThreadPoolExecutor for entire computation graph"):
#   with one executor shared by a whole call graph and max_concurrency=1, a runnable that ran
#   in the executor submitted its nested call to the same executor and waited for the result.
#   The only worker thread is the one waiting: the nested task sits in the queue forever.
#   A reviewer's three-line repro "seems to be dead locking on my machine".
# HOW IT RUNS
#   crashcourse run executor-self-wait         # lens plain
#   python3 repro.py
#   Nothing is forced: with one worker the order is certain.
# WHAT MUST APPEAR
#   plain: a hang with ~0 CPU (deadlock). The worker thread ("ThreadPoolExecutor-0_0") waits
#          in outer_call on future.result(); the main thread waits in its own .result(); the
#          nested task never started, so it has no stack at all.
# The bug: the line marked `# BUG:`; fixed.py runs the nested call in the caller's thread.
from concurrent.futures import ThreadPoolExecutor

executor = ThreadPoolExecutor(max_workers=1)  # BUG: one worker (max_concurrency=1), shared by nested calls


def inner_call(x: int) -> int:
    return x + 1


def outer_call(x: int) -> int:
    # A step of the chain, running on the executor's only worker, runs its sub-step.
    return executor.submit(inner_call, x).result()  # BUG: queued behind the task that waits for it


if __name__ == "__main__":
    print("submitting outer_call to a 1-worker executor", flush=True)
    print("result:", executor.submit(outer_call, 1).result())
    executor.shutdown()
