/* `compatbox run`: launch the guest under supervision and wait for it. */
#ifndef CB_RUN_H
#define CB_RUN_H

#include "../cli/cli.h"

/* Returns the exit status compatbox should exit with. */
int cb_run(const struct cb_run_opts *o);

#endif
