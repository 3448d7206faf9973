// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// DerReader: the one reader of DER (X.690 §10) in the project, used for certificates
// (src/x509/cert.cc) and ECDSA-Sig-Value (src/es384). Strict by construction: single-byte
// tags only, definite lengths in their shortest form, INTEGERs and BOOLEANs in DER form.
// Every read either succeeds completely or returns false and consumes nothing.
#ifndef NITRO_ATTEST_SRC_COMMON_DER_H_
#define NITRO_ATTEST_SRC_COMMON_DER_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace nitro_attest::der {

inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kUtcTime = 0x17;
inline constexpr uint8_t kGeneralizedTime = 0x18;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;

// ContextExplicit is the tag of a constructed context-specific [n] element.
constexpr uint8_t ContextExplicit(uint8_t n) { return static_cast<uint8_t>(0xa0 | n); }

class DerReader {
 public:
  explicit DerReader(std::span<const uint8_t> in) : in_(in) {}

  bool empty() const { return in_.empty(); }

  // PeekTag reports whether the next element has tag `tag`.
  bool PeekTag(uint8_t tag) const { return !in_.empty() && in_[0] == tag; }

  // Read reads one element with tag `tag`: its content in *content and, when `whole` is given,
  // the element with its header (the bytes as received, e.g. what a signature covers).
  bool Read(uint8_t tag, std::span<const uint8_t>* content,
            std::span<const uint8_t>* whole = nullptr) {
    if (in_.size() < 2 || in_[0] != tag || (tag & 0x1f) == 0x1f) {
      return false;
    }
    size_t len = in_[1];
    size_t header = 2;
    if (len >= 0x80) {
      const size_t n = len - 0x80;  // 0 = indefinite length: not DER
      if (n == 0 || n > 4 || in_.size() < 2 + n || in_[2] == 0) {
        return false;
      }
      len = 0;
      for (size_t i = 0; i < n; ++i) {
        len = (len << 8) | in_[2 + i];
      }
      if (len < 0x80) {
        return false;  // the short form was required
      }
      header = 2 + n;
    }
    if (in_.size() - header < len) {
      return false;
    }
    *content = in_.subspan(header, len);
    if (whole != nullptr) {
      *whole = in_.first(header + len);
    }
    in_ = in_.subspan(header + len);
    return true;
  }

  // ReadAny reads one element whatever its tag (a value of type ANY). A universal tag must have
  // the form DER gives it: SEQUENCE and SET constructed, everything else primitive (no
  // constructed strings), and never the end-of-contents tag 0.
  bool ReadAny(uint8_t* tag, std::span<const uint8_t>* content) {
    if (in_.empty()) {
      return false;
    }
    const uint8_t t = in_[0];
    if ((t & 0xc0) == 0) {
      const uint8_t number = t & 0x1f;
      const bool constructed = (t & 0x20) != 0;
      if (number == 0 || constructed != (number == 0x10 || number == 0x11)) {
        return false;
      }
    }
    if (!Read(t, content)) {
      return false;
    }
    *tag = t;
    return true;
  }

  // ReadInteger reads an INTEGER in minimal two's-complement form; *content keeps the sign.
  bool ReadInteger(std::span<const uint8_t>* content) {
    DerReader probe = *this;
    std::span<const uint8_t> c;
    if (!probe.Read(kInteger, &c) || c.empty()) {
      return false;
    }
    if (c.size() > 1 &&
        ((c[0] == 0x00 && (c[1] & 0x80) == 0) || (c[0] == 0xff && (c[1] & 0x80) != 0))) {
      return false;  // a needless leading byte
    }
    *this = probe;
    *content = c;
    return true;
  }

  // ReadUnsignedInteger reads a non-negative INTEGER and returns its magnitude without the
  // sign byte (empty for zero is never returned: zero is {0x00}).
  bool ReadUnsignedInteger(std::span<const uint8_t>* magnitude) {
    DerReader probe = *this;
    std::span<const uint8_t> c;
    if (!probe.ReadInteger(&c) || (c[0] & 0x80) != 0) {
      return false;
    }
    *this = probe;
    *magnitude = (c.size() > 1 && c[0] == 0) ? c.subspan(1) : c;
    return true;
  }

  // ReadBoolean reads a BOOLEAN; DER allows only 0x00 and 0xff.
  bool ReadBoolean(bool* value) {
    DerReader probe = *this;
    std::span<const uint8_t> c;
    if (!probe.Read(kBoolean, &c) || c.size() != 1 || (c[0] != 0x00 && c[0] != 0xff)) {
      return false;
    }
    *this = probe;
    *value = c[0] == 0xff;
    return true;
  }

 private:
  std::span<const uint8_t> in_;
};

}  // namespace nitro_attest::der

#endif  // NITRO_ATTEST_SRC_COMMON_DER_H_
