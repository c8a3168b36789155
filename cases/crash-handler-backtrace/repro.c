/* crash-handler-backtrace / repro.c -- a SIGSEGV handler that logs a backtrace, then
 * lets the crash happen anyway, so the core is still written.
 *
 * WHAT IT SHOWS
 *   The seed article's production pattern: cores are often disabled on servers
 *   (ulimit -c 0), so the program installs its own SIGSEGV handler that prints the
 *   call stack with glibc's backtrace(). Done right, it is the article's "trick":
 *     1. print the trace with async-signal-safe calls only: backtrace() (preloaded,
 *        see below) and backtrace_symbols_fd(), which write()s straight to a file
 *        descriptor. NOT backtrace_symbols() + printf() + free() as in the article:
 *        backtrace_symbols() mallocs, and malloc is not safe inside a handler (see
 *        the case signal-handler-deadlock);
 *     2. restore the default action and raise the signal again:
 *          signal(sig, SIG_DFL); raise(sig);
 *        The raised SIGSEGV is blocked while the handler runs, so it stays pending;
 *        when the handler returns the kernel delivers it with the default action:
 *        the process dies of SIGSEGV and, where cores are enabled, dumps core with the
 *        registers of the ORIGINAL fault. The parent sees "killed by SIGSEGV", not a
 *        tidy exit(1) that hides the crash from supervisors and core collectors.
 *   The bug being logged is a plain null dereference in lookup().
 *
 * HOW IT RUNS
 *   built with -rdynamic (ldflags) so backtrace_symbols_fd() can name our functions.
 *   crashcourse run crash-handler-backtrace              # plain: trace on stderr + SIGSEGV
 *   crashcourse run crash-handler-backtrace --lens gdb   # and the core's bt: lookup <- cc_main
 *
 * WHAT MUST APPEAR
 *   plain : "caught SIGSEGV", backtrace lines naming lookup and cc_main, then SIGSEGV
 *   gdb   : the same, plus a core whose bt starts in lookup (the fault), not in the handler
 */
#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void on_crash(int sig)
{
    static const char head[] = "caught SIGSEGV, backtrace:\n";
    void *pcs[64];
    write(STDERR_FILENO, head, sizeof head - 1);
    int n = backtrace(pcs, 64);
    backtrace_symbols_fd(pcs, n, STDERR_FILENO);   /* write(2) only: no malloc, no stdio */
    signal(sig, SIG_DFL);   /* the article's trick: default action back ...            */
    raise(sig);             /* ... and re-raise: pending until we return, then core     */
}

struct entry { const char *key; int value; };

int lookup(struct entry *e)
{
    return e->value;                                // BUG: e is NULL when the key is missing
}

struct entry *find(const char *key)
{
    (void)key;
    return NULL;                                    /* "not found" */
}

int cc_main(void)
{
    /* backtrace() loads libgcc_s (dlopen + malloc) on its first call; make that call
     * now, outside any handler, so the call inside on_crash is async-signal-safe. */
    void *warm[1];
    backtrace(warm, 1);
    signal(SIGSEGV, on_crash);

    struct entry *e = find("timeout");
    return lookup(e);
}
