// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// protocol.h: the challenge protocol between a parent and its enclave, one session per
// connection (docs/protocol.md has the messages, the key schedule and the limits):
//   parent  -> enclave  challenge   {nonce: 32 fresh random bytes, user_data?}
//   enclave -> parent   attestation {document: NSM document bound to the nonce, the user_data and
//                                    an ephemeral P-384 key made for this session}
//   parent verifies the document with the caller's policy, and that it carries nothing the
//   parent did not ask for; on failure it sends abort and no secret ever leaves it. Otherwise:
//   parent  -> enclave  sealed      {ephemeral_key, ciphertext: the secret under ECDH P-384 +
//                                    HKDF-SHA384 + AES-256-GCM, signature?: by the parent's
//                                    long-term key over the transcript}   or   finish (no secret)
//   enclave -> parent   ack         {proof: HMAC-SHA384 proving it opened the secret}
// Either side may abort {code}: an ErrorCode number, never text.
#ifndef NITRO_ATTEST_PROTOCOL_H_
#define NITRO_ATTEST_PROTOCOL_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>

#include "nitro_attest/channel.h"
#include "nitro_attest/document.h"
#include "nitro_attest/nsm.h"
#include "nitro_attest/result.h"
#include "nitro_attest/secret.h"
#include "nitro_attest/verify.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// The parent's nonce size, and the bounds either side accepts on the wire.
inline constexpr size_t kChallengeNonceSize = 32;
inline constexpr size_t kMinNonceSize = 16;
inline constexpr size_t kMaxNonceSize = 512;
inline constexpr size_t kMaxUserDataSize = 512;
// The largest secret RunChallenge delivers.
inline constexpr size_t kMaxSecretSize = 16 * 1024;

// ParentSigningKey is the parent's long-term ECDSA P-384 private key. Immutable; copies share it.
class ParentSigningKey {
 public:
  struct Impl;
  // FromPem reads an unencrypted P-384 private key in PEM: SEC1 ("EC PRIVATE KEY", as
  // `openssl ecparam -genkey -name secp384r1` writes it, its "EC PARAMETERS" block skipped) or
  // PKCS#8 ("PRIVATE KEY"). kInvalidArgument for anything else: no key, an encrypted key,
  // another algorithm or curve, explicit curve parameters.
  static Result<ParentSigningKey> FromPem(std::span<const uint8_t> pem);
  // public_key_der returns the DER SubjectPublicKeyInfo of the public half.
  const Bytes& public_key_der() const;
  const Impl& impl() const { return *impl_; }

 private:
  explicit ParentSigningKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// ParentPublicKey is the public half of a ParentSigningKey, pinned by an enclave.
class ParentPublicKey {
 public:
  struct Impl;
  // FromPem reads a P-384 public key in PEM SubjectPublicKeyInfo ("PUBLIC KEY", as
  // `openssl ec -pubout` writes it). kInvalidArgument for anything else.
  static Result<ParentPublicKey> FromPem(std::span<const uint8_t> pem);
  // der returns its DER SubjectPublicKeyInfo.
  const Bytes& der() const;
  const Impl& impl() const { return *impl_; }

