/* Answering a trapped call as the policy says, for the actions that need
 * no performer: allow, deny, kill, trap and log. */
#ifndef CB_ENFORCE_H
#define CB_ENFORCE_H

#include <stdbool.h>

#include "../supervisor/call.h"

/* Set C's verdict as ACT says and log it; false for perform and translate,
 * which the call's handler carries out. Only for decisions made on the
 * registers (and fds) alone: allow and log answer CONTINUE. */
bool cb_enforce(struct cb_call *c, const struct cb_action *act);
/* Deny, kill or trap C as ACT says: the word for the log ("denied",
 * "killed", "trapped"), or NULL for other actions (nothing done). The
 * caller logs. */
const char *cb_enforce_refusal(struct cb_call *c, const struct cb_action *act);

#endif
