// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The protocol's private declarations: the keys behind the public key classes, and the test
// seam that runs a session with a chosen nonce.
#ifndef NITRO_ATTEST_SRC_PROTOCOL_INTERNAL_H_
#define NITRO_ATTEST_SRC_PROTOCOL_INTERNAL_H_

#include <span>

#include "nitro_attest/protocol.h"
#include "src/ossl/ossl.h"

namespace nitro_attest {

struct ParentSigningKey::Impl {
  ossl::EvpPkeyPtr key;  // EC P-384, named curve, with its private scalar
  Bytes spki;            // DER SubjectPublicKeyInfo of the public half
};

struct ParentPublicKey::Impl {
  ossl::EvpPkeyPtr key;  // EC P-384, named curve, a valid point
  Bytes spki;
};

namespace protocol {

// RunChallengeWithNonce is RunChallenge sending `nonce` (16..512 bytes, else kInvalidArgument)
// instead of 32 fresh random bytes: for tests that need to know the nonce beforehand.
Result<ChallengeResult> RunChallengeWithNonce(Connection& conn, const ChallengeOptions& options,
                                              std::span<const uint8_t> nonce);

}  // namespace protocol
}  // namespace nitro_attest

#endif  // NITRO_ATTEST_SRC_PROTOCOL_INTERNAL_H_
