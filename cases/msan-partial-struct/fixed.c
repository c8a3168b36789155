/* msan-partial-struct / fixed.c -- every field has a value on every path.
 *
 * WHAT IT SHOWS
 *   probe_input() starts by giving every field of *fi a defined value (zero:
 *   "not seekable, size unknown"), then fills in what fstat() tells it. The
 *   caller also zero-initialises its struct, so even a failing fstat() leaves
 *   nothing undefined.
 *
 * HOW IT RUNS
 *   crashcourse run msan-partial-struct                   # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0 and no report under msan and valgrind; "streamed input".
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
    *fi = (struct file_info){ 0 };             // FIX: every field defined before any path can return
    struct stat st;
    if (fstat(fd, &st) != 0)
        return;
    fi->is_pipe = S_ISFIFO(st.st_mode);
    if (S_ISREG(st.st_mode)) {
        fi->seekable = 1;
        fi->size = (long)st.st_size;
    }
}

int cc_main(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        return 2;

    struct file_info fi = { 0 };               /* FIX: defined from the start, too */
    probe_input(fds[0], &fi);

    if (fi.seekable)                           /* 0 for a pipe */
        puts("seekable input: will lseek() to the end to find its size");
    else
        puts("streamed input: will read until end of file");

    close(fds[0]);
    close(fds[1]);
    return fi.is_pipe ? 0 : 1;
}
