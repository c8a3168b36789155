# signal-handler-logging (fixed twin): the handler records; the main loop logs.
#
# WHAT IT SHOWS
#   patroni/patroni PR 3413 ("Fix signal handler reentrancy deadlock caused by logging"):
#   Patroni logs through a QueueHandler. Its HA thread was inside logger.info(), holding the
#   queue's lock, when SIGCHLD arrived; Python ran the SIGCHLD handler in that same thread, at
#   the next bytecode, and the handler called logger.info("Reaped pid=%s, ...") too. It waited
#   for the queue's lock, held by the code it had interrupted, which could only continue once
#   the handler returned. A deadlock in one thread; every other thread that logged piled up.
# HOW IT RUNS
#   crashcourse run signal-handler-logging          # lens plain, forced
#   crashcourse run signal-handler-logging --natural --repeat 50 --variant bug
#   python3 repro.py                                # CRASHCOURSE_NATURAL=1 drops the forcing
#   Forced: SIGCHLD is blocked until the child has exited and the queue holds its lock, then
#   unblocked there (as if the child exited at that instant). Natural: 300 short-lived children exit while the main thread logs.
# WHAT MUST APPEAR
#   plain: a hang with ~0 CPU (deadlock). faulthandler shows ONE thread, read bottom up:
#          log_forever -> logger.info -> ... -> Queue.put (the lock is held) -> the signal
#          handler on_sigchld -> logger.info -> ... -> Queue.put, waiting for the same lock.
# The fix: the line marked `# FIX:`: list.append takes no lock that Python code can hold.
import logging
import logging.handlers
import os
import queue
import signal
import subprocess

NATURAL = os.environ.get("CRASHCOURSE_NATURAL") == "1"
forcing: list = []  # each forcing step, as it runs: reported at exit (CRASHCOURSE_METRIC forcing_reached)

class LogQueue(queue.Queue):
    """Patroni's log queue. The forcing hook: SIGCHLD, held back (blocked) until now, is let in
    while put() holds the queue's lock, as if the child had exited at that very instant."""

    def _put(self, item) -> None:  # called by put() with self.mutex held
        super()._put(item)
        if not NATURAL and "serving" in item.getMessage():
            forcing.append(signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD}))  # handler runs right here


log_queue = LogQueue()
logger = logging.getLogger("patroni")
logger.addHandler(logging.handlers.QueueHandler(log_queue))
logger.setLevel(logging.INFO)
reaped: list[tuple[int, int]] = []


def on_sigchld(signum, frame) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        reaped.append((pid, status))  # FIX: no lock in the handler; logged later by the main loop


def drain() -> None:
    while not log_queue.empty():
        print(log_queue.get_nowait().getMessage())


if __name__ == "__main__":
    signal.signal(signal.SIGCHLD, on_sigchld)
    children = 300 if NATURAL else 1
    for i in range(children):
        if not NATURAL:  # forcing: keep SIGCHLD pending until the queue holds its lock
            forcing.append(signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD}))
        child = subprocess.Popen(["true"])  # a postgres helper process; it exits at once: SIGCHLD
        if not NATURAL:
            forcing.append(os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT))  # it has exited (not reaped)
        for _ in range(20 if NATURAL else 1):
            logger.info("serving: Lock owner: %s; I am %s", "node1", "node1")  # the HA loop logs
    for pid, status in reaped:  # children the handler only recorded (the fixed twin's way)
        logger.info("Reaped pid=%s, exit status=%s", pid, status)
    drain()
    print("done")
    print(f"CRASHCOURSE_METRIC forcing_reached={len(forcing)}")
