// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <openssl/crypto.h>

#include "nitro_attest/kms.h"

namespace nitro_attest {

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    OPENSSL_cleanse(bytes_.data(), bytes_.capacity());
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

SecretBytes::~SecretBytes() { OPENSSL_cleanse(bytes_.data(), bytes_.capacity()); }

void Wipe(std::string& s) {
  OPENSSL_cleanse(s.data(), s.capacity());
  s.clear();
}

AwsCredentials::~AwsCredentials() {
  Wipe(access_key_id);
  Wipe(secret_access_key);
  Wipe(session_token);
}

}  // namespace nitro_attest
