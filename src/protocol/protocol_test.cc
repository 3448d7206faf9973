// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The whole protocol over Unix and TCP loopback: a parent running RunChallenge against an
// enclave served by Server + ServeChallenge on the in-process NSM emulator, or against
// scripted (hostile) enclaves that record what reaches them.
#include "nitro_attest/protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "nitro_attest/channel.h"
#include "nitro_attest/emulator.h"
#include "nitro_attest/nsm.h"
#include "nitro_attest/verify.h"
#include "src/channel/channel_test_util.h"
#include "src/protocol/messages.h"
#include "src/protocol/seal.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using ::nitro_attest::testing::Loopback;
using ::nitro_attest::testing::OpenFdCount;
using ::nitro_attest::testing::SendRaw;
using ::nitro_attest::testing::TempSocketDir;
using ::nitro_attest::testing::ThreadCount;
using protocol::DecodeMessage;
using protocol::EncodeMessage;
using protocol::Message;
using std::chrono::milliseconds;

ChannelOptions ParentChannel() {
  ChannelOptions o;
  o.connect_timeout = milliseconds(5000);
  o.io_timeout = milliseconds(5000);
  return o;
}

class ProtocolTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    NsmEmulatorOptions eo;
    eo.seed = "protocol-test";
    Result<std::unique_ptr<NsmEmulator>> emu = NsmEmulator::Create(eo);
    ASSERT_THAT(emu, IsOk());
    emulator_ = std::move(*emu);
    root_ = emulator_->RootDer();
    nsm_ = std::make_unique<NsmClient>(emulator_->NewHandle());
  }

  // Workers write sessions_ and enclave_errors_, which are destroyed before server_: stop the
  // workers first.
  void TearDown() override {
    if (server_) {
      server_->Shutdown();
    }
  }

  Address Where(const char* name = "enclave.sock") {
    return std::string(GetParam()) == "unix" ? dir_.UnixAddress(name) : Loopback();
  }

  // StartEnclave serves the real enclave side with `workers` workers.
  void StartEnclave(size_t workers = 4) {
    ServerOptions so;
    so.workers = workers;
    so.connection_deadline = milliseconds(20000);
    Result<Listener> l = Listener::Bind(Where());
    ASSERT_THAT(l, IsOk());
    const Attester attest = NsmAttester(*nsm_, &nsm_mu_);
    Result<std::unique_ptr<Server>> s =
        Server::Start(std::move(*l), so, [this, attest](Connection& c) -> Status {
          Result<EnclaveSession> session = ServeChallenge(c, attest);
          std::lock_guard<std::mutex> lock(sessions_mu_);
          if (!session) {
            enclave_errors_.push_back(session.error().code);
            return session.error();
          }
          sessions_.push_back(std::move(*session));
          return {};
        });
    ASSERT_THAT(s, IsOk());
    server_ = std::move(*s);
  }

  // Policy accepts exactly this emulator: its root and its boot PCRs.
  ChallengeOptions Policy() const {
    ChallengeOptions o;
    o.policy.roots = {root_};
    for (int i = 0; i < 3; ++i) {
      const Pcr48 p = EmulatorDefaultPcr(i);
      o.policy.pcrs[static_cast<uint32_t>(i)] = Bytes(p.begin(), p.end());
    }
    return o;
  }

  Result<ChallengeResult> Fetch(const ChallengeOptions& options, const Address& where) {
    NA_ASSIGN_OR_RETURN(Connection c, Connect(where, ParentChannel()));
    return RunChallenge(c, options);
  }

  // Document asks the emulator directly for a document.
  Bytes Document(const AttestationRequest& r) {
    std::lock_guard<std::mutex> lock(nsm_mu_);
    return *nsm_->Attestation(r);
  }

  TempSocketDir dir_;
  std::unique_ptr<NsmEmulator> emulator_;
  Bytes root_;
  std::unique_ptr<NsmClient> nsm_;
  std::mutex nsm_mu_;
  std::mutex sessions_mu_;
  std::vector<EnclaveSession> sessions_;
  std::vector<ErrorCode> enclave_errors_;
  // Last, so it is destroyed first: its workers use the members above until they are joined.
  std::unique_ptr<Server> server_;
};

