/* double-free / repro.c -- one heap block handed back to malloc twice.
 *
 * WHAT IT SHOWS
 *   A helper frees the session it was given; its caller, not knowing that, frees
 *   the same pointer again on the way out. The first free() puts the chunk in
 *   glibc's per-thread cache (tcache) and stamps it with a "key"; the second free()
 *   finds the key, walks the tcache bin, finds the chunk already there and calls
 *   abort(): "free(): double free detected in tcache 2", SIGABRT.
 *   Without that check the chunk would sit in the bin twice, and the next two
 *   malloc()s of this size would return the SAME memory to two owners.
 *
 * HOW IT RUNS
 *   crashcourse run double-free                    # plain: glibc's check aborts
 *   crashcourse run double-free --lens asan        # ASan: attempting double-free
 *   crashcourse run double-free --lens valgrind    # memcheck: Invalid free()
 *   crashcourse run double-free --lens fanalyzer   # gcc -fanalyzer, at build time
 *
 * WHAT MUST APPEAR
 *   plain     : SIGABRT, "free(): double free detected in tcache 2"
 *   asan      : double-free, with the stacks of both frees and of the malloc
 *   valgrind  : Invalid free() / delete / delete[] / realloc(), then exit 0
 *   fanalyzer : -Wanalyzer-double-free
 *
 * A NOTE ON THE OPTIMISER
 *   malloc + free + free of a pointer that never escapes is something gcc -O2
 *   simply deletes (the program then exits 0, even in an ASan build). Here the
 *   pointer escapes into session_close(), which is marked noipa so that gcc may
 *   not look inside it: the calls stay, at every -O level.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct session {
    int  id;
    char user[28];
};

/* Ends a session: logs it and releases its memory. */
__attribute__((noipa))
static void session_close(struct session *s)
{
    printf("closing session %d (%s)\n", s->id, s->user);
    free(s);                                   /* first free: fine */
}

int cc_main(void)
{
    struct session *s = malloc(sizeof *s);
    if (!s)
        return 2;
    s->id = 7;
    strcpy(s->user, "alice");

    session_close(s);        /* ownership moved into session_close ... */

    /* ... but the cleanup path still believes it owns s. */
    free(s);                                   // BUG: second free of the same block

    /* glibc aborts inside the free above. Under valgrind this line DOES run:
     * memcheck replaces malloc/free with its own, reports "Invalid free()",
     * ignores the call and lets the program go on. */
    printf("after the second free\n");
    return 0;
}
