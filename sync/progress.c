/*
 * progress.c: formatting of the progress and summary lines; see progress.h.
 */
#include <inttypes.h>

#include "sync/progress.h"
#include "util/banned.h"

void progress_bytes(uint64_t n, struct strbuf *out)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		strbuf_addf(out, "%" PRIu64 " B", n);
		return;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	strbuf_addf(out, "%.1f %s", v, units[u]);
}

void progress_line(const struct sync_stats *st, struct strbuf *out)
{
	double rate = st->seconds > 0 ? (double)st->bytes / st->seconds : 0;

	strbuf_addf(out, "%" PRIu64 "/%" PRIu64 " changes, %" PRIu64 " scanned, ", st->done_files,
		    st->todo_files, st->scanned);
	progress_bytes(st->bytes, out);
	strbuf_addstr(out, ", ");
	progress_bytes((uint64_t)rate, out);
	strbuf_addstr(out, "/s");
	if (rate > 0 && st->todo_bytes > st->bytes) {
		uint64_t left = (uint64_t)((double)(st->todo_bytes - st->bytes) / rate);
		if (left >= 3600)
			strbuf_addf(out, ", %" PRIu64 ":%02" PRIu64 ":%02" PRIu64 " left", left / 3600,
				    left / 60 % 60, left % 60);
		else
			strbuf_addf(out, ", %" PRIu64 ":%02" PRIu64 " left", left / 60, left % 60);
	}
}

void progress_summary(const struct sync_stats *st, struct strbuf *out)
{
	if (st->dry_run)
		strbuf_addstr(out, "dry run: would have ");
	strbuf_addf(out,
		    "%" PRIu64 " created, %" PRIu64 " updated, %" PRIu64 " metadata-only, %" PRIu64
		    " deleted, %" PRIu64 " failed",
		    st->created, st->updated, st->metadata, st->deleted, st->failed);
	if (st->skipped)
		strbuf_addf(out, ", %" PRIu64 " skipped", st->skipped);
	strbuf_addf(out, " of %" PRIu64 " entries; ", st->scanned);
	progress_bytes(st->bytes, out);
	strbuf_addf(out, " (%" PRIu64 " bytes) in %.2f s", st->bytes, st->seconds);
}