TEST_P(ProtocolTest, DeliversASecretOnlyTheAttestedEnclaveOpens) {
  StartEnclave();
  ChallengeOptions o = Policy();
  o.secret = Bytes{'d', 'b', '-', 'p', 'a', 's', 's', 'w', 'o', 'r', 'd'};
  o.user_data = Bytes{'s', 'e', 's', 's', 'i', 'o', 'n', '-', '1'};
  const Result<ChallengeResult> r = Fetch(o, server_->address());
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->secret_acknowledged);
  EXPECT_EQ(r->nonce.size(), kChallengeNonceSize);
  EXPECT_EQ(r->verified.document().nonce, r->nonce);
  EXPECT_EQ(r->verified.document().user_data, o.user_data);
  EXPECT_EQ(r->verified.document().public_key, r->enclave_public_key);
  server_->Shutdown();
  ASSERT_EQ(sessions_.size(), 1u);
  EXPECT_EQ(sessions_[0].secret, o.secret);
  EXPECT_EQ(sessions_[0].nonce, r->nonce);
}

TEST_P(ProtocolTest, VerifiesWithoutASecret) {
  StartEnclave();
  const Result<ChallengeResult> r = Fetch(Policy(), server_->address());
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->secret_acknowledged);
  server_->Shutdown();
  ASSERT_EQ(sessions_.size(), 1u);
  EXPECT_FALSE(sessions_[0].secret.has_value());
}

TEST_P(ProtocolTest, EveryChallengeHasAFreshNonce) {
  StartEnclave();
  const Result<ChallengeResult> a = Fetch(Policy(), server_->address());
  const Result<ChallengeResult> b = Fetch(Policy(), server_->address());
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_NE(a->nonce, b->nonce);
  EXPECT_NE(a->enclave_public_key, b->enclave_public_key);  // a fresh key per session too
}

TEST_P(ProtocolTest, PolicyMismatchSendsNoSecret) {
  StartEnclave();
  ChallengeOptions o = Policy();
  o.policy.pcrs[0] = Bytes(48, 0x42);
  o.secret = Bytes{'x'};
  EXPECT_THAT(Fetch(o, server_->address()), HasCode(ErrorCode::kPcrMismatch));
  server_->Shutdown();
  EXPECT_TRUE(sessions_.empty());
  // The enclave learned it was rejected and got nothing else.
  EXPECT_THAT(enclave_errors_, ::testing::ElementsAre(ErrorCode::kProtocolError));
}

TEST_P(ProtocolTest, UntrustedRootSendsNoSecret) {
  StartEnclave();
  ChallengeOptions o = Policy();
  o.policy.roots = VerifyOptions().roots;  // the AWS root: the emulator is not AWS
  o.secret = Bytes{'x'};
  EXPECT_THAT(Fetch(o, server_->address()), HasCode(ErrorCode::kUntrustedRoot));
  server_->Shutdown();
  EXPECT_TRUE(sessions_.empty());
}

TEST_P(ProtocolTest, ManyParentsAtOnceWithBoundedWorkers) {
  const size_t fds_before = OpenFdCount();
  const size_t threads_before = ThreadCount();
  StartEnclave(/*workers=*/4);
  constexpr int kParents = 32;
  std::atomic<int> ok{0};
  std::vector<std::thread> parents;
  for (int i = 0; i < kParents; ++i) {
    parents.emplace_back([&, i] {
      ChallengeOptions o = Policy();
      o.secret = Bytes(32, static_cast<uint8_t>(i));
      const Result<ChallengeResult> r = Fetch(o, server_->address());
      if (r && r->secret_acknowledged) {
        ++ok;
      }
    });
  }
  for (std::thread& t : parents) {
    t.join();
  }
  EXPECT_EQ(ok.load(), kParents);
  server_->Shutdown();
  EXPECT_EQ(server_->stats().succeeded, uint64_t{kParents});
  EXPECT_EQ(sessions_.size(), size_t{kParents});
  server_.reset();
  EXPECT_EQ(OpenFdCount(), fds_before);
  EXPECT_EQ(ThreadCount(), threads_before);
}

// ScriptedEnclave accepts one connection and runs `script` on it, recording the type of every
// message that reaches it.
class ScriptedEnclave {
 public:
  using Script = std::function<void(Connection&, const protocol::ChallengeMsg&)>;

