/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-console (virtio/console.c): the guest's hvc0 on the VMM's
 * console. The device needs the VMM (its console), unlike the others.
 */
#ifndef HVCTL_VIRTIO_CONSOLE_H
#define HVCTL_VIRTIO_CONSOLE_H

#include <stddef.h>

#define VIRTIO_ID_CONSOLE	3

struct hvctl_vmm;
struct hvctl_vcon;
struct virtio_mmio_dev;
struct hvctl_gmem;

/*
 * Makes @dev a virtio-console on @vmm's console, with its I/O thread
 * running, and gives it the console's input; NULL with the reason in
 * @err. hvctl_vcon_destroy() gives the input back to the UART, stops the
 * thread and destroys @dev.
 */
struct hvctl_vcon *hvctl_vcon_create(struct hvctl_vmm *vmm,
				     struct virtio_mmio_dev *dev,
				     const struct hvctl_gmem *mem, char *err,
				     size_t err_len);
void hvctl_vcon_destroy(struct hvctl_vcon *vc);

#endif /* HVCTL_VIRTIO_CONSOLE_H */
