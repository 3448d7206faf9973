// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The enclave's side of the protocol against a scripted parent: no verifier or NSM needed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "nitro_attest/channel.h"
#include "nitro_attest/protocol.h"
#include "src/channel/channel_test_util.h"
#include "src/protocol/messages.h"
#include "src/protocol/protocol_test_util.h"
#include "src/protocol/seal.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using ::nitro_attest::testing::NewParentKeyPair;
using ::nitro_attest::testing::ParentKeyPair;
using ::nitro_attest::testing::SendRaw;
using ::nitro_attest::testing::TempSocketDir;
using protocol::DecodeMessage;
using protocol::EncodeMessage;
using protocol::Message;
using std::chrono::milliseconds;

// Fixture: a listener, a scripted parent connection and the enclave's accepted connection.
class EnclaveSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    listener_ = std::make_unique<Listener>(std::move(*Listener::Bind(dir_.UnixAddress("e.sock"))));
    ChannelOptions o;
    o.io_timeout = milliseconds(2000);
    parent_ = std::make_unique<Connection>(std::move(*Connect(listener_->address(), o)));
    enclave_ = std::make_unique<Connection>(std::move(*listener_->Accept(milliseconds(2000), o)));
  }

  void TearDown() override {
    if (server_.joinable()) {  // a test that failed early: unblock and join the enclave
      parent_.reset();
      server_.join();
    }
  }

  // Serve runs ServeChallenge on a thread with a fake attester that records its request.
  void Serve(const ServeOptions& options = {}) {
    server_ = std::thread([this, options] {
      result_ = std::make_unique<Result<EnclaveSession>>(ServeChallenge(
          *enclave_,
          [this](const AttestationRequest& r) -> Result<Bytes> {
            request_ = r;
            if (attester_error_) {
              return MakeError(ErrorCode::kNsmError, "fake NSM failure");
            }
            return document_;
          },
          options));
      enclave_.reset();  // hang up like a finished session
    });
  }
  Result<EnclaveSession> Join() {
    server_.join();
    return std::move(*result_);
  }
  Result<Message> ParentReceive() {
    NA_ASSIGN_OR_RETURN(const Bytes b, parent_->Receive());
    return DecodeMessage(b);
  }
  void ParentSend(const Message& m) { ASSERT_THAT(parent_->Send(EncodeMessage(m)), IsOk()); }

  // ServePinned serves with `parent`'s public half pinned and runs the challenge (Challenge).
  protocol::TranscriptInput ServePinned(const ParentKeyPair& parent) {
    ServeOptions options;
    options.parent_key = parent.pinned;
    Serve(options);
    return Challenge();
  }
  // Challenge sends a challenge with nonce_, receives the document and returns the session's
  // transcript input as the parent sees it.
  protocol::TranscriptInput Challenge() {
    ParentSend(protocol::ChallengeMsg{nonce_, std::nullopt});
    EXPECT_THAT(ParentReceive(), IsOk());
    protocol::TranscriptInput in;
    in.nonce = nonce_;
    in.document = document_;
    in.enclave_key = *request_.public_key;
    return in;
  }
  // EnclaveKey parses the session key the enclave put in its attestation request.
  ossl::EvpPkeyPtr EnclaveKey() {
    return std::move(*protocol::ParseP384PublicKey(*request_.public_key));
  }
  // ExpectRefusedWith requires an abort with `code` and the session to fail with it.
  void ExpectRefusedWith(ErrorCode code) {
    const Result<Message> reply = ParentReceive();
    ASSERT_THAT(reply, IsOk());
    ASSERT_TRUE(std::holds_alternative<protocol::AbortMsg>(*reply));
    EXPECT_EQ(std::get<protocol::AbortMsg>(*reply).code, code);
    EXPECT_THAT(Join(), HasCode(code));
  }

  TempSocketDir dir_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Connection> parent_, enclave_;
  std::thread server_;
  std::unique_ptr<Result<EnclaveSession>> result_;
  AttestationRequest request_;
  Bytes document_ = Bytes(200, 0xd0);
  bool attester_error_ = false;
  Bytes nonce_ = Bytes(32, 0x4e);
};

