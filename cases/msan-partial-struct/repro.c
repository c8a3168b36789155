/* msan-partial-struct / repro.c -- a struct filled on one path only, read on every path.
 *
 * WHAT IT SHOWS
 *   probe_input() describes an input descriptor in a struct file_info that its
 *   caller left uninitialised: is_pipe always, but seekable and size only for a
 *   regular file. The input here is a pipe, so seekable is never written -- and
 *   the caller branches on it. Nothing crashes: the branch goes whichever way the
 *   stack garbage says. MemorySanitizer and memcheck both flag the branch; MSan
 *   also names the variable the garbage came from (fi in cc_main's frame).
 *
 * HOW IT RUNS
 *   cc_main probes the read end of a pipe it creates (fstat says S_IFIFO).
 *   crashcourse run msan-partial-struct --lens msan       # MemorySanitizer (clang)
 *   crashcourse run msan-partial-struct --lens valgrind   # memcheck
 *
 * WHAT MUST APPEAR
 *   msan     : use-of-uninitialized-value in cc_main at the 'if (fi.seekable)',
 *              origin "an allocation of 'fi' in the stack frame"
 *   valgrind : uninitialised-value ("Conditional jump or move depends on uninitialised value(s)")
 */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

struct file_info {
    int  is_pipe;
    int  seekable;                             /* may we lseek() to find the end? */
    long size;                                 /* bytes, when known */
};

/* Describes fd in *fi. */
__attribute__((noinline))
static void probe_input(int fd, struct file_info *fi)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return;
    fi->is_pipe = S_ISFIFO(st.st_mode);
    if (S_ISREG(st.st_mode)) {                 // BUG: seekable and size are written for regular files only
        fi->seekable = 1;
        fi->size = (long)st.st_size;
    }
}

int cc_main(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        return 2;

    struct file_info fi;                       /* every field starts as stack garbage */
    probe_input(fds[0], &fi);

    if (fi.seekable)                           // BUG: never written for a pipe: the branch reads garbage
        puts("seekable input: will lseek() to the end to find its size");
    else
        puts("streamed input: will read until end of file");

    close(fds[0]);
    close(fds[1]);
    return fi.is_pipe ? 0 : 1;
}
