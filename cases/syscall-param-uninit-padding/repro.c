/* syscall-param-uninit-padding / repro.c -- a struct's padding bytes handed to write().
 *
 * WHAT IT SHOWS
 *   An event loop wakes itself up through a pipe: enqueue_message() fills a
 *   struct message { enum message_type type; void *ptr; } on the stack and write()s all
 *   sizeof(struct message) = 16 bytes of it. The enum has 4 bytes and the pointer must
 *   be 8-byte aligned, so bytes 4..7 are padding that nobody ever set: whatever the
 *   stack held before goes into the pipe (or a file, or a socket: an information leak).
 *   The program works -- the reader only looks at type and ptr -- and the plain run
 *   exits 0. valgrind's memcheck knows which bytes were ever written, checks every
 *   buffer passed to a system call, and reports
 *   "Syscall param write(buf) points to uninitialised byte(s)", on the stack of
 *   enqueue_message. cppcoro's io_service did exactly this (andreasbuhr/cppcoro#82).
 *
 * HOW IT RUNS
 *   crashcourse run syscall-param-uninit-padding                   # plain: exit 0
 *   crashcourse run syscall-param-uninit-padding --lens valgrind   # Syscall param write(buf)
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0, "woken: type 1 ptr matches"
 *   valgrind : Syscall param write(buf) points to uninitialised byte(s), in enqueue_message,
 *              "Address ... is on thread 1's stack"
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum message_type { WAKE_UP = 1, RESUME = 2 };

struct message {
    enum message_type type;   /* 4 bytes, then 4 bytes of padding */
    void *ptr;                /* 8 bytes, 8-byte aligned */
};

static int pipefd[2];

__attribute__((noipa))
static int enqueue_message(void *msg, enum message_type type)
{
    struct message qmsg;                                     // BUG: padding bytes 4..7 never initialised
    qmsg.type = type;
    qmsg.ptr = msg;
    return write(pipefd[1], &qmsg, sizeof qmsg) == (ssize_t)sizeof qmsg;   // BUG: writes them
}

int cc_main(void)
{
    if (pipe(pipefd) != 0)
        return 2;
    static int token;
    if (!enqueue_message(&token, WAKE_UP))
        return 2;
    struct message got;
    if (read(pipefd[0], &got, sizeof got) != (ssize_t)sizeof got)
        return 2;
    printf("woken: type %d ptr %s\n", got.type, got.ptr == &token ? "matches" : "DIFFERS");
    return 0;
}
