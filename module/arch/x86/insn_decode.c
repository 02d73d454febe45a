// SPDX-License-Identifier: GPL-2.0
/*
 * A table-driven decoder for the instructions that access emulated MMIO.
 *
 * The exit handler of an EPT violation on a non-RAM guest-physical address
 * knows the address from the VMCS; what it lacks is the width, direction
 * and register of the access, which only the instruction encodes. Drivers
 * reach MMIO through readb()..writeq() and friends, which compile to MOV,
 * MOVZX and MOVSX, so these are all that is decoded. One table row per
 * opcode says what the instruction does; the code only walks the encoding
 * (SDM Vol. 2A, 2.1 "Instruction Format for Protected Mode, Real-Address
 * Mode, and Virtual-8086 Mode"): prefixes, opcode, ModRM with its SIB and
 * displacement, then an immediate. The memory address itself is not
 * computed: the hardware already reported it.
 */
#include "insn_decode.h"

/*
 * Opcode forms (SDM Vol. 2A, 3.1.1.1 "Opcode Column in the Instruction
 * Summary Table"): "/r" has a register in ModRM.reg, "/0" an opcode
 * extension that must be 0 there, and moffs no ModRM at all but a memory
 * offset as wide as the address size, with AL/eAX as register operand.
 */
enum hv_form {
	HV_FORM_REG,
	HV_FORM_IMM,
	HV_FORM_MOFFS,
};

/* Width of the memory operand: fixed, or the operand size. */
enum hv_width {
	HV_W_BYTE,
	HV_W_WORD,
	HV_W_OPSIZE,
};

/* Immediates: ib is one byte; iz is 2 bytes with 16-bit operands, else 4. */
enum hv_imm {
	HV_IMM_NONE,
	HV_IMM_B,
	HV_IMM_Z,
};

#define HV_OP_WRITE	BIT(0)	/* the instruction stores to memory */
#define HV_OP_EXTEND	BIT(1)	/* register is operand-size, memory narrower */
#define HV_OP_SIGN	BIT(2)	/* ... and the data is sign-extended (MOVSX) */

/**
 * struct hv_mov_op - one supported opcode.
 * @escape: 0x0f for the two-byte opcode map, 0 for the one-byte map.
 * @opcode: the (last) opcode byte.
 * @form: enum hv_form.
 * @width: enum hv_width, of the memory operand.
 * @imm: enum hv_imm.
 * @flags: HV_OP_*.
 */
struct hv_mov_op {
	u8 escape;
	u8 opcode;
	u8 form;
	u8 width;
	u8 imm;
	u8 flags;
};

/*
 * The rows, from SDM Vol. 2B "MOV—Move", "MOVSX/MOVSXD—Move With
 * Sign-Extension" and "MOVZX—Move With Zero-Extend".
 */
static const struct hv_mov_op hv_mov_ops[] = {
	/* MOV r/m8, r8 */
	{ 0x00, 0x88, HV_FORM_REG, HV_W_BYTE, HV_IMM_NONE, HV_OP_WRITE },
	/* MOV r/m16/32/64, r16/32/64 */
	{ 0x00, 0x89, HV_FORM_REG, HV_W_OPSIZE, HV_IMM_NONE, HV_OP_WRITE },
	/* MOV r8, r/m8 */
	{ 0x00, 0x8a, HV_FORM_REG, HV_W_BYTE, HV_IMM_NONE, 0 },
	/* MOV r16/32/64, r/m16/32/64 */
	{ 0x00, 0x8b, HV_FORM_REG, HV_W_OPSIZE, HV_IMM_NONE, 0 },
	/* MOV r/m8, imm8 */
	{ 0x00, 0xc6, HV_FORM_IMM, HV_W_BYTE, HV_IMM_B, HV_OP_WRITE },
	/* MOV r/m16/32/64, imm16/32 */
	{ 0x00, 0xc7, HV_FORM_IMM, HV_W_OPSIZE, HV_IMM_Z, HV_OP_WRITE },
	/* MOV AL, moffs8 */
	{ 0x00, 0xa0, HV_FORM_MOFFS, HV_W_BYTE, HV_IMM_NONE, 0 },
	/* MOV AX/EAX/RAX, moffs16/32/64 */
	{ 0x00, 0xa1, HV_FORM_MOFFS, HV_W_OPSIZE, HV_IMM_NONE, 0 },
	/* MOV moffs8, AL */
	{ 0x00, 0xa2, HV_FORM_MOFFS, HV_W_BYTE, HV_IMM_NONE, HV_OP_WRITE },
	/* MOV moffs16/32/64, AX/EAX/RAX */
	{ 0x00, 0xa3, HV_FORM_MOFFS, HV_W_OPSIZE, HV_IMM_NONE, HV_OP_WRITE },
	/* MOVZX r16/32/64, r/m8 */
	{ 0x0f, 0xb6, HV_FORM_REG, HV_W_BYTE, HV_IMM_NONE, HV_OP_EXTEND },
	/* MOVZX r16/32/64, r/m16 */
	{ 0x0f, 0xb7, HV_FORM_REG, HV_W_WORD, HV_IMM_NONE, HV_OP_EXTEND },
	/* MOVSX r16/32/64, r/m8 */
	{ 0x0f, 0xbe, HV_FORM_REG, HV_W_BYTE, HV_IMM_NONE,
	  HV_OP_EXTEND | HV_OP_SIGN },
	/* MOVSX r16/32/64, r/m16 */
	{ 0x0f, 0xbf, HV_FORM_REG, HV_W_WORD, HV_IMM_NONE,
	  HV_OP_EXTEND | HV_OP_SIGN },
};

