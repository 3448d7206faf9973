// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/secret.h"

#include <openssl/crypto.h>

namespace nitro_attest {

void WipeMemory(void* p, size_t size) noexcept {
  if (p != nullptr && size != 0) {
    OPENSSL_cleanse(p, size);
  }
}

SecretBytes TakeSecret(std::vector<uint8_t>& plain) {
  SecretBytes secret(plain.begin(), plain.end());
  WipeMemory(plain.data(), plain.capacity());
  plain.clear();
  return secret;
}

void Wipe(std::string& s) noexcept {
  WipeMemory(s.data(), s.capacity());
  s.clear();
}

}  // namespace nitro_attest
