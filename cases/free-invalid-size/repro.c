/* free-invalid-size / repro.c -- a stack underflow rewrites the chunk header in front of it.
 *
 * WHAT IT SHOWS
 *   A tiny Forth-like interpreter keeps its data stack in a malloc'd array of cells.
 *   `drop` on an empty stack moves the stack pointer below the array without complaint;
 *   the next push then writes cell -1: the 8 bytes in front of the array, which are the
 *   malloc chunk's size field. The program prints the right answers (the value is read
 *   back from the same wrong place) and only at exit, when the stack is freed, glibc
 *   finds a size of 40 -- not a multiple of 16 -- and aborts: "free(): invalid size".
 *   post4 (SirWumpus/post4#7) printed "-4 thrown" (stack underflow) and, on Linux only,
 *   died with "free(): invalid size".
 *
 * HOW IT RUNS
 *   crashcourse run free-invalid-size                     # plain (O0, O2): abort at exit
 *   crashcourse run free-invalid-size --lens asan         # heap-buffer-overflow WRITE, 8 bytes to the left
 *   crashcourse run free-invalid-size --lens valgrind     # Invalid write of size 8, 8 bytes before
 *
 * WHAT MUST APPEAR
 *   plain    : the program's output "5 40", then SIGABRT, "free(): invalid size"
 *   asan     : heap-buffer-overflow, WRITE of size 8, 8 bytes to the left of the 512-byte stack
 *   valgrind : Invalid write of size 8, "8 bytes before a block of size 512"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef long cell;

struct vm {
    cell *stack;              /* malloc'd: STACK_CELLS cells */
    int   sp;                 /* cells on the stack; stack[sp] is the next free slot */
};

enum { STACK_CELLS = 64 };

static void push(struct vm *vm, cell v)
{
    vm->stack[vm->sp++] = v;                     // BUG: with sp == -1 this writes stack[-1]
}

static cell pop(struct vm *vm)
{
    return vm->stack[--vm->sp];
}

/* Runs a program of space-separated words: numbers, + . drop */
__attribute__((noipa))
static void run(struct vm *vm, const char *program)
{
    char buf[128];
    strncpy(buf, program, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
        if (strcmp(w, "+") == 0) {
            cell b = pop(vm), a = pop(vm);
            push(vm, a + b);
        } else if (strcmp(w, ".") == 0) {
            printf("%ld ", pop(vm));
        } else if (strcmp(w, "drop") == 0) {
            vm->sp--;                            // BUG: no underflow check: sp goes to -1
        } else {
            push(vm, strtol(w, NULL, 10));
        }
    }
    printf("\n");
}

int cc_main(void)
{
    struct vm vm = { malloc(STACK_CELLS * sizeof(cell)), 0 };
    if (!vm.stack)
        return 2;
    run(&vm, "2 3 + . drop 40 .");               /* one drop too many */
    printf("interpreter done, freeing its stack\n");
    free(vm.stack);                              /* glibc reads the size field: 40 */
    printf("stack freed\n");                     /* reached only under valgrind */
    return 0;
}
