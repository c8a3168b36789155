/* double-free / fixed.c -- exactly one owner frees the block.
 *
 * WHAT IT SHOWS
 *   session_close() takes the ADDRESS of the caller's pointer, frees the block and
 *   clears the pointer. The caller's cleanup path then calls free(NULL), which the
 *   C standard defines as doing nothing. Ownership is written into the API instead
 *   of being remembered by whoever calls it.
 *
 * HOW IT RUNS
 *   crashcourse run double-free                    # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, asan, valgrind and fanalyzer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct session {
    int  id;
    char user[28];
};

__attribute__((noipa))
static void session_close(struct session **sp)
{
    struct session *s = *sp;
    if (!s)
        return;
    printf("closing session %d (%s)\n", s->id, s->user);
    free(s);
    *sp = NULL;                                // FIX: the freed pointer cannot be freed again
}

int cc_main(void)
{
    struct session *s = malloc(sizeof *s);
    if (!s)
        return 2;
    s->id = 7;
    strcpy(s->user, "alice");

    session_close(&s);       /* s is NULL from here on */

    free(s);                                   // FIX: free(NULL) is a no-op
    printf("session closed once\n");
    return 0;
}
