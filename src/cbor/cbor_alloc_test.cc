// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The decoder's allocations on hostile input, measured (nitro_attest_alloc_tests): no
// allocation is sized by a declared length before the item limit is checked, so a frame that
// announces tens of thousands of items costs what its items cost, never what it announces.
#include <gtest/gtest.h>

#include "src/cbor/cbor.h"
#include "src/protocol/messages.h"
#include "testing/alloc_probe.h"
#include "testing/matchers.h"

namespace nitro_attest::cbor {
namespace {

using ::nitro_attest::testing::AllocationProbe;
using ::nitro_attest::testing::HasCode;

// Announce returns a 64 KiB input: a container head announcing as many items as the rest of
// the input could hold (one zero byte each), then those bytes.
Bytes Announce(uint8_t major) {
  constexpr size_t kFrame = 64 * 1024;
  const auto n = static_cast<uint16_t>(major == 5 ? (kFrame - 3) / 2 : kFrame - 3);
  Bytes b = {static_cast<uint8_t>((major << 5) | 25), static_cast<uint8_t>(n >> 8),
             static_cast<uint8_t>(n)};
  b.resize(kFrame, 0x00);
  return b;
}

TEST(CborAllocTest, ALongArrayIsRefusedBeforeItsLengthIsReserved) {
  for (const uint8_t major : {uint8_t{4}, uint8_t{5}}) {
    const Bytes frame = Announce(major);
    AllocationProbe probe;
    // The protocol's limits (16 items) and the default ones (16384 items) both refuse it.
    EXPECT_THAT(protocol::DecodeMessage(frame), HasCode(ErrorCode::kProtocolError));
    EXPECT_THAT(Decode(frame), HasCode(ErrorCode::kMalformedCbor));
    // Before the fix one request was 65533 items' worth (~5 MB); now nothing near that.
    EXPECT_LT(probe.largest(), 16u * 1024) << "major " << int{major};
    EXPECT_LT(probe.total(), 64u * 1024) << "major " << int{major};
  }
}

TEST(CborAllocTest, NestedAnnouncementsCostOnlyWhatIsDecoded) {
  // Fifteen nested arrays, each announcing 1000 items, in 17 KiB of input: every level fits
  // the item limit and the bytes left, but the first item inside is broken.
  Bytes b;
  for (int i = 0; i < 15; ++i) {
    b.insert(b.end(), {0x99, 0x03, 0xe8});
  }
  b.push_back(0x1c);  // reserved additional information
  b.resize(17 * 1024, 0x00);
  AllocationProbe probe;
  EXPECT_THAT(Decode(b), HasCode(ErrorCode::kMalformedCbor));
  // Before the fix each level reserved 1000 items (~80 KB, 1.2 MB in all).
  EXPECT_LT(probe.largest(), 16u * 1024);
  EXPECT_LT(probe.total(), 128u * 1024);
}

}  // namespace
}  // namespace nitro_attest::cbor
