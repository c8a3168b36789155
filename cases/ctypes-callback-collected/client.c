/* client.c -- the "C library" of ctypes-callback-collected: a stand-in for TDLib's JSON client.
 *
 * Like td_set_log_message_callback, it stores the function pointer it is given and calls it
 * later, whenever it has something to log. It cannot know whether the pointer is still valid.
 * Built at run time by _clib.py (gcc -shared; with -fsanitize=address under the asan lens).
 */
#include <stddef.h>
#include <string.h>

typedef void (*log_message_cb)(int verbosity, const char *message);

static log_message_cb log_cb;     /* kept until replaced: the library owns no reference to it */
static int max_verbosity;

void set_log_message_callback(int verbosity, log_message_cb cb)
{
    max_verbosity = verbosity;
    log_cb = cb;
}

static void log_message(int verbosity, const char *message)
{
    if (log_cb != NULL && verbosity <= max_verbosity)
        log_cb(verbosity, message);
}

/* Send one request; returns its length, logging as it goes. */
int client_send(const char *request)
{
    log_message(1, "sending request");
    int n = (int)strlen(request);
    log_message(2, "request sent");
    return n;
}
