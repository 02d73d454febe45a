// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the MMIO instruction decoder (module/arch/x86/insn_decode.c),
 * which is compiled into this program with -DHV_HOST_TEST.
 *
 * Every test vector below is one instruction (or one rejected byte string)
 * and runs as three test cases: the decode itself, every truncation of the
 * bytes, and the bytes followed by more bytes. The bytes are placed at the
 * end of a page followed by an inaccessible one, so that a read past the
 * length given to the decoder kills the test. The lengths were checked
 * against objdump while the vectors were written (objdump shows a REX that
 * is followed by another prefix as an instruction of its own; the CPU
 * ignores it as part of the next).
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "insn_decode.h"

/* Copy @n bytes so that they end right before an unmapped page. */
static const u8 *guarded(const u8 *bytes, unsigned int n)
{
	static u8 *area;
	static long page;

	if (!area) {
		page = sysconf(_SC_PAGESIZE);
		area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED || mprotect(area + page, page, PROT_NONE))
			abort();
	}
	memcpy(area + page - n, bytes, n);
	return area + page - n;
}

FIXTURE(decode) {
	int unused;
};

FIXTURE_VARIANT(decode) {
	enum hv_cpu_mode mode;
	int ret;
	unsigned int len;
	u8 bytes[24];
	struct hv_mmio_insn want;
};

FIXTURE_SETUP(decode) {}
FIXTURE_TEARDOWN(decode) {}

/*
 * VEC(name, mode, return value, expected decode, bytes...). The expected
 * decode is one of the macros below: load, load into AH..BH, store, store
 * from AH..BH, store of an immediate, MOVZX, MOVSX, or none for errors.
 */
#define VEC(_name, _mode, _ret, _want, ...)				\
	FIXTURE_VARIANT_ADD(decode, _name) {				\
		.mode = HV_CPU_MODE_##_mode,				\
		.ret = _ret,						\
		.len = sizeof((u8[]){ __VA_ARGS__ }),			\
		.bytes = { __VA_ARGS__ },				\
		.want = _want,						\
	}

#define LD(_len, _size, _reg)	{ .len = _len, .access_size = _size,	\
				  .reg = _reg, .reg_size = _size }
#define LDH(_len, _reg)		{ .len = _len, .access_size = 1,	\
				  .reg = _reg, .reg_size = 1,		\
				  .high_byte = true }
#define ST(_len, _size, _reg)	{ .len = _len, .access_size = _size,	\
				  .reg = _reg, .reg_size = _size,	\
				  .is_write = true }
#define STH(_len, _reg)		{ .len = _len, .access_size = 1,	\
				  .reg = _reg, .reg_size = 1,		\
				  .is_write = true, .high_byte = true }
#define STI(_len, _size, _imm)	{ .len = _len, .access_size = _size,	\
				  .reg_size = _size, .is_write = true,	\
				  .has_imm = true, .imm = _imm }
#define ZX(_len, _size, _reg, _rsize)	{ .len = _len,			\
				  .access_size = _size, .reg = _reg,	\
				  .reg_size = _rsize }
#define SX(_len, _size, _reg, _rsize)	{ .len = _len,			\
				  .access_size = _size, .reg = _reg,	\
				  .reg_size = _rsize, .sign_extend = true }
#define NONE			{ 0 }

/* An 8-byte and a 4-byte memory offset. */
#define MOFFS64 0x00, 0x10, 0x00, 0xfe, 0x00, 0x00, 0x00, 0x00
#define MOFFS32 0x00, 0x10, 0x00, 0xfe

/* 64-bit mode: MOV with ModRM, register operands and REX. */
VEC(m64_mov_store_r32, 64, 0, ST(2, 4, 0), 0x89, 0x00);
VEC(m64_mov_store_r64_rexw, 64, 0, ST(3, 8, 1), 0x48, 0x89, 0x08);
VEC(m64_mov_store_r16_66, 64, 0, ST(3, 2, 2), 0x66, 0x89, 0x10);
VEC(m64_mov_store_bl, 64, 0, ST(2, 1, 3), 0x88, 0x18);
VEC(m64_mov_store_ah, 64, 0, STH(2, 0), 0x88, 0x20);
VEC(m64_mov_store_bh, 64, 0, STH(2, 3), 0x88, 0x38);
VEC(m64_mov_store_spl_rex, 64, 0, ST(3, 1, 4), 0x40, 0x88, 0x20);
VEC(m64_mov_store_dil_rex, 64, 0, ST(3, 1, 7), 0x40, 0x88, 0x38);
VEC(m64_mov_store_r8b_rexr, 64, 0, ST(3, 1, 8), 0x44, 0x88, 0x00);
VEC(m64_mov_store_spl_rexb, 64, 0, ST(3, 1, 4), 0x41, 0x88, 0x20);
VEC(m64_mov_store_r15_rexwr, 64, 0, ST(3, 8, 15), 0x4c, 0x89, 0x38);
VEC(m64_mov_store_rexw_byte, 64, 0, ST(3, 1, 4), 0x48, 0x88, 0x20);
VEC(m64_mov_load_bh_disp8, 64, 0, LDH(3, 3), 0x8a, 0x78, 0x10);
VEC(m64_mov_load_dh, 64, 0, LDH(2, 2), 0x8a, 0x30);
VEC(m64_mov_load_sil_rex, 64, 0, LD(3, 1, 6), 0x40, 0x8a, 0x30);
VEC(m64_mov_load_r15b, 64, 0, LD(3, 1, 15), 0x44, 0x8a, 0x38);
VEC(m64_mov_load_disp32, 64, 0, LD(6, 4, 0),
	0x8b, 0x80, 0x78, 0x56, 0x34, 0x12);
