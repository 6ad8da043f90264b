/* `compatbox report ...`: read an audit trail, say what the program asked. */
#ifndef CB_CMD_REPORT_H
#define CB_CMD_REPORT_H

/* ARGV[0] is "report". Returns the exit status: 0, 1 when the trail
 * cannot be read or the output written, 2 on misuse. */
int cb_cmd_report(int argc, char **argv);

extern const char cb_report_usage[];

#endif
