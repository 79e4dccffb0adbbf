/*
 * ssh.h: the command line that reaches an ssh host ([host] transport =
 * ssh), shared by the agent jobs, check's listings and status.
 */
#ifndef EXTNFS_SSH_H
#define EXTNFS_SSH_H

#include "util/strvec.h"

struct conf_host;

/*
 * Appends to av the words that run a command on h: its ssh command (the
 * [host] ssh key split at blanks, default "ssh"), BatchMode (never a
 * password prompt), a connect timeout of timeout seconds, then
 * [user@]address. The caller appends the remote command line (one word,
 * parsed by the remote shell).
 */
void ssh_argv(const struct conf_host *h, int timeout, struct strvec *av);

#endif