/* REX is 0100WRXB (SDM Vol. 2A, 2.2.1 "REX Prefixes"). */
#define HV_REX_W	BIT(3)	/* 64-bit operand size */
#define HV_REX_R	BIT(2)	/* extends ModRM.reg */

/**
 * struct hv_decoder - the state of one decode.
 * @bytes: the instruction bytes.
 * @avail: how many of @bytes may be read: the caller's length, capped at
 *	the architectural maximum so that too long an instruction reads as
 *	an incomplete one.
 * @pos: the next byte to read; never above @avail.
 * @mode: the guest's code size.
 * @rex: the REX prefix in effect, 0 when there is none.
 * @opsize_prefix: a 66 prefix was seen.
 * @addrsize_prefix: a 67 prefix was seen.
 */
struct hv_decoder {
	const u8 *bytes;
	unsigned int avail;
	unsigned int pos;
	enum hv_cpu_mode mode;
	u8 rex;
	bool opsize_prefix;
	bool addrsize_prefix;
};

/*
 * Consume @n (at most 8) bytes as a little-endian value. The only place
 * that reads @bytes past the prefixes, so that no read goes beyond @avail.
 */
static int hv_fetch(struct hv_decoder *d, unsigned int n, u64 *val)
{
	unsigned int i;

	if (n > d->avail - d->pos)
		return -EINVAL;
	*val = 0;
	for (i = 0; i < n; i++)
		*val |= (u64)d->bytes[d->pos + i] << (8 * i);
	d->pos += n;
	return 0;
}

/* Segment overrides change the address, never the encoding's length. */
static bool hv_is_segment_prefix(u8 b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e ||
	       b == 0x64 || b == 0x65;
}

/*
 * Consume the legacy and REX prefixes (SDM Vol. 2A, 2.1.1 "Instruction
 * Prefixes" and 2.2.1 "REX Prefixes"), leaving @pos on the opcode.
 */
static int hv_decode_prefixes(struct hv_decoder *d)
{
	for (; d->pos < d->avail; d->pos++) {
		u8 b = d->bytes[d->pos];

		/* 40..4F are INC/DEC outside 64-bit mode: opcodes, not REX. */
		if (d->mode == HV_CPU_MODE_64 && (b & 0xf0) == 0x40) {
			d->rex = b;
			continue;
		}
		/*
		 * LOCK on MOV is #UD (SDM Vol. 2A "LOCK—Assert LOCK# Signal
		 * Prefix"); F2/F3 on a MOV store are the XACQUIRE/XRELEASE
		 * hints. Nothing a driver uses for MMIO needs them.
		 */
		if (b == 0xf0 || b == 0xf2 || b == 0xf3)
			return -EOPNOTSUPP;
		if (b == 0x66)
			d->opsize_prefix = true;
		else if (b == 0x67)
			d->addrsize_prefix = true;
		else if (!hv_is_segment_prefix(b))
			return 0;
		/* A REX that does not immediately precede the opcode is ignored. */
		d->rex = 0;
	}
	return -EINVAL;
}

/* Consume the opcode (SDM Vol. 2A, 2.1.2 "Opcodes") and find its row. */
static int hv_decode_opcode(struct hv_decoder *d, const struct hv_mov_op **op)
{
	u64 escape = 0, opcode;
	unsigned int i;
	int err;

	err = hv_fetch(d, 1, &opcode);
	if (!err && opcode == 0x0f) {
		escape = opcode;
		err = hv_fetch(d, 1, &opcode);
	}
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(hv_mov_ops); i++) {
		if (hv_mov_ops[i].escape == escape &&
		    hv_mov_ops[i].opcode == opcode) {
			*op = &hv_mov_ops[i];
			return 0;
		}
	}
	return -EOPNOTSUPP;
}

