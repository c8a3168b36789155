/* assert-failure / fixed.c -- input is validated, not asserted.
 *
 * WHAT IT SHOWS
 *   tokenize_keys() returns an error for a request it cannot serve, and the server
 *   answers "CLIENT_ERROR bad data chunk" (memcached's reply) instead of dying. An
 *   assert() stays only for what the program itself guarantees.
 *
 * HOW IT RUNS
 *   crashcourse run assert-failure       # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "CLIENT_ERROR bad data chunk", under plain and gdb.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noipa))
static int tokenize_keys(const char *line, int *avg_key_len)
{
    unsigned length = 0;
    int keycnt = 0;
    if (sscanf(line, "mget %u %d", &length, &keycnt) != 2)
        return -1;
    if (!(keycnt > 0 && length > 2))                  // FIX: bad input is an error reply, not an abort
        return -2;
    *avg_key_len = (int)length / keycnt;
    return keycnt;
}

__attribute__((noipa))
static void handle_request(const char *line)
{
    int avg = 0;
    int n = tokenize_keys(line, &avg);
    if (n == -1)
        printf("CLIENT_ERROR bad command line format\n");
    else if (n == -2)
        printf("CLIENT_ERROR bad data chunk\n");
    else
        printf("OK %d keys, %d bytes each on average\n", n, avg);
}

int cc_main(void)
{
    handle_request("mget 24 3");
    handle_request("mget 5 0");
    printf("server still running\n");
    return 0;
}
