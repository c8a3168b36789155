/* handler-returns-refault / fixed.c -- the handler never returns to the faulting
 * instruction: it jumps back to a recovery point set before the risky call.
 *
 * WHAT IT SHOWS
 *   Returning from a handler for a CPU-raised signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL)
 *   means "retry the instruction", which faults again. A handler may end that loop in
 *   three ways: exit (the article's exit(1): the crash becomes a plain exit status),
 *   re-raise with SIG_DFL (die with the signal and a core: case crash-handler-backtrace),
 *   or -- shown here, so that the twin finishes -- siglongjmp() to a point saved with
 *   sigsetjmp() before the call that may fault. sigsetjmp(env, 1) also saves the signal
 *   mask, so the jump unblocks SIGSEGV again (a plain longjmp would leave it blocked and
 *   the next fault would kill the process outright).
 *   Only do this around code that holds no locks and leaves no half-updated state when
 *   it faults (here: one read through a pointer). The missing key is then reported and
 *   a default is used; the program exits 0.
 *
 * HOW IT RUNS
 *   crashcourse run handler-returns-refault --variant fixed
 *
 * WHAT MUST APPEAR
 *   plain, gdb : "caught SIGSEGV" once, "lookup faulted; using the default 30", exit 0
 */
#include <execinfo.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static sigjmp_buf recover;

static void say(const char *s) { write(STDERR_FILENO, s, strlen(s)); }

static void on_crash(int sig)
{
    void *pcs[64];
    say("caught SIGSEGV, backtrace:\n");
    backtrace_symbols_fd(pcs, backtrace(pcs, 64), STDERR_FILENO);
    siglongjmp(recover, sig);                       // FIX: never return to the faulting instruction
}

struct entry { const char *key; int value; };

int lookup(struct entry *e)
{
    return e->value;
}

struct entry *find(const char *key)
{
    (void)key;
    return NULL;
}

int cc_main(void)
{
    void *warm[1];
    backtrace(warm, 1);
    signal(SIGSEGV, on_crash);
    int timeout;
    if (sigsetjmp(recover, 1) == 0) {               // FIX: the recovery point (and the signal mask)
        timeout = lookup(find("timeout"));
    } else {
        timeout = 30;
        printf("lookup faulted; using the default %d\n", timeout);
    }
    signal(SIGSEGV, SIG_DFL);
    printf("timeout = %d\n", timeout);
    return 0;
}
