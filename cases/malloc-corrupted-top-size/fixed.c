/* malloc-corrupted-top-size / fixed.c -- allocate the length, not the size of the length.
 *
 * WHAT IT SHOWS
 *   The one-line fix of jaxa/racs2_bridge#19: malloc(string_length), the value. The copy
 *   stays inside its block and the top chunk's size is never touched.
 *
 * HOW IT RUNS
 *   crashcourse run malloc-corrupted-top-size     # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, asan, valgrind and gdb.
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
    m->string_data = malloc(m->string_length);              // FIX: the value, 45 bytes
    memcpy(m->string_data, text, m->string_length);
}

static void *sender(void *arg)
{
    (void)arg;
    struct message m;
    build_message(&m, 1, "Hello from the talker app, message number 1!");
    printf("built message %d: \"%s\" (%zu bytes)\n", m.id, m.string_data, m.string_length);
    char *packet = malloc(64 * 1024);
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