/*
 * Operand size in bytes (SDM Vol. 1, 3.6 "Operand-size and Address-size
 * Attributes" and 3.6.1 "... in 64-Bit Mode"): 66 toggles between the
 * 16-bit and 32-bit sizes, REX.W selects 64 bits and takes precedence.
 */
static unsigned int hv_operand_size(const struct hv_decoder *d)
{
	if (d->rex & HV_REX_W)
		return 8;
	if (d->mode == HV_CPU_MODE_16)
		return d->opsize_prefix ? 4 : 2;
	return d->opsize_prefix ? 2 : 4;
}

/*
 * Address size in bytes: 67 toggles between 16 and 32 bits, or selects 32
 * in 64-bit mode. It is also the width of a moffs (SDM Vol. 2A, 2.2.1.4
 * "Direct Memory-Offset MOVs": 8 bytes in 64-bit mode without 67).
 */
static unsigned int hv_address_size(const struct hv_decoder *d)
{
	if (!d->addrsize_prefix)
		return d->mode / 8;
	return d->mode == HV_CPU_MODE_32 ? 2 : 4;
}

/*
 * Displacement bytes after a 16-bit ModRM (SDM Vol. 2A, Table 2-1
 * "16-Bit Addressing Forms with the ModR/M Byte"): mod=01 disp8, mod=10
 * disp16, and mod=00 r/m=110 a bare disp16 in place of [BP].
 */
static unsigned int hv_disp_size16(unsigned int mod, unsigned int rm)
{
	if (mod == 1)
		return 1;
	return (mod == 2 || rm == 6) ? 2 : 0;
}

/*
 * Displacement bytes after a 32/64-bit ModRM (SDM Vol. 2A, Tables 2-2
 * "32-Bit Addressing Forms with the ModR/M Byte" and 2-3 "... with the SIB
 * Byte"): mod=01 disp8, mod=10 disp32, and with mod=00 a base of 101 (the
 * r/m field, or the SIB base when r/m=100) is a disp32 in place of [eBP].
 * In 64-bit mode the r/m=101 case is RIP-relative (2.2.1.6 "RIP-Relative
 * Addressing"); the length is the same. REX.B does not change either case
 * (2.2.1.2 "More on REX Prefix Fields"), so it is not consulted.
 */
static unsigned int hv_disp_size32(unsigned int mod, unsigned int base)
{
	if (mod == 1)
		return 1;
	return (mod == 2 || base == 5) ? 4 : 0;
}

/*
 * Consume ModRM, SIB and displacement (SDM Vol. 2A, 2.1.3 "ModR/M and SIB
 * Bytes"); return the ModRM.reg field in @reg_field.
 */
static int hv_decode_modrm(struct hv_decoder *d, unsigned int *reg_field)
{
	unsigned int mod, rm, disp;
	u64 modrm, sib, ignored;
	int err;

	err = hv_fetch(d, 1, &modrm);
	if (err)
		return err;
	mod = modrm >> 6;
	*reg_field = (modrm >> 3) & 7;
	rm = modrm & 7;
	/* A register operand cannot have faulted on MMIO. */
	if (mod == 3)
		return -EOPNOTSUPP;
	if (hv_address_size(d) == 2) {
		disp = hv_disp_size16(mod, rm);
	} else {
		/* r/m=100 announces a SIB byte; 16-bit forms have none. */
		if (rm == 4) {
			err = hv_fetch(d, 1, &sib);
			if (err)
				return err;
			rm = sib & 7;
		}
		disp = hv_disp_size32(mod, rm);
	}
	return hv_fetch(d, disp, &ignored);
}

/* Sign-extend the low @size bytes of @val to 64 bits. */
static u64 hv_sign_extend(u64 val, unsigned int size)
{
	unsigned int shift = 64 - 8 * size;

	return (u64)((s64)(val << shift) >> shift);
}

/* The low @size (1..8) bytes of a u64. */
static u64 hv_size_mask(unsigned int size)
{
	return ~0ULL >> (64 - 8 * size);
}

/*
 * Consume the immediate (SDM Vol. 2A, 2.1.4 "Displacement and Immediate
 * Bytes"). With a 64-bit operand size, C7 still carries 32 bits, which the
 * CPU sign-extends (2.2.1.5 "Immediates"); do it here so that @imm is the
 * value stored.
 */
static int hv_decode_imm(struct hv_decoder *d, const struct hv_mov_op *op,
			 struct hv_mmio_insn *insn)
{
	unsigned int size = 1;
	int err;

