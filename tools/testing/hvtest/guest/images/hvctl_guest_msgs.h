/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The console lines of the hvctl scenario guest, the same on every arch:
 * the hvctl.* steps wait for them. Included where each image keeps its
 * data.
 */
msg_shutdown:
	.asciz	"shutting down\r\n"
msg_hello:
	.asciz	"hello from the hv guest\r\n"
msg_bye:
	.asciz	"stop requested: powering off\r\n"
msg_touched:
	.asciz	"touched 576K\r\n"
msg_cpu1_off:
	.asciz	"vCPU 1 is off, starting it\r\n"
msg_cpu1_on:
	.asciz	"vCPU 1 runs already\r\n"
