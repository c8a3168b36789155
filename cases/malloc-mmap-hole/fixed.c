/* malloc-mmap-hole / fixed.c -- the same start-up, without the page at the break.
 *
 * WHAT IT SHOWS
 *   The fixed twin of repro.c: OpenSSL is initialised, then LOCATIONS nginx
 *   `location`s each load the CA bundle and keep their SSL_CTX, exactly as in
 *   the repro. The only difference is that nothing is mapped at sbrk(0), so
 *   glibc malloc grows the main arena the ordinary way: brk() moves the break,
 *   the heap stays one contiguous region, and free() can give its top back.
 *   This is what the incident's author verified by commenting out
 *   ngx_http_lua_limit_data_segment() and rebuilding OpenResty.
 *
 * HOW IT RUNS
 *   crashcourse run malloc-mmap-hole --variant fixed [--lens strace|valgrind]
 *
 * WHAT MUST APPEAR (this machine: Debian 12, glibc 2.36, OpenSSL 3.0)
 *   CRASHCOURSE_METRIC brk_share_pct=100    all heap growth came from brk()
 *   CRASHCOURSE_METRIC kib_per_location=~857 (as in the repro)
 *   strace: brk_failed 0, syscall.mmap ~17, no mmap of 1048576 bytes.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#define LOCATIONS 20
#define CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

/* A value from /proc/self/status, in KiB (VmRSS, VmData). */
static long status_kib(const char *key)
{
    char line[256];
    long kib = -1;
    size_t n = strlen(key);
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':') {
            kib = atol(line + n + 1);
            break;
        }
    fclose(f);
    return kib;
}

/* What ngx_http_lua_limit_data_segment() becomes in the fixed twin: it reports
 * where the break is and maps nothing there. */
static int limit_data_segment(void)
{
    uintptr_t brk_now = (uintptr_t) sbrk(0);
    printf("CRASHCOURSE_METRIC brk_below_1gib=%d\n", brk_now < 0x40000000UL);

    /* FIX: no page at the program break; the heap is free to grow with brk(). */
    return 0;
}

int cc_main(void)
{
    static SSL_CTX *location_ctx[LOCATIONS];

    /* nginx initialises OpenSSL (ngx_ssl_init) before it reads the configuration. */
    OPENSSL_init_ssl(0, NULL);
    SSL_CTX_free(SSL_CTX_new(TLS_method()));

    /* lua-nginx-module's preconfiguration hook: before any location is read. */
    printf("CRASHCOURSE_METRIC hole_placed=%d\n", limit_data_segment());

    char *brk0 = sbrk(0);
    size_t arena0 = mallinfo2().arena;
    long rss0 = status_kib("VmRSS");

    /* ngx_http_lua_merge_loc_conf -> ngx_http_lua_set_ssl -> ngx_ssl_trusted_certificate:
     * once per location, because lua_ssl_trusted_certificate sits in the http{} block. */
    for (int i = 0; i < LOCATIONS; i++) {
        location_ctx[i] = SSL_CTX_new(TLS_method());
        if (!location_ctx[i] || SSL_CTX_load_verify_locations(location_ctx[i], CA_BUNDLE, NULL) != 1) {
            printf("SSL_CTX_load_verify_locations(\"%s\") failed\n", CA_BUNDLE);
            return 2;
        }
    }

    long rss1 = status_kib("VmRSS");
    size_t arena_grew = mallinfo2().arena - arena0;     /* heap bytes malloc obtained, either way */
    size_t brk_grew = (size_t) ((char *) sbrk(0) - brk0); /* of which by moving the break */

    printf("CRASHCOURSE_METRIC locations=%d\n", LOCATIONS);
    printf("CRASHCOURSE_METRIC kib_per_location=%ld\n", (rss1 - rss0) / LOCATIONS);
    printf("CRASHCOURSE_METRIC heap_grew_kib=%zu\n", arena_grew >> 10);
    printf("CRASHCOURSE_METRIC heap_from_brk_kib=%zu\n", brk_grew >> 10);
    printf("CRASHCOURSE_METRIC brk_share_pct=%zu\n", arena_grew ? 100 * brk_grew / arena_grew : 0);

    for (int i = 0; i < LOCATIONS; i++)
        SSL_CTX_free(location_ctx[i]);
    return 0;
}
