// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "nitro_attest/emulator.h"
#include "src/channel/channel_test_util.h"
#include "src/nsm/wire.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using ::nitro_attest::testing::TempSocketDir;

class EmulatorServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emulator = NsmEmulator::Create();
    ASSERT_THAT(emulator, IsOk());
    emulator_ = std::shared_ptr<NsmEmulator>(std::move(*emulator));
    path_ = (dir_.path() / "nsm.sock").string();
    auto server = ServeNsmEmulator(emulator_, path_);
    ASSERT_THAT(server, IsOk());
    server_ = std::move(*server);
  }

  std::unique_ptr<NsmClient> NewClient() {
    auto t = ConnectNsmEmulator(path_);
    EXPECT_THAT(t, IsOk());
    return t ? std::make_unique<NsmClient>(std::move(*t)) : nullptr;
  }

  TempSocketDir dir_;
  std::string path_;
  std::shared_ptr<NsmEmulator> emulator_;
  std::unique_ptr<Server> server_;
};

TEST_F(EmulatorServerTest, StateLastsAcrossConnections) {
  Bytes extended;
  {
    auto c = NewClient();
    ASSERT_NE(c, nullptr);
    auto r = c->ExtendPcr(16, Bytes{1, 2, 3});
    ASSERT_THAT(r, IsOk());
    extended = *r;
    ASSERT_THAT(c->LockPcr(16), IsOk());
  }
  auto c = NewClient();
  ASSERT_NE(c, nullptr);
  auto pcr = c->DescribePcr(16);
  ASSERT_THAT(pcr, IsOk());
  EXPECT_TRUE(pcr->locked);
  EXPECT_EQ(pcr->value, extended);
  auto err = c->ExtendPcr(16, Bytes{1});
  ASSERT_THAT(err, HasCode(ErrorCode::kNsmError));
  EXPECT_EQ(err.error().nsm_error, NsmErrorCode::kReadOnlyIndex);
  auto doc = c->Attestation({});
  ASSERT_THAT(doc, IsOk());
  auto parsed = ParseUnverified(*doc);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->pcrs.count(16), 1u);
  EXPECT_EQ(parsed->cabundle[0], emulator_->RootDer());
}

TEST_F(EmulatorServerTest, ManySequentialClients) {
  for (int i = 0; i < 20; ++i) {
    auto c = NewClient();
    ASSERT_NE(c, nullptr);
    ASSERT_THAT(c->ExtendPcr(20, Bytes{static_cast<uint8_t>(i)}), IsOk());
  }
}

TEST_F(EmulatorServerTest, HostileClientsDoNotHurtTheServer) {
  const ChannelOptions options = NsmEmulatorChannelOptions();
  {
    // A length far above the cap: the server drops the connection without reading a body.
    auto conn = Connect(dir_.UnixAddress("nsm.sock"), options);
    ASSERT_THAT(conn, IsOk());
    const uint8_t header[] = {0xff, 0xff, 0xff, 0xff};
    EXPECT_TRUE(::nitro_attest::testing::SendRaw(*conn, header));
    EXPECT_THAT(conn->Receive(), HasCode(ErrorCode::kTransportError));
  }
  {
    // Half a frame, then gone.
    auto conn = Connect(dir_.UnixAddress("nsm.sock"), options);
    ASSERT_THAT(conn, IsOk());
    const uint8_t partial[] = {0x00, 0x00, 0x00, 0x10, 0xa1};
    EXPECT_TRUE(::nitro_attest::testing::SendRaw(*conn, partial));
  }
  {
    // Garbage inside a well-formed frame gets the NSM's answer.
    auto conn = Connect(dir_.UnixAddress("nsm.sock"), options);
    ASSERT_THAT(conn, IsOk());
    ASSERT_THAT(conn->Send(Bytes{0xff, 0x00}), IsOk());
    auto answer = conn->Receive();
    ASSERT_THAT(answer, IsOk());
    auto decoded = nsm::DecodeResponse(*answer);
    ASSERT_THAT(decoded, IsOk());
    EXPECT_EQ(std::get<NsmErrorCode>(*decoded), NsmErrorCode::kInvalidOperation);
    // A request above 0x1000 (but within the frame cap) is refused like the NSM does.
    ASSERT_THAT(conn->Send(Bytes(kNsmRequestMaxSize + 1, 0x40)), IsOk());
    answer = conn->Receive();
    ASSERT_THAT(answer, IsOk());
    decoded = nsm::DecodeResponse(*answer);
    ASSERT_THAT(decoded, IsOk());
    EXPECT_EQ(std::get<NsmErrorCode>(*decoded), NsmErrorCode::kInputTooLarge);
  }
  auto c = NewClient();
  ASSERT_NE(c, nullptr);
  EXPECT_THAT(c->DescribeNsm(), IsOk());
}

TEST_F(EmulatorServerTest, ShutdownRemovesTheSocket) {
  ASSERT_TRUE(std::filesystem::exists(path_));
  server_->Shutdown();
  server_.reset();
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_THAT(ConnectNsmEmulator(path_), HasCode(ErrorCode::kTransportError));
}

// A server that answers one request per connection and then ends the stream, as nsm-emulator
// does to an idle client: every call after the first finds its connection closed.
TEST(NsmSocketTransportTest, ReconnectsWhenTheEmulatorDropsTheConnection) {
  TempSocketDir dir;
  auto created = NsmEmulator::Create();
  ASSERT_THAT(created, IsOk());
  std::shared_ptr<NsmEmulator> emulator(std::move(*created));
  Address address;
  address.family = Address::Family::kUnix;
  address.path = (dir.path() / "nsm.sock").string();
  auto listener = Listener::Bind(address);
  ASSERT_THAT(listener, IsOk());
  std::mutex mu;
  std::condition_variable cv;
  int served = 0;
  ServerOptions options;
  options.channel = NsmEmulatorChannelOptions();
  options.workers = 1;
  auto server = Server::Start(std::move(*listener), options, [&](Connection& conn) -> Status {
    NA_ASSIGN_OR_RETURN(const Bytes request, conn.Receive());
    NA_ASSIGN_OR_RETURN(const Bytes response, emulator->Call(request));
    NA_TRY(conn.Send(response));
    conn.ShutdownWrite();
    std::lock_guard<std::mutex> lock(mu);
    ++served;
    cv.notify_all();
    return {};
  });
  ASSERT_THAT(server, IsOk());
  auto transport = ConnectNsmEmulator(address.path);
  ASSERT_THAT(transport, IsOk());
  NsmClient client(std::move(*transport));
  const auto wait_served = [&](int n) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return served >= n; });
  };
  ASSERT_THAT(client.ExtendPcr(16, Bytes{'a'}), IsOk());
  wait_served(1);
  ASSERT_THAT(client.ExtendPcr(16, Bytes{'b'}), IsOk());
  wait_served(2);
  auto pcr = client.DescribePcr(16);
  ASSERT_THAT(pcr, IsOk());
  // Each extend reached the NSM exactly once: the value is extend(extend(0, a), b).
  auto reference = NsmEmulator::Create();
  ASSERT_THAT(reference, IsOk());
  NsmClient direct((*reference)->NewHandle());
  ASSERT_THAT(direct.ExtendPcr(16, Bytes{'a'}), IsOk());
  auto expected = direct.ExtendPcr(16, Bytes{'b'});
  ASSERT_THAT(expected, IsOk());
  EXPECT_EQ(pcr->value, *expected);
  EXPECT_EQ((*server)->stats().accepted, 3u);
}

}  // namespace
}  // namespace nitro_attest
