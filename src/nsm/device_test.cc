// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/nsm/device.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "src/nsm/wire.h"
#include "testing/matchers.h"

namespace nitro_attest::nsm {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

// The fake ioctl's script and observations; a plain function pointer cannot capture.
struct FakeIoctlState {
  unsigned long seen_request = 0;
  NsmRaw seen_raw{};
  Bytes seen_request_bytes;
  int calls = 0;
  int eintr_before_success = 0;
  int fail_errno = 0;
  Bytes reply;
  uint64_t reported_len_override = 0;
};
FakeIoctlState g_fake;

int FakeIoctl(int /*fd*/, unsigned long request, NsmRaw* raw) {
  ++g_fake.calls;
  g_fake.seen_request = request;
  g_fake.seen_raw = *raw;
  if (g_fake.eintr_before_success > 0) {
    --g_fake.eintr_before_success;
    errno = EINTR;
    return -1;
  }
  if (g_fake.fail_errno != 0) {
    errno = g_fake.fail_errno;
    return -1;
  }
  const auto* req = reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(raw->request.addr));
  g_fake.seen_request_bytes.assign(req, req + raw->request.len);
  // Like the kernel: write the response and rewrite response.len.
  auto* resp = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(raw->response.addr));
  if (!g_fake.reply.empty()) {
    std::memcpy(resp, g_fake.reply.data(), g_fake.reply.size());
  }
  raw->response.len =
      g_fake.reported_len_override != 0 ? g_fake.reported_len_override : g_fake.reply.size();
  return 0;
}

class DeviceTest : public ::testing::Test {
 protected:
  void SetUp() override { g_fake = FakeIoctlState{}; }

  std::unique_ptr<NsmTransport> Open() {
    // /dev/null stands in for /dev/nsm: opening it O_RDWR|O_CLOEXEC works anywhere.
    auto t = OpenNsmDeviceWithIoctl("/dev/null", &FakeIoctl);
    EXPECT_THAT(t, IsOk());
    return t ? std::move(*t) : nullptr;
  }
};

TEST_F(DeviceTest, IoctlNumberAndLayoutMatchTheKernel) {
  EXPECT_EQ(kNsmIoctlRaw, 0xC0200A00UL);
  EXPECT_EQ(kNsmIoctlRaw, 3223325184UL);  // the value aws-nsm-interface documents
  EXPECT_EQ(sizeof(NsmRaw), 32u);
}

TEST_F(DeviceTest, PassesRequestAndFullResponseBufferAndUsesRewrittenLength) {
  g_fake.reply = EncodeResponse(GetRandomResponse{Bytes(256, 9)});
  auto dev = Open();
  ASSERT_NE(dev, nullptr);
  NsmClient client(std::move(dev));
  auto r = client.GetRandom();
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, Bytes(256, 9));
  EXPECT_EQ(g_fake.seen_request, 0xC0200A00UL);
  EXPECT_EQ(g_fake.seen_raw.request.len, 10u);
  EXPECT_EQ(g_fake.seen_raw.response.len, kNsmResponseMaxSize);
  EXPECT_EQ(g_fake.seen_request_bytes, EncodeRequest(GetRandomRequest{}));
}

TEST_F(DeviceTest, RetriesEintr) {
  g_fake.eintr_before_success = 3;
  g_fake.reply = EncodeResponse(LockPcrResponse{});
  NsmClient client(Open());
  EXPECT_THAT(client.LockPcr(16), IsOk());
  EXPECT_EQ(g_fake.calls, 4);
}

TEST_F(DeviceTest, ErrnoBecomesDeviceError) {
  for (const int err : {EIO, ETIMEDOUT, EMSGSIZE, EFAULT, ENODATA}) {
    SCOPED_TRACE(err);
    g_fake.fail_errno = err;
    NsmClient client(Open());
    EXPECT_THAT(client.DescribeNsm(), HasCode(ErrorCode::kDeviceError));
  }
}

TEST_F(DeviceTest, NsmErrorArrivesAsAResponseNotAnErrno) {
  g_fake.reply = EncodeResponse(NsmErrorCode::kInvalidIndex);
  NsmClient client(Open());
  auto r = client.DescribePcr(99);
  ASSERT_THAT(r, HasCode(ErrorCode::kNsmError));
  EXPECT_EQ(r.error().nsm_error, NsmErrorCode::kInvalidIndex);
}

TEST_F(DeviceTest, OversizedReportedLengthIsRejected) {
  g_fake.reply = EncodeResponse(LockPcrResponse{});
  g_fake.reported_len_override = kNsmResponseMaxSize + 1;
  NsmClient client(Open());
  EXPECT_THAT(client.LockPcr(16), HasCode(ErrorCode::kDeviceError));
}

TEST_F(DeviceTest, TruncatedResponseIsAProtocolError) {
  g_fake.reply = EncodeResponse(GetRandomResponse{Bytes(256, 9)});
  g_fake.reported_len_override = 100;
  NsmClient client(Open());
  EXPECT_THAT(client.GetRandom(), HasCode(ErrorCode::kProtocolError));
}

TEST_F(DeviceTest, RequestSizeIsBoundedBeforeTheIoctl) {
  auto dev = Open();
  ASSERT_NE(dev, nullptr);
  const Bytes big(kNsmRequestMaxSize + 1, 0);
  EXPECT_THAT(dev->Call(big), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(dev->Call({}), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_EQ(g_fake.calls, 0);
}

TEST_F(DeviceTest, MissingDeviceIsADeviceErrorNeverAFallback) {
  EXPECT_THAT(OpenNsmDevice("/nonexistent/nsm"), HasCode(ErrorCode::kDeviceError));
}

}  // namespace
}  // namespace nitro_attest::nsm
