// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <string>

#include "nitro_attest/channel.h"
#include "src/channel/internal.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

TEST(AddressTest, ParsesVsock) {
  const Result<Address> a = ParseAddress("vsock:16:5005");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->family, Address::Family::kVsock);
  EXPECT_EQ(a->cid, 16u);
  EXPECT_EQ(a->port, 5005u);
  EXPECT_EQ(to_string(*a), "vsock:16:5005");
}

TEST(AddressTest, VsockAcceptsTheFullPortAndCidRange) {
  // Ports above 65535 are legal on vsock (aws-nitro-enclaves-sdk-c#122 broke on them).
  const Result<Address> a = ParseAddress("vsock:4294967295:4294967295");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->cid, 4294967295u);
  EXPECT_EQ(a->port, 4294967295u);
  const Result<Address> b = ParseAddress("vsock:3:70000");
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->port, 70000u);
  const Result<Address> any = ParseAddress("vsock:any:5005");
  ASSERT_THAT(any, IsOk());
  EXPECT_EQ(any->cid, kVsockCidAny);
  EXPECT_EQ(to_string(*any), "vsock:any:5005");
}

TEST(AddressTest, RejectsBadVsock) {
  for (const char* bad : {"vsock:", "vsock:3", "vsock:3:", "vsock::5", "vsock:4294967296:1",
                          "vsock:3:4294967296", "vsock:-1:5", "vsock:+3:5", "vsock:3:5 ",
                          "vsock: 3:5", "vsock:0x10:5", "vsock:3:5:6", "vsock:12345678901:1"}) {
    EXPECT_THAT(ParseAddress(bad), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
}

TEST(AddressTest, ParsesUnix) {
  const Result<Address> a = ParseAddress("unix:/run/na.sock");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->family, Address::Family::kUnix);
  EXPECT_EQ(a->path, "/run/na.sock");
  EXPECT_EQ(to_string(*a), "unix:/run/na.sock");
  // Colons belong to the path.
  EXPECT_EQ(ParseAddress("unix:a:b")->path, "a:b");
}

TEST(AddressTest, UnixPathLengthIsBounded) {
  const size_t max = sizeof(sockaddr_un::sun_path) - 1;
  EXPECT_THAT(ParseAddress("unix:/" + std::string(max - 1, 'a')), IsOk());
  EXPECT_THAT(ParseAddress("unix:/" + std::string(max, 'a')), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseAddress("unix:"), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseAddress(std::string("unix:a\0b", 8)), HasCode(ErrorCode::kInvalidArgument));
}

TEST(AddressTest, ParsesTcp) {
  const Result<Address> a = ParseAddress("tcp:127.0.0.1:8080");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->family, Address::Family::kTcp);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080u);
  const Result<Address> v6 = ParseAddress("tcp:[::1]:0");
  ASSERT_THAT(v6, IsOk());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0u);
  EXPECT_EQ(to_string(*v6), "tcp:[::1]:0");
  EXPECT_EQ(ParseAddress("tcp:localhost:65535")->port, 65535u);
}

TEST(AddressTest, RejectsBadTcp) {
  for (const char* bad :
       {"tcp:", "tcp:127.0.0.1", "tcp::80", "tcp:::1:80", "tcp:[::1:80", "tcp:[zz]:80", "tcp:[]:80",
        "tcp:127.0.0.1:65536", "tcp:host:-1", "tcp:ho st:80", "tcp:a/b:80", "udp:1.2.3.4:5",
        "vsock3:5", "nothing", ""}) {
    EXPECT_THAT(ParseAddress(bad), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
}

TEST(AddressTest, ResolvesVsockToSockaddrVm) {
  const Result<std::vector<SockAddr>> r =
      ResolveAddress(*ParseAddress("vsock:3:4294967295"), false);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->size(), 1u);
  const SockAddr& s = r->front();
  EXPECT_EQ(s.family(), AF_VSOCK);
  EXPECT_EQ(s.length, sizeof(sockaddr_vm));
  const auto* vm = reinterpret_cast<const sockaddr_vm*>(&s.storage);
  EXPECT_EQ(vm->svm_cid, 3u);
  EXPECT_EQ(vm->svm_port, 4294967295u);
  EXPECT_EQ(DescribeSockAddr(s.get(), s.length), "vsock:3:4294967295");
}

TEST(AddressTest, ResolvesUnixAndTcpLoopback) {
  const Result<std::vector<SockAddr>> u = ResolveAddress(*ParseAddress("unix:/tmp/x.sock"), false);
  ASSERT_THAT(u, IsOk());
  EXPECT_EQ(u->front().family(), AF_UNIX);
  EXPECT_EQ(DescribeSockAddr(u->front().get(), u->front().length), "unix:/tmp/x.sock");
  const Result<std::vector<SockAddr>> t = ResolveAddress(*ParseAddress("tcp:127.0.0.1:99"), false);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(DescribeSockAddr(t->front().get(), t->front().length), "tcp:127.0.0.1:99");
  const Result<std::vector<SockAddr>> t6 = ResolveAddress(*ParseAddress("tcp:[::1]:99"), false);
  ASSERT_THAT(t6, IsOk());
  EXPECT_EQ(DescribeSockAddr(t6->front().get(), t6->front().length), "tcp:[::1]:99");
}

TEST(AddressTest, ConnectRejectsWildcards) {
  EXPECT_THAT(Connect(*ParseAddress("vsock:any:5")), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(Connect(*ParseAddress("tcp:127.0.0.1:0")), HasCode(ErrorCode::kInvalidArgument));
}

TEST(AddressTest, VsockConnectFailsCleanlyWithoutAPeer) {
  // No vsock transport or no listener on this machine: an error, never a hang or a crash.
  ChannelOptions options;
  options.connect_timeout = std::chrono::milliseconds(300);
  EXPECT_THAT(Connect(*ParseAddress("vsock:1:4000000001"), options),
              HasCode(ErrorCode::kTransportError));
}

}  // namespace
}  // namespace nitro_attest
