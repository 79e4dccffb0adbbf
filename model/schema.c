/*
 * schema.c: xCAT table definitions (column sets of xCAT 2.16, as tabdump
 * writes them) and the lsdef attribute map. Older xCAT versions have
 * subsets of these columns; import matches columns by name.
 */
#include <string.h>

#include "model/schema.h"
#include "util/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const site_cols[] = { "key", "value", "comments", "disable" };
static const char *const nodelist_cols[] = {
	"node", "groups", "status", "statustime", "appstatus", "appstatustime",
	"primarysn", "hidden", "updatestatus", "updatestatustime", "zonename",
	"comments", "disable",
};
static const char *const noderes_cols[] = {
	"node", "servicenode", "netboot", "tftpserver", "tftpdir", "nfsserver",
	"monserver", "nfsdir", "installnic", "primarynic", "discoverynics",
	"cmdinterface", "xcatmaster", "current_osimage", "next_osimage",
	"nimserver", "routenames", "nameservers", "proxydhcp", "syslog",
	"comments", "disable",
};
static const char *const nodetype_cols[] = {
	"node", "os", "arch", "profile", "provmethod", "supportedarchs",
	"nodetype", "comments", "disable",
};
static const char *const hosts_cols[] = {
	"node", "ip", "hostnames", "otherinterfaces", "comments", "disable",
};
static const char *const osimage_cols[] = {
	"imagename", "groups", "profile", "imagetype", "description",
	"provmethod", "rootfstype", "nfsrootopts", "osdistroname",
	"osupdatename", "cfmdir", "osname", "osvers", "osarch", "synclists",
	"postscripts", "postbootscripts", "serverrole", "isdeletable",
	"kitcomponents", "environvar", "comments", "disable",
};
static const char *const nimimage_cols[] = {
	"imagename", "nimtype", "lpp_source", "spot", "root", "dump", "paging",
	"resolv_conf", "tmp", "home", "shared_home", "res_group", "nimmethod",
	"script", "bosinst_data", "installp_bundle", "mksysb", "fb_script",
	"shared_root", "otherpkgs", "image_data", "configdump", "comments",
	"disable",
};
static const char *const statelite_cols[] = {
	"node", "image", "statemnt", "mntopts", "comments", "disable",
};
static const char *const litefile_cols[] = {
	"image", "file", "options", "comments", "disable",
};
static const char *const litetree_cols[] = {
	"priority", "image", "directory", "mntopts", "comments", "disable",
};
static const char *const prescripts_cols[] = {
	"node", "begin", "end", "comments", "disable",
};

static const size_t key0[] = { 0 };
static const size_t key01[] = { 0, 1 };

#define T(name, keys, nodekeyed) \
	{ #name, name##_cols, N(name##_cols), keys, N(keys), nodekeyed }

const struct xtable xcat_tables[] = {
	T(site, key0, 0),
	T(nodelist, key0, 1),
	T(noderes, key0, 1),
	T(nodetype, key0, 1),
	T(hosts, key0, 1),
	T(osimage, key0, 0),
	T(nimimage, key0, 0),
	T(statelite, key0, 1),
	T(litefile, key01, 0),
	T(litetree, key0, 0),
	T(prescripts, key0, 1),
};
const size_t n_xcat_tables = N(xcat_tables);

const struct xtable *xtable_find(const char *name)
{
	for (size_t i = 0; i < n_xcat_tables; i++)
		if (!strcmp(xcat_tables[i].name, name))
			return &xcat_tables[i];
	return NULL;
}

int xtable_col(const struct xtable *t, const char *col)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], col))
			return (int)i;
	return -1;
}

/*
 * The attribute names xCAT's lsdef uses (xCAT's Schema.pm defspec) for the
 * columns extnfs keeps. Sorted by type, then attribute, as lsdef prints.
 */