VEC(m64_mov_load_sib, 64, 0, LD(4, 8, 15), 0x4c, 0x8b, 0x3c, 0x24);
VEC(m64_mov_load_sib_disp8, 64, 0, LD(4, 4, 0), 0x8b, 0x44, 0x24, 0x08);
VEC(m64_mov_load_sib_disp32, 64, 0, LD(8, 8, 0),
	0x48, 0x8b, 0x84, 0xc8, 0x00, 0x01, 0x00, 0x00);
VEC(m64_mov_load_sib_nobase, 64, 0, LD(7, 4, 0),
	0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00);
VEC(m64_mov_load_sib_nobase_rexb, 64, 0, LD(8, 4, 0),
	0x41, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00);
VEC(m64_mov_load_sib_r13_disp8, 64, 0, LD(5, 4, 0),
	0x43, 0x8b, 0x44, 0x25, 0x08);
VEC(m64_mov_load_rip, 64, 0, LD(6, 4, 0),
	0x8b, 0x05, 0x10, 0x00, 0x00, 0x00);
VEC(m64_mov_load_rip_rexb, 64, 0, LD(7, 4, 0),
	0x41, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00);
VEC(m64_mov_load_r13_disp8, 64, 0, LD(4, 4, 0), 0x41, 0x8b, 0x45, 0x00);
VEC(m64_mov_load_rexx, 64, 0, LD(4, 4, 0), 0x42, 0x8b, 0x04, 0x20);
VEC(m64_mov_load_rexr, 64, 0, LD(3, 4, 8), 0x44, 0x8b, 0x00);
VEC(m64_mov_load_addr32, 64, 0, LD(3, 4, 0), 0x67, 0x8b, 0x00);
VEC(m64_mov_load_eip_rel, 64, 0, LD(7, 4, 0),
	0x67, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00);
VEC(m64_mov_load_gs, 64, 0, LD(9, 8, 0),
	0x65, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00);
VEC(m64_mov_load_all_segs, 64, 0, LD(8, 4, 0),
	0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65, 0x8b, 0x00);
VEC(m64_mov_load_66_then_rexw, 64, 0, LD(4, 8, 0), 0x66, 0x48, 0x8b, 0x00);
/* A REX that is followed by another prefix is ignored. */
VEC(m64_mov_load_rexw_then_66, 64, 0, LD(4, 2, 0), 0x48, 0x66, 0x8b, 0x00);
VEC(m64_mov_load_rex_then_seg, 64, 0, LDH(4, 0), 0x40, 0x3e, 0x8a, 0x20);

/* 64-bit mode: MOV with an immediate. */
VEC(m64_mov_imm8, 64, 0, STI(3, 1, 0xab), 0xc6, 0x00, 0xab);
VEC(m64_mov_imm8_disp8, 64, 0, STI(4, 1, 0xff), 0xc6, 0x40, 0x08, 0xff);
VEC(m64_mov_imm32, 64, 0, STI(6, 4, 0x12345678),
	0xc7, 0x00, 0x78, 0x56, 0x34, 0x12);
VEC(m64_mov_imm32_neg, 64, 0, STI(6, 4, 0x80000000),
	0xc7, 0x00, 0x00, 0x00, 0x00, 0x80);
VEC(m64_mov_imm16, 64, 0, STI(5, 2, 0x1234), 0x66, 0xc7, 0x00, 0x34, 0x12);
VEC(m64_mov_imm16_neg, 64, 0, STI(5, 2, 0x8000),
	0x66, 0xc7, 0x00, 0x00, 0x80);
VEC(m64_mov_imm_rexw_neg, 64, 0, STI(7, 8, 0xffffffff80000000ULL),
	0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80);
