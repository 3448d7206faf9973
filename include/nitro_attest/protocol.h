// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// protocol.h: the challenge protocol between a parent and its enclave, one session per
// connection (docs/protocol.md has the message and key-schedule details):
//   parent  -> enclave  challenge   {nonce: 32 fresh random bytes, user_data?}
//   enclave -> parent   attestation {document: NSM document bound to the nonce, the user_data and
//                                    an ephemeral P-384 key made for this session}
//   parent verifies the document with the caller's policy; on failure it sends abort and no
//   secret ever leaves it. Otherwise:
//   parent  -> enclave  sealed      {ephemeral_key, ciphertext: the secret under ECDH P-384 +
//                                    HKDF-SHA384 + AES-256-GCM}   or   finish (no secret)
//   enclave -> parent   ack         {proof: HMAC-SHA384 proving it opened the secret}
#ifndef NITRO_ATTEST_PROTOCOL_H_
#define NITRO_ATTEST_PROTOCOL_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "nitro_attest/channel.h"
#include "nitro_attest/document.h"
#include "nitro_attest/nsm.h"
#include "nitro_attest/result.h"
#include "nitro_attest/verify.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// The parent's nonce size, and the bounds either side accepts on the wire.
inline constexpr size_t kChallengeNonceSize = 32;
inline constexpr size_t kMinNonceSize = 16;
inline constexpr size_t kMaxNonceSize = 512;
inline constexpr size_t kMaxUserDataSize = 512;
// The largest secret RunChallenge delivers.
inline constexpr size_t kMaxSecretSize = 16 * 1024;

// ChallengeOptions is the parent's side of one session.
struct ChallengeOptions {
  // The trust and policy the document must satisfy (root, PCRs, max_age, ...). RunChallenge
  // always replaces policy.nonce by the nonce it sends, and policy.user_data by `user_data`
  // when that is set.
  VerifyOptions policy;
  // Sent in the challenge; the document must carry it back.
  std::optional<Bytes> user_data;
  // Sealed to the attested key and delivered only after the document verified (1..16 KiB).
  std::optional<Bytes> secret;
  // When set, verification goes through this long-lived (caching) verifier.
  const Verifier* verifier = nullptr;
  // When set, receives the checks that passed, whether or not verification succeeded.
  VerifyTrace* trace = nullptr;
  // When set, receives the document exactly as the enclave sent it, verified or not.
  Bytes* received_document = nullptr;
  // Test seam: when set, used instead of 32 random bytes (must be 16..512 bytes).
  std::optional<Bytes> nonce_for_testing;
};

// ChallengeResult is a completed session.
struct ChallengeResult {
  VerifiedDocument verified;
  Bytes document;            // raw COSE_Sign1 bytes as received
  Bytes nonce;               // the nonce this session sent
  Bytes enclave_public_key;  // the attested ephemeral key, DER SubjectPublicKeyInfo
  // The enclave proved it opened the secret (always false when none was sent).
  bool secret_acknowledged = false;
};

// RunChallenge runs the parent's side of one session on `conn`. Returns the result, or: the
// verification Error (kPcrMismatch, kNonceMismatch, kBadSignature, ...) when the document is
// rejected, in which case nothing but an abort was sent; kPublicKeyMismatch when the document
// carries no session key, kUnsupportedAlgorithm when it is not a P-384 key; kProtocolError when
// the enclave breaks the protocol, aborts, or its proof is wrong; kTransportError; kCryptoError;
// kInvalidArgument for bad options.
Result<ChallengeResult> RunChallenge(Connection& conn, const ChallengeOptions& options);

// Attester asks an NSM for a document (ServeChallenge's seam; tests pass fakes).
using Attester = std::function<Result<Bytes>(const AttestationRequest&)>;

// EnclaveSession is what the enclave learned in one session. `secret` holds the opened secret
// (caller-owned from here on) when the parent sent one.
struct EnclaveSession {
  Bytes nonce;
  std::optional<Bytes> user_data;
  std::optional<Bytes> secret;
};

// ServeChallenge runs the enclave's side of one session on `conn`, taking the document from
// `attest`. Returns the session, or: kProtocolError when the parent breaks the protocol or
// aborts (e.g. it rejected the document), kCryptoError when the sealed secret does not open,
// the Attester's error, kTransportError.
Result<EnclaveSession> ServeChallenge(Connection& conn, const Attester& attest);

// NsmAttester returns an Attester over `nsm` (which must outlive it). When `nsm_mutex` is
// set it is held around each NSM call, so one client can serve concurrent sessions.
Attester NsmAttester(NsmClient& nsm, std::mutex* nsm_mutex = nullptr);

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_PROTOCOL_H_
