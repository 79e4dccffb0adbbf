/* ssh.c: see ssh.h. */
#include "remote/ssh.h"
#include "util/conf.h"
#include "util/banned.h"

void ssh_argv(const struct conf_host *h, int timeout, struct strvec *av)
{
	strvec_split(av, h->ssh ? h->ssh : "ssh", ' ', 1);
	strvec_push(av, "-o");
	strvec_push(av, "BatchMode=yes");
	strvec_push(av, "-o");
	strvec_pushf(av, "ConnectTimeout=%d", timeout);
	if (h->user)
		strvec_pushf(av, "%s@%s", h->user, h->address);
	else
		strvec_push(av, h->address);
}