VEC(m64_mov_imm_rexw_minus1, 64, 0, STI(7, 8, ~0ULL),
	0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff);
VEC(m64_mov_imm_rexw_pos, 64, 0, STI(7, 8, 0x7fffffff),
	0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f);
VEC(m64_mov_imm_disp32, 64, 0, STI(10, 4, 1),
	0xc7, 0x80, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00);
VEC(m64_mov_imm_rip, 64, 0, STI(10, 4, 0x11223344),
	0xc7, 0x05, 0xd4, 0xc3, 0xb2, 0xa1, 0x44, 0x33, 0x22, 0x11);
VEC(m64_mov_imm_sib_disp32, 64, 0, STI(12, 8, 0x12345678),
	0x48, 0xc7, 0x84, 0xc8, 0x00, 0x01, 0x00, 0x00,
	0x78, 0x56, 0x34, 0x12);
VEC(m64_mov_imm_15_bytes, 64, 0, STI(15, 8, 0x12345678),
	0x3e, 0x3e, 0x3e, 0x48, 0xc7, 0x84, 0xc8, 0x00, 0x01, 0x00, 0x00,
	0x78, 0x56, 0x34, 0x12);

/* 64-bit mode: moffs, whose offset is 8 bytes, or 4 with 67. */
VEC(m64_moffs_load_al, 64, 0, LD(9, 1, 0), 0xa0, MOFFS64);
VEC(m64_moffs_load_eax, 64, 0, LD(9, 4, 0), 0xa1, MOFFS64);
VEC(m64_moffs_load_ax, 64, 0, LD(10, 2, 0), 0x66, 0xa1, MOFFS64);
VEC(m64_moffs_load_rax, 64, 0, LD(10, 8, 0), 0x48, 0xa1, MOFFS64);
VEC(m64_moffs_load_eax_rexr, 64, 0, LD(10, 4, 0), 0x44, 0xa1, MOFFS64);
VEC(m64_moffs_store_al_addr32, 64, 0, ST(6, 1, 0), 0x67, 0xa2, MOFFS32);
VEC(m64_moffs_store_al_rex, 64, 0, ST(10, 1, 0), 0x40, 0xa2, MOFFS64);
VEC(m64_moffs_store_eax, 64, 0, ST(9, 4, 0), 0xa3, MOFFS64);
VEC(m64_moffs_store_rax, 64, 0, ST(10, 8, 0), 0x48, 0xa3, MOFFS64);

/* 64-bit mode: MOVZX and MOVSX. */
VEC(m64_movzx_b_r32, 64, 0, ZX(3, 1, 0, 4), 0x0f, 0xb6, 0x00);
VEC(m64_movzx_b_r16, 64, 0, ZX(4, 1, 2, 2), 0x66, 0x0f, 0xb6, 0x10);
VEC(m64_movzx_w_r64, 64, 0, ZX(4, 2, 1, 8), 0x48, 0x0f, 0xb7, 0x08);
VEC(m64_movzx_b_r9_disp8, 64, 0, ZX(5, 1, 9, 8),
	0x4c, 0x0f, 0xb6, 0x48, 0x10);
VEC(m64_movsx_b_r32, 64, 0, SX(3, 1, 3, 4), 0x0f, 0xbe, 0x18);
VEC(m64_movsx_b_esp, 64, 0, SX(3, 1, 4, 4), 0x0f, 0xbe, 0x20);
VEC(m64_movsx_w_r8, 64, 0, SX(4, 2, 8, 8), 0x4c, 0x0f, 0xbf, 0x00);
VEC(m64_movsx_w_r16, 64, 0, SX(4, 2, 0, 2), 0x66, 0x0f, 0xbf, 0x00);
VEC(m64_movsx_b_rip, 64, 0, SX(8, 1, 0, 8),
	0x48, 0x0f, 0xbe, 0x05, 0x00, 0x00, 0x00, 0x00);

/* 32-bit mode. */
VEC(m32_mov_store_r32, 32, 0, ST(2, 4, 0), 0x89, 0x00);
VEC(m32_mov_store_r16, 32, 0, ST(3, 2, 0), 0x66, 0x89, 0x00);
VEC(m32_mov_store_ah, 32, 0, STH(2, 0), 0x88, 0x20);
VEC(m32_mov_load_bh, 32, 0, LDH(2, 3), 0x8a, 0x3b);
VEC(m32_mov_load_abs_disp32, 32, 0, LD(6, 4, 0),
	0x8b, 0x05, 0x00, 0x10, 0x00, 0x00);
