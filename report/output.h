/* The report's outputs, each from a finished aggregate (cb_agg_finish). */
#ifndef CB_REPORT_OUTPUT_H
#define CB_REPORT_OUTPUT_H

#include <stdio.h>

#include "aggregate.h"

/* Aligned tables for a terminal; TRAIL names the file in the summary. */
void cb_report_table(FILE *out, const struct cb_agg *a, const char *trail);
/* One JSON object: the aggregate, for programs. */
void cb_report_json(FILE *out, const struct cb_agg *a, const char *trail);
/* One self-contained HTML page (inline CSS and script, nothing fetched). */
void cb_report_html(FILE *out, const struct cb_agg *a, const char *trail);
/* An allow-list policy (compatbox-policy(5)) of what the trail shows. */
void cb_report_policy(FILE *out, const struct cb_agg *a, const char *trail);

#endif
