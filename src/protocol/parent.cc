// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The parent's side: challenge, verify, and only then seal.
#include <openssl/rand.h>

#include <variant>

#include "nitro_attest/encoding.h"
#include "nitro_attest/protocol.h"
#include "src/ossl/ossl.h"
#include "src/protocol/internal.h"
#include "src/protocol/messages.h"
#include "src/protocol/seal.h"
#include "src/protocol/session.h"

namespace nitro_attest {
using protocol::Abort;
using protocol::AbortMsg;
using protocol::AckMsg;
using protocol::AttestationMsg;
using protocol::ChallengeMsg;
using protocol::Expect;
using protocol::FinishMsg;
using protocol::Message;
using protocol::SealedMsg;
using protocol::SendMessage;

namespace {

Result<Bytes> FreshNonce() {
  Bytes nonce(kChallengeNonceSize);
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "RAND_bytes");
  }
  return nonce;
}

// VerifyStep runs the session up to and including verification.
Result<ChallengeResult> VerifyStep(Connection& conn, const ChallengeOptions& options,
                                   const Bytes& nonce) {
  NA_TRY(SendMessage(conn, ChallengeMsg{nonce, options.user_data}));
  NA_ASSIGN_OR_RETURN(AttestationMsg att, Expect<AttestationMsg>(conn));
  if (options.received_document != nullptr) {
    *options.received_document = att.document;
  }
  VerifyOptions policy = options.policy;
  policy.nonce = nonce;  // the one this session sent, whatever the caller set
  // Exactly the user_data this session sent, and none when it sent none: a relay between the
  // two sides may add user_data to the challenge, and the NSM signs whatever it is given.
  policy.user_data =
      options.user_data ? ExpectedBytes(*options.user_data) : ExpectedBytes::Absent();
  Result<VerifiedDocument> verified =
      options.verifier != nullptr ? options.verifier->Verify(att.document, policy, options.trace)
                                  : Verify(att.document, policy, options.trace);
  if (!verified) {
    return Abort(conn, std::move(verified).error());
  }
  const AttestationDocument& doc = verified->document();
  if (!doc.public_key) {
    return Abort(conn, MakeError(ErrorCode::kPublicKeyMismatch,
                                  "document carries no session public key"));
  }
  Bytes key_der = *doc.public_key;
  return ChallengeResult{std::move(*verified), std::move(att.document), nonce, std::move(key_der),
                         SecretState::kNotSent};
}

// Deliver seals the secret to the attested key, sends it and checks the enclave's proof.
// `state` follows the secret: sent from the moment the sealed message is handed to `conn`.
Status Deliver(Connection& conn, const ChallengeOptions& options, const ChallengeResult& result,
               EVP_PKEY* enclave_key, SecretState& state) {
  protocol::TranscriptInput in;
  in.nonce = result.nonce;
  in.user_data = &options.user_data;
  in.document = result.document;
  in.enclave_key = result.enclave_public_key;
  Result<protocol::SealedSecret> sealed =
      protocol::Seal(enclave_key, in, *options.secret,
                     options.parent_key ? &*options.parent_key : nullptr);
  if (!sealed) {
    return Abort(conn, std::move(sealed).error());
  }
  state = SecretState::kSentUnacknowledged;
  NA_TRY(SendMessage(conn, SealedMsg{sealed->parent_key, sealed->ciphertext, sealed->signature}));
  NA_ASSIGN_OR_RETURN(const Bytes frame, conn.Receive());
  NA_ASSIGN_OR_RETURN(Message reply, protocol::DecodeMessage(frame));
  if (const auto* abort = std::get_if<AbortMsg>(&reply);
      abort != nullptr && abort->code == ErrorCode::kParentNotAuthenticated) {
    return MakeError(ErrorCode::kParentNotAuthenticated,
                     options.parent_key
                         ? "the enclave refused the secret: it pins another parent key"
                         : "the enclave refused the secret: it requires a parent key signature");
  }
  NA_ASSIGN_OR_RETURN(const AckMsg ack, protocol::As<AckMsg>(std::move(reply)));
  if (!ConstantTimeEqual(ack.proof, sealed->expected_proof)) {
    return MakeError(ErrorCode::kProtocolError, "the enclave's proof of opening is wrong");
  }
  state = SecretState::kAcknowledged;
  return {};
}

Result<ChallengeResult> Run(Connection& conn, const ChallengeOptions& options,
                            const Bytes& nonce, SecretState& state) {
  NA_ASSIGN_OR_RETURN(ChallengeResult result, VerifyStep(conn, options, nonce));
  Result<ossl::EvpPkeyPtr> enclave_key = protocol::ParseP384PublicKey(result.enclave_public_key);
  if (!enclave_key) {
    return Abort(conn, std::move(enclave_key).error());
  }
  if (!options.secret) {
    NA_TRY(SendMessage(conn, FinishMsg{}));
    return result;
  }
  NA_TRY(Deliver(conn, options, result, enclave_key->get(), state));
  result.secret_state = state;
  return result;
}

}  // namespace

namespace protocol {

Result<ChallengeResult> RunChallengeWithNonce(Connection& conn, const ChallengeOptions& options,
                                              std::span<const uint8_t> nonce) {
  SecretState state = SecretState::kNotSent;
  Result<ChallengeResult> result = [&]() -> Result<ChallengeResult> {
    if (options.secret &&
        (options.secret->empty() || options.secret->size() > kMaxSecretSize)) {
      return MakeError(ErrorCode::kInvalidArgument, "secret must be 1..16384 bytes");
    }
    if (options.user_data && options.user_data->size() > kMaxUserDataSize) {
      return MakeError(ErrorCode::kInvalidArgument, "user_data must be at most 512 bytes");
    }
    if (nonce.size() < kMinNonceSize || nonce.size() > kMaxNonceSize) {
      return MakeError(ErrorCode::kInvalidArgument, "nonce must be 16..512 bytes");
    }
    if (options.deadline) {
      conn.set_deadline(*options.deadline);
    }
    return Run(conn, options, Bytes(nonce.begin(), nonce.end()), state);
  }();
  if (options.secret_state != nullptr) {
    *options.secret_state = state;
  }
  return result;
}

}  // namespace protocol

Result<ChallengeResult> RunChallenge(Connection& conn, const ChallengeOptions& options) {
  if (options.secret_state != nullptr) {
    *options.secret_state = SecretState::kNotSent;
  }
  NA_ASSIGN_OR_RETURN(const Bytes nonce, FreshNonce());
  return protocol::RunChallengeWithNonce(conn, options, nonce);
}

}  // namespace nitro_attest
