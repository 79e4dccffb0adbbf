/*
 * lock.c: fcntl() file locks; see lock.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/lock.h"
#include "util/banned.h"

int lock_take(struct lock *l, const char *path, bool wait, void (*waiting)(const char *msg),
	      struct err *e)
{
	struct flock fl;
	char pid[32];
	int n;

	l->fd = open(path, O_RDWR | O_CREAT, 0644);
	if (l->fd < 0)
		return err_set(e, "cannot open lock file '%s': %s", path, strerror(errno));
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(l->fd, F_SETLK, &fl) < 0) {
		int busy = errno == EACCES || errno == EAGAIN;
		if (busy && fcntl(l->fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
			err_set(e, "another extnfs (pid %ld) holds '%s'; try again when it is done",
				(long)fl.l_pid, path);
		else
			err_set(e, "cannot lock '%s': %s", path, strerror(errno));
		if (busy && wait) {
			if (waiting)
				waiting(e->msg.buf);
			memset(&fl, 0, sizeof(fl));
			fl.l_type = F_WRLCK;
			fl.l_whence = SEEK_SET;
			while (fcntl(l->fd, F_SETLKW, &fl) < 0) {
				if (errno != EINTR) {
					err_set(e, "cannot lock '%s': %s", path, strerror(errno));
					close(l->fd);
					l->fd = -1;
					return -1;
				}
			}
			err_clear(e);
			goto locked;
		}
		close(l->fd);
		l->fd = -1;
		return busy ? 1 : -1;
	}
locked:
	/* the pid is informational only: a failure to write it does not matter */
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(l->fd, 0) == 0)
		n = (int)write(l->fd, pid, (size_t)n);
	l->path = xstrdup(path);
	return 0;
}

void lock_release(struct lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	free(l->path);
	l->path = NULL;
}
