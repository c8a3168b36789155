/* stack-use-after-scope-switch / repro.c -- an op keeps a pointer to a block-scoped local.
 *
 * WHAT IT SHOWS
 *   A call is built as a batch of ops; each op may point at metadata to send. For the
 *   "compress" op the metadata is a local declared INSIDE its `case` block, and the op
 *   keeps its address. The batch is executed after the switch, when that block has ended:
 *   the object's lifetime is over although its stack slot is still inside this frame.
 *   gcc -fsanitize=address poisons the slot at the closing brace and unpoisons it when
 *   the block is entered again (use-after-scope, on by default since gcc 7): the read in
 *   execute_ops() is a stack-use-after-scope. Without ASan the slot still holds the old
 *   bytes at -O0 and everything "works"; at -O2 the compiler may give the slot to another
 *   variable of a later block, and the op then sends whatever that variable holds.
 *
 * HOW IT RUNS
 *   crashcourse run stack-use-after-scope-switch                # plain, asan, valgrind
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0, the right header printed: the bug is invisible at -O0;
 *              at -O2 gcc drops the stores into md and the op sends stack garbage
 *   asan     : stack-use-after-scope, READ of size 8 in execute_ops, "'md' ... is inside
 *              this variable" in cc_main's frame
 *   valgrind : nothing: the slot is inside the live stack frame, memcheck sees no error
 */
#include <stdio.h>

struct metadata {
    const char *key;
    const char *value;
};

enum op_kind { OP_SEND_HEADERS, OP_COMPRESS, OP_SEND_MESSAGE };

struct op {
    enum op_kind kind;
    const struct metadata *md;   /* borrowed: must outlive the batch */
};

__attribute__((noipa))
static void execute_ops(const struct op *ops, int n)
{
    for (int i = 0; i < n; i++)
        if (ops[i].md)
            printf("op %d sends %s: %s\n", ops[i].kind,
                   ops[i].md->key, ops[i].md->value);    // BUG: md points into a block that has ended
}

int cc_main(void)
{
    static const enum op_kind wanted[] = { OP_SEND_HEADERS, OP_COMPRESS, OP_SEND_MESSAGE };
    struct op ops[3];
    int n = 0;

    for (int i = 0; i < 3; i++) {
        switch (wanted[i]) {
        case OP_COMPRESS: {
            struct metadata md = { "grpc-encoding", "gzip" };  /* lives until the '}' below */
            ops[n].kind = OP_COMPRESS;
            ops[n].md = &md;                                  // BUG: the address escapes its scope
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
    execute_ops(ops, n);                                      /* md's scope ended long ago */
    return 0;
}
