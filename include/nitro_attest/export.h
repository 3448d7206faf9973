/* Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
 *
 * export.h: NITRO_ATTEST_EXPORT marks the public API, the only symbols libnitro_attest.so
 * exports. The library is compiled with -fvisibility=hidden; every public C++ header opens its
 * namespace as `namespace nitro_attest NITRO_ATTEST_EXPORT {`, and every C function of
 * nitro_attest.h carries it. Internal headers never use it. (C-compatible.) */
#ifndef NITRO_ATTEST_EXPORT_H_
#define NITRO_ATTEST_EXPORT_H_

#if defined(__GNUC__) || defined(__clang__)
#define NITRO_ATTEST_EXPORT __attribute__((visibility("default")))
#else
#define NITRO_ATTEST_EXPORT
#endif

#endif /* NITRO_ATTEST_EXPORT_H_ */
