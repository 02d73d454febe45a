/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the guest instructions that access emulated MMIO.
 *
 * An EPT violation tells the hypervisor which guest-physical address was
 * touched, but not how wide the access was, whether it was a load or a
 * store, nor which register holds or receives the data. The exit handler
 * therefore fetches the faulting instruction (at most HV_INSN_MAX_LEN bytes
 * at the guest's RIP) and decodes it here. Only the MOV family that drivers
 * use for MMIO is understood: MOV with ModRM, MOV with an immediate, MOV
 * with a memory offset (moffs), MOVZX and MOVSX.
 */
#ifndef HV_INSN_DECODE_H
#define HV_INSN_DECODE_H

#ifdef HV_HOST_TEST
#include "kshim.h"
#else
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>		/* ARRAY_SIZE() */
#include <linux/types.h>
#endif

/*
 * The architectural limit on the length of one instruction, prefixes
 * included (SDM Vol. 2A, 2.3.11 "AVX Instruction Length"); longer ones #GP.
 */
#define HV_INSN_MAX_LEN		15

/**
 * enum hv_cpu_mode - default operand and address size of the guest's code.
 * @HV_CPU_MODE_16: real mode, virtual-8086 mode, or protected mode with
 *	CS.D=0: 16-bit operands and addresses by default.
 * @HV_CPU_MODE_32: protected or compatibility mode with CS.D=1: 32-bit
 *	operands and addresses by default.
 * @HV_CPU_MODE_64: 64-bit mode (IA32_EFER.LMA=1 and CS.L=1): 32-bit
 *	operands and 64-bit addresses by default, REX prefixes exist.
 *
 * The values are the default address size in bits.
 */
enum hv_cpu_mode {
	HV_CPU_MODE_16 = 16,
	HV_CPU_MODE_32 = 32,
	HV_CPU_MODE_64 = 64,
};

/**
 * struct hv_mmio_insn - what a decoded MMIO instruction does.
 * @len: instruction length in bytes, prefixes included: how far to advance
 *	RIP once the access has been emulated.
 * @access_size: bytes read from or written to memory: 1, 2, 4 or 8.
 * @reg: number of the general-purpose register operand, 0..15 in the
 *	order RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15. For AH, CH,
 *	DH and BH it is the number of the containing register (0..3). 0 when
 *	the instruction has no register operand (@has_imm).
 * @reg_size: bytes of the register operand: for loads, the width written
 *	to the register (the destination width for MOVZX and MOVSX, which may
 *	exceed @access_size); for stores, equal to @access_size.
 * @is_write: the guest stores to memory; otherwise it loads from it.
 * @high_byte: the register operand is AH, CH, DH or BH, that is bits 15:8
 *	of register @reg.
 * @has_imm: a store whose value is @imm rather than a register.
 * @sign_extend: a MOVSX load: the data is sign-extended to @reg_size
 *	bytes rather than zero-extended.
 * @imm: the immediate of a store with @has_imm, sign-extended to
 *	@access_size bytes where the instruction specifies so (MOV r/m64,
 *	imm32); 0 otherwise.
 */
struct hv_mmio_insn {
	u8 len;
	u8 access_size;
	u8 reg;
	u8 reg_size;
	bool is_write;
	bool high_byte;
	bool has_imm;
	bool sign_extend;
	u64 imm;
};

/**
 * hv_insn_decode_mmio() - decode an instruction that faulted on MMIO.
 * @bytes: the instruction bytes fetched at the guest's RIP.
 * @len: how many bytes of @bytes are valid; bytes past HV_INSN_MAX_LEN are
 *	ignored. Never reads beyond @len.
 * @mode: the guest's code size at the time of the fault.
 * @insn: receives the decoded instruction; written only on success.
 *
 * Supported are MOV (88, 89, 8A, 8B, C6 /0, C7 /0, A0..A3), MOVZX (0F B6,
 * 0F B7) and MOVSX (0F BE, 0F BF) with a memory operand, with the prefixes
 * 66, 67, the segment overrides, and REX in 64-bit mode. Pure function of
 * its arguments: callable in any context.
 *
 * Return: 0 on success; -EOPNOTSUPP when the bytes encode an instruction
 * this decoder does not emulate (another opcode, a register-only ModRM
 * operand, a LOCK, REP or REPNE prefix, an INC/DEC where 64-bit mode would
 * have a REX prefix); -EINVAL when @mode is not an enum hv_cpu_mode or the
 * instruction is incomplete: it needs more than @len bytes or more than
 * HV_INSN_MAX_LEN bytes.
 */
int hv_insn_decode_mmio(const u8 *bytes, unsigned int len,
			enum hv_cpu_mode mode, struct hv_mmio_insn *insn);

/**
 * hv_insn_mmio_write_value() - the value a decoded store writes to memory.
 * @insn: an instruction decoded by hv_insn_decode_mmio() with @is_write.
 * @regs: the guest's general-purpose registers, indexed by register number
 *	(16 entries).
 *
 * Return: @insn->imm or the register operand (bits 15:8 of it for AH..BH),
 * truncated to @insn->access_size bytes.
 */
u64 hv_insn_mmio_write_value(const struct hv_mmio_insn *insn, const u64 *regs);

/**
 * hv_insn_mmio_complete_read() - write the result of an emulated load.
 * @insn: an instruction decoded by hv_insn_decode_mmio() without @is_write.
 * @regs: the guest's general-purpose registers, indexed by register number
 *	(16 entries); the destination register is updated.
 * @data: the value read from the device; only its low @insn->access_size
 *	bytes are used.
 *
 * Follows the architectural rules for the destination's width: an 8-bit
 * or 16-bit destination keeps the register's other bits, a 32-bit one
 * zero-extends into the whole 64-bit register, MOVZX zero-extends and MOVSX
 * sign-extends the data to @insn->reg_size bytes. The 32-bit rule is that of
 * 64-bit mode and is applied in every mode: outside 64-bit mode the upper
 * halves are undefined (SDM Vol. 1, 3.4.1.1 "General-Purpose Registers in
 * 64-Bit Mode"), so one rule is correct everywhere.
 */
void hv_insn_mmio_complete_read(const struct hv_mmio_insn *insn, u64 *regs,
				u64 data);

#endif /* HV_INSN_DECODE_H */
