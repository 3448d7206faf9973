// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The protocol's cryptography, all OpenSSL EVP (docs/protocol.md):
//   th    = SHA-384("nitro-attest/v1 transcript\0" || lp(nonce) || lp(user_data) ||
//                   lp(SHA-384(document)) || lp(enclave_spki) || lp(parent_spki))
//           where lp(x) = uint32_be(len(x)) || x and an absent user_data is empty
//   z     = ECDH P-384 between the parent's ephemeral key and the enclave's attested key
//   okm   = HKDF-SHA384(ikm = z, salt = nonce, info = "nitro-attest/v1 seal" || th), 92 bytes
//           = aes_key (32) || iv (12) || ack_key (48); every key is used for one message only
//   ct    = AES-256-GCM(aes_key, iv, aad = th, secret) || tag (16)
//   proof = HMAC-SHA384(ack_key, "nitro-attest/v1 ack" || th || SHA-384(secret))
//   sig   = ECDSA-P384-SHA384(parent long-term key,
//                             "nitro-attest/v1 parent signature\0" || th || SHA-384(ct)), r || s
#ifndef NITRO_ATTEST_SRC_PROTOCOL_SEAL_H_
#define NITRO_ATTEST_SRC_PROTOCOL_SEAL_H_

#include <array>
#include <optional>
#include <span>

#include "nitro_attest/document.h"
#include "nitro_attest/protocol.h"
#include "nitro_attest/result.h"
#include "nitro_attest/secret.h"
#include "src/ossl/ossl.h"

namespace nitro_attest::protocol {

using Digest384 = std::array<uint8_t, 48>;

// GenerateP384Key makes a fresh P-384 key pair. kCryptoError on failure.
Result<ossl::EvpPkeyPtr> GenerateP384Key();

// PublicKeyDer returns the DER SubjectPublicKeyInfo of `key`.
Result<Bytes> PublicKeyDer(EVP_PKEY* key);

// ParseP384PublicKey parses a DER SubjectPublicKeyInfo that must be a valid point on P-384
// and re-encode to the same bytes. kUnsupportedAlgorithm otherwise.
Result<ossl::EvpPkeyPtr> ParseP384PublicKey(std::span<const uint8_t> der);

// TranscriptInput is what both sides hash into th.
struct TranscriptInput {
  std::span<const uint8_t> nonce;
  const std::optional<Bytes>* user_data = nullptr;  // null or nullopt: absent
  std::span<const uint8_t> document;
  std::span<const uint8_t> enclave_key;  // DER SPKI
  std::span<const uint8_t> parent_key;   // DER SPKI
};

// TranscriptHash returns th.
Digest384 TranscriptHash(const TranscriptInput& in);

// SealedSecret is the parent's output: what to send, and the proof to expect back.
struct SealedSecret {
  Bytes parent_key;  // DER SPKI of the parent's ephemeral key
  Bytes ciphertext;
  std::optional<Bytes> signature;  // sig, when Seal was given a signing key
  Digest384 expected_proof{};
};

// Seal seals `secret` to `enclave_key` (the attested key) for the session described by `in`
// (its parent_key is ignored; Seal makes that key) and, when `signer` is set, signs the
// transcript and ciphertext with it. kCryptoError on failure.
Result<SealedSecret> Seal(EVP_PKEY* enclave_key, const TranscriptInput& in,
                          std::span<const uint8_t> secret,
                          const ParentSigningKey* signer = nullptr);

// OpenedSecret is the enclave's output: the secret and the proof to send back.
struct OpenedSecret {
  SecretBytes secret;
  Digest384 proof{};
};

// Open opens a ciphertext with the enclave's private key; `in` names both public keys. When
// `pinned` is set, `signature` must be its valid sig over this transcript and ciphertext, or
// nothing is opened: kParentNotAuthenticated. Otherwise any signature is ignored. Returns
// kUnsupportedAlgorithm for a bad parent key and kCryptoError when it does not open.
Result<OpenedSecret> Open(EVP_PKEY* enclave_private, const TranscriptInput& in,
                          std::span<const uint8_t> ciphertext,
                          const ParentPublicKey* pinned = nullptr,
                          const std::optional<Bytes>& signature = std::nullopt);

}  // namespace nitro_attest::protocol

#endif  // NITRO_ATTEST_SRC_PROTOCOL_SEAL_H_
