/* stack-use-after-return-arith / fixed.c -- the text lives in the result itself.
 *
 * WHAT IT SHOWS
 *   The buffer is part of struct value, so it is copied out with the struct when arith()
 *   returns and lives in the caller's frame. (The upstream fix chose a heap copy instead;
 *   either way the storage must outlive the function that fills it.)
 *
 * HOW IT RUNS
 *   crashcourse run stack-use-after-return-arith              # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "result: 42", no report under plain, asan, valgrind and fanalyzer.
 */
#include <stdio.h>
#include <string.h>

struct value {
    long number;
    char text[32];               // FIX: the storage travels with the value
};

__attribute__((noipa))
static struct value arith(long a, char op, long b)
{
    struct value v;
    v.number = op == '*' ? a * b : a + b;
    snprintf(v.text, sizeof v.text, "%ld", v.number);
    return v;
}

__attribute__((noipa))
static void log_event(int id)
{
    char line[256];
    memset(line, '#', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    if (id < 0)
        puts(line);
}

static char journal[32];

int cc_main(void)
{
    struct value v = arith(6, '*', 7);
    log_event(42);
    size_t i = 0;
    for (; i < sizeof journal - 1 && v.text[i] != '\0'; i++)
        journal[i] = v.text[i];
    journal[i] = '\0';
    printf("result: %s\n", journal);
    return 0;
}
