/* libFuzzer target: the report's decoder (the trail reader, the record
 * model, the aggregate) and every output on arbitrary bytes. No input may
 * crash it or grow it; every record is counted read or malformed; the
 * --json output is JSON. Built with clang -fsanitize=fuzzer,address. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/json_parse.h"
#include "../../report/aggregate.h"
#include "../../report/output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void render(void (*out)(FILE *, const struct cb_agg *, const char *), const struct cb_agg *a,
		   bool check_json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return;
	out(m, a, "fuzz.trail");
	fclose(m);
	if (check_json) {
		struct cb_jval *v;
		struct cb_err err;
		if (cb_json_parse(buf, len, &v, &err))
			abort(); /* --json wrote something that is not JSON */
		cb_jval_free(v);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cb_agg a;
	cb_agg_init(&a);
	cb_trail_read_mem((const char *)data, size, cb_agg_add, &a, &a.read);
	cb_trail_release();
	uint64_t complete = a.read.lines;
	if (a.read.records + a.read.malformed > complete)
		abort(); /* a line counted twice */
	cb_agg_finish(&a);
	render(cb_report_table, &a, false);
	render(cb_report_json, &a, true);
	render(cb_report_html, &a, false);
	render(cb_report_policy, &a, false);
	cb_agg_free(&a);
	return 0;
}
