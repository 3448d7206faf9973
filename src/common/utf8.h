// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// ValidUtf8: the one UTF-8 check (CBOR text strings, certificate name strings).
#ifndef NITRO_ATTEST_SRC_COMMON_UTF8_H_
#define NITRO_ATTEST_SRC_COMMON_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace nitro_attest {

// ValidUtf8 accepts well-formed UTF-8 (RFC 3629): shortest forms, no surrogates, <= U+10FFFF.
inline bool ValidUtf8(std::span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i <= n) {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_SRC_COMMON_UTF8_H_