VEC(m32_mov_load_sib, 32, 0, LD(3, 4, 0), 0x8b, 0x04, 0x24);
VEC(m32_mov_load_sib_nobase, 32, 0, LD(7, 4, 0),
	0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00);
VEC(m32_mov_load_sib_ebp_disp32, 32, 0, LD(7, 4, 0),
	0x8b, 0x84, 0x2d, 0x00, 0x10, 0x00, 0x00);
VEC(m32_mov_load_disp8, 32, 0, LD(3, 4, 1), 0x8b, 0x4b, 0x10);
VEC(m32_mov_load_addr16_disp16, 32, 0, LD(5, 4, 0),
	0x67, 0x8b, 0x06, 0x34, 0x12);
VEC(m32_mov_load_addr16_disp8, 32, 0, LD(4, 4, 0), 0x67, 0x8b, 0x47, 0x10);
VEC(m32_mov_load_addr16_no_sib, 32, 0, LD(3, 4, 0), 0x67, 0x8b, 0x04);
VEC(m32_mov_load_fs, 32, 0, LD(3, 4, 0), 0x64, 0x8b, 0x00);
VEC(m32_mov_imm32, 32, 0, STI(6, 4, 0x12345678),
	0xc7, 0x00, 0x78, 0x56, 0x34, 0x12);
VEC(m32_mov_imm16, 32, 0, STI(5, 2, 0x1234), 0x66, 0xc7, 0x00, 0x34, 0x12);
VEC(m32_mov_imm8_abs, 32, 0, STI(7, 1, 0xab),
	0xc6, 0x05, 0x00, 0x10, 0x00, 0x00, 0xab);
VEC(m32_moffs_load_eax, 32, 0, LD(5, 4, 0), 0xa1, MOFFS32);
VEC(m32_moffs_load_al_addr16, 32, 0, LD(4, 1, 0), 0x67, 0xa0, 0x34, 0x12);
VEC(m32_moffs_store_ax, 32, 0, ST(6, 2, 0), 0x66, 0xa3, MOFFS32);
VEC(m32_moffs_store_al, 32, 0, ST(5, 1, 0), 0xa2, MOFFS32);
VEC(m32_movzx_w, 32, 0, ZX(3, 2, 0, 4), 0x0f, 0xb7, 0x00);
VEC(m32_movzx_b_r16, 32, 0, ZX(4, 1, 0, 2), 0x66, 0x0f, 0xb6, 0x00);
VEC(m32_movsx_b, 32, 0, SX(3, 1, 0, 4), 0x0f, 0xbe, 0x00);
VEC(m32_movsx_w_r16, 32, 0, SX(4, 2, 0, 2), 0x66, 0x0f, 0xbf, 0x00);

/* 16-bit mode: 16-bit ModRM has no SIB; r/m=110 with mod=00 is disp16. */
VEC(m16_mov_store_r16, 16, 0, ST(2, 2, 0), 0x89, 0x00);
VEC(m16_mov_store_r32, 16, 0, ST(3, 4, 0), 0x66, 0x89, 0x00);
VEC(m16_mov_store_ch, 16, 0, STH(2, 1), 0x88, 0x2f);
VEC(m16_mov_load_abs_disp16, 16, 0, LD(4, 2, 0), 0x8b, 0x06, 0x34, 0x12);
VEC(m16_mov_load_disp8, 16, 0, LD(3, 2, 0), 0x8b, 0x47, 0x10);
VEC(m16_mov_load_disp16, 16, 0, LD(4, 2, 0), 0x8b, 0x87, 0x34, 0x12);
VEC(m16_mov_load_si_no_sib, 16, 0, LD(2, 2, 0), 0x8b, 0x04);
VEC(m16_mov_load_di_no_disp, 16, 0, LD(2, 2, 0), 0x8b, 0x05);
VEC(m16_mov_load_bp_disp8, 16, 0, LD(3, 2, 0), 0x8b, 0x46, 0x00);
VEC(m16_mov_load_addr32_sib, 16, 0, LD(4, 2, 0), 0x67, 0x8b, 0x04, 0x24);
VEC(m16_mov_load_addr32_disp32, 16, 0, LD(7, 2, 0),
	0x67, 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00);
VEC(m16_mov_load_addr32_sib_nobase, 16, 0, LD(9, 4, 0),
	0x67, 0x66, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00);
VEC(m16_mov_load_ah, 16, 0, LDH(2, 0), 0x8a, 0x27);
VEC(m16_mov_load_es, 16, 0, LD(3, 1, 0), 0x26, 0x8a, 0x07);
VEC(m16_mov_imm8, 16, 0, STI(5, 1, 0xab), 0xc6, 0x06, 0x34, 0x12, 0xab);
VEC(m16_mov_imm16, 16, 0, STI(6, 2, 0xabcd),
	0xc7, 0x06, 0x34, 0x12, 0xcd, 0xab);
