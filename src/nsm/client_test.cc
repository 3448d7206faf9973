// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <deque>

#include "nitro_attest/nsm.h"
#include "src/nsm/wire.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

// FakeTransport records requests and replays canned responses (or transport errors).
class FakeTransport final : public NsmTransport {
 public:
  struct State {
    std::vector<Bytes> requests;
    std::deque<Result<Bytes>> responses;
  };
  explicit FakeTransport(State* state) : state_(state) {}
  Result<Bytes> Call(std::span<const uint8_t> request) override {
    state_->requests.emplace_back(request.begin(), request.end());
    if (state_->responses.empty()) {
      return MakeError(ErrorCode::kTransportError, "no canned response");
    }
    auto r = std::move(state_->responses.front());
    state_->responses.pop_front();
    return r;
  }

 private:
  State* state_;
};

class NsmClientTest : public ::testing::Test {
 protected:
  NsmClient client_{std::make_unique<FakeTransport>(&state_)};
  FakeTransport::State state_;

  void Reply(const nsm::Response& r) { state_.responses.emplace_back(nsm::EncodeResponse(r)); }
};

TEST_F(NsmClientTest, EveryOperationSendsItsRequestAndDecodesItsResponse) {
  Reply(nsm::AttestationResponse{Bytes{0x84, 1}});
  Reply(PcrState{false, Bytes(48, 3)});
  Reply(nsm::ExtendPcrResponse{Bytes(48, 4)});
  Reply(nsm::LockPcrResponse{});
  Reply(nsm::LockPcrsResponse{});
  NsmDescription d;
  d.module_id = "m";
  d.max_pcrs = 32;
  d.digest = "SHA384";
  Reply(d);
  Reply(nsm::GetRandomResponse{Bytes(256, 5)});

  AttestationRequest a;
  a.nonce = Bytes{1};
  auto doc = client_.Attestation(a);
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(*doc, (Bytes{0x84, 1}));
  auto pcr = client_.DescribePcr(16);
  ASSERT_THAT(pcr, IsOk());
  EXPECT_FALSE(pcr->locked);
  auto ext = client_.ExtendPcr(16, Bytes{1, 2, 3});
  ASSERT_THAT(ext, IsOk());
  EXPECT_EQ(*ext, Bytes(48, 4));
  EXPECT_THAT(client_.LockPcr(16), IsOk());
  EXPECT_THAT(client_.LockPcrs(32), IsOk());
  auto desc = client_.DescribeNsm();
  ASSERT_THAT(desc, IsOk());
  EXPECT_EQ(desc->module_id, "m");
  auto rnd = client_.GetRandom();
  ASSERT_THAT(rnd, IsOk());
  EXPECT_EQ(rnd->size(), 256u);

  ASSERT_EQ(state_.requests.size(), 7u);
  EXPECT_EQ(state_.requests[0], nsm::EncodeRequest(a));
  EXPECT_EQ(state_.requests[1], nsm::EncodeRequest(nsm::DescribePcrRequest{16}));
  EXPECT_EQ(state_.requests[2], nsm::EncodeRequest(nsm::ExtendPcrRequest{16, {1, 2, 3}}));
  EXPECT_EQ(state_.requests[3], nsm::EncodeRequest(nsm::LockPcrRequest{16}));
  EXPECT_EQ(state_.requests[4], nsm::EncodeRequest(nsm::LockPcrsRequest{32}));
  EXPECT_EQ(state_.requests[5], nsm::EncodeRequest(nsm::DescribeNsmRequest{}));
  EXPECT_EQ(state_.requests[6], nsm::EncodeRequest(nsm::GetRandomRequest{}));
}

TEST_F(NsmClientTest, ErrorResponseBecomesNsmError) {
  Reply(NsmErrorCode::kReadOnlyIndex);
  auto r = client_.ExtendPcr(0, Bytes{1});
  ASSERT_THAT(r, HasCode(ErrorCode::kNsmError));
  EXPECT_EQ(r.error().nsm_error, NsmErrorCode::kReadOnlyIndex);
}

TEST_F(NsmClientTest, ErrorNamedSuccessIsAProtocolError) {
  Reply(NsmErrorCode::kSuccess);
  EXPECT_THAT(client_.LockPcr(16), HasCode(ErrorCode::kProtocolError));
}

TEST_F(NsmClientTest, WrongVariantIsAProtocolError) {
  Reply(nsm::LockPcrsResponse{});
  EXPECT_THAT(client_.LockPcr(16), HasCode(ErrorCode::kProtocolError));
  Reply(nsm::GetRandomResponse{Bytes(256, 5)});
  EXPECT_THAT(client_.Attestation({}), HasCode(ErrorCode::kProtocolError));
}

TEST_F(NsmClientTest, MalformedResponseIsAProtocolError) {
  state_.responses.emplace_back(Bytes{0xa1, 0x65});
  EXPECT_THAT(client_.DescribeNsm(), HasCode(ErrorCode::kProtocolError));
}

TEST_F(NsmClientTest, TransportErrorsPassThrough) {
  state_.responses.emplace_back(MakeError(ErrorCode::kDeviceError, "EIO"));
  EXPECT_THAT(client_.GetRandom(), HasCode(ErrorCode::kDeviceError));
}

TEST_F(NsmClientTest, OversizedRequestNeverReachesTheTransport) {
  AttestationRequest a;
  a.user_data = Bytes(2000, 1);
  a.nonce = Bytes(2000, 2);
  a.public_key = Bytes(100, 3);  // 4100 bytes of fields: over 4096 with the CBOR overhead
  auto r = client_.Attestation(a);
  ASSERT_THAT(r, HasCode(ErrorCode::kInvalidArgument));
  EXPECT_EQ(r.error().nsm_error, NsmErrorCode::kInputTooLarge);
  EXPECT_TRUE(state_.requests.empty());
}

TEST_F(NsmClientTest, LargestRequestIsSent) {
  // 50 bytes of CBOR overhead with all three fields present (spec §1.4).
  AttestationRequest a;
  a.user_data = Bytes(2000, 1);
  a.nonce = Bytes(2000, 2);
  a.public_key = Bytes(47, 3);  // its 2-byte head saves one byte
  ASSERT_EQ(nsm::EncodeRequest(a).size(), kNsmRequestMaxSize);
  Reply(nsm::AttestationResponse{Bytes{0x84}});
  EXPECT_THAT(client_.Attestation(a), IsOk());
  EXPECT_EQ(state_.requests.size(), 1u);
}

}  // namespace
}  // namespace nitro_attest
