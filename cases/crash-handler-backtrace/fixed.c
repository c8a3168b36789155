/* crash-handler-backtrace / fixed.c -- the null dereference fixed; the handler stays.
 *
 * WHAT IT SHOWS
 *   The crash handler was never the bug: it is good practice and stays installed.
 *   The bug it reported was lookup() dereferencing the NULL that find() returns for a
 *   missing key. The twin checks for "not found" and uses a default; the handler never
 *   runs and the program exits 0.
 *
 * HOW IT RUNS
 *   crashcourse run crash-handler-backtrace --variant fixed
 *
 * WHAT MUST APPEAR
 *   every lens: exit 0, no signal, no "caught SIGSEGV"
 */
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_crash(int sig)
{
    static const char head[] = "caught SIGSEGV, backtrace:\n";
    void *pcs[64];
    write(STDERR_FILENO, head, sizeof head - 1);
    int n = backtrace(pcs, 64);
    backtrace_symbols_fd(pcs, n, STDERR_FILENO);
    signal(sig, SIG_DFL);
    raise(sig);
}

struct entry { const char *key; int value; };

int lookup(struct entry *e)
{
    return e ? e->value : 30;                       // FIX: a missing key gets the default
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

    struct entry *e = find("timeout");
    printf("timeout = %d\n", lookup(e));
    return 0;
}
