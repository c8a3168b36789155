/* assert-failure / repro.c -- an assert() on data that came from the network.
 *
 * WHAT IT SHOWS
 *   A memcached-style request parser asserts what it believes every request satisfies:
 *   the key count in the command line is positive. assert() is a check for programmer
 *   errors; a request is user input. A client that sends "mget 5 0" makes the
 *   assertion false: glibc prints "<prog>: repro.c:NN: tokenize_keys: Assertion
 *   `keycnt > 0 && length > 2' failed." and calls abort(): one request kills the server
 *   (a denial of service, CWE-617 "reachable assertion"). arcus-memcached crashed exactly
 *   this way (naver/arcus-memcached#146). Built with -DNDEBUG the assert would vanish,
 *   and the parser would divide by zero instead.
 *
 * HOW IT RUNS
 *   crashcourse run assert-failure                   # plain (O0, O2): the assertion message
 *   crashcourse run assert-failure --lens gdb        # __assert_fail in the backtrace
 *
 * WHAT MUST APPEAR
 *   plain : SIGABRT, "Assertion `keycnt > 0 && length > 2' failed."
 *   gdb   : abort <- __assert_fail <- tokenize_keys <- handle_request
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "mget <length> <keycnt>": the client announces how many bytes of keys follow and how many keys. */
__attribute__((noipa))
static int tokenize_keys(const char *line, int *avg_key_len)
{
    unsigned length = 0;
    int keycnt = 0;
    if (sscanf(line, "mget %u %d", &length, &keycnt) != 2)
        return -1;
    assert(keycnt > 0 && length > 2);                 // BUG: asserts on what the client sent
    *avg_key_len = (int)length / keycnt;
    return keycnt;
}

__attribute__((noipa))
static void handle_request(const char *line)
{
    int avg = 0;
    int n = tokenize_keys(line, &avg);
    if (n < 0)
        printf("CLIENT_ERROR bad command line format\n");
    else
        printf("OK %d keys, %d bytes each on average\n", n, avg);
}

int cc_main(void)
{
    handle_request("mget 24 3");                      /* a well-formed request */
    handle_request("mget 5 0");                       /* a crafted one: zero keys */
    printf("server still running\n");
    return 0;
}