 private:
  explicit ParentPublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// SecretState is how far the secret got in one session.
enum class SecretState : uint8_t {
  kNotSent,             // nothing of it left the parent (none given, or the session ended first)
  kSentUnacknowledged,  // the sealed secret was handed to the connection (it may or may not have
                        // reached the enclave) and no valid proof of opening came back
  kAcknowledged,        // the enclave proved it opened it
};

// to_string returns "not_sent", "sent_unacknowledged" or "acknowledged".
std::string_view to_string(SecretState state);

// ChallengeOptions is the parent's side of one session.
struct ChallengeOptions {
  // The trust and policy the document must satisfy (root, PCRs, max_age, ...). RunChallenge
  // replaces policy.nonce by the nonce it sends and policy.user_data by `user_data`.
  VerifyOptions policy;
  // Sent in the challenge; the document must carry it back, and carry none when this is unset.
  std::optional<Bytes> user_data;
  // Sealed to the attested key and delivered only after the document verified (1..16 KiB).
  std::optional<SecretBytes> secret;
  // When set, the sealed secret carries this key's signature over the session transcript, for
  // an enclave that pins its public half (ServeOptions::parent_key).
  std::optional<ParentSigningKey> parent_key;
  // When set, the whole session ends by then: every wait on `conn` fails at this time, however
  // the peer paces its bytes.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // When set, verification goes through this long-lived (caching) verifier.
  const Verifier* verifier = nullptr;
  // When set, receives the checks that passed, whether or not verification succeeded.
  VerifyTrace* trace = nullptr;
  // When set, receives the document exactly as the enclave sent it, verified or not.
  Bytes* received_document = nullptr;
  // When set, receives how far the secret got, whether the session succeeds or fails.
  SecretState* secret_state = nullptr;
};

// ChallengeResult is a completed session.
struct ChallengeResult {
  VerifiedDocument verified;
  Bytes document;            // raw COSE_Sign1 bytes as received
  Bytes nonce;               // the nonce this session sent
  Bytes enclave_public_key;  // the attested ephemeral key, DER SubjectPublicKeyInfo
  // kAcknowledged when a secret was given, kNotSent otherwise.
  SecretState secret_state = SecretState::kNotSent;
};

// RunChallenge runs the parent's side of one session on `conn`. Returns the result, or: the
// verification Error (kPcrMismatch, kNonceMismatch, kBadSignature, ...) when the document is
// rejected, kUserDataMismatch also when it carries user_data that was not sent (in each case
// nothing but an abort was sent); kPublicKeyMismatch when the document carries no session key,
// kUnsupportedAlgorithm when it is not a P-384 key; kParentNotAuthenticated when the enclave
// refused the secret for want of a valid parent signature; kProtocolError when the enclave
// otherwise breaks the protocol, aborts, or its proof is wrong; kTransportError (also at the
// deadline); kCryptoError; kInvalidArgument for bad options. options.secret_state says, in
// every case, whether the secret left.
Result<ChallengeResult> RunChallenge(Connection& conn, const ChallengeOptions& options);

// SecretFingerprint returns HMAC-SHA256(key = nonce, message = secret): a fingerprint of a
// secret delivered in the session that sent `nonce`, salted by it. Both sides can print it to
// show they hold the same secret, and whoever has the secret can recompute it; it links no two
// sessions and no precomputed table applies. A guessable secret stays guessable from it.
std::array<uint8_t, 32> SecretFingerprint(std::span<const uint8_t> nonce,
                                          std::span<const uint8_t> secret);

// Attester asks an NSM for a document (ServeChallenge's seam; tests pass fakes).
using Attester = std::function<Result<Bytes>(const AttestationRequest&)>;

// ServeOptions is the enclave's side of every session.
struct ServeOptions {
  // When set, a sealed secret is opened only when it carries a valid signature by this key
  // over the session transcript. Unset: any peer that reaches the enclave can deliver one.
  std::optional<ParentPublicKey> parent_key;
};

// EnclaveSession is what the enclave learned in one session. `secret` holds the opened secret
// (caller-owned from here on, wiped when released) when the parent sent one.
struct EnclaveSession {
  Bytes nonce;
  std::optional<Bytes> user_data;
  std::optional<SecretBytes> secret;
};

// ServeChallenge runs the enclave's side of one session on `conn`, taking the document from
// `attest`. Returns the session, or: kProtocolError when the parent breaks the protocol or
// aborts (e.g. it rejected the document), kParentNotAuthenticated when options.parent_key is
// set and the sealed secret lacks a valid signature by it (the secret is not opened),
// kCryptoError when the sealed secret does not open, the Attester's error, kTransportError.
Result<EnclaveSession> ServeChallenge(Connection& conn, const Attester& attest,
                                      const ServeOptions& options = {});

// NsmAttester returns an Attester over `nsm` (which must outlive it). When `nsm_mutex` is
// set it is held around each NSM call, so one client can serve concurrent sessions.
Attester NsmAttester(NsmClient& nsm, std::mutex* nsm_mutex = nullptr);

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_PROTOCOL_H_
