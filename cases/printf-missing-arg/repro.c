/* printf-missing-arg / repro.c -- two %s conversions, one argument.
 *
 * WHAT IT SHOWS
 *   printf() is variadic: it cannot know how many arguments it was given. It
 *   trusts the format string, and for every conversion it takes "the next
 *   argument" from where the calling convention says it would be. On x86-64 the
 *   second variadic argument would be in register rdx; since the caller never set
 *   rdx, printf reads whatever an earlier call left there and treats it as a
 *   `char *`. If that garbage is not a readable address: SIGSEGV inside printf
 *   (vfprintf/strlen). If it happens to be readable: garbage text, or "(null)" for
 *   a zero, and no crash at all. Which one you get depends on code far away from
 *   this line, so the run is recorded per build in case.toml, not promised.
 *   What IS dependable is the compiler: gcc checks printf formats against their
 *   arguments (-Wformat, part of -Wall) and says so at build time.
 *
 * HOW IT RUNS
 *   crashcourse run printf-missing-arg --lens fanalyzer   # the compile-time warning
 *   crashcourse run printf-missing-arg                    # what the run does here
 *   crashcourse run printf-missing-arg --lens valgrind
 *
 * WHAT MUST APPEAR
 *   fanalyzer : format '%s' expects a matching 'char *' argument [-Wformat=]
 *   the runs  : whatever rdx held. Observed with gcc 12 on x86-64: the Python
 *               child (plain) prints "mei is working on \x02" and exits 0; the
 *               standalone executable (valgrind) reads address 0xfbad....
 *               (stdout's flags, left in rdx by setvbuf) and dies of SIGSEGV.
 */
#include <stdio.h>

static void announce(const char *user, const char *project)
{
    (void)project;                             /* the argument someone forgot to pass on */
    printf("%s is working on %s\n", user);    // BUG: two %s, one argument
}

int cc_main(void)
{
    announce("mei", "crashcourse");
    return 0;
}
