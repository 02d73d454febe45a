// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench report: read the rows of one hv run and one KVM run, print them
 * side by side with their ratio, and write the JSON the harness keeps:
 *   {"target": T, "rows": [{"name", "unit", "higher_is_better", "hv",
 *    "kvm", "hv_spread": [min, max], "kvm_spread": [min, max]}],
 *    "counter": {"name": N, "hz": HZ}}
 * where "counter" says what the guest's "cycles" are (hz null: unknown).
 * A side given as "-" (not run in this boot), or a KVM file that is
 * missing or lacks a row, gives null there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define MAX_ROWS	32

struct side {
	int valid;
	double median, min, max;
};

struct merged {
	char name[32];
	char unit[16];
	int higher_is_better;
	struct side hv, kvm;
};

static struct merged table[MAX_ROWS];
static int ntable;
static char counter_name[16] = "?";
static unsigned long long counter_hz;

static struct merged *table_get(const char *name)
{
	int i;

	for (i = 0; i < ntable; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	if (ntable == MAX_ROWS)
		return NULL;
	snprintf(table[ntable].name, sizeof(table[0].name), "%s", name);
	return &table[ntable++];
}

/* "# counter NAME HZ": what the guest's cycles count */
static void read_meta(const char *line)
{
	char name[16];
	unsigned long long hz;

	if (sscanf(line, "# counter %15s %llu", name, &hz) != 2)
		return;
	snprintf(counter_name, sizeof(counter_name), "%s", name);
	counter_hz = hz;
}

static int read_side(const char *path, int kvm)
{
	char line[256], name[32], unit[16];
	struct side s = { .valid = 1 };
	struct merged *m;
	int hib, n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#') {
			read_meta(line);
			continue;
		}
		if (sscanf(line, "%31s %15s %d %lf %lf %lf", name, unit, &hib,
			   &s.median, &s.min, &s.max) != 6)
			break;
		m = table_get(name);
		if (!m)
			break;
		snprintf(m->unit, sizeof(m->unit), "%s", unit);
		m->higher_is_better = hib;
		if (kvm)
			m->kvm = s;
		else
			m->hv = s;
		n++;
	}
	fclose(f);
	return n ? 0 : -ENODATA;
}

static void print_side(const struct side *s)
{
	char buf[64];

	/* ratios near 1 need their decimals, big counts do not */
	int prec = s->median < 10 ? 3 : 1;

	if (s->valid)
		snprintf(buf, sizeof(buf), "%.*f [%.*f-%.*f]", prec, s->median,
			 prec, s->min, prec, s->max);
	else
		snprintf(buf, sizeof(buf), "-");
	printf("  %-30s", buf);
}

static void print_table(const char *target)
{
	int i;

	printf("hvbench on %s: median [min-max] of the runs\n", target);
	if (counter_hz)
		printf("guest cycles: %s ticks at %.2f MHz\n", counter_name,
		       counter_hz / 1e6);
	else
		printf("guest cycles: %s ticks\n", counter_name);
	printf("%-21s %-7s  %-30s  %-30s  %s\n", "benchmark", "unit",
	       "hv", "kvm", "hv/kvm");
	for (i = 0; i < ntable; i++) {
		const struct merged *m = &table[i];

		printf("%-21s %-7s", m->name, m->unit);
		print_side(&m->hv);
		print_side(&m->kvm);
		if (m->hv.valid && m->kvm.valid && m->kvm.median > 0)
			printf("  %.2f (%s better)", m->hv.median / m->kvm.median,
			       (m->hv.median > m->kvm.median) ==
			       !!m->higher_is_better ? "hv" : "kvm");
		printf("\n");
	}
}

static void json_side(FILE *f, const char *key, const struct side *s)
{
	if (s->valid)
		fprintf(f, ", \"%s\": %.3f, \"%s_spread\": [%.3f, %.3f]", key,
			s->median, key, s->min, s->max);
	else
		fprintf(f, ", \"%s\": null, \"%s_spread\": null", key, key);
}

static int write_json(const char *path, const char *target)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		return -errno;
	fprintf(f, "{\"target\": \"%s\", \"rows\": [", target);
	for (i = 0; i < ntable; i++) {
		const struct merged *m = &table[i];

		fprintf(f, "%s\n  {\"name\": \"%s\", \"unit\": \"%s\", \"higher_is_better\": %s",
			i ? "," : "", m->name, m->unit,
			m->higher_is_better ? "true" : "false");
		json_side(f, "hv", &m->hv);
		json_side(f, "kvm", &m->kvm);
		fprintf(f, "}");
	}
	fprintf(f, "\n], \"counter\": {\"name\": \"%s\", \"hz\": ", counter_name);
	if (counter_hz)
		fprintf(f, "%llu}}\n", counter_hz);
	else
		fprintf(f, "null}}\n");
	return fclose(f) ? -errno : 0;
}

int cmd_report(int argc, char **argv)
{
	const char *target = "unknown", *json = NULL, *files[2] = { NULL };
	int i, nfiles = 0, err;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--target") && i + 1 < argc)
			target = argv[++i];
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (nfiles < 2)
			files[nfiles++] = argv[i];
	}
	if (!nfiles) {
		fprintf(stderr, "usage: hvbench report --target NAME [--json FILE] HV_FILE|- [KVM_FILE|-]\n");
		return 2;
	}
	/* the first side given must have rows; "-" is a side not run */
	for (i = 0; i < nfiles; i++) {
		if (!strcmp(files[i], "-"))
			continue;
		err = read_side(files[i], i);
		if (err && !ntable) {
			fprintf(stderr, "hvbench: %s: %s\n", files[i],
				strerror(-err));
			return 1;
		}
		if (err)
			fprintf(stderr, "hvbench: %s: no %s results\n",
				files[i], i ? "KVM" : "hv");
	}
	if (!ntable) {
		fprintf(stderr, "hvbench: no results\n");
		return 1;
	}
	print_table(target);
	if (json && write_json(json, target)) {
		fprintf(stderr, "hvbench: %s: %s\n", json, strerror(errno));
		return 1;
	}
	return 0;
}