const struct defattr def_attrs[] = {
	{ "node", "appstatus", "nodelist", "appstatus" },
	{ "node", "appstatustime", "nodelist", "appstatustime" },
	{ "node", "arch", "nodetype", "arch" },
	{ "node", "cmdinterface", "noderes", "cmdinterface" },
	{ "node", "current_osimage", "noderes", "current_osimage" },
	{ "node", "discoverynics", "noderes", "discoverynics" },
	{ "node", "groups", "nodelist", "groups" },
	{ "node", "hidden", "nodelist", "hidden" },
	{ "node", "hostnames", "hosts", "hostnames" },
	{ "node", "installnic", "noderes", "installnic" },
	{ "node", "ip", "hosts", "ip" },
	{ "node", "monserver", "noderes", "monserver" },
	{ "node", "nameservers", "noderes", "nameservers" },
	{ "node", "netboot", "noderes", "netboot" },
	{ "node", "next_osimage", "noderes", "next_osimage" },
	{ "node", "nfsdir", "noderes", "nfsdir" },
	{ "node", "nfsserver", "noderes", "nfsserver" },
	{ "node", "nimserver", "noderes", "nimserver" },
	{ "node", "nodetype", "nodetype", "nodetype" },
	{ "node", "os", "nodetype", "os" },
	{ "node", "otherinterfaces", "hosts", "otherinterfaces" },
	{ "node", "prescripts-begin", "prescripts", "begin" },
	{ "node", "prescripts-end", "prescripts", "end" },
	{ "node", "primarynic", "noderes", "primarynic" },
	{ "node", "primarysn", "nodelist", "primarysn" },
	{ "node", "profile", "nodetype", "profile" },
	{ "node", "provmethod", "nodetype", "provmethod" },
	{ "node", "proxydhcp", "noderes", "proxydhcp" },
	{ "node", "routenames", "noderes", "routenames" },
	{ "node", "servicenode", "noderes", "servicenode" },
	{ "node", "status", "nodelist", "status" },
	{ "node", "statustime", "nodelist", "statustime" },
	{ "node", "supportedarchs", "nodetype", "supportedarchs" },
	{ "node", "syslog", "noderes", "syslog" },
	{ "node", "tftpdir", "noderes", "tftpdir" },
	{ "node", "tftpserver", "noderes", "tftpserver" },
	{ "node", "updatestatus", "nodelist", "updatestatus" },
	{ "node", "updatestatustime", "nodelist", "updatestatustime" },
	{ "node", "usercomment", "nodelist", "comments" },
	{ "node", "xcatmaster", "noderes", "xcatmaster" },
	{ "node", "zonename", "nodelist", "zonename" },
	{ "osimage", "bosinst_data", "nimimage", "bosinst_data" },
	{ "osimage", "cfmdir", "osimage", "cfmdir" },
	{ "osimage", "configdump", "nimimage", "configdump" },
	{ "osimage", "description", "osimage", "description" },
	{ "osimage", "dump", "nimimage", "dump" },
	{ "osimage", "environvar", "osimage", "environvar" },
	{ "osimage", "fb_script", "nimimage", "fb_script" },
	{ "osimage", "groups", "osimage", "groups" },
	{ "osimage", "home", "nimimage", "home" },
	{ "osimage", "image_data", "nimimage", "image_data" },
	{ "osimage", "imagetype", "osimage", "imagetype" },
	{ "osimage", "installp_bundle", "nimimage", "installp_bundle" },
	{ "osimage", "isdeletable", "osimage", "isdeletable" },
	{ "osimage", "kitcomponents", "osimage", "kitcomponents" },
	{ "osimage", "lpp_source", "nimimage", "lpp_source" },
	{ "osimage", "mksysb", "nimimage", "mksysb" },
	{ "osimage", "nfsrootopts", "osimage", "nfsrootopts" },
	{ "osimage", "nimmethod", "nimimage", "nimmethod" },
	{ "osimage", "nimtype", "nimimage", "nimtype" },
	{ "osimage", "osarch", "osimage", "osarch" },
	{ "osimage", "osdistroname", "osimage", "osdistroname" },
	{ "osimage", "osname", "osimage", "osname" },
	{ "osimage", "osupdatename", "osimage", "osupdatename" },
	{ "osimage", "osvers", "osimage", "osvers" },
	{ "osimage", "otherpkgs", "nimimage", "otherpkgs" },
	{ "osimage", "paging", "nimimage", "paging" },
	{ "osimage", "postbootscripts", "osimage", "postbootscripts" },
	{ "osimage", "postscripts", "osimage", "postscripts" },
	{ "osimage", "profile", "osimage", "profile" },
	{ "osimage", "provmethod", "osimage", "provmethod" },
	{ "osimage", "res_group", "nimimage", "res_group" },
	{ "osimage", "resolv_conf", "nimimage", "resolv_conf" },
	{ "osimage", "root", "nimimage", "root" },
	{ "osimage", "rootfstype", "osimage", "rootfstype" },
	{ "osimage", "script", "nimimage", "script" },
	{ "osimage", "serverrole", "osimage", "serverrole" },
	{ "osimage", "shared_home", "nimimage", "shared_home" },
	{ "osimage", "shared_root", "nimimage", "shared_root" },
	{ "osimage", "spot", "nimimage", "spot" },
	{ "osimage", "synclists", "osimage", "synclists" },
	{ "osimage", "tmp", "nimimage", "tmp" },
	{ "osimage", "usercomment", "osimage", "comments" },
};
const size_t n_def_attrs = N(def_attrs);

const struct defattr *defattr_find(const char *type, const char *attr)
{
	/* groups carry node attributes at group level */
	if (!strcmp(type, "group"))
		type = "node";
	for (size_t i = 0; i < n_def_attrs; i++)
		if (!strcmp(def_attrs[i].type, type) && !strcmp(def_attrs[i].attr, attr))
			return &def_attrs[i];
	return NULL;
}
