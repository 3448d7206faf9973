// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Test helpers: fresh parent key pairs, as PEM and as the protocol's key types.
#ifndef NITRO_ATTEST_SRC_PROTOCOL_PROTOCOL_TEST_UTIL_H_
#define NITRO_ATTEST_SRC_PROTOCOL_PROTOCOL_TEST_UTIL_H_

#include <openssl/pem.h>

#include <string>

#include "nitro_attest/protocol.h"
#include "src/ossl/ossl.h"
#include "src/protocol/seal.h"

namespace nitro_attest::testing {

// ParentKeyPair is a fresh P-384 key pair: PKCS#8 and SubjectPublicKeyInfo PEM, parsed.
struct ParentKeyPair {
  std::string private_pem, public_pem;
  ParentSigningKey signing;
  ParentPublicKey pinned;
};

inline std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

inline std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// NewParentKeyPair makes one with OpenSSL; aborts the test binary on failure (it cannot fail).
inline ParentKeyPair NewParentKeyPair() {
  const ossl::EvpPkeyPtr key = std::move(*protocol::GenerateP384Key());
  const ossl::BioPtr priv(BIO_new(BIO_s_mem())), pub(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
    std::abort();
  }
  const std::string private_pem = BioText(priv.get()), public_pem = BioText(pub.get());
  return ParentKeyPair{private_pem, public_pem, *ParentSigningKey::FromPem(AsBytes(private_pem)),
                       *ParentPublicKey::FromPem(AsBytes(public_pem))};
}

}  // namespace nitro_attest::testing

#endif  // NITRO_ATTEST_SRC_PROTOCOL_PROTOCOL_TEST_UTIL_H_
