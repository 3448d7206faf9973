// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <variant>

#include "nitro_attest/encoding.h"
#include "nitro_attest/protocol.h"
#include "src/ossl/ossl.h"
#include "src/protocol/messages.h"
#include "src/protocol/seal.h"

namespace nitro_attest {
namespace {

using protocol::AbortMsg;
using protocol::AckMsg;
using protocol::AttestationMsg;
using protocol::ChallengeMsg;
using protocol::FinishMsg;
using protocol::Message;
using protocol::SealedMsg;

Status SendMessage(Connection& conn, const Message& m) {
  return conn.Send(protocol::EncodeMessage(m));
}

// Abort tells the peer why the session ends; best effort, the session failed already.
void Abort(Connection& conn, ErrorCode code) {
  (void)SendMessage(conn, AbortMsg{std::string(to_string(code))});
}

// Expect receives the next message and requires type T; an abort from the peer ends the
// session with kProtocolError.
template <class T>
Result<T> Expect(Connection& conn) {
  NA_ASSIGN_OR_RETURN(const Bytes frame, conn.Receive());
  NA_ASSIGN_OR_RETURN(Message m, protocol::DecodeMessage(frame));
  if (const auto* abort = std::get_if<AbortMsg>(&m)) {
    return MakeError(ErrorCode::kProtocolError, "peer aborted: " + abort->reason);
  }
  if (!std::holds_alternative<T>(m)) {
    return MakeError(ErrorCode::kProtocolError,
                     std::string("unexpected message \"") + protocol::TypeName(m) + "\"");
  }
  return std::get<T>(std::move(m));
}

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
    policy.user_data = options.user_data;
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
  return ChallengeResult{std::move(*verified), std::move(att.document), nonce,
                         std::move(key_der), false};
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

Result<EnclaveSession> ServeChallenge(Connection& conn, const Attester& attest) {
  NA_ASSIGN_OR_RETURN(ChallengeMsg challenge, Expect<ChallengeMsg>(conn));
  Result<ossl::EvpPkeyPtr> key = protocol::GenerateP384Key();
  Result<Bytes> key_der = key ? protocol::PublicKeyDer(key->get()) : Result<Bytes>(key.error());
  if (!key_der) {
    Abort(conn, key_der.error().code);
    return std::move(key_der).error();
  }
  AttestationRequest request;
  request.nonce = challenge.nonce;
  request.user_data = challenge.user_data;
  request.public_key = *key_der;
  Result<Bytes> document = attest(request);
  if (!document) {
    Abort(conn, document.error().code);
    return std::move(document).error();
  }
  NA_TRY(SendMessage(conn, AttestationMsg{*document}));

  EnclaveSession session{std::move(challenge.nonce), std::move(challenge.user_data), {}};
  NA_ASSIGN_OR_RETURN(const Bytes frame, conn.Receive());
  NA_ASSIGN_OR_RETURN(Message m, protocol::DecodeMessage(frame));
  if (std::holds_alternative<FinishMsg>(m)) {
    return session;
  }
  if (const auto* abort = std::get_if<AbortMsg>(&m)) {
    return MakeError(ErrorCode::kProtocolError, "parent rejected the document: " + abort->reason);
  }
  const auto* sealed = std::get_if<SealedMsg>(&m);
  if (sealed == nullptr) {
    return MakeError(ErrorCode::kProtocolError,
                     std::string("unexpected message \"") + protocol::TypeName(m) + "\"");
  }
  protocol::TranscriptInput in;
  in.nonce = session.nonce;
  in.user_data = &session.user_data;
  in.document = *document;
  in.enclave_key = *key_der;
  in.parent_key = sealed->ephemeral_key;
  Result<protocol::OpenedSecret> opened = protocol::Open(key->get(), in, sealed->ciphertext);
  if (!opened) {
    Abort(conn, opened.error().code);
    return std::move(opened).error();
  }
  Status sent = SendMessage(conn, AckMsg{Bytes(opened->proof.begin(), opened->proof.end())});
  if (!sent) {
    OPENSSL_cleanse(opened->secret.data(), opened->secret.size());
    return std::move(sent).error();
  }
  session.secret = std::move(opened->secret);
  return session;
}

}  // namespace nitro_attest