VEC(m16_mov_imm32, 16, 0, STI(9, 4, 0x12345678),
	0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12);
VEC(m16_mov_imm32_15_bytes, 16, 0, STI(15, 4, 0x12345678),
	0x26, 0x26, 0x26, 0x26, 0x26, 0x26,
	0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12);
VEC(m16_moffs_load_al, 16, 0, LD(3, 1, 0), 0xa0, 0x34, 0x12);
VEC(m16_moffs_load_ax, 16, 0, LD(3, 2, 0), 0xa1, 0x34, 0x12);
VEC(m16_moffs_load_eax_addr32, 16, 0, LD(7, 4, 0), 0x66, 0x67, 0xa1, MOFFS32);
VEC(m16_moffs_store_ax, 16, 0, ST(3, 2, 0), 0xa3, 0x34, 0x12);
VEC(m16_movzx_b, 16, 0, ZX(3, 1, 0, 2), 0x0f, 0xb6, 0x07);
VEC(m16_movzx_w_r32, 16, 0, ZX(4, 2, 0, 4), 0x66, 0x0f, 0xb7, 0x07);
VEC(m16_movsx_b_r32, 16, 0, SX(4, 1, 0, 4), 0x66, 0x0f, 0xbe, 0x07);
VEC(m16_movsx_w, 16, 0, SX(3, 2, 0, 2), 0x0f, 0xbf, 0x07);

/* Instructions that are not emulated. */
VEC(rej_m64_mod11_store, 64, -EOPNOTSUPP, NONE, 0x89, 0xc0);
VEC(rej_m64_mod11_load, 64, -EOPNOTSUPP, NONE, 0x8b, 0xc1);
VEC(rej_m16_mod11_byte, 16, -EOPNOTSUPP, NONE, 0x8a, 0xe0);
VEC(rej_m64_mod11_movzx, 64, -EOPNOTSUPP, NONE, 0x0f, 0xb6, 0xc0);
VEC(rej_m64_mod11_imm, 64, -EOPNOTSUPP, NONE,
	0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00);
VEC(rej_m64_lock, 64, -EOPNOTSUPP, NONE, 0xf0, 0x89, 0x00);
VEC(rej_m32_lock_after_66, 32, -EOPNOTSUPP, NONE, 0x66, 0xf0, 0x89, 0x00);
VEC(rej_m64_rep, 64, -EOPNOTSUPP, NONE, 0xf3, 0x89, 0x00);
VEC(rej_m64_repne, 64, -EOPNOTSUPP, NONE, 0xf2, 0x8b, 0x00);
VEC(rej_m64_ud2, 64, -EOPNOTSUPP, NONE, 0x0f, 0x0b);
VEC(rej_m64_nop, 64, -EOPNOTSUPP, NONE, 0x90);
VEC(rej_m64_mov_from_sreg, 64, -EOPNOTSUPP, NONE, 0x8c, 0x18);
VEC(rej_m64_movsxd, 64, -EOPNOTSUPP, NONE, 0x48, 0x63, 0x00);
VEC(rej_m64_0f_b8, 64, -EOPNOTSUPP, NONE, 0x0f, 0xb8, 0x00);
VEC(rej_m64_vex, 64, -EOPNOTSUPP, NONE, 0xc5, 0xf9, 0x6e, 0x00);
VEC(rej_m64_c7_reg1, 64, -EOPNOTSUPP, NONE,
	0xc7, 0x08, 0x00, 0x00, 0x00, 0x00);
VEC(rej_m64_c6_reg7, 64, -EOPNOTSUPP, NONE, 0xc6, 0x38, 0x00);
/* 40..4F are INC/DEC outside 64-bit mode. */
VEC(rej_m32_inc_eax, 32, -EOPNOTSUPP, NONE, 0x40, 0x89, 0x00);
VEC(rej_m32_dec_eax, 32, -EOPNOTSUPP, NONE, 0x48, 0x89, 0x00);
VEC(rej_m16_inc_cx, 16, -EOPNOTSUPP, NONE, 0x41, 0x8b, 0x00);

/* Byte strings that are no complete instruction of at most 15 bytes. */
VEC(rej_m64_rex_only, 64, -EINVAL, NONE, 0x48);
VEC(rej_m64_prefixes_only, 64, -EINVAL, NONE, 0x66, 0x67, 0x2e);
VEC(rej_m64_escape_only, 64, -EINVAL, NONE, 0x0f);
VEC(rej_m64_16_prefixes, 64, -EINVAL, NONE,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66);
VEC(rej_m64_16_bytes, 64, -EINVAL, NONE,
	0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
	0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x8b, 0x00);
