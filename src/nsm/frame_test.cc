// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/nsm/frame.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "src/common/unique_fd.h"
#include "testing/matchers.h"

namespace nitro_attest::nsm {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

struct Pair {
  UniqueFd a, b;
};

Pair SocketPair() {
  int fds[2] = {-1, -1};
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  return Pair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

TEST(FrameTest, HeaderIsBigEndianLength) {
  EXPECT_EQ(EncodeFrameHeader(0x01020304), (std::array<uint8_t, 4>{1, 2, 3, 4}));
}

TEST(FrameTest, RoundTrip) {
  Pair p = SocketPair();
  const Bytes body = {1, 2, 3};
  ASSERT_THAT(WriteFrame(p.a.get(), body), IsOk());
  ASSERT_THAT(WriteFrame(p.a.get(), Bytes{}), IsOk());
  auto r = ReadFrame(p.b.get());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, body);
  auto empty = ReadFrame(p.b.get());
  ASSERT_THAT(empty, IsOk());
  EXPECT_TRUE(empty->empty());
}

TEST(FrameTest, RejectsOversizedAndTruncatedFrames) {
  Pair p = SocketPair();
  const auto header = EncodeFrameHeader(static_cast<uint32_t>(kMaxFrameSize + 1));
  ASSERT_EQ(::send(p.a.get(), header.data(), header.size(), 0), 4);
  EXPECT_THAT(ReadFrame(p.b.get()), HasCode(ErrorCode::kTransportError));

  Pair q = SocketPair();
  const auto h2 = EncodeFrameHeader(10);
  ASSERT_EQ(::send(q.a.get(), h2.data(), h2.size(), 0), 4);
  ASSERT_EQ(::send(q.a.get(), "abc", 3, 0), 3);
  q.a.Reset();
  EXPECT_THAT(ReadFrame(q.b.get()), HasCode(ErrorCode::kTransportError));
  EXPECT_THAT(WriteFrame(q.b.get(), Bytes(kMaxFrameSize + 1)), HasCode(ErrorCode::kTransportError));
}

TEST(FrameTest, SocketPathMustFit) {
  EXPECT_THAT(MakeUnixAddress(""), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(MakeUnixAddress(std::string(200, 'x')), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(MakeUnixAddress("/tmp/x.sock"), IsOk());
}

TEST(FrameTest, ConnectToNothingIsATransportError) {
  EXPECT_THAT(ConnectNsmEmulator("/nonexistent/dir/nsm.sock"), HasCode(ErrorCode::kTransportError));
}

}  // namespace
}  // namespace nitro_attest::nsm
