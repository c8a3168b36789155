/* sigquit-core / repro.c -- a sleeping program killed by SIGQUIT (Ctrl-\) leaves a core.
 *
 * WHAT IT SHOWS
 *   The seed's quit.cpp: a process that does nothing but sleep, and someone presses
 *   Ctrl-\ at the terminal (or runs `kill -QUIT <pid>`). SIGQUIT is one of the five
 *   signals whose DEFAULT action is "terminate and dump core" (with SIGILL, SIGABRT,
 *   SIGFPE, SIGSEGV). Nothing is wrong with the code that was running: the core
 *   records wherever the process happened to be -- here, asleep inside the kernel's
 *   clock_nanosleep -- so its backtrace shows the victim, not a culprit. The bug is
 *   a service that never decided what SIGQUIT means to it, so an operator's
 *   "quit" (a JVM habit: there Ctrl-\ prints a thread dump) kills it with a core dump.
 *
 * HOW IT RUNS
 *   The harness waits for "ready" on stdout, then sends SIGQUIT ([run] send_signal).
 *   crashcourse run sigquit-core                 # plain: killed by SIGQUIT
 *   crashcourse run sigquit-core --lens gdb      # the core's bt: clock_nanosleep <- sleep <- cc_main
 *
 * WHAT MUST APPEAR
 *   plain : SIGQUIT; "ready" printed, "woke up" never printed
 *   gdb   : SIGQUIT, core dumped; frames clock_nanosleep ... sleep, cc_main, main
 */
#include <stdio.h>
#include <unistd.h>

int cc_main(void)
{
    printf("ready: pid %d sleeping; Ctrl-\\ (SIGQUIT) will kill me\n", (int)getpid());
    sleep(30);          // BUG: no disposition for SIGQUIT: its default action is terminate + core
    printf("woke up\n");
    return 0;
}
