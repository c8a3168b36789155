/* free-invalid-size / fixed.c -- the interpreter checks its stack pointer.
 *
 * WHAT IT SHOWS
 *   push() and pop() refuse to leave the array and report "stack underflow" (what
 *   post4 calls -4) instead; `drop` goes through pop(). The chunk header in front of
 *   the stack is never written, and free() finds the size malloc stored there.
 *
 * HOW IT RUNS
 *   crashcourse run free-invalid-size            # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   "5 stack underflow" ..., exit status 0, no report, under every lens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef long cell;

struct vm {
    cell *stack;
    int   sp;
    int   error;
};

enum { STACK_CELLS = 64 };

static void push(struct vm *vm, cell v)
{
    if (vm->sp >= STACK_CELLS) { vm->error = 1; printf("stack overflow "); return; }
    vm->stack[vm->sp++] = v;
}

static cell pop(struct vm *vm)
{
    if (vm->sp <= 0) { vm->error = 1; printf("stack underflow "); return 0; }   // FIX: checked
    return vm->stack[--vm->sp];
}

__attribute__((noipa))
static void run(struct vm *vm, const char *program)
{
    char buf[128];
    strncpy(buf, program, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    for (char *w = strtok(buf, " "); w && !vm->error; w = strtok(NULL, " ")) {
        if (strcmp(w, "+") == 0) {
            cell b = pop(vm), a = pop(vm);
            push(vm, a + b);
        } else if (strcmp(w, ".") == 0) {
            printf("%ld ", pop(vm));
        } else if (strcmp(w, "drop") == 0) {
            (void)pop(vm);                       // FIX: drop goes through the check
        } else {
            push(vm, strtol(w, NULL, 10));
        }
    }
    printf("\n");
}

int cc_main(void)
{
    struct vm vm = { malloc(STACK_CELLS * sizeof(cell)), 0, 0 };
    if (!vm.stack)
        return 2;
    run(&vm, "2 3 + . drop 40 .");
    printf("interpreter done, freeing its stack\n");
    free(vm.stack);
    printf("stack freed\n");
    return 0;
}
