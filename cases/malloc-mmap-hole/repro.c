/* malloc-mmap-hole / repro.c -- one page mapped at the program break, and glibc
 * malloc can never grow its heap with brk() again.
 *
 * WHAT IT SHOWS
 *   OpenResty's lua-nginx-module (0.10.x) ran this at start-up so that LuaJIT
 *   would keep the low addresses for itself:
 *
 *       if (sbrk(0) < (void *) 0x40000000LL)
 *           mmap(ngx_align_ptr(sbrk(0), getpagesize()), 1, PROT_READ,
 *                MAP_FIXED|MAP_PRIVATE|MAP_ANON, -1, 0);
 *
 *   A read-only page now sits exactly where the heap wants to grow. Every later
 *   brk() fails (the kernel refuses to move the break into a mapping), and glibc
 *   malloc falls back to mmap() for each heap extension (sysmalloc's "holes in
 *   the address space" path). The main arena becomes a chain of separate mmap
 *   regions instead of one contiguous heap that free() could shrink.
 *
 *   Here, as in the incident, every nginx `location` loads the CA bundle with
 *   SSL_CTX_load_verify_locations() and keeps the SSL_CTX for the life of the
 *   configuration. LOCATIONS of them are loaded after the hole is placed.
 *
 * HOW IT RUNS
 *   crashcourse run malloc-mmap-hole                 # plain: the metrics below
 *   crashcourse run malloc-mmap-hole --lens strace   # brk() = old break, then mmap()
 *   crashcourse run malloc-mmap-hole --lens valgrind # memcheck's malloc: no brk at all
 *   Needs libssl-dev and /etc/ssl/certs/ca-certificates.crt (ca-certificates).
 *
 * WHAT MUST APPEAR (this machine: Debian 12, glibc 2.36, OpenSSL 3.0)
 *   CRASHCOURSE_METRIC brk_share_pct=0      the break never moved: none of the
 *                                           heap growth came from brk()
 *   CRASHCOURSE_METRIC kib_per_location=~857 the same as the fixed twin: the
 *                                           live data is the same size
 *   strace: brk_failed ~120 (fixed: 0), syscall.mmap ~138 (fixed: 17),
 *           exactly one mmap of 1048576 bytes (the first fallback).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* ngx_http_lua_limit_data_segment(), as lua-nginx-module 0.10.7 had it, with two
 * changes: MAP_FIXED_NOREPLACE instead of MAP_FIXED (never clobber whatever may
 * already live there), and no `sbrk(0) < 0x40000000` test -- with today's
 * position-independent executables the break starts near 0x55..., far above
 * 1 GiB, so the original test would skip the trick and hide the bug. */
static int limit_data_segment(void)
{
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t brk_now = (uintptr_t) sbrk(0);
    void *at = (void *) ((brk_now + page - 1) & ~(uintptr_t) (page - 1));
    printf("CRASHCOURSE_METRIC brk_below_1gib=%d\n", brk_now < 0x40000000UL);

    /* The hole: a page mapped exactly at the program break; brk() can never grow past it. */
    void *p = mmap(at, 1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0); // BUG: maps a page at the break
    if (p != at) {
        printf("could not place the page at the break %p: %s\n", at, p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
        return 0;
    }
    return 1;
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
