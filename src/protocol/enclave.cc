// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The enclave's side: attest with a fresh session key, then open what the parent seals.
#include <variant>

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

Result<EnclaveSession> ServeChallenge(Connection& conn, const Attester& attest,
                                      const ServeOptions& options) {
  NA_ASSIGN_OR_RETURN(ChallengeMsg challenge, Expect<ChallengeMsg>(conn));
  EnclaveSession session;
  session.nonce = std::move(challenge.nonce);
  session.user_data = std::move(challenge.user_data);
  Result<ossl::EvpPkeyPtr> key = protocol::GenerateP384Key();
  Result<Bytes> key_der = key ? protocol::PublicKeyDer(key->get()) : Result<Bytes>(key.error());
  if (!key_der) {
    return Abort(conn, std::move(key_der).error());
  }
  AttestationRequest request;
  request.nonce = session.nonce;
  request.user_data = session.user_data;
  request.public_key = *key_der;
  Result<Bytes> document = attest(request);
  if (!document) {
    return Abort(conn, std::move(document).error());
  }
  NA_TRY(SendMessage(conn, AttestationMsg{*document}));

  NA_ASSIGN_OR_RETURN(const Bytes frame, conn.Receive());
  NA_ASSIGN_OR_RETURN(Message m, protocol::DecodeMessage(frame));
  if (std::holds_alternative<FinishMsg>(m)) {
    return session;
  }
  if (const auto* abort = std::get_if<AbortMsg>(&m)) {
    return MakeError(ErrorCode::kProtocolError,
                     "parent rejected the document: " + protocol::CodeText(abort->code));
  }
  NA_ASSIGN_OR_RETURN(const SealedMsg sealed, protocol::As<SealedMsg>(std::move(m)));
  protocol::TranscriptInput in;
  in.nonce = session.nonce;
  in.user_data = &session.user_data;
  in.document = *document;
  in.enclave_key = *key_der;
  in.parent_key = sealed.ephemeral_key;
  Result<protocol::OpenedSecret> opened =
      protocol::Open(key->get(), in, sealed.ciphertext,
                     options.parent_key ? &*options.parent_key : nullptr, sealed.signature);
  if (!opened) {
    return Abort(conn, std::move(opened).error());
  }
  // On failure the opened secret is wiped as `opened` goes (SecretBytes).
  NA_TRY(SendMessage(conn, AckMsg{Bytes(opened->proof.begin(), opened->proof.end())}));
  session.secret = std::move(opened->secret);
  return session;
}

}  // namespace nitro_attest
