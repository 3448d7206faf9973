// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "nitro_attest/channel.h"
#include "src/channel/channel_test_util.h"
#include "src/channel/internal.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using ::nitro_attest::testing::Loopback;
using ::nitro_attest::testing::OpenFdCount;
using ::nitro_attest::testing::SendRaw;
using ::nitro_attest::testing::TempSocketDir;
using std::chrono::milliseconds;

ChannelOptions Short() {
  ChannelOptions o;
  o.connect_timeout = milliseconds(2000);
  o.io_timeout = milliseconds(200);
  return o;
}

// Pair is a connected client and server end over one listener.
struct Pair {
  Listener listener;
  Connection client;
  Connection server;
};

Pair MakePair(const Address& where, const ChannelOptions& options = Short()) {
  Result<Listener> l = Listener::Bind(where);
  EXPECT_THAT(l, IsOk());
  Result<Connection> c = Connect(l->address(), options);
  EXPECT_THAT(c, IsOk());
  Result<Connection> s = l->Accept(milliseconds(2000), options);
  EXPECT_THAT(s, IsOk());
  return Pair{std::move(*l), std::move(*c), std::move(*s)};
}

class ConnectionTest : public ::testing::TestWithParam<const char*> {
 protected:
  Address Where(const char* name = "s.sock") {
    const std::string kind = GetParam();
    if (kind == "unix") {
      return dir_.UnixAddress(name);
    }
    return Loopback(kind == "tcp6" ? "::1" : "127.0.0.1");
  }
  TempSocketDir dir_;
};

TEST_P(ConnectionTest, RoundTripsFramesBothWays) {
  Pair p = MakePair(Where());
  const Bytes small = {0xa1, 0x61, 0x61, 0x01};
  Bytes big(kDefaultMaxFrameSize, 0x5a);  // exactly the cap
  ASSERT_THAT(p.client.Send(small), IsOk());
  std::thread writer([&] { EXPECT_THAT(p.client.Send(big), IsOk()); });
  const Result<Bytes> got1 = p.server.Receive();
  const Result<Bytes> got2 = p.server.Receive();
  writer.join();
  ASSERT_THAT(got1, IsOk());
  ASSERT_THAT(got2, IsOk());
  EXPECT_EQ(*got1, small);
  EXPECT_EQ(*got2, big);
  ASSERT_THAT(p.server.Send(small), IsOk());
  EXPECT_EQ(*p.client.Receive(), small);
}

TEST_P(ConnectionTest, OversizeFrameIsRefusedBeforeItsBody) {
  Pair p = MakePair(Where());
  // Announce 64 KiB + 1 and send nothing more: the refusal must not wait for the body.
  ASSERT_TRUE(SendRaw(p.client, Bytes{0x00, 0x01, 0x00, 0x01}));
  EXPECT_THAT(p.server.Receive(), HasCode(ErrorCode::kTransportError));
  // A 4 GiB announcement likewise.
  Pair q = MakePair(Where("q.sock"));
  ASSERT_TRUE(SendRaw(q.client, Bytes{0xff, 0xff, 0xff, 0xff}));
  EXPECT_THAT(q.server.Receive(), HasCode(ErrorCode::kTransportError));
}

TEST_P(ConnectionTest, EmptyFrameIsRefused) {
  Pair p = MakePair(Where());
  ASSERT_TRUE(SendRaw(p.client, Bytes{0, 0, 0, 0}));
  EXPECT_THAT(p.server.Receive(), HasCode(ErrorCode::kTransportError));
}

TEST_P(ConnectionTest, TruncatedFrameIsAnError) {
  Pair p = MakePair(Where());
  ASSERT_TRUE(SendRaw(p.client, Bytes{0, 0, 0, 100, 1, 2, 3, 4, 5}));
  { Connection gone = std::move(p.client); }
  EXPECT_THAT(p.server.Receive(), HasCode(ErrorCode::kTransportError));
}

TEST_P(ConnectionTest, TruncatedHeaderIsAnError) {
  Pair p = MakePair(Where());
  ASSERT_TRUE(SendRaw(p.client, Bytes{0, 0}));
  { Connection gone = std::move(p.client); }
  EXPECT_THAT(p.server.Receive(), HasCode(ErrorCode::kTransportError));
}

TEST_P(ConnectionTest, SilentPeerTimesOut) {
  Pair p = MakePair(Where());
  EXPECT_THAT(p.server.Receive(), HasCode(ErrorCode::kTransportError));
}