  ScriptedEnclave(const Address& where, Script script) {
    Result<Listener> l = Listener::Bind(where);
    EXPECT_THAT(l, IsOk());
    listener_ = std::make_unique<Listener>(std::move(*l));
    thread_ = std::thread([this, script] {
      Result<Connection> c = listener_->Accept(milliseconds(5000), ParentChannel());
      if (!c) {
        return;
      }
      Result<Bytes> first = c->Receive();
      if (!first) {
        return;
      }
      Result<Message> m = DecodeMessage(*first);
      if (!m || !std::holds_alternative<protocol::ChallengeMsg>(*m)) {
        return;
      }
      script(*c, std::get<protocol::ChallengeMsg>(*m));
      // Drain whatever else the parent sends, until it hangs up.
      for (int i = 0; i < 8; ++i) {
        Result<Bytes> next = c->Receive();
        if (!next) {
          break;
        }
        Result<Message> n = DecodeMessage(*next);
        std::lock_guard<std::mutex> lock(mu_);
        received_.push_back(n ? protocol::TypeName(*n) : "garbage");
      }
    });
  }
  ~ScriptedEnclave() {
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  const Address& address() const { return listener_->address(); }
  std::vector<std::string> Received() {
    thread_.join();
    return received_;
  }

 private:
  std::unique_ptr<Listener> listener_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> received_;
};

void SendMsg(Connection& c, const Message& m) { EXPECT_THAT(c.Send(EncodeMessage(m)), IsOk()); }

TEST_P(ProtocolTest, TamperedDocumentIsRejectedAndNoSecretLeaves) {
  ScriptedEnclave enclave(Where(), [this](Connection& c, const protocol::ChallengeMsg& ch) {
    AttestationRequest r;
    r.nonce = ch.nonce;
    r.public_key = Bytes(120, 1);
    Bytes doc = Document(r);
    doc[doc.size() - 10] ^= 0x01;  // inside the signature
    SendMsg(c, protocol::AttestationMsg{doc});
  });
  ChallengeOptions o = Policy();
  o.secret = Bytes{'x'};
  EXPECT_THAT(Fetch(o, enclave.address()), HasCode(ErrorCode::kBadSignature));
  EXPECT_THAT(enclave.Received(), ::testing::ElementsAre("abort"));
}

TEST_P(ProtocolTest, ReplayedDocumentFailsTheNonceAndNoSecretLeaves) {
  // A document recorded from an earlier session, replayed to a new challenge.
  AttestationRequest earlier;
  earlier.nonce = Bytes(32, 0xee);
  earlier.public_key = Bytes(120, 1);
  const Bytes recorded = Document(earlier);
  ScriptedEnclave enclave(Where(), [&](Connection& c, const protocol::ChallengeMsg&) {
    SendMsg(c, protocol::AttestationMsg{recorded});
  });
  ChallengeOptions o = Policy();
  o.secret = Bytes{'x'};
  EXPECT_THAT(Fetch(o, enclave.address()), HasCode(ErrorCode::kNonceMismatch));
  EXPECT_THAT(enclave.Received(), ::testing::ElementsAre("abort"));
}

TEST_P(ProtocolTest, DocumentWithoutASessionKeyIsRejected) {
  ScriptedEnclave enclave(Where(), [this](Connection& c, const protocol::ChallengeMsg& ch) {
    AttestationRequest r;
    r.nonce = ch.nonce;
    SendMsg(c, protocol::AttestationMsg{Document(r)});
  });
  ChallengeOptions o = Policy();
  o.secret = Bytes{'x'};
  EXPECT_THAT(Fetch(o, enclave.address()), HasCode(ErrorCode::kPublicKeyMismatch));
  EXPECT_THAT(enclave.Received(), ::testing::ElementsAre("abort"));
}

TEST_P(ProtocolTest, DocumentWithANonP384KeyIsRejected) {
  ScriptedEnclave enclave(Where(), [this](Connection& c, const protocol::ChallengeMsg& ch) {
    AttestationRequest r;
    r.nonce = ch.nonce;
    r.public_key = Bytes(120, 1);  // attested, but not a key
    SendMsg(c, protocol::AttestationMsg{Document(r)});
  });
  ChallengeOptions o = Policy();
  o.secret = Bytes{'x'};
  EXPECT_THAT(Fetch(o, enclave.address()), HasCode(ErrorCode::kUnsupportedAlgorithm));
  EXPECT_THAT(enclave.Received(), ::testing::ElementsAre("abort"));
}

TEST_P(ProtocolTest, WrongProofIsAProtocolError) {
  ScriptedEnclave enclave(Where(), [this](Connection& c, const protocol::ChallengeMsg& ch) {
    // Honest document and key, but the enclave never opens the secret and guesses a proof.
    AttestationRequest r;
    r.nonce = ch.nonce;
    r.public_key = *protocol::PublicKeyDer(protocol::GenerateP384Key()->get());
    SendMsg(c, protocol::AttestationMsg{Document(r)});
    ASSERT_THAT(c.Receive(), IsOk());  // sealed
    SendMsg(c, protocol::AckMsg{Bytes(48, 0)});
  });
  ChallengeOptions o = Policy();
  o.secret = Bytes{'x'};
  EXPECT_THAT(Fetch(o, enclave.address()), HasCode(ErrorCode::kProtocolError));
  EXPECT_TRUE(enclave.Received().empty());
}

TEST_P(ProtocolTest, EnclaveAbortIsAProtocolError) {
  ScriptedEnclave enclave(Where(), [](Connection& c, const protocol::ChallengeMsg&) {
    SendMsg(c, protocol::AbortMsg{"nsm_error"});
  });
  EXPECT_THAT(Fetch(Policy(), enclave.address()), HasCode(ErrorCode::kProtocolError));
}

TEST_P(ProtocolTest, OversizeFrameFromTheEnclave) {
  ScriptedEnclave enclave(Where(), [](Connection& c, const protocol::ChallengeMsg&) {
    EXPECT_TRUE(SendRaw(c, Bytes{0x7f, 0xff, 0xff, 0xff}));
  });
  EXPECT_THAT(Fetch(Policy(), enclave.address()), HasCode(ErrorCode::kTransportError));
}

TEST_P(ProtocolTest, TruncatedFrameFromTheEnclave) {
  ScriptedEnclave enclave(Where(), [](Connection& c, const protocol::ChallengeMsg&) {
    EXPECT_TRUE(SendRaw(c, Bytes{0x00, 0x00, 0x10, 0x00, 0xa2, 0x64}));
    c.ShutdownWrite();
  });
  EXPECT_THAT(Fetch(Policy(), enclave.address()), HasCode(ErrorCode::kTransportError));
}

TEST_P(ProtocolTest, GarbageFromTheEnclave) {
  ScriptedEnclave enclave(Where(), [](Connection& c, const protocol::ChallengeMsg&) {
    EXPECT_THAT(c.Send(Bytes{'H', 'T', 'T', 'P', '/', '1', '.', '1'}), IsOk());
  });
  EXPECT_THAT(Fetch(Policy(), enclave.address()), HasCode(ErrorCode::kProtocolError));
}

TEST_P(ProtocolTest, SilentEnclaveTimesOut) {
  std::atomic<bool> done{false};
  ScriptedEnclave enclave(Where(), [&](Connection&, const protocol::ChallengeMsg&) {
    for (int i = 0; i < 300 && !done; ++i) {  // at most 3 s
      std::this_thread::sleep_for(milliseconds(10));
    }
  });
  ChannelOptions o = ParentChannel();
  o.io_timeout = milliseconds(200);
  Result<Connection> c = Connect(enclave.address(), o);
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(RunChallenge(*c, Policy()), HasCode(ErrorCode::kTransportError));
  done = true;
}

TEST_P(ProtocolTest, BadOptionsAreRefusedBeforeAnythingIsSent) {
  StartEnclave();
  Result<Connection> c = Connect(server_->address(), ParentChannel());
  ASSERT_THAT(c, IsOk());
  ChallengeOptions o = Policy();
  o.secret = Bytes{};
  EXPECT_THAT(RunChallenge(*c, o), HasCode(ErrorCode::kInvalidArgument));
  o.secret = Bytes(kMaxSecretSize + 1);
  EXPECT_THAT(RunChallenge(*c, o), HasCode(ErrorCode::kInvalidArgument));
  o.secret.reset();
  o.nonce_for_testing = Bytes(15);
  EXPECT_THAT(RunChallenge(*c, o), HasCode(ErrorCode::kInvalidArgument));
}

INSTANTIATE_TEST_SUITE_P(Loopback, ProtocolTest, ::testing::Values("unix", "tcp"));

}  // namespace
}  // namespace nitro_attest
