# abba-lock-order (fixed twin): every thread takes the locks in one global order.
#
# WHAT IT SHOWS
#   talkpython/async-techniques-python-course PR 12: safe_bank_fine_grained.py, the course's
#   "fine-grained locking" bank, deadlocked for a student: do_transfer() locks the two
#   accounts it touches, validate_bank() locks every account, and the two could take the
#   same pair of locks in opposite orders. Thread 1 holds A and waits for B; thread 2 holds
#   B and waits for A. Neither can ever go on: the classic ABBA deadlock.
# HOW IT RUNS
#   crashcourse run abba-lock-order            # lens plain: one round, forced
#   crashcourse run abba-lock-order --natural --repeat 200    # no forcing, 3000 rounds: hit rate
#   python3 repro.py                           # directly; CRASHCOURSE_NATURAL=1 drops the forcing
#   Forced: two events make both threads hold their first lock before either takes its
#   second. Natural: the same code with no events, 3000 rounds per run.
# WHAT MUST APPEAR
#   plain: a hang with ~0 CPU (deadlock); the watchdog's dump shows both threads: one in
#          do_transfer on its second `with`, the other in validate_bank on its second
#          acquire, each waiting for the lock the other holds.
# The fix: the line marked `# FIX:`: both functions lock by ascending id. The forcing then
# waits its 1 s out once (only one thread can hold a first lock) and both threads finish.
import os
import threading

NATURAL = os.environ.get("CRASHCOURSE_NATURAL") == "1"
ROUNDS = 3000 if NATURAL else 1
holding = {"transfer": threading.Event(), "validate": threading.Event()}
forcing: list = []  # each forcing step, as it runs: reported at exit (CRASHCOURSE_METRIC forcing_reached)

class Account:
    def __init__(self, ident: int, balance: int) -> None:
        self.id, self.balance, self.lock = ident, balance, threading.Lock()


def window(me: str, other: str) -> None:
    """Forcing: I hold my first lock; wait until the other thread holds its first lock too.
    (Up to 1 s: where the lock order is right, the other thread cannot get there.)"""
    if not NATURAL and not holding[me].is_set():  # once per thread
        holding[me].set()
        forcing.append(holding[other].wait(timeout=1.0))


def do_transfer(src: Account, dst: Account, amount: int) -> None:
    first, second = sorted((src, dst), key=lambda a: a.id)  # FIX: one global order: lower id first
    with first.lock:
        window("transfer", "validate")
        with second.lock:
            src.balance -= amount
            dst.balance += amount


def validate_bank(accounts: list[Account]) -> int:
    held = []
    for acc in accounts:
        acc.lock.acquire()  # the same order as do_transfer: by id
        held.append(acc)
        if len(held) == 1:
            window("validate", "transfer")
    total = sum(a.balance for a in accounts)
    for acc in held:
        acc.lock.release()
    return total


def transfers(accounts):
    for _ in range(ROUNDS):
        do_transfer(accounts[1], accounts[0], 1)
        do_transfer(accounts[0], accounts[1], 1)


def audits(accounts):
    for _ in range(ROUNDS):
        assert validate_bank(accounts) == 200


if __name__ == "__main__":
    accounts = [Account(0, 100), Account(1, 100)]
    threads = [threading.Thread(target=transfers, args=(accounts,), name="transfer"),
               threading.Thread(target=audits, args=(accounts,), name="validate")]
    for t in threads:
        t.start()
    print("started a transfer thread and an audit thread", flush=True)
    for t in threads:
        t.join()
    print("done: total", validate_bank(accounts))
    print(f"CRASHCOURSE_METRIC forcing_reached={len(forcing)}")