VEC(rej_m64_17_bytes, 64, -EINVAL, NONE,
	0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x48, 0xc7, 0x84, 0xc8, 0x00, 0x01,
	0x00, 0x00, 0x78, 0x56, 0x34, 0x12);
VEC(rej_m16_16_bytes, 16, -EINVAL, NONE,
	0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26,
	0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12);

static void expect_insn(struct __test_metadata *_metadata,
			const struct hv_mmio_insn *want,
			const struct hv_mmio_insn *got)
{
	EXPECT_EQ(want->len, got->len);
	EXPECT_EQ(want->access_size, got->access_size);
	EXPECT_EQ(want->reg, got->reg);
	EXPECT_EQ(want->reg_size, got->reg_size);
	EXPECT_EQ(want->is_write, got->is_write);
	EXPECT_EQ(want->high_byte, got->high_byte);
	EXPECT_EQ(want->has_imm, got->has_imm);
	EXPECT_EQ(want->sign_extend, got->sign_extend);
	EXPECT_EQ(want->imm, got->imm);
}

TEST_F(decode, whole)
{
	struct hv_mmio_insn got, untouched;
	int ret;

	memset(&got, 0xa5, sizeof(got));
	memset(&untouched, 0xa5, sizeof(untouched));
	ret = hv_insn_decode_mmio(guarded(variant->bytes, variant->len),
				  variant->len, variant->mode, &got);
	ASSERT_EQ(variant->ret, ret);
	if (ret) {
		/* Failure must not leave a half-decoded instruction. */
		EXPECT_EQ(0, memcmp(&got, &untouched, sizeof(got)));
		return;
	}
	/* Each vector is exactly one instruction. */
	EXPECT_EQ(variant->len, got.len);
	expect_insn(_metadata, &variant->want, &got);
}

TEST_F(decode, truncated)
{
	struct hv_mmio_insn got;
	unsigned int n;
	int ret;

	for (n = 0; n < variant->len; n++) {
		ret = hv_insn_decode_mmio(guarded(variant->bytes, n), n,
					  variant->mode, &got);
		/* Rejected bytes may be recognised as such before their end. */
		if (variant->ret) {
			EXPECT_NE(0, ret) TH_LOG("first %u bytes", n);
		} else {
			EXPECT_EQ(-EINVAL, ret) TH_LOG("first %u bytes", n);
		}
	}
}

TEST_F(decode, followed_by_more)
{
	u8 buf[32];
	struct hv_mmio_insn got;
	unsigned int n;

	/* Bytes after a complete instruction are the next instruction's. */
	if (variant->ret)
		return;
	for (n = variant->len; n <= sizeof(buf); n++) {
		memset(buf, 0x0f, sizeof(buf));
		memcpy(buf, variant->bytes, variant->len);
		ASSERT_EQ(0, hv_insn_decode_mmio(guarded(buf, n), n,
						 variant->mode, &got));
		expect_insn(_metadata, &variant->want, &got);
	}
}

TEST(empty_and_bad_mode)
{
	const u8 mov[] = { 0x8b, 0x00 };
	struct hv_mmio_insn got;

	EXPECT_EQ(-EINVAL, hv_insn_decode_mmio(guarded(mov, 0), 0,
					       HV_CPU_MODE_64, &got));
	EXPECT_EQ(-EINVAL, hv_insn_decode_mmio(mov, sizeof(mov), 0, &got));
	EXPECT_EQ(-EINVAL, hv_insn_decode_mmio(mov, sizeof(mov), 8, &got));
	EXPECT_EQ(0, hv_insn_decode_mmio(mov, sizeof(mov), HV_CPU_MODE_64,
					 &got));
}

/* Register file values that make every byte of every register distinct. */
static void fill_regs(u64 *regs)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		regs[i] = 0x0807060504030201ULL + i * 0x1010101010101010ULL;
}

/*
 * Decode @bytes (which must be one whole instruction in @mode) and return
 * what it stores, the registers being filled by fill_regs().
 */
#define WRITE_VALUE(_mode, ...) ({					\
	const u8 b_[] = { __VA_ARGS__ };				\
	struct hv_mmio_insn insn_;					\
	u64 regs_[16];							\
									\
	fill_regs(regs_);						\
	ASSERT_EQ(0, hv_insn_decode_mmio(b_, sizeof(b_),		\
					 HV_CPU_MODE_##_mode, &insn_));	\
	ASSERT_EQ(sizeof(b_), insn_.len);				\
	ASSERT_TRUE(insn_.is_write);					\
	hv_insn_mmio_write_value(&insn_, regs_);			\
})

