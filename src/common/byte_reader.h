// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// ByteReader: the one non-throwing cursor over untrusted bytes. Every read either succeeds
// completely or returns false and leaves the cursor where it was.
#ifndef NITRO_ATTEST_SRC_COMMON_BYTE_READER_H_
#define NITRO_ATTEST_SRC_COMMON_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace nitro_attest {

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }
  std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

  // ReadU8 reads one byte.
  bool ReadU8(uint8_t* out) {
    if (remaining() < 1) {
      return false;
    }
    *out = data_[pos_++];
    return true;
  }

  // ReadBigEndian reads an unsigned big-endian integer of `n` (1..8) bytes.
  bool ReadBigEndian(size_t n, uint64_t* out) {
    if (n == 0 || n > 8 || remaining() < n) {
      return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      v = (v << 8) | data_[pos_ + i];
    }
    pos_ += n;
    *out = v;
    return true;
  }

  // ReadBytes returns a view of the next `n` bytes; the view aliases the input.
  bool ReadBytes(uint64_t n, std::span<const uint8_t>* out) {
    if (n > remaining()) {
      return false;
    }
    *out = data_.subspan(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return true;
  }

  // PeekU8 reads one byte without consuming it.
  bool PeekU8(uint8_t* out) const {
    if (remaining() < 1) {
      return false;
    }
    *out = data_[pos_];
    return true;
  }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_SRC_COMMON_BYTE_READER_H_
