// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The one UTF-8 decoder: CBOR text strings, certificate name strings, EscapeText.
#ifndef NITRO_ATTEST_SRC_COMMON_UTF8_H_
#define NITRO_ATTEST_SRC_COMMON_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace nitro_attest {

// Utf8Next decodes the well-formed UTF-8 sequence at s[i] (RFC 3629: shortest form, no
// surrogates, at most U+10FFFF) into *code_point and returns its length, or 0 when there is none.
inline size_t Utf8Next(std::span<const uint8_t> s, size_t i, uint32_t* code_point) {
  const uint8_t lead = s[i];
  size_t n = 0;
  uint32_t cp = 0, min = 0;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if ((lead & 0xe0) == 0xc0) {
    n = 2, cp = lead & 0x1fu, min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    n = 3, cp = lead & 0x0fu, min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    n = 4, cp = lead & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() - i < n) {
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    if ((s[i + k] & 0xc0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (s[i + k] & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  *code_point = cp;
  return n;
}

// ValidUtf8 accepts well-formed UTF-8 only (Utf8Next at every position).
inline bool ValidUtf8(std::span<const uint8_t> s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const size_t n = Utf8Next(s, i, &cp);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_SRC_COMMON_UTF8_H_
