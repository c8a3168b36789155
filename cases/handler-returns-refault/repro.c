/* handler-returns-refault / repro.c -- a SIGSEGV handler that just returns: the
 * faulting instruction runs again, faults again, forever.
 *
 * WHAT IT SHOWS
 *   The seed article's question 1: "what if the handler does not call exit()?"
 *   For a signal the CPU raised (SIGSEGV, SIGBUS, SIGFPE, SIGILL) the kernel saves the
 *   registers AT the faulting instruction. When the handler returns, sigreturn restores
 *   them and the CPU executes the same `mov` through the same NULL pointer: a new
 *   SIGSEGV, the handler again, and so on. No crash, no core, no exit: the process
 *   spins at 100% CPU (mostly in the kernel, delivering signals), and a supervisor sees
 *   a hung service instead of a crashed one. The handler below is otherwise the good one
 *   (async-signal-safe); it prints the trace only the first time and then counts.
 *
 * HOW IT RUNS
 *   [run] timeout_s = 2: the harness watchdog stops it, measures the CPU it burned
 *   (=> kind "livelock") and takes its stacks with gdb -p before killing it.
 *   crashcourse run handler-returns-refault
 *
 * WHAT MUST APPEAR
 *   plain, gdb : timed out, kind livelock; stderr "caught SIGSEGV" once, then
 *                "handler entered 10000 times"; the stack gdb -p captures is the
 *                faulting line being retried: lookup (e=0x0) <- cc_main.
 */
#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t entries;

static void say(const char *s) { write(STDERR_FILENO, s, strlen(s)); }

static void on_crash(int sig)
{
    (void)sig;
    entries++;
    if (entries == 1) {
        void *pcs[64];
        say("caught SIGSEGV, backtrace:\n");
        backtrace_symbols_fd(pcs, backtrace(pcs, 64), STDERR_FILENO);
    }
    /* How often we got here, at 10, 100, 1000, 10000 entries (each is one new fault). */
    if (entries == 10) say("handler entered 10 times\n");
    if (entries == 100) say("handler entered 100 times\n");
    if (entries == 1000) say("handler entered 1000 times\n");
    if (entries == 10000) say("handler entered 10000 times\n");
}                                                   // BUG: returns: back to the faulting instruction

struct entry { const char *key; int value; };

int lookup(struct entry *e)
{
    return e->value;                                /* BUG: NULL: faults, and faults again after every return */
}

struct entry *find(const char *key)
{
    (void)key;
    return NULL;
}

int cc_main(void)
{
    void *warm[1];
    backtrace(warm, 1);            /* load libgcc_s now, not inside the handler */
    signal(SIGSEGV, on_crash);
    return lookup(find("timeout"));
}