TEST_F(EnclaveSessionTest, OpensTheSecretAndProvesIt) {
  Serve();
  const std::optional<Bytes> user_data = Bytes{'h', 'i'};
  ParentSend(protocol::ChallengeMsg{nonce_, user_data});
  const Result<Message> att = ParentReceive();
  ASSERT_THAT(att, IsOk());
  ASSERT_TRUE(std::holds_alternative<protocol::AttestationMsg>(*att));
  EXPECT_EQ(std::get<protocol::AttestationMsg>(*att).document, document_);
  // The NSM was asked for exactly the session's binding.
  EXPECT_EQ(request_.nonce, nonce_);
  EXPECT_EQ(request_.user_data, user_data);
  ASSERT_TRUE(request_.public_key.has_value());
  Result<ossl::EvpPkeyPtr> key = protocol::ParseP384PublicKey(*request_.public_key);
  ASSERT_THAT(key, IsOk());

  const SecretBytes secret = {'t', 'o', 'p', ' ', 's', 'e', 'c', 'r', 'e', 't'};
  protocol::TranscriptInput in;
  in.nonce = nonce_;
  in.user_data = &user_data;
  in.document = document_;
  in.enclave_key = *request_.public_key;
  const Result<protocol::SealedSecret> sealed = protocol::Seal(key->get(), in, secret);
  ASSERT_THAT(sealed, IsOk());
  ParentSend(protocol::SealedMsg{sealed->parent_key, sealed->ciphertext, sealed->signature});
  const Result<Message> ack = ParentReceive();
  ASSERT_THAT(ack, IsOk());
  ASSERT_TRUE(std::holds_alternative<protocol::AckMsg>(*ack));
  EXPECT_EQ(std::get<protocol::AckMsg>(*ack).proof,
            Bytes(sealed->expected_proof.begin(), sealed->expected_proof.end()));
  const Result<EnclaveSession> session = Join();
  ASSERT_THAT(session, IsOk());
  EXPECT_EQ(session->nonce, nonce_);
  EXPECT_EQ(session->secret, secret);
}

TEST_F(EnclaveSessionTest, FinishWithoutSecret) {
  Serve();
  ParentSend(protocol::ChallengeMsg{nonce_, std::nullopt});
  ASSERT_THAT(ParentReceive(), IsOk());
  EXPECT_FALSE(request_.user_data.has_value());
  ParentSend(protocol::FinishMsg{});
  const Result<EnclaveSession> session = Join();
  ASSERT_THAT(session, IsOk());
  EXPECT_FALSE(session->secret.has_value());
}

TEST_F(EnclaveSessionTest, ParentRejectionEndsTheSession) {
  Serve();
  ParentSend(protocol::ChallengeMsg{nonce_, std::nullopt});
  ASSERT_THAT(ParentReceive(), IsOk());
  ParentSend(protocol::AbortMsg{ErrorCode::kPcrMismatch});
  EXPECT_THAT(Join(), HasCode(ErrorCode::kProtocolError));
}

TEST_F(EnclaveSessionTest, ASecretThatDoesNotOpenIsRefused) {
  Serve();
  ParentSend(protocol::ChallengeMsg{nonce_, std::nullopt});
  ASSERT_THAT(ParentReceive(), IsOk());
  // Sealed to some other key: the enclave cannot open it and says so.
  ossl::EvpPkeyPtr other = std::move(*protocol::GenerateP384Key());
  protocol::TranscriptInput in;
  in.nonce = nonce_;
  in.document = document_;
  in.enclave_key = *request_.public_key;
  const Result<protocol::SealedSecret> sealed = protocol::Seal(other.get(), in, Bytes(8, 1));
  ASSERT_THAT(sealed, IsOk());
  ParentSend(protocol::SealedMsg{sealed->parent_key, sealed->ciphertext, sealed->signature});
  const Result<Message> reply = ParentReceive();
  ASSERT_THAT(reply, IsOk());
  EXPECT_TRUE(std::holds_alternative<protocol::AbortMsg>(*reply));
  EXPECT_THAT(Join(), HasCode(ErrorCode::kCryptoError));
}

TEST_F(EnclaveSessionTest, NsmFailureIsReportedToTheParent) {
  attester_error_ = true;
  Serve();
  ParentSend(protocol::ChallengeMsg{nonce_, std::nullopt});
  const Result<Message> reply = ParentReceive();
  ASSERT_THAT(reply, IsOk());
  ASSERT_TRUE(std::holds_alternative<protocol::AbortMsg>(*reply));
  EXPECT_EQ(std::get<protocol::AbortMsg>(*reply).code, ErrorCode::kNsmError);
  EXPECT_THAT(Join(), HasCode(ErrorCode::kNsmError));
}

TEST_F(EnclaveSessionTest, GarbageInsteadOfAChallenge) {
  Serve();
  ASSERT_TRUE(SendRaw(*parent_, Bytes{0, 0, 0, 3, 0x01, 0x02, 0x03}));
  EXPECT_THAT(Join(), HasCode(ErrorCode::kProtocolError));
}

TEST_F(EnclaveSessionTest, WrongMessageOrder) {
  Serve();
  ParentSend(protocol::FinishMsg{});
  EXPECT_THAT(Join(), HasCode(ErrorCode::kProtocolError));
}

