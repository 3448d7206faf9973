// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// CiphertextForRecipient: the CMS (RFC 5652) ContentInfo / EnvelopedData that KMS returns when
// a request carries a Recipient. Read with our own small BER walker that accepts exactly the
// shape KMS emits (docs/kms.md in ../shared, §2) and names what is wrong; the cryptography is
// OpenSSL's EVP (RSAES-OAEP-SHA-256, AES-256-CBC). The builder writes the same shape, for the
// KMS test service and for tests.
#ifndef NITRO_ATTEST_SRC_KMS_CMS_H_
#define NITRO_ATTEST_SRC_KMS_CMS_H_

#include <cstdint>
#include <span>

#include "nitro_attest/document.h"
#include "nitro_attest/kms.h"
#include "nitro_attest/result.h"
#include "src/ossl/ossl.h"

namespace nitro_attest::cms {

// Envelope is what the walker found; spans alias the input.
struct Envelope {
  std::span<const uint8_t> subject_key_id;  // the recipient's rid, 32 bytes
  bool hash_params_null = false;            // SHA-256 AlgorithmIdentifiers carried NULL
  std::span<const uint8_t> encrypted_key;   // OAEP-wrapped content key
  std::span<const uint8_t> iv;              // 16 bytes
  Bytes encrypted_content;                  // the chunks joined
  size_t content_chunks = 0;                // 0: one primitive [0]
};

// Parse checks the structure: ContentInfo(envelopedData) / EnvelopedData v2 without
// originator info or attributes / exactly one KeyTransRecipientInfo v2 with a 32-byte
// subjectKeyIdentifier / rsaesOAEP with SHA-256, MGF1-SHA-256 and an empty label (the
// AlgorithmIdentifiers with or without NULL) / data / aes-256-cbc with a 16-byte IV / content
// present, primitive or in primitive chunks / nothing after the outer end. BER: definite or
// indefinite lengths (non-minimal definite ones too), one-byte tags.
// Returns kMalformedCiphertext for a broken or unexpected structure, kUnsupportedAlgorithm for
// another key transport (absent or empty OAEP parameters mean SHA-1), hash, label or cipher.
Result<Envelope> Parse(std::span<const uint8_t> der);

// RecipientKey is an RSA-2048 key with its DER SubjectPublicKeyInfo and the rid KMS uses for
// it, SHA-256 of that SPKI.
struct RecipientKey {
  ossl::EvpPkeyPtr key;
  Bytes spki_der;
  Bytes subject_key_id;
};

// GenerateRecipientKey makes a fresh RSA-2048 key (kCryptoError on failure).
Result<RecipientKey> GenerateRecipientKey();
// RecipientKeyFrom wraps an existing RSA private key (tests: the published sample keys).
Result<RecipientKey> RecipientKeyFrom(ossl::EvpPkeyPtr key);

// Decrypt parses, checks that the recipient is `key` (kRecipientMismatch otherwise), unwraps
// the content key (kCryptoError when OAEP fails or the key is not 32 bytes) and decrypts the
// content (kMalformedCiphertext when it is not whole blocks, kCryptoError when the padding is
// wrong). Nothing is decrypted before the structure checked out.
Result<SecretBytes> Decrypt(std::span<const uint8_t> der, const RecipientKey& key);

// BuildOptions shape what Build writes; the defaults are KMS's. The others exist so the test
// service can play a faulty KMS.
struct BuildOptions {
  size_t chunk_size = 1000;     // 0: content as one primitive [0]
  bool hash_params_null = true; // KMS writes NULL parameters
  bool aes128 = false;          // a different cipher (AES-128-CBC, 16-byte key)
};

// Build encrypts `plaintext` to the RSA public key in `recipient_spki_der` (rid = SHA-256 of
// it) as KMS does: BER with indefinite lengths, OAEP-SHA-256, AES-256-CBC, content in
// 1000-byte chunks. kInvalidArgument when the SPKI is not an RSA key, kCryptoError otherwise.
Result<Bytes> Build(std::span<const uint8_t> plaintext, std::span<const uint8_t> recipient_spki_der,
                    const BuildOptions& options = {});

}  // namespace nitro_attest::cms

#endif  // NITRO_ATTEST_SRC_KMS_CMS_H_
