/* malloc-corrupted-top-size / repro.c -- malloc(sizeof(len)) instead of malloc(len).
 *
 * WHAT IT SHOWS
 *   A message is built with its text in a separate buffer, allocated as
 *   malloc(sizeof(string_length)): the size of the VARIABLE (8 bytes), not its value.
 *   The copy of a 44-byte string runs past the 24 usable bytes of that chunk into the
 *   chunk behind it: the "top" chunk, the not-yet-allocated rest of the heap, whose size
 *   field is the next thing in memory. The copy itself goes unnoticed. The next malloc
 *   that has to carve memory from the top finds a top size larger than all the memory
 *   the arena has ever obtained and aborts: "malloc(): corrupted top size".
 *   NASA's RACS2 bridge sample talker did exactly this (jaxa/racs2_bridge#19).
 *
 * HOW IT RUNS
 *   crashcourse run malloc-corrupted-top-size                    # plain (O0, O2)
 *   crashcourse run malloc-corrupted-top-size --lens asan        # heap-buffer-overflow WRITE
 *   crashcourse run malloc-corrupted-top-size --lens valgrind    # Invalid write
 *
 * WHAT MUST APPEAR
 *   plain    : SIGABRT in the NEXT malloc, "malloc(): corrupted top size"
 *   asan     : heap-buffer-overflow, WRITE of size 45, 0 bytes after an 8-byte region
 *   valgrind : Invalid write, "0 bytes after a block of size 8 alloc'd"
 *
 * WHY IN A THREAD
 *   The bug needs its 8-byte chunk to be the last one before the top. In a Python
 *   process (the plain lens) the main heap is full of other blocks; a new thread gets a
 *   fresh malloc arena of its own, where the first allocation is carved from the top. The
 *   sender thread below is where the message is built, as in the cFS app.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct message {
    int    id;
    size_t string_length;
    char  *string_data;
};

__attribute__((noipa))
static void build_message(struct message *m, int id, const char *text)
{
    m->id = id;
    m->string_length = strlen(text) + 1;
    m->string_data = malloc(sizeof(m->string_length));      // BUG: sizeof the variable: 8 bytes
    memcpy(m->string_data, text, m->string_length);         // BUG: writes 45 bytes into 8
}

static void *sender(void *arg)
{
    (void)arg;
    struct message m;
    build_message(&m, 1, "Hello from the talker app, message number 1!");
    printf("built message %d: \"%s\" (%zu bytes)\n", m.id, m.string_data, m.string_length);
    char *packet = malloc(64 * 1024);                       /* carved from the top: checked */
    if (packet) {
        memcpy(packet, m.string_data, m.string_length);
        printf("packet ready\n");
    }
    free(packet);
    free(m.string_data);
    return NULL;
}

int cc_main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, sender, NULL) != 0)
        return 2;
    pthread_join(t, NULL);
    printf("sender done\n");
    return 0;
}
