/* null-member-access / repro.c -- p->member where p is NULL.
 *
 * WHAT IT SHOWS
 *   `p->timeout_ms` is compiled to "load 8 bytes from p + offsetof(timeout_ms)".
 *   Nothing checks p. With p == NULL the address is the small offset itself (16
 *   here), inside the never-mapped first page, so the load faults: SIGSEGV, and
 *   the faulting address (si_addr, gdb's $_siginfo) is 0x10, not 0. A fault
 *   address just above zero is the fingerprint of a NULL struct pointer: the
 *   number is the offset of the member that was read.
 *   The first step does NOT crash: `&p->timeout_ms` is only the address
 *   computation, no memory is touched, so it happily yields 0x10. (Strictly it
 *   is undefined behaviour, and offsetof() is the proper spelling.)
 *
 * HOW IT RUNS
 *   crashcourse run null-member-access             # plain, profiles O0 and O2
 *   crashcourse run null-member-access --lens asan # ASan: SEGV on unknown address 0x10
 *   crashcourse run null-member-access --lens gdb  # p $_siginfo._sifields._sigfault.si_addr
 *
 * WHAT MUST APPEAR
 *   stdout   : CRASHCOURSE_METRIC member_offset=16
 *   plain    : SIGSEGV in timeout_of()
 *   asan     : SEGV, a READ at address 0x000000000010
 *   valgrind : Invalid read of size 8, Address 0x10 is not stack'd, malloc'd ...
 */
#include <stdint.h>
#include <stdio.h>

struct config {
    char name[16];           /* bytes 0..15 */
    long timeout_ms;         /* offset 16   */
};

/* A lookup that fails: no config was loaded for this service. noipa keeps gcc -O2
 * from seeing the NULL and rewriting the crash away (it would be allowed to). */
__attribute__((noipa))
static struct config *find_config(const char *service)
{
    (void)service;
    return NULL;
}

__attribute__((noipa))
static long timeout_of(const struct config *c)
{
    return c->timeout_ms;                      // BUG: c may be NULL; loads from address 0x10
}

int cc_main(void)
{
    struct config *cfg = find_config("billing");   /* returned NULL; nobody checked */

    /* Address arithmetic only: NULL + 16. This line is fine at run time. */
    printf("CRASHCOURSE_METRIC member_offset=%lu\n",
           (unsigned long)(uintptr_t)&cfg->timeout_ms);

    long t = timeout_of(cfg);                  /* the load: SIGSEGV */
    printf("timeout %ld ms\n", t);
    return 0;
}
