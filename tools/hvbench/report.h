/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HVBENCH_REPORT_H
#define HVBENCH_REPORT_H

/* hvbench report: the side-by-side table and the JSON file. */
int cmd_report(int argc, char **argv);

#endif /* HVBENCH_REPORT_H */
