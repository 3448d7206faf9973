// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "nitro_attest/channel.h"
#include "src/channel/channel_test_util.h"
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
using std::chrono::milliseconds;

// Echo answers every frame with the same bytes until the peer stops.
Status Echo(Connection& c) {
  NA_ASSIGN_OR_RETURN(const Bytes m, c.Receive());
  return c.Send(m);
}

ChannelOptions ClientOptions() {
  ChannelOptions o;
  o.connect_timeout = milliseconds(5000);
  o.io_timeout = milliseconds(5000);
  return o;
}

Status EchoOnce(const Address& a, uint8_t tag) {
  NA_ASSIGN_OR_RETURN(Connection c, Connect(a, ClientOptions()));
  const Bytes m = {tag, 1, 2, 3};
  NA_TRY(c.Send(m));
  NA_ASSIGN_OR_RETURN(const Bytes back, c.Receive());
  if (back != m) {
    return MakeError(ErrorCode::kProtocolError, "echo differs");
  }
  return {};
}

class ServerTest : public ::testing::TestWithParam<const char*> {
 protected:
  Address Where() {
    return std::string(GetParam()) == "unix" ? dir_.UnixAddress("srv.sock") : Loopback();
  }
  TempSocketDir dir_;
};

TEST_P(ServerTest, ServesManyClientsAtOnceWithABoundedPool) {
  const size_t fds_before = OpenFdCount();
  const size_t threads_before = ThreadCount();
  {
    ServerOptions so;
    so.workers = 4;
    so.connection_deadline = milliseconds(10000);
    std::atomic<int> active{0}, peak{0};
    Result<std::unique_ptr<Server>> server =
        Server::Start(*Listener::Bind(Where()), so, [&](Connection& c) -> Status {
          const int now = ++active;
          int p = peak.load();
          while (now > p && !peak.compare_exchange_weak(p, now)) {
          }
          Status st = Echo(c);
          --active;
          return st;
        });
    ASSERT_THAT(server, IsOk());
    constexpr int kClients = 32;
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < kClients; ++i) {
      clients.emplace_back([&, i] {
        if (EchoOnce((*server)->address(), static_cast<uint8_t>(i))) {
          ++ok;
        }
      });
    }
    for (std::thread& t : clients) {
      t.join();
    }
    EXPECT_EQ(ok.load(), kClients);
    (*server)->Shutdown();
    EXPECT_EQ((*server)->stats().accepted, uint64_t{kClients});
    EXPECT_EQ((*server)->stats().succeeded, uint64_t{kClients});
    EXPECT_LE(peak.load(), 4);
  }
  EXPECT_EQ(OpenFdCount(), fds_before);
  EXPECT_EQ(ThreadCount(), threads_before);
}

TEST_P(ServerTest, SilentClientsDoNotBlockOthers) {
  ServerOptions so;
  so.workers = 2;
  so.connection_deadline = milliseconds(60000);
  so.channel.io_timeout = milliseconds(60000);  // only the free worker can serve the others
  so.shutdown_grace = milliseconds(0);
  Result<std::unique_ptr<Server>> server = Server::Start(*Listener::Bind(Where()), so, Echo);
  ASSERT_THAT(server, IsOk());
  Result<Connection> silent = Connect((*server)->address(), ClientOptions());
  ASSERT_THAT(silent, IsOk());
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(EchoOnce((*server)->address(), 1), IsOk());
  }
  (*server)->Shutdown();  // no grace: aborts the silent client's wait at once
  EXPECT_EQ((*server)->stats().failed, 1u);
}

TEST_P(ServerTest, TheDeadlineFreesAWorkerHeldByASlowClient) {
  ServerOptions so;
  so.workers = 1;
  so.connection_deadline = milliseconds(200);
  so.channel.io_timeout = milliseconds(60000);
  Result<std::unique_ptr<Server>> server = Server::Start(*Listener::Bind(Where()), so, Echo);
  ASSERT_THAT(server, IsOk());
  // The only worker takes this client, which announces a frame and never completes it.
  Result<Connection> slow = Connect((*server)->address(), ClientOptions());
  ASSERT_THAT(slow, IsOk());
  ASSERT_TRUE(SendRaw(*slow, Bytes{0, 0, 1, 0, 9}));
  // Served once the deadline cuts the slow client off (the client's own wait is 5 s).
  EXPECT_THAT(EchoOnce((*server)->address(), 2), IsOk());
  (*server)->Shutdown();
  EXPECT_EQ((*server)->stats().failed, 1u);
  EXPECT_EQ((*server)->stats().succeeded, 1u);
}

