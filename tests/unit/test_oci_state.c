/* The OCI seccomp listener's state JSON, as runc and crun send it. */
#include <errno.h>
#include <string.h>

#include "../../agent/oci_state.h"
#include "suites.h"

static struct cb_oci_state st;
static struct cb_err err;

static int parse(const char *s)
{
	err.msg[0] = 0;
	return cb_oci_state_parse(s, strlen(s), &st, &err);
}

START_TEST(runc_message)
{
	/* The runtime-spec's example, with a second fd before seccompFd. */
	ck_assert_int_eq(parse("{\n  \"ociVersion\": \"1.0.2\",\n  \"fds\": [ \"pidFd\", \"seccompFd\" ],\n"
			       "  \"pid\": 4422,\n  \"metadata\": \"MKNOD=/dev/null\",\n"
			       "  \"state\": { \"ociVersion\": \"1.0.2\", \"id\": \"oci-container1\",\n"
			       "    \"status\": \"creating\", \"pid\": 4422, \"bundle\": \"/containers/redis\",\n"
			       "    \"annotations\": { \"myKey\": \"my\\\"Value\" } } }"), 0);
	ck_assert_int_eq(st.seccomp_fd_index, 1);
	ck_assert_int_eq(st.pid, 4422);
	ck_assert_str_eq(st.id, "oci-container1");
	ck_assert_str_eq(st.metadata, "MKNOD=/dev/null");
}
END_TEST

START_TEST(no_seccomp_fd)
{
	ck_assert_int_eq(parse("{\"fds\":[\"pidFd\"],\"pid\":1}"), -EINVAL);
	ck_assert_str_eq(err.msg, "the container state's \"fds\" does not name \"seccompFd\"");
	ck_assert_int_eq(parse("{}"), -EINVAL);
}
END_TEST

START_TEST(bad_json)
{
	const char *bad[] = { "", "[]", "{\"fds\":[\"seccompFd\"]", "{\"fds\":[\"seccompFd\"],}",
			      "{\"fds\":\"seccompFd\"}", "{\"fds\":[\"seccompFd\"],\"pid\":-3}",
			      "{\"fds\":[\"seccompFd\"],\"x\":\"\\q\"}", "{\"fds\":[\"seccompFd\"],\"x\":\"abc",
			      "{\"fds\":[\"seccompFd\"],\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse(bad[i]) == -EINVAL, "accepted: %s", bad[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "not valid JSON"));
	}
}
END_TEST

START_TEST(long_strings_cut)
{
	char big[4096];
	int n = snprintf(big, sizeof(big), "{\"fds\":[\"seccompFd\"],\"state\":{\"id\":\"");
	memset(big + n, 'a', 1000);
	strcpy(big + n + 1000, "\"}}");
	ck_assert_int_eq(parse(big), 0);
	ck_assert_uint_eq(strlen(st.id), sizeof(st.id) - 1);
}
END_TEST

Suite *oci_state_suite(void)
{
	Suite *s = suite_create("oci_state");
	TCase *t = tcase_create("parse");
	tcase_add_test(t, runc_message);
	tcase_add_test(t, no_seccomp_fd);
	tcase_add_test(t, bad_json);
	tcase_add_test(t, long_strings_cut);
	suite_add_tcase(s, t);
	return s;
}
