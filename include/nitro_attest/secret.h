// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// secret.h: bytes that must not outlive their use. A SecretBytes wipes every block it
// releases (when it grows, shrinks to fit or is destroyed), so no copy of a secret stays behind
// in freed memory; moving one moves its block and leaves nothing to wipe.
#ifndef NITRO_ATTEST_SECRET_H_
#define NITRO_ATTEST_SECRET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nitro_attest/export.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// WipeMemory overwrites `size` bytes at `p` with zeros; the compiler cannot drop it as a dead
// store (OPENSSL_cleanse).
void WipeMemory(void* p, size_t size) noexcept;

// WipingAllocator is std::allocator, except that it wipes each block before releasing it.
template <class T>
struct WipingAllocator {
  using value_type = T;
  WipingAllocator() = default;
  template <class U>
  WipingAllocator(const WipingAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit
  T* allocate(size_t n) { return std::allocator<T>().allocate(n); }
  void deallocate(T* p, size_t n) noexcept {
    WipeMemory(p, n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }
  template <class U>
  bool operator==(const WipingAllocator<U>&) const noexcept {
    return true;
  }
};

// SecretBytes holds a secret (a key, a password, a sealed secret once opened).
using SecretBytes = std::vector<uint8_t, WipingAllocator<uint8_t>>;

// TakeSecret moves the bytes of `plain` into a SecretBytes and wipes `plain`'s whole buffer,
// for secrets that an API (OpenSSL, JSON, base64) handed over in an ordinary vector.
SecretBytes TakeSecret(std::vector<uint8_t>& plain);

// Wipe overwrites a string's whole buffer with zeros and empties it.
void Wipe(std::string& s) noexcept;

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_SECRET_H_
