/*
 * xvalue.h: the two ways xCAT computes a per-node value from a table cell,
 * done the way xCAT does them.
 *
 * xvalue_eval() is what xCAT::Table::getNodeAttribs() does to every value it
 * returns (perl-xCAT/xCAT/Table.pm): a cell "/pattern/replacement/" or
 * "|pattern|replacement|" (or the "easy" "|replacement|") is a regular
 * expression applied to the node name, so one group row can give every
 * node its own IP address, BMC name or NFS server.
 *
 * xvalue_subst() is what xCAT::SvrUtils::subVars() and its callers (the
 * litetree plugin, the statelite code of anaconda.pm and friends) do to a
 * litetree.directory or statelite.statemnt value: "$node", "$table.column"
 * and "$site.key" are replaced by the node's values and "#CMD=...#" runs a
 * shell command.
 */
#ifndef EXTNFS_XVALUE_H
#define EXTNFS_XVALUE_H

#include <stdbool.h>

struct err;
struct strbuf;

/*
 * True if xCAT treats value as a regular expression, i.e. xvalue_eval()
 * may give different nodes different results:
 *   - "/pattern/replacement/": starts with '/', ends with '/', and has
 *     exactly three '/' in all (so neither part can contain a '/');
 *   - "|pattern|replacement|" or "|replacement|": starts and ends with '|'
 *     (at least two characters) and has no newline in between.
 * As in Perl's /...$/, the value may also end with one extra "\n".
 */
bool xvalue_is_regex(const char *value);

/*
 * Evaluates a table value for node, as getNodeAttribs() does.
 *
 * "/pattern/replacement/": the first match of pattern in node is replaced
 * by replacement. The replacement is literal text: xCAT interpolates it
 * once as a Perl variable, so "$1" in it stays "$1".
 *
 * "|pattern|replacement|": split at the first '|' (the pattern cannot
 * contain '|', the replacement can). "|replacement|" with no inner '|' is
 * the "easy" form: the pattern is made from the node name, one
 * "[\D0]*(\d+)" per run of digits in it, then ".*$", so $1, $2... are the
 * node's numbers without leading zeros. Each balanced parenthesised part of
 * the replacement, e.g. "($1+0)" or "(($1-1)/16+1)", is evaluated as a Perl
 * expression under "use integer" and replaced by its value; the text around
 * the parts is literal ("$1" outside parentheses stays "$1", as in xCAT).
 * Inside a part: decimal, 0x hex, 0b binary and 0/0o octal literals (with
 * '_'), $N and ${N} (the captures; unset ones are empty), + - * / %, unary
 * - and +, parentheses, and mknum(expr) (the sum of the bytes of expr, as
 * xCAT's mknum). Arithmetic is on 64-bit integers with Perl's rules: "/"
 * truncates, "%" takes the sign of the left side, a capture used as a
 * number counts its leading decimal number ("007" is 7, "x" is 0), a part
 * with no arithmetic keeps the capture's text ("($1)" of "007" is "007"),
 * and unary minus on text follows Perl ("-abc" of "abc"). As xCAT does,
 * the expression evaluated for a part is the node name with the match
 * replaced by the part, so a pattern that does not match the whole node
 * name leaves its unmatched text in the expression (which is then an
 * error).
 *
 * When the pattern does not match the node name the result is the node
 * name. An empty pattern is Perl's "last successful pattern", which in
 * getNodeAttribs() is the test for the form ("^\|.*\|$" or
 * "^\/[^\/]*\/[^\/]*\/$"). Any other value is returned unchanged.
 *
 * An empty result is returned as "" (xCAT then treats the attribute as not
 * set; that is the caller's business).
 *
 * Returns a malloc'd string, or NULL with e set (e->code EXIT_DATA): a
 * pattern PCRE2 rejects (naming the pattern, PCRE2's message and the
 * offset), a match that hits the PCRE2 match, depth or heap limit, a node
 * name longer than 255 bytes (no host name is; this bounds the matching),
 * unbalanced parentheses in the replacement, and a part that is not such
 * an expression, divides by zero or overflows. For the last three xCAT
 * keeps the text or silently gives an empty part (or wraps around);
 * extnfs reports them.
 */
char *xvalue_eval(const char *value, const char *node, struct err *e);

/*
 * Looks up one column of one table for node: returns 0 with the value
 * appended to out (empty if the table has no value for the node), or -1
 * with e set (e.g. no such table). For table "site", col is the site key.
 * The value must be what xCAT's getNodeAttribs() gives: group inheritance
 * applied and regular expression values already evaluated (xvalue_eval());
 * site values as stored. xvalue_subst() does not evaluate them again.
 */
typedef int (*xvalue_lookup_fn)(void *data, const char *node, const char *table, const char *col,
				struct strbuf *out, struct err *e);

/*
 * Substitutes the variables of a litetree.directory or statelite.statemnt
 * value s for node, as xCAT does (xCAT::SvrUtils::subVars() and its
 * callers, see xvalue.c):
 *
 *   - A value with neither '$' nor "#CMD" is returned unchanged.
 *   - The value is split at ':' into server and directory (a third and
 *     further ':'-separated fields are dropped, as Perl's two-variable
 *     split does). Without a directory ("x", "x:", "x::y") the first
 *     field is the directory and there is no server.
 *   - Each part is split at '/'. Within a part, the variable text runs
 *     from the first '$' to the first '#' or space or the end of the part;
 *     so "$noderes.nfsserver:/x" stops at ':', "$node/x" at '/'. That text
 *     may hold several variables ("$nodetype.os$nodetype.arch"), whose
 *     values are joined with '.'. Text after it is kept but not
 *     substituted; a lone '$' disappears.
 *   - A variable is "node" (the node name), "site.key", or "table.column";
 *     only the first two '.'-separated fields count, so "$node.img" is
 *     table "node", column "img" (an unknown table: an error), and a
 *     missing column is "UNDEFINED". An empty value, or "0", becomes the
 *     text "UNDEFINED".
 *   - In the directory, every part gets a leading '/', trailing '/' are
 *     lost and "//" is then folded to "/": "/x/$node/" gives "/x/cn1",
 *     "a/$node" gives "/a/cn1".
 *   - After substitution, if the part contains "#CMD=", it is split at
 *     '#' and every piece containing "CMD=" is a shell command (its first
 *     "CMD=" removed), run as "/bin/sh -c 'COMMAND 2>&1'" (so stdout and
 *     stderr), replaced by its output less one trailing newline; all '#'
 *     vanish. Without allow_cmd this is refused with an error naming the
 *     command. A command that cannot run, exits non-zero, is killed or
 *     prints nothing is an error (xCAT would put its error text or
 *     "#CMD= did not return output#" into the path; it does the latter
 *     for an output of "0" too, which here is used as it is).
 *   - The directory is always substituted when it has '$' or "#CMD"; the
 *     server only when it has '$'. The result is "server:directory", or
 *     just the directory when there is no server (or the server is "0").
 *
 * "#TABLE:table:key:column#" is a form of xCAT's install templates
 * (xCAT::Template), not of statelite values; here it gets no special
 * meaning, as in xCAT.
 *
 * fn may be NULL if s only uses $node; a table variable is then an error.
 * Returns a malloc'd string, or NULL with e set.
 */
char *xvalue_subst(const char *s, const char *node, xvalue_lookup_fn fn, void *data, bool allow_cmd,
		   struct err *e);

#endif
