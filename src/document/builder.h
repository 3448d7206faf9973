// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Building attestation documents in AWS's exact shape: used by the NSM emulator and to generate
// test documents (internal).
#ifndef NITRO_ATTEST_SRC_DOCUMENT_BUILDER_H_
#define NITRO_ATTEST_SRC_DOCUMENT_BUILDER_H_

#include <openssl/evp.h>

#include <span>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"

namespace nitro_attest {

// EncodePayload encodes the payload map of `doc` in AWS's key order (module_id, digest,
// timestamp, pcrs, certificate, cabundle, public_key, user_data, nonce), null for absent
// optionals; `indefinite_map` selects 0xbf ... 0xff (documents since 2025) over 0xa9.
Bytes EncodePayload(const AttestationDocument& doc, bool indefinite_map);

// SignDocument wraps `payload` in a COSE_Sign1 with protected header {1: -35}, an empty
// unprotected header and an ES384 r || s signature by `key` (P-384 private key); tag 18 only
// when `tagged`. Returns kUnsupportedAlgorithm for a non-P-384 key.
Result<Bytes> SignDocument(std::span<const uint8_t> payload, EVP_PKEY* key, bool tagged = false);

// AssembleCoseSign1 writes a COSE_Sign1 from already-made parts (for tests that need a
// malformed one); no checks.
Bytes AssembleCoseSign1(std::span<const uint8_t> protected_header,
                        std::span<const uint8_t> payload, std::span<const uint8_t> signature,
                        bool tagged = false);

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_SRC_DOCUMENT_BUILDER_H_
