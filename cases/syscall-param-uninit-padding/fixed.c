/* syscall-param-uninit-padding / fixed.c -- the whole struct is zeroed before it is filled.
 *
 * WHAT IT SHOWS
 *   The fix proposed in andreasbuhr/cppcoro#82: memset() the message, padding included,
 *   then set its fields. Every byte that reaches write() has a defined value. (Reordering
 *   the fields does not help: the padding moves to the end of the struct.)
 *
 * HOW IT RUNS
 *   crashcourse run syscall-param-uninit-padding      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain and valgrind.
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
    struct message qmsg;
    memset(&qmsg, 0, sizeof qmsg);                           // FIX: every byte, padding included, is set
    qmsg.type = type;
    qmsg.ptr = msg;
    return write(pipefd[1], &qmsg, sizeof qmsg) == (ssize_t)sizeof qmsg;
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