TEST_P(ConnectionTest, SlowPeerHitsTheDeadline) {
  ChannelOptions o = Short();
  o.io_timeout = milliseconds(5000);  // each byte arrives well within this
  Pair p = MakePair(Where(), o);
  p.server.set_deadline(std::chrono::steady_clock::now() + milliseconds(150));
  std::atomic<bool> stop{false};
  std::thread dripper([&] {
    ASSERT_TRUE(SendRaw(p.client, Bytes{0, 0, 0x10, 0}));
    for (int i = 0; i < 200 && !stop; ++i) {  // at most 2 s
      if (!SendRaw(p.client, Bytes{0x00})) {
        break;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
  });
  EXPECT_THAT(p.server.Receive(), HasCode(ErrorCode::kTransportError));
  stop = true;
  dripper.join();
}

TEST_P(ConnectionTest, PeerGoneIsAnErrorNotASignal) {
  Pair p = MakePair(Where());
  { Connection gone = std::move(p.server); }
  EXPECT_THAT(p.client.Receive(), HasCode(ErrorCode::kTransportError));
  // Writing to a closed peer must fail with EPIPE/ECONNRESET, not raise SIGPIPE.
  Status st;
  for (int i = 0; i < 50 && st; ++i) {
    st = p.client.Send(Bytes(1024, 1));
  }
  EXPECT_THAT(st, HasCode(ErrorCode::kTransportError));
}

TEST_P(ConnectionTest, SendRejectsEmptyAndOversizeMessages) {
  Pair p = MakePair(Where());
  EXPECT_THAT(p.client.Send(Bytes{}), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(p.client.Send(Bytes(kDefaultMaxFrameSize + 1)), HasCode(ErrorCode::kInvalidArgument));
}

TEST_P(ConnectionTest, WriterBlockedByANonReadingPeerTimesOut) {
  Pair p = MakePair(Where());
  Status st;
  // The peer never reads: socket buffers fill, then the write wait times out. Bounded: 64 MiB.
  for (int i = 0; i < 1024 && st; ++i) {
    st = p.client.Send(Bytes(kDefaultMaxFrameSize, 7));
  }
  EXPECT_THAT(st, HasCode(ErrorCode::kTransportError));
}

TEST_P(ConnectionTest, NoDescriptorLeaks) {
  const size_t before = OpenFdCount();
  for (int i = 0; i < 20; ++i) {
    Pair p = MakePair(Where());
    ASSERT_THAT(p.client.Send(Bytes{1}), IsOk());
    ASSERT_THAT(p.server.Receive(), IsOk());
  }
  EXPECT_EQ(OpenFdCount(), before);
}

INSTANTIATE_TEST_SUITE_P(Loopback, ConnectionTest, ::testing::Values("unix", "tcp", "tcp6"));

TEST(ListenerTest, AcceptTimesOut) {
  TempSocketDir dir;
  Result<Listener> l = Listener::Bind(dir.UnixAddress("a.sock"));
  ASSERT_THAT(l, IsOk());
  EXPECT_THAT(l->Accept(milliseconds(50)), HasCode(ErrorCode::kTransportError));
}

TEST(ListenerTest, UnixSocketFileIsRemovedAndStaleOnesReplaced) {
  TempSocketDir dir;
  const Address a = dir.UnixAddress("b.sock");
  {
    Result<Listener> l = Listener::Bind(a);
    ASSERT_THAT(l, IsOk());
    EXPECT_TRUE(std::filesystem::exists(a.path));
    // Bound under a temporary name and renamed into place: nothing else is left behind.
    EXPECT_EQ(::nitro_attest::testing::CountEntries(dir.path().c_str()), 1u);
    // A second listener on a live socket must not steal it.
    EXPECT_THAT(Listener::Bind(a), HasCode(ErrorCode::kTransportError));
  }
  EXPECT_FALSE(std::filesystem::exists(a.path));
  // A stale socket file (left by a crashed server) is replaced.
  {
    UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const std::vector<SockAddr> sa = *ResolveAddress(a, true);
    ASSERT_EQ(bind(fd.get(), sa[0].get(), sa[0].length), 0);
  }
  ASSERT_TRUE(std::filesystem::exists(a.path));
  EXPECT_THAT(Listener::Bind(a), IsOk());
  // A regular file in the way is never removed.
  const Address f = dir.UnixAddress("file");
  {
    std::FILE* fp = std::fopen(f.path.c_str(), "w");
    ASSERT_NE(fp, nullptr);
    std::fclose(fp);
  }
  EXPECT_THAT(Listener::Bind(f), HasCode(ErrorCode::kTransportError));
  EXPECT_TRUE(std::filesystem::exists(f.path));
}

TEST(ListenerTest, LongUnixPathsBindInPlace) {
  TempSocketDir dir;
  Address a = dir.UnixAddress("");
  a.path += std::string(sizeof(sockaddr_un::sun_path) - 1 - a.path.size(), 'x');  // the maximum
  Result<Listener> l = Listener::Bind(a);
  ASSERT_THAT(l, IsOk());
  EXPECT_TRUE(std::filesystem::exists(a.path));
  Result<Connection> c = Connect(a, Short());
  EXPECT_THAT(c, IsOk());
}

TEST(ListenerTest, TcpPortZeroReportsTheChosenPort) {
  Result<Listener> l = Listener::Bind(Loopback());
  ASSERT_THAT(l, IsOk());
  EXPECT_NE(l->address().port, 0u);
}

TEST(ConnectTest, NothingListeningIsATransportError) {
  TempSocketDir dir;
  EXPECT_THAT(Connect(dir.UnixAddress("none.sock"), Short()), HasCode(ErrorCode::kTransportError));
  Result<Listener> l = Listener::Bind(Loopback());
  ASSERT_THAT(l, IsOk());
  Address closed = l->address();
  { Listener gone = std::move(*l); }
  EXPECT_THAT(Connect(closed, Short()), HasCode(ErrorCode::kTransportError));
}

}  // namespace
}  // namespace nitro_attest