TEST_P(ServerTest, HostileFramesFailOnlyTheirConnection) {
  ServerOptions so;
  so.workers = 2;
  Result<std::unique_ptr<Server>> server = Server::Start(*Listener::Bind(Where()), so, Echo);
  ASSERT_THAT(server, IsOk());
  for (const Bytes& junk : {Bytes{0xff, 0xff, 0xff, 0xff}, Bytes{0, 0, 0, 0}, Bytes{0, 0, 0, 9, 1},
                            Bytes{0x47, 0x45, 0x54, 0x20, 0x2f}}) {
    Result<Connection> c = Connect((*server)->address(), ClientOptions());
    ASSERT_THAT(c, IsOk());
    ASSERT_TRUE(SendRaw(*c, junk));
    c->ShutdownWrite();
    EXPECT_THAT(c->Receive(), HasCode(ErrorCode::kTransportError));  // server hung up
  }
  EXPECT_THAT(EchoOnce((*server)->address(), 3), IsOk());
  (*server)->Shutdown();
  EXPECT_EQ((*server)->stats().failed, 4u);
  EXPECT_EQ((*server)->stats().succeeded, 1u);
}

TEST_P(ServerTest, ShutdownIsIdempotentAndStopsAccepting) {
  Result<std::unique_ptr<Server>> server = Server::Start(*Listener::Bind(Where()), {}, Echo);
  ASSERT_THAT(server, IsOk());
  const Address a = (*server)->address();
  EXPECT_THAT(EchoOnce(a, 4), IsOk());
  (*server)->Shutdown();
  (*server)->Shutdown();
  server->reset();
  EXPECT_THAT(EchoOnce(a, 5), HasCode(ErrorCode::kTransportError));
}

TEST_P(ServerTest, ShutdownLetsSessionsInProgressFinish) {
  ServerOptions so;
  so.workers = 1;
  so.shutdown_grace = milliseconds(10000);
  std::promise<void> started;
  Result<std::unique_ptr<Server>> server =
      Server::Start(*Listener::Bind(Where()), so, [&](Connection& c) -> Status {
        started.set_value();
        return Echo(c);
      });
  ASSERT_THAT(server, IsOk());
  Result<Connection> c = Connect((*server)->address(), ClientOptions());
  ASSERT_THAT(c, IsOk());
  started.get_future().wait();
  std::thread stopper([&] { (*server)->Shutdown(); });
  // The session is in progress when shutdown begins; it still completes.
  ASSERT_THAT(c->Send(Bytes{1, 2}), IsOk());
  EXPECT_THAT(c->Receive(), IsOk());
  stopper.join();
  EXPECT_EQ((*server)->stats().succeeded, 1u);
}

TEST_P(ServerTest, ShutdownGraceIsBounded) {
  ServerOptions so;
  so.workers = 1;
  so.shutdown_grace = milliseconds(100);
  so.channel.io_timeout = milliseconds(60000);
  std::promise<void> started;
  Result<std::unique_ptr<Server>> server =
      Server::Start(*Listener::Bind(Where()), so, [&](Connection& c) -> Status {
        started.set_value();
        return Echo(c);
      });
  ASSERT_THAT(server, IsOk());
  Result<Connection> silent = Connect((*server)->address(), ClientOptions());
  ASSERT_THAT(silent, IsOk());
  started.get_future().wait();
  (*server)->Shutdown();  // returns once the grace is over, not after the 60 s wait
  EXPECT_EQ((*server)->stats().failed, 1u);
}

INSTANTIATE_TEST_SUITE_P(Loopback, ServerTest, ::testing::Values("unix", "tcp"));

TEST(ServerStartTest, RejectsZeroWorkers) {
  TempSocketDir dir;
  ServerOptions so;
  so.workers = 0;
  EXPECT_THAT(Server::Start(*Listener::Bind(dir.UnixAddress("z.sock")), so, Echo),
              HasCode(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace nitro_attest