TEST_F(EnclaveSessionTest, SecondChallengeInsteadOfSealed) {
  Serve();
  ParentSend(protocol::ChallengeMsg{nonce_, std::nullopt});
  ASSERT_THAT(ParentReceive(), IsOk());
  ParentSend(protocol::ChallengeMsg{nonce_, std::nullopt});
  EXPECT_THAT(Join(), HasCode(ErrorCode::kProtocolError));
}

TEST_F(EnclaveSessionTest, ParentHangsUpAfterTheDocument) {
  Serve();
  ParentSend(protocol::ChallengeMsg{nonce_, std::nullopt});
  ASSERT_THAT(ParentReceive(), IsOk());
  parent_.reset();
  EXPECT_THAT(Join(), HasCode(ErrorCode::kTransportError));
}

// --- A pinned parent key (issue 13 item 10): the enclave opens nothing it cannot attribute. ---

TEST_F(EnclaveSessionTest, PinnedKeyOpensASignedSecret) {
  const ParentKeyPair parent = NewParentKeyPair();
  const protocol::TranscriptInput in = ServePinned(parent);
  const SecretBytes secret = {'s', 'i', 'g', 'n', 'e', 'd'};
  const Result<protocol::SealedSecret> sealed =
      protocol::Seal(EnclaveKey().get(), in, secret, &parent.signing);
  ASSERT_THAT(sealed, IsOk());
  ASSERT_TRUE(sealed->signature.has_value());
  ParentSend(protocol::SealedMsg{sealed->parent_key, sealed->ciphertext, sealed->signature});
  const Result<Message> ack = ParentReceive();
  ASSERT_THAT(ack, IsOk());
  EXPECT_TRUE(std::holds_alternative<protocol::AckMsg>(*ack));
  const Result<EnclaveSession> session = Join();
  ASSERT_THAT(session, IsOk());
  EXPECT_EQ(session->secret, secret);
}

TEST_F(EnclaveSessionTest, PinnedKeyRefusesAnUnsignedSecret) {
  const protocol::TranscriptInput in = ServePinned(NewParentKeyPair());
  const auto sealed = protocol::Seal(EnclaveKey().get(), in, Bytes(8, 1));
  ASSERT_THAT(sealed, IsOk());
  ParentSend(protocol::SealedMsg{sealed->parent_key, sealed->ciphertext, std::nullopt});
  ExpectRefusedWith(ErrorCode::kParentNotAuthenticated);
}

TEST_F(EnclaveSessionTest, PinnedKeyRefusesAnotherKeysSignature) {
  const protocol::TranscriptInput in = ServePinned(NewParentKeyPair());
  const ParentKeyPair intruder = NewParentKeyPair();
  const auto sealed = protocol::Seal(EnclaveKey().get(), in, Bytes(8, 1), &intruder.signing);
  ASSERT_THAT(sealed, IsOk());
  ParentSend(protocol::SealedMsg{sealed->parent_key, sealed->ciphertext, sealed->signature});
  ExpectRefusedWith(ErrorCode::kParentNotAuthenticated);
}

TEST_F(EnclaveSessionTest, PinnedKeyRefusesASignatureOverAnotherTranscript) {
  const ParentKeyPair parent = NewParentKeyPair();
  const protocol::TranscriptInput in = ServePinned(parent);
  const ossl::EvpPkeyPtr enclave_key = EnclaveKey();
  // The parent key's genuine signature from another session (another nonce), moved onto a
  // secret sealed for this one.
  const Bytes other_nonce(32, 0x99);
  protocol::TranscriptInput other = in;
  other.nonce = other_nonce;
  const auto signed_elsewhere = protocol::Seal(enclave_key.get(), other, Bytes(8, 1), &parent.signing);
  const auto sealed = protocol::Seal(enclave_key.get(), in, Bytes(8, 1));
  ASSERT_THAT(signed_elsewhere, IsOk());
  ASSERT_THAT(sealed, IsOk());
  ParentSend(
      protocol::SealedMsg{sealed->parent_key, sealed->ciphertext, signed_elsewhere->signature});
  ExpectRefusedWith(ErrorCode::kParentNotAuthenticated);
}

TEST_F(EnclaveSessionTest, PinnedKeyRefusesASignatureOverAnotherCiphertext) {
  const ParentKeyPair parent = NewParentKeyPair();
  const protocol::TranscriptInput in = ServePinned(parent);
  const auto sealed = protocol::Seal(EnclaveKey().get(), in, Bytes(8, 1), &parent.signing);
  ASSERT_THAT(sealed, IsOk());
  Bytes ciphertext = sealed->ciphertext;
  ciphertext[0] ^= 0x01;  // the signature covers the ciphertext too
  ParentSend(protocol::SealedMsg{sealed->parent_key, ciphertext, sealed->signature});
  ExpectRefusedWith(ErrorCode::kParentNotAuthenticated);
}

}  // namespace
}  // namespace nitro_attest
