"""compatbox's benchmark suite: the pieces of bench/run_bench.py.

host      the machine: its description, and how busy other processes keep it
peers     the other tools the suite compares against (strace, proot, qemu-i386)
runner    cases, samples, and the rounds that run a group of cases
report    statistics, tables, ratios and verdicts
plot      the trapped-call latency chart (SVG, written directly)
g_*       the groups of cases: syscall, compute, threads, programs, memory
"""
