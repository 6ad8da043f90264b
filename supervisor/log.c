#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../abi/ioctl_decode.h"
#include "../common/json.h"
#include "guest.h"
#include "supervisor.h"

int cb_log_open(struct cb_log *log, const char *path, struct cb_err *err)
{
	if (strcmp(path, "-") == 0) {
		log->fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	} else {
		log->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	}
	if (log->fd < 0)
		return cb_fail(err, errno, "cannot open log file '%s': %s", path, strerror(errno));
	return 0;
}

void cb_log_close(struct cb_log *log)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
}

/* Escaped bytes kept of the strings a guest controls: a path (PATH_MAX
 * backslashes would escape to 8 KiB) and a request name from an --abi
 * file. Cut there, they leave room for every other member of the record,
 * which is what tells which call it was. */
#define LOG_PATH_MAX 6144
#define LOG_NAME_MAX 256
/* And of the policy rule's FILE:LINE:COL, so that a long policy path
 * leaves a short record (cb_log_syscall's) its action. */
#define LOG_RULE_MAX 256

static void header(struct cb_json *j, struct cb_call *c)
{
	struct timespec ts;
	struct tm tm;
	char when[40];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof(when) - n, ".%06ldZ", ts.tv_nsec / 1000);
	cb_json_str(j, "time", when);
	cb_json_int(j, "pid", cb_guest_tgid(c));
	cb_json_int(j, "tid", c->n->pid);
	cb_json_str(j, "arch", cb_arch_name(c->arch));
	cb_json_str(j, "syscall", cb_syscall_name(c->arch, c->nr));
	cb_json_int(j, "nr", c->nr);
	if (c->via_nr > 0)
		cb_json_str(j, "via", cb_syscall_name(c->arch, c->via_nr));
	if (c->why) {
		char at[600];
		snprintf(at, sizeof(at), "%s:%d:%d", c->why->file, c->why->line, c->why->col);
		cb_json_str_max(j, "rule", at, LOG_RULE_MAX);
	}
}

static void emit(struct cb_log *log, struct cb_json *j)
{
	size_t n = cb_json_end(j);
	(void)!write(log->fd, j->buf, n);
}

void cb_log_syscall(struct cb_log *log, struct cb_call *c, const char *action)
{
	char buf[1024];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	header(&j, c);
	cb_json_str(&j, "action", action);
	emit(log, &j);
}

void cb_log_path(struct cb_log *log, struct cb_call *c, const char *resolved, const char *action)
{
	char buf[8192]; /* room for LOG_PATH_MAX and the rest */
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	header(&j, c);
	cb_json_str_max(&j, "path", resolved, LOG_PATH_MAX);
	cb_json_str(&j, "action", action);
	if (c->v.kind == CB_V_RETURN || c->v.kind == CB_V_ANSWERED) {
		cb_json_open(&j, "result");
		if (c->v.err) {
			cb_json_int(&j, "ret", -1);
			cb_json_str(&j, "errno", strerrorname_np(c->v.err));
		} else {
			cb_json_int(&j, "ret", c->v.val);
		}
		cb_json_close(&j);
	}
	emit(log, &j);
}

/* Known names first, then the layout databases (--abi files included). */
static const char *request_name(const struct cb_call *c, uint32_t request)
{
	const char *name = cb_ioctl_name(c->arch, request);
	for (int i = 0; !name && i < c->sup->tr.ndbs; i++) {
		const struct cb_ioctl *ioc = cb_abi_ioctl_by_req(c->sup->tr.dbs[i], c->arch, request);
		if (ioc)
			name = ioc->name;
	}
	return name;
}

void cb_log_ioctl(struct cb_log *log, struct cb_call *c, int fd, const char *path,
		  uint32_t request, const struct cb_log_result *r)
{
	/* Room for LOG_PATH_MAX, LOG_NAME_MAX and the rest (< 1 KiB). */
	char buf[8192];
	struct cb_json j;
	struct cb_ioctl_fields f = cb_ioctl_split(request);
	cb_json_begin(&j, buf, sizeof(buf));
	header(&j, c);
	cb_json_int(&j, "fd", fd);
	cb_json_str_max(&j, "path", path, LOG_PATH_MAX);
	cb_json_open(&j, "request");
	cb_json_hex(&j, "value", request);
	cb_json_str_max(&j, "name", request_name(c, request), LOG_NAME_MAX);
	cb_json_str(&j, "dir", cb_ioctl_dir_name(f.dir));
	char type[8];
	if (f.type >= 0x21 && f.type < 0x7f)
		snprintf(type, sizeof(type), "%c", f.type);
	else
		snprintf(type, sizeof(type), "0x%02x", f.type);
	cb_json_str(&j, "type", type);
	cb_json_int(&j, "nr", f.nr);
	cb_json_int(&j, "size", f.size);
	cb_json_close(&j);
	cb_json_str(&j, "action", r->action);
	if (!r->known) {
		cb_json_null(&j, "result");
	} else {
		cb_json_open(&j, "result");
		if (r->err) {
			cb_json_int(&j, "ret", -1);
			cb_json_str(&j, "errno", strerrorname_np(r->err));
		} else {
			cb_json_int(&j, "ret", r->ret);
		}
		cb_json_close(&j);
	}
	emit(log, &j);
}
