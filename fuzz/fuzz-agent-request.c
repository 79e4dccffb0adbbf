/*
 * fuzz-agent-request: the agent protocol's parsers on arbitrary bytes.
 * Properties: a request that parses is written back and parses again to
 * the same request (the writer and the parser agree); the MN's line
 * parser never crashes on what an agent (or anything else) might print.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "remote/agent.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_list(const struct strvec *a, const struct strvec *b)
{
	if (a->nr != b->nr)
		return false;
	for (size_t i = 0; i < a->nr; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agent_request a, b;
	struct agent_event ev;
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;

	if (agent_request_parse((const char *)data, size, &a, &e) == 0) {
		agent_request_write(&a, &out);
		if (agent_request_parse(out.buf, out.len, &b, &e) < 0)
			abort();
		if (a.njobs != b.njobs || strcmp(a.version, b.version) || a.dry_run != b.dry_run ||
		    a.nedits != b.nedits || a.redirect_undo != b.redirect_undo)
			abort();
		for (size_t i = 0; i < a.nedits; i++)
			if (strcmp(a.edits[i].file, b.edits[i].file) || a.edits[i].kind != b.edits[i].kind ||
			    strcmp(a.edits[i].server, b.edits[i].server))
				abort();
		for (size_t i = 0; i < a.njobs; i++) {
			const struct agent_job *x = &a.jobs[i], *y = &b.jobs[i];
			if (strcmp(x->src, y->src) || strcmp(x->dest, y->dest) || x->del != y->del ||
			    x->keep_root != y->keep_root || x->verify != y->verify || x->force != y->force ||
			    x->max_delete != y->max_delete || x->max_delete_pct != y->max_delete_pct ||
			    !same_list(&x->include, &y->include) || !same_list(&x->exclude, &y->exclude))
				abort();
		}
		agent_request_release(&b);
	}
	agent_request_release(&a);
	if (agent_event_parse((const char *)data, size, &ev, &e) == 0)
		agent_event_release(&ev);
	strbuf_release(&out);
	err_release(&e);
	return 0;
}
