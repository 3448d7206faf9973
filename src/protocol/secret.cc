// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "nitro_attest/protocol.h"
#include "nitro_attest/secret.h"
#include "src/ossl/ossl.h"

namespace nitro_attest {

std::string_view to_string(SecretState state) {
  switch (state) {
    case SecretState::kNotSent: return "not_sent";
    case SecretState::kSentUnacknowledged: return "sent_unacknowledged";
    case SecretState::kAcknowledged: return "acknowledged";
  }
  return "unknown";
}

std::array<uint8_t, 32> SecretFingerprint(std::span<const uint8_t> nonce,
                                          std::span<const uint8_t> secret) {
  std::array<uint8_t, 32> mac{};
  size_t len = 0;
  // HMAC-SHA256 on in-memory data fails only on allocation failure.
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, nonce.data(), nonce.size(),
                secret.data(), secret.size(), mac.data(), mac.size(), &len) == nullptr) {
    ossl::DrainErrors();
    mac.fill(0);
  }
  return mac;
}

}  // namespace nitro_attest
