/* When a stopping guest must be killed: second SIGTERM, or the deadline. */
#include <signal.h>

#include "../../launch/stop.h"
#include "suites.h"

static const struct timespec t0 = { 100, 999500000 };

START_TEST(second_term_kills)
{
	struct cb_stop s = { .timeout_ms = -1 };
	ck_assert(!cb_stop_signal(&s, SIGINT, &t0));
	ck_assert(!cb_stop_signal(&s, SIGHUP, &t0));
	ck_assert_int_eq(cb_stop_wait_ms(&s, &t0), -1);
	ck_assert(!cb_stop_signal(&s, SIGTERM, &t0));
	ck_assert_int_eq(cb_stop_wait_ms(&s, &t0), -1); /* no deadline: waits for ever */
	ck_assert(cb_stop_signal(&s, SIGTERM, &t0));
}
END_TEST

START_TEST(deadline_after_first_term)
{
	struct cb_stop s = { .timeout_ms = 1500 };
	ck_assert_int_eq(cb_stop_wait_ms(&s, &t0), -1); /* nothing asked yet */
	ck_assert(!cb_stop_signal(&s, SIGTERM, &t0));
	ck_assert_int_eq(cb_stop_wait_ms(&s, &t0), 1500);
	struct timespec later = { 102, 499000000 };
	ck_assert_int_eq(cb_stop_wait_ms(&s, &later), 1);
	struct timespec almost = { 102, 499400000 }; /* 0.1 ms left: not yet */
	ck_assert_int_eq(cb_stop_wait_ms(&s, &almost), 1);
	struct timespec past = { 102, 499500000 };
	ck_assert_int_eq(cb_stop_wait_ms(&s, &past), 0);
	struct timespec long_past = { 200, 0 };
	ck_assert_int_eq(cb_stop_wait_ms(&s, &long_past), 0);
	/* A later SIGTERM does not move the deadline, it kills. */
	ck_assert(cb_stop_signal(&s, SIGTERM, &later));
}
END_TEST

START_TEST(zero_timeout_kills_at_once)
{
	struct cb_stop s = { .timeout_ms = 0 };
	ck_assert(!cb_stop_signal(&s, SIGTERM, &t0));
	ck_assert_int_eq(cb_stop_wait_ms(&s, &t0), 0);
}
END_TEST

Suite *stop_suite(void)
{
	Suite *s = suite_create("stop");
	TCase *t = tcase_create("stop");
	tcase_add_test(t, second_term_kills);
	tcase_add_test(t, deadline_after_first_term);
	tcase_add_test(t, zero_timeout_kills_at_once);
	suite_add_tcase(s, t);
	return s;
}
