// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing and formatting of sizes, percentages and names.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

int hvctl_parse_u64(const char *s, const char *what, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-') {
		hvctl_err("bad %s '%s': expected a number", what, s);
		return -1;
	}
	return 0;
}

int hvctl_parse_size(const char *s, const char *what, uint64_t *out)
{
	unsigned long long v;
	int shift = 0;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		goto bad;
	switch (toupper((unsigned char)*end)) {
	case 0:
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		goto bad;
	}
	if (*end && end[1] && strcasecmp(end + 1, "iB") && strcasecmp(end + 1, "B"))
		goto bad;
	if (v > (~0ULL >> shift))
		goto bad;
	*out = v << shift;
	return 0;
bad:
	hvctl_err("bad %s '%s': expected a size such as 4096, 64K, 256M or 1G",
		  what, s);
	return -1;
}

int hvctl_parse_percent(const char *s, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *s == '-' || (*end && strcmp(end, "%")) ||
	    v > 6400) {
		hvctl_err("bad CPU quota '%s': expected a percentage of one CPU, 0 to 6400 (0: no quota)",
			  s);
		return -1;
	}
	*out = v;
	return 0;
}

void hvctl_fmt_size(uint64_t bytes, char *buf, int len)
{
	static const char units[] = "KMGT";
	int i = -1;

	while (bytes >= 1024 && !(bytes % 1024) && i < 3) {
		bytes /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)bytes, units[i]);
}

int hvctl_realpath_list(const char *list, char *out, size_t len)
{
	char item[PATH_MAX], path[PATH_MAX];
	const char *p = list, *comma;
	size_t n, used = 0;

	out[0] = 0;
	do {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (!n || n >= sizeof(item)) {
			hvctl_err("bad file list '%s': an empty or too long name",
				  list);
			return -1;
		}
		memcpy(item, p, n);
		item[n] = 0;
		if (!realpath(item, path)) {
			hvctl_err("initrd %s: %s", item, strerror(errno));
			return -1;
		}
		if (strchr(path, ',') || used + strlen(path) + 2 > len) {
			hvctl_err("initrd %s: the path has a comma or the list is too long",
				  path);
			return -1;
		}
		used += snprintf(out + used, len - used, "%s%s",
				 used ? "," : "", path);
		p = comma + 1;
	} while (comma);
	return 0;
}

int hvctl_valid_name(const char *name)
{
	size_t len = strlen(name), i;

	if (!len || len > 32)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return 0;
	return 1;
}

/* "FILE[,ro][,cache=none|writeback]": the file must exist; no commas in it. */
int hvctl_parse_disk(const char *s, struct hvctl_disk *d)
{
	char buf[PATH_MAX], *opt, *next;

	memset(d, 0, sizeof(*d));
	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf)) {
		hvctl_err("bad --disk: the path is too long");
		return -1;
	}
	next = strchr(buf, ',');
	if (next)
		*next++ = 0;
	if (!realpath(buf, d->path)) {
		hvctl_err("disk %s: %s", buf, strerror(errno));
		return -1;
	}
	for (opt = next; opt; opt = next) {
		next = strchr(opt, ',');
		if (next)
			*next++ = 0;
		if (!strcmp(opt, "ro")) {
			d->flags |= HVCTL_DISK_RO;
		} else if (!strcmp(opt, "cache=none")) {
			d->flags |= HVCTL_DISK_DIRECT;
		} else if (!strcmp(opt, "cache=writeback")) {
			d->flags &= ~HVCTL_DISK_DIRECT;
		} else {
			hvctl_err("bad --disk option '%s': ro, cache=none or cache=writeback",
				  opt);
			return -1;
		}
	}
	return 0;
}
