/* stack-use-after-return-arith / repro.c -- a result points into a frame that has returned.
 *
 * WHAT IT SHOWS
 *   An arithmetic evaluator returns its result as a struct whose `text` is a string. On
 *   one path (a number that needs formatting) it formats into a local buffer and points
 *   `text` at it. The caller uses `text` after arith() has returned: that buffer was in
 *   arith()'s stack frame, which no longer exists; the next call reuses those bytes.
 *   Here the next call is log_event(), whose own local array lands on the same stack
 *   bytes: the result the caller prints is log_event's '#' padding, not the number.
 *   ASan catches it only with detect_stack_use_after_return=1 (case.toml sets it in
 *   [run] env ASAN_OPTIONS): every frame then lives in a "fake stack" on the heap, and a
 *   returned frame stays poisoned until it is recycled: stack-use-after-return.
 *
 * HOW IT RUNS
 *   crashcourse run stack-use-after-return-arith                 # plain, asan, valgrind, fanalyzer
 *   ASAN_OPTIONS=detect_stack_use_after_return=1 comes from case.toml [run] env; the asan lens
 *   merges it over its own defaults (which have it at 0, the gcc 12 default).
 *
 * WHAT MUST APPEAR
 *   plain     : exit 0, and the wrong answer: "result: ####..." (log_event's padding), not 42
 *   asan      : stack-use-after-return, READ of size 1 in cc_main, "'buf' (line 39) <== ...
 *               inside this variable" in arith's frame
 *   valgrind  : uninitialised-value: memcheck marks a popped frame undefined, so the bytes
 *               read back are "uninitialised" (indirect evidence, reported at the use)
 *   fanalyzer : -Wanalyzer-use-of-pointer-in-stale-stack-frame, at build time
 */
#include <stdio.h>
#include <string.h>

struct value {
    long number;
    const char *text;            /* the printable form */
};

/* Evaluates "a op b". noipa keeps it a real call with its own frame at every -O level. */
__attribute__((noipa))
static struct value arith(long a, char op, long b)
{
    char buf[32];
    struct value v;
    v.number = op == '*' ? a * b : a + b;
    snprintf(buf, sizeof buf, "%ld", v.number);
    v.text = buf;                                 // BUG: points at arith's own stack frame
    return v;
}

/* Any later call reuses the dead frame's bytes for its own locals: this one pads a log
 * line with '#', and the pad lands where arith's buf was. */
__attribute__((noipa))
static void log_event(int id)
{
    char line[256];
    memset(line, '#', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    if (id < 0)                                   /* never true: only the memset matters */
        puts(line);
}

static char journal[32];

int cc_main(void)
{
    struct value v = arith(6, '*', 7);
    log_event(42);
    /* Copy the result into the journal (inline: a call here would put its own frame
     * on the dead bytes and we would read our own return address). */
    size_t i = 0;
    for (; i < sizeof journal - 1 && v.text[i] != '\0'; i++)          // BUG: text points into a returned frame
        journal[i] = v.text[i];
    journal[i] = '\0';
    printf("result: %s\n", journal);
    return 0;
}
