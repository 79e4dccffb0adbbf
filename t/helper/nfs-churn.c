/*
 * nfs-churn: another NFS client at work. It creates and removes files
 * named churn.PID.N through the server, in the directory of URL or, when
 * DIRs are given, in each of those subdirectories in turn, as fast as it
 * can, until SECONDS have passed; then it prints how many files it made.
 * Names carry the pid, so several can run at once. Tests run it beside
 * extnfs to prove that a listing survives entries vanishing under it
 * (Ganesha then fails a whole READDIRPLUS with STALE or NOENT). A test
 * helper, not part of extnfs.
 *
 * usage: nfs-churn nfs://HOST/EXPORT/DIR?OPTIONS SECONDS [DIR...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef HAVE_LIBNFS
#include <fcntl.h>
#include <unistd.h>
#include <nfsc/libnfs.h>

int main(int argc, char **argv)
{
	struct nfs_context *nfs;
	struct nfs_url *url;
	struct nfsfh *fh;
	time_t end;
	long n = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: nfs-churn nfs://HOST/EXPORT/DIR SECONDS [DIR...]\n");
		return 2;
	}
	nfs = nfs_init_context();
	if (!nfs)
		return 1;
	/* a server that went away ends the churn; it does not spin */
	nfs_set_timeout(nfs, 5000);
	nfs_set_autoreconnect(nfs, 0);
	url = nfs_parse_url_dir(nfs, argv[1]);
	if (!url || nfs_mount(nfs, url->server, url->path) < 0) {
		fprintf(stderr, "nfs-churn: %s: %s\n", argv[1], nfs_get_error(nfs));
		return 1;
	}
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		char name[4096];
		const char *dir = argc > 3 ? argv[3 + n % (argc - 3)] : ".";
		snprintf(name, sizeof(name), "/%s/churn.%ld.%ld", dir, (long)getpid(), n % 8);
		if (nfs_creat(nfs, name, 0644, &fh) < 0) {
			fprintf(stderr, "nfs-churn: create %s: %s\n", name, nfs_get_error(nfs));
			return 1;
		}
		nfs_close(nfs, fh);
		if (nfs_unlink(nfs, name) < 0) {
			fprintf(stderr, "nfs-churn: remove %s: %s\n", name, nfs_get_error(nfs));
			return 1;
		}
		n++;
	}
	printf("%ld\n", n);
	nfs_destroy_url(url);
	nfs_destroy_context(nfs);
	return 0;
}
#else
int main(void)
{
	fprintf(stderr, "nfs-churn: built without libnfs\n");
	return 2;
}
#endif