TEST(write_value_register_widths)
{
	/* RCX is 0x1817161514131211 after fill_regs(). */
	EXPECT_EQ(0x1817161514131211ULL, WRITE_VALUE(64, 0x48, 0x89, 0x08));
	EXPECT_EQ(0x14131211ULL, WRITE_VALUE(64, 0x89, 0x08));
	EXPECT_EQ(0x1211ULL, WRITE_VALUE(64, 0x66, 0x89, 0x08));
	EXPECT_EQ(0x1211ULL, WRITE_VALUE(16, 0x89, 0x08));
	EXPECT_EQ(0x14131211ULL, WRITE_VALUE(16, 0x66, 0x89, 0x08));
	EXPECT_EQ(0x11ULL, WRITE_VALUE(64, 0x88, 0x08));
	/* RAX by moffs. */
	EXPECT_EQ(0x04030201ULL, WRITE_VALUE(32, 0xa3, MOFFS32));
	EXPECT_EQ(0x01ULL, WRITE_VALUE(64, 0xa2, MOFFS64));
}

TEST(write_value_byte_registers)
{
	/* CH is bits 15:8 of RCX; with a REX, code 5 is BPL instead. */
	EXPECT_EQ(0x12ULL, WRITE_VALUE(64, 0x88, 0x28));
	EXPECT_EQ(0x12ULL, WRITE_VALUE(16, 0x88, 0x2f));
	EXPECT_EQ(0x02ULL, WRITE_VALUE(64, 0x88, 0x20));
	EXPECT_EQ(0x51ULL, WRITE_VALUE(64, 0x40, 0x88, 0x28));
	EXPECT_EQ(0x41ULL, WRITE_VALUE(64, 0x40, 0x88, 0x20));
	EXPECT_EQ(0x81ULL, WRITE_VALUE(64, 0x44, 0x88, 0x00));
	EXPECT_EQ(0xf1ULL, WRITE_VALUE(64, 0x44, 0x88, 0x38));
	EXPECT_EQ(0xf8f7f6f5f4f3f2f1ULL, WRITE_VALUE(64, 0x4c, 0x89, 0x38));
}

TEST(write_value_immediates)
{
	EXPECT_EQ(0xabULL, WRITE_VALUE(64, 0xc6, 0x00, 0xab));
	EXPECT_EQ(0x8000ULL, WRITE_VALUE(64, 0x66, 0xc7, 0x00, 0x00, 0x80));
	EXPECT_EQ(0x80000000ULL,
		  WRITE_VALUE(32, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80));
	EXPECT_EQ(0xffffffff80000000ULL,
		  WRITE_VALUE(64, 0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80));
	EXPECT_EQ(0x7fffffffULL,
		  WRITE_VALUE(64, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f));
	EXPECT_EQ(0xabcdULL,
		  WRITE_VALUE(16, 0xc7, 0x06, 0x34, 0x12, 0xcd, 0xab));
}

/*
 * Decode @bytes, a load in @mode, and complete it with @data into
 * registers that hold @old; check that no other register changed and
 * return the destination register.
 */
static u64 read_into(struct __test_metadata *_metadata, enum hv_cpu_mode mode,
		     const u8 *bytes, unsigned int len, u64 old, u64 data)
{
	struct hv_mmio_insn insn;
	u64 regs[16], before[16];
	unsigned int i;

	fill_regs(regs);
	ASSERT_EQ(0, hv_insn_decode_mmio(bytes, len, mode, &insn));
	ASSERT_EQ(len, insn.len);
	ASSERT_FALSE(insn.is_write);
	regs[insn.reg] = old;
	memcpy(before, regs, sizeof(regs));
	hv_insn_mmio_complete_read(&insn, regs, data);
	for (i = 0; i < 16; i++) {
		if (i != insn.reg)
			EXPECT_EQ(before[i], regs[i]) TH_LOG("register %u", i);
	}
	return regs[insn.reg];
}

#define READ(_mode, _old, _data, ...) ({				\
	const u8 b_[] = { __VA_ARGS__ };				\
	read_into(_metadata, HV_CPU_MODE_##_mode, b_, sizeof(b_),	\
		  _old, _data);						\
})

#define ONES	0xffffffffffffffffULL
#define PAT	0x1111111111111111ULL

