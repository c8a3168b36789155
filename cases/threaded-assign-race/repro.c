/* threaded-assign-race / repro.c -- two threads assign to the same string object: the
 * old buffer is freed twice.
 *
 * WHAT IT SHOWS
 *   The seed article's mystring::operator= (free the old buffer, malloc a new one,
 *   copy) called on one shared object `test` from two threads at once, thread 1 with
 *   "hello", thread 2 with "world". Nothing protects `test`. If both threads read
 *   test.pointer before either stores the new buffer, both free() the same block:
 *     T1: free(test.pointer)           (the old buffer)
 *     T2: free(test.pointer)           (the SAME old buffer: double free)
 *   In the wild this needs the two threads to meet inside a few instructions, so it
 *   crashes "sometimes", somewhere else each time. Here the bad interleaving is forced:
 *   at the marked point thread 1 waits until thread 2 has run its free(). The waiting is
 *   done with RELAXED atomics (step_to / wait_for below): they order nothing for the
 *   program's other memory, so ThreadSanitizer still sees two unsynchronised threads
 *   -- exactly what the unforced program is -- and reports the race on test.pointer.
 *   (A mutex or semaphore here would hide the race from TSan: it would see the order.)
 *
 * HOW IT RUNS
 *   crashcourse run threaded-assign-race                # plain (glibc), asan, tsan, helgrind, drd
 *
 * WHAT MUST APPEAR
 *   plain : SIGABRT, "double free or corruption (!prev)" (4 KiB buffers are not tcached)
 *   asan  : attempting double-free, freed by thread T1, double-freed by thread T2
 *   tsan, helgrind, drd : the race on test.pointer between the two assign() calls
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mystring {
    char *pointer;
    long capacity;
    long size;
};

/* ---- the forced schedule: relaxed atomics, invisible as synchronisation to TSan ---- */
static int step = -1;                 /* -1 until cc_main has created both threads (see thread1) */
static void step_to(int s) { __atomic_store_n(&step, s, __ATOMIC_RELAXED); }
static void wait_for(int s) { while (__atomic_load_n(&step, __ATOMIC_RELAXED) < s) { } }

void assign(struct mystring *self, const struct mystring *input, int who)
{
    if (who == 2) wait_for(1);                    /* T2 starts only after T1's free */
    free(self->pointer);                          // BUG: two threads free/replace the same buffer, no lock
    if (who == 1) { step_to(1); wait_for(2); }    /* T1 paused between free and store */
    self->pointer = malloc(input->capacity);      // BUG: the racing store of the pointer the other thread frees
    memcpy(self->pointer, input->pointer, input->size);
    self->size = input->size;
    self->capacity = input->capacity;
    if (who == 2) step_to(2);                     /* (reached only where the double free did not abort) */
}

static struct mystring test, a, b;

static void make(struct mystring *s, const char *text)
{
    s->capacity = 4096;                           /* > tcache's 1032-byte limit: goes to a bin */
    s->pointer = malloc(s->capacity);
    s->size = (long)strlen(text) + 1;
    memcpy(s->pointer, text, s->size);
}

static void *thread1(void *arg) { (void)arg; wait_for(0); assign(&test, &a, 1); return NULL; }
static void *thread2(void *arg) { (void)arg; assign(&test, &b, 2); return NULL; }

/* The schedule above is the harness's, not the program's: valgrind's thread checkers
 * (helgrind, drd) do not model atomics and would report `step` itself as a race. These
 * client requests tell them to ignore it; outside valgrind they do nothing. */
#if defined(__has_include)
#  if __has_include(<valgrind/helgrind.h>) && __has_include(<valgrind/drd.h>)
#    include <valgrind/drd.h>
#    include <valgrind/helgrind.h>
#    define IGNORE_SCHEDULE_VAR(v) do { VALGRIND_HG_DISABLE_CHECKING(&(v), sizeof(v)); DRD_IGNORE_VAR(v); } while (0)
#  endif
#endif
#ifndef IGNORE_SCHEDULE_VAR
#  define IGNORE_SCHEDULE_VAR(v) ((void)0)
#endif

int cc_main(void)
{
    IGNORE_SCHEDULE_VAR(step);
    make(&test, "");
    make(&a, "hello");
    make(&b, "world");
    pthread_t t1, t2;
    pthread_create(&t1, NULL, thread1, NULL);     /* test = a */
    pthread_create(&t2, NULL, thread2, NULL);     /* test = b */ step_to(0);  /* T1 frees only now: no allocation of T2's creation can reuse the freed block */
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("test = \"%s\"\n", test.pointer);
    free(test.pointer);
    free(a.pointer);
    free(b.pointer);
    return 0;
}
