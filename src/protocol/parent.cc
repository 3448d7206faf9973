// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The parent's side: challenge, verify, and only then seal.
#include <openssl/rand.h>

#include <variant>

#include "nitro_attest/encoding.h"
#include "nitro_attest/protocol.h"
#include "src/ossl/ossl.h"
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

// ParentSession runs RunChallenge up to and including verification.
Result<ChallengeResult> VerifyStep(Connection& conn, const ChallengeOptions& options,
                                   const Bytes& nonce) {
  NA_TRY(SendMessage(conn, ChallengeMsg{nonce, options.user_data}));
  NA_ASSIGN_OR_RETURN(AttestationMsg att, Expect<AttestationMsg>(conn));
  if (options.received_document != nullptr) {
    *options.received_document = att.document;
  }
  VerifyOptions policy = options.policy;
  policy.nonce = nonce;  // the one this session sent, whatever the caller set
  if (options.user_data) {
    policy.user_data = *options.user_data;
  }
  Result<VerifiedDocument> verified =
      options.verifier != nullptr ? options.verifier->Verify(att.document, policy, options.trace)
                                  : Verify(att.document, policy, options.trace);
  if (!verified) {
    Abort(conn, verified.error().code);  // and nothing else: no secret leaves
    return std::move(verified).error();
  }
  const std::optional<Bytes>& key = verified->document().public_key;
  if (!key) {
    Abort(conn, ErrorCode::kPublicKeyMismatch);
    return MakeError(ErrorCode::kPublicKeyMismatch, "document carries no session public key");
  }
  Bytes key_der = *key;
  return ChallengeResult{std::move(*verified), std::move(att.document), nonce, std::move(key_der),
                         false};
}

}  // namespace

Result<ChallengeResult> RunChallenge(Connection& conn, const ChallengeOptions& options) {
  if (options.secret && (options.secret->empty() || options.secret->size() > kMaxSecretSize)) {
    return MakeError(ErrorCode::kInvalidArgument, "secret must be 1..16384 bytes");
  }
  if (options.user_data && options.user_data->size() > kMaxUserDataSize) {
    return MakeError(ErrorCode::kInvalidArgument, "user_data must be at most 512 bytes");
  }
  Bytes nonce;
  if (options.nonce_for_testing) {
    nonce = *options.nonce_for_testing;
    if (nonce.size() < kMinNonceSize || nonce.size() > kMaxNonceSize) {
      return MakeError(ErrorCode::kInvalidArgument, "nonce must be 16..512 bytes");
    }
  } else {
    NA_ASSIGN_OR_RETURN(nonce, FreshNonce());
  }
  NA_ASSIGN_OR_RETURN(ChallengeResult result, VerifyStep(conn, options, nonce));
  Result<ossl::EvpPkeyPtr> enclave_key = protocol::ParseP384PublicKey(result.enclave_public_key);
  if (!enclave_key) {
    Abort(conn, enclave_key.error().code);
    return std::move(enclave_key).error();
  }
  if (!options.secret) {
    NA_TRY(SendMessage(conn, FinishMsg{}));
    return result;
  }
  protocol::TranscriptInput in;
  in.nonce = result.nonce;
  in.user_data = &options.user_data;
  in.document = result.document;
  in.enclave_key = result.enclave_public_key;
  Result<protocol::SealedSecret> sealed = protocol::Seal(enclave_key->get(), in, *options.secret);
  if (!sealed) {
    Abort(conn, sealed.error().code);
    return std::move(sealed).error();
  }
  NA_TRY(SendMessage(conn, SealedMsg{sealed->parent_key, sealed->ciphertext}));
  NA_ASSIGN_OR_RETURN(const AckMsg ack, Expect<AckMsg>(conn));
  if (!ConstantTimeEqual(ack.proof, sealed->expected_proof)) {
    return MakeError(ErrorCode::kProtocolError, "the enclave's proof of opening is wrong");
  }
  result.secret_acknowledged = true;
  return result;
}

}  // namespace nitro_attest