TEST(complete_read_merges_narrow_destinations)
{
	EXPECT_EQ(0xffffffffffffff12ULL, READ(64, ONES, 0x12, 0x8a, 0x08));
	EXPECT_EQ(0xffffffffffff1234ULL,
		  READ(64, ONES, 0x1234, 0x66, 0x8b, 0x08));
	EXPECT_EQ(0xffffffffffff1234ULL, READ(16, ONES, 0x1234, 0x8b, 0x08));
	/* AH: bits 15:8 of RAX. */
	EXPECT_EQ(0x111111111111ab11ULL, READ(64, PAT, 0xab, 0x8a, 0x20));
	EXPECT_EQ(0xffffffffffff00ffULL, READ(16, ONES, 0x00, 0x8a, 0x27));
	/* SPL with a REX. */
	EXPECT_EQ(0x11111111111111abULL,
		  READ(64, PAT, 0xab, 0x40, 0x8a, 0x20));
	/* R15B. */
	EXPECT_EQ(0x11111111111111abULL,
		  READ(64, PAT, 0xab, 0x44, 0x8a, 0x38));
	/* AL by moffs. */
	EXPECT_EQ(0x11111111111111abULL, READ(32, PAT, 0xab, 0xa0, MOFFS32));
}

TEST(complete_read_zero_extends_32bit)
{
	EXPECT_EQ(0x80000000ULL, READ(64, ONES, 0x80000000, 0x8b, 0x00));
	EXPECT_EQ(0x80000000ULL, READ(32, ONES, 0x80000000, 0x8b, 0x00));
	EXPECT_EQ(0x80000000ULL,
		  READ(16, ONES, 0x80000000, 0x66, 0x8b, 0x00));
	EXPECT_EQ(0x12345678ULL, READ(64, ONES, 0x12345678, 0x44, 0x8b, 0x00));
	EXPECT_EQ(0x8000000000000001ULL,
		  READ(64, PAT, 0x8000000000000001ULL, 0x48, 0x8b, 0x00));
	EXPECT_EQ(0xfedcba9876543210ULL,
		  READ(64, 0, 0xfedcba9876543210ULL, 0x48, 0xa1, MOFFS64));
}

TEST(complete_read_ignores_data_beyond_access)
{
	EXPECT_EQ(0x1111111111111112ULL,
		  READ(64, PAT, 0xdeadbeef12ULL, 0x8a, 0x00));
	EXPECT_EQ(0x34567890ULL, READ(64, PAT, 0x1234567890ULL, 0x8b, 0x00));
	EXPECT_EQ(0x00000000000000ffULL,
		  READ(64, ONES, 0x77ff, 0x0f, 0xb6, 0x00));
	EXPECT_EQ(0xffffffffffffff80ULL,
		  READ(64, 0, 0x7780, 0x48, 0x0f, 0xbe, 0x00));
}

TEST(complete_read_movzx)
{
	EXPECT_EQ(0xffULL, READ(64, ONES, 0xff, 0x0f, 0xb6, 0x00));
	EXPECT_EQ(0xffffULL, READ(64, ONES, 0xffff, 0x48, 0x0f, 0xb7, 0x00));
	EXPECT_EQ(0x8000ULL, READ(32, ONES, 0x8000, 0x0f, 0xb7, 0x00));
	/* A 16-bit destination keeps bits 63:16. */
	EXPECT_EQ(0xffffffffffff0080ULL,
		  READ(64, ONES, 0x80, 0x66, 0x0f, 0xb6, 0x00));
	EXPECT_EQ(0xffffffffffff0080ULL, READ(16, ONES, 0x80, 0x0f, 0xb6, 0x07));
}

TEST(complete_read_movsx)
{
	EXPECT_EQ(0xffffffffffffff80ULL,
		  READ(64, 0, 0x80, 0x48, 0x0f, 0xbe, 0x00));
	EXPECT_EQ(0xffffffffffff8000ULL,
		  READ(64, 0, 0x8000, 0x4c, 0x0f, 0xbf, 0x00));
	/* A 32-bit destination is sign-extended to 32 bits, then zero. */
	EXPECT_EQ(0x00000000ffffff80ULL, READ(64, ONES, 0x80, 0x0f, 0xbe, 0x00));
	EXPECT_EQ(0x00000000ffff8000ULL,
		  READ(32, ONES, 0x8000, 0x0f, 0xbf, 0x00));
	/* A 16-bit destination keeps bits 63:16. */
	EXPECT_EQ(0x111111111111ff80ULL,
		  READ(64, PAT, 0x80, 0x66, 0x0f, 0xbe, 0x00));
	EXPECT_EQ(0x1111111111118000ULL, READ(16, PAT, 0x8000, 0x0f, 0xbf, 0x07));
	/* Positive values are unchanged. */
	EXPECT_EQ(0x7fULL, READ(64, ONES, 0x7f, 0x48, 0x0f, 0xbe, 0x00));
	EXPECT_EQ(0x7fffULL, READ(64, ONES, 0x7fff, 0x0f, 0xbf, 0x00));
}

TEST_HARNESS_MAIN
