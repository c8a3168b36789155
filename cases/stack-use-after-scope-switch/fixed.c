/* stack-use-after-scope-switch / fixed.c -- the metadata lives as long as the batch.
 *
 * WHAT IT SHOWS
 *   The metadata is declared at the top of cc_main, beside the ops that borrow it, so its
 *   scope covers execute_ops(). (The upstream fix moved it out of the switch in the same way.)
 *
 * HOW IT RUNS
 *   crashcourse run stack-use-after-scope-switch             # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, asan and valgrind.
 */
#include <stdio.h>

struct metadata {
    const char *key;
    const char *value;
};

enum op_kind { OP_SEND_HEADERS, OP_COMPRESS, OP_SEND_MESSAGE };

struct op {
    enum op_kind kind;
    const struct metadata *md;
};

__attribute__((noipa))
static void execute_ops(const struct op *ops, int n)
{
    for (int i = 0; i < n; i++)
        if (ops[i].md)
            printf("op %d sends %s: %s\n", ops[i].kind,
                   ops[i].md->key, ops[i].md->value);
}

int cc_main(void)
{
    static const enum op_kind wanted[] = { OP_SEND_HEADERS, OP_COMPRESS, OP_SEND_MESSAGE };
    struct metadata md = { "grpc-encoding", "gzip" };         // FIX: declared where the batch is
    struct op ops[3];
    int n = 0;

    for (int i = 0; i < 3; i++) {
        switch (wanted[i]) {
        case OP_COMPRESS: {
            ops[n].kind = OP_COMPRESS;
            ops[n].md = &md;                                  /* outlives execute_ops() */
            n++;
            break;
        }
        default:
            ops[n].kind = wanted[i];
            ops[n].md = NULL;
            n++;
            break;
        }
    }
    execute_ops(ops, n);
    return 0;
}
