# mp-queue-join-before-drain: join() a process before reading what it put on a Queue.
#
# WHAT IT SHOWS
#   n8n-io/n8n PR 19084 ("Resolve Python multiprocessing queue deadlock"): n8n's native Python
#   runner went unresponsive once a result reached 64 KB. The child put its result on a
#   multiprocessing.Queue; the parent called process.join() and only then queue.get(). A
#   Queue's put() hands the object to a feeder thread that writes it into a pipe; the pipe
#   holds 64 KiB; a process does not exit until its feeder has flushed everything. The child
#   waits for the parent to read, the parent waits for the child to exit: the deadlock the
#   multiprocessing docs warn about under "Joining processes that use queues".
# HOW IT RUNS
#   crashcourse run mp-queue-join-before-drain       # lens plain
#   python3 repro.py
#   Nothing is forced: a result larger than the pipe's buffer blocks every time.
# WHAT MUST APPEAR
#   plain: a hang with ~0 CPU (deadlock); the parent's main thread waits in Process.join()
#          (popen_fork wait -> os.waitpid) on the line marked BUG.
# The bug: the line marked `# BUG:`; fixed.py reads the queue before joining.
import multiprocessing as mp

RESULT_BYTES = 256 * 1024  # the code's output: bigger than the 64 KiB pipe buffer


def run_code(queue) -> None:
    queue.put("x" * RESULT_BYTES)  # BUG: the other side: exit waits for the feeder to write it all
    # The child's last act: exit, which waits for the feeder to flush the whole result.


if __name__ == "__main__":
    mp.set_start_method("fork")  # the Linux default in Python 3.11 (and what n8n's runner used)
    queue = mp.Queue()
    proc = mp.Process(target=run_code, args=(queue,))
    proc.start()
    print("runner started; waiting for it to finish", flush=True)
    proc.join()  # BUG: waits for the child, which waits for us to read the pipe
    result = queue.get()
    print(f"got {len(result)} bytes; exit code {proc.exitcode}")