	if (op->imm == HV_IMM_NONE)
		return 0;
	if (op->imm == HV_IMM_Z)
		size = insn->access_size == 2 ? 2 : 4;
	err = hv_fetch(d, size, &insn->imm);
	if (err)
		return err;
	if (insn->access_size > size)
		insn->imm = hv_sign_extend(insn->imm, size);
	insn->has_imm = true;
	return 0;
}

/*
 * Consume the operand bytes of @op and fill in the register operand. The
 * moffs forms encode no register: it is AL/eAX, and needs no REX to be AL.
 */
static int hv_decode_operands(struct hv_decoder *d, const struct hv_mov_op *op,
			      struct hv_mmio_insn *insn)
{
	unsigned int reg = 0;
	u64 ignored;
	int err;

	if (op->form == HV_FORM_MOFFS)
		return hv_fetch(d, hv_address_size(d), &ignored);
	err = hv_decode_modrm(d, &reg);
	if (err)
		return err;
	/* C6 /0 and C7 /0: other values are other instructions, or #UD. */
	if (op->form == HV_FORM_IMM)
		return reg ? -EOPNOTSUPP : 0;
	if (d->rex & HV_REX_R)
		reg += 8;
	/*
	 * Byte registers 4..7 are AH, CH, DH, BH without a REX prefix and
	 * SPL, BPL, SIL, DIL with any (SDM Vol. 2A, 2.2.1.2 "More on REX
	 * Prefix Fields", Table 3-1 "Register Codes Associated With +rb,
	 * +rw, +rd, +ro").
	 */
	if (insn->reg_size == 1 && !d->rex && reg >= 4) {
		insn->high_byte = true;
		reg -= 4;
	}
	insn->reg = reg;
	return 0;
}

/* Widths and direction follow from the table row and the prefixes. */
static void hv_decode_widths(const struct hv_decoder *d,
			     const struct hv_mov_op *op,
			     struct hv_mmio_insn *insn)
{
	unsigned int opsize = hv_operand_size(d);

	if (op->width == HV_W_BYTE)
		insn->access_size = 1;
	else if (op->width == HV_W_WORD)
		insn->access_size = 2;
	else
		insn->access_size = opsize;
	insn->reg_size = op->flags & HV_OP_EXTEND ? opsize : insn->access_size;
	insn->is_write = op->flags & HV_OP_WRITE;
	insn->sign_extend = op->flags & HV_OP_SIGN;
}

int hv_insn_decode_mmio(const u8 *bytes, unsigned int len,
			enum hv_cpu_mode mode, struct hv_mmio_insn *insn)
{
	struct hv_decoder d = {
		.bytes = bytes,
		.avail = len < HV_INSN_MAX_LEN ? len : HV_INSN_MAX_LEN,
		.mode = mode,
	};
	struct hv_mmio_insn out = {};
	const struct hv_mov_op *op;
	int err;

	if (mode != HV_CPU_MODE_16 && mode != HV_CPU_MODE_32 &&
	    mode != HV_CPU_MODE_64)
		return -EINVAL;
	err = hv_decode_prefixes(&d);
	if (!err)
		err = hv_decode_opcode(&d, &op);
	if (err)
		return err;
	hv_decode_widths(&d, op, &out);
	err = hv_decode_operands(&d, op, &out);
	if (!err)
		err = hv_decode_imm(&d, op, &out);
	if (err)
		return err;
	out.len = d.pos;
	*insn = out;
	return 0;
}

u64 hv_insn_mmio_write_value(const struct hv_mmio_insn *insn, const u64 *regs)
{
	u64 val;

	if (insn->has_imm)
		val = insn->imm;
	else if (insn->high_byte)
		val = regs[insn->reg] >> 8;
	else
		val = regs[insn->reg];
	return val & hv_size_mask(insn->access_size);
}

void hv_insn_mmio_complete_read(const struct hv_mmio_insn *insn, u64 *regs,
				u64 data)
{
	unsigned int shift = insn->high_byte ? 8 : 0;
	u64 val = data & hv_size_mask(insn->access_size);
	u64 *dst = &regs[insn->reg];
	u64 mask;

	if (insn->sign_extend)
		val = hv_sign_extend(val, insn->access_size);
	mask = hv_size_mask(insn->reg_size);
	/*
	 * A 32-bit destination zero-extends into the full register, a
	 * narrower one leaves the other bits alone (SDM Vol. 1, 3.4.1.1
	 * "General-Purpose Registers in 64-Bit Mode").
	 */
	if (insn->reg_size >= 4) {
		*dst = val & mask;
		return;
	}
	mask <<= shift;
	*dst = (*dst & ~mask) | ((val << shift) & mask);
}
