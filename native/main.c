/* native/main.c: the standalone entry point shared by every C/C++ case.
 *
 * A case defines `int cc_main(void)`; the harness links it with this file into an executable
 * for the lenses that want a plain native process (gdb, valgrind, strace, tsan). The plain and
 * asan lenses call the same cc_main from a cffi extension module inside a Python child instead.
 */
#include <stdio.h>

#ifdef __cplusplus
extern "C"
#endif
int cc_main(void);

int main(void) {
    /* Unbuffered stdout: what the case printed before it crashed is not lost in a stdio buffer. */
    setvbuf(stdout, NULL, _IONBF, 0);
    return cc_main();
}
