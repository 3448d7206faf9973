// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Header codec, CRC, sources and the output file's all-or-nothing rename.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "src/eif/eif_test_util.h"
#include "src/eif/internal.h"
#include "testing/matchers.h"
#include "testing/process.h"
#include "testing/test_util.h"

namespace nitro_attest::eif {
namespace {

using ::nitro_attest::testing::IsOk;
using ::nitro_attest::testing::TempDir;

TEST(EifIoTest, HeaderRoundTripsAtTheSpecifiedOffsets) {
  Header h;
  std::copy(std::begin(kMagic), std::end(kMagic), h.magic.begin());
  h.version = 4;
  h.flags = 1;
  h.default_mem = 0x0102030405060708;
  h.default_cpus = 2;
  h.num_sections = 3;
  h.offsets[0] = 548;
  h.sizes[31] = 0xdeadbeef;
  h.crc32 = 0xcafef00d;
  const auto bytes = EncodeHeader(h);
  EXPECT_EQ(bytes[0], '.');
  EXPECT_EQ(bytes[5], 4);                     // version at 4, big-endian
  EXPECT_EQ(bytes[8], 0x01);                  // default_mem at 8
  EXPECT_EQ(bytes[27], 3);                    // num_sections at 26
  EXPECT_EQ(bytes[28 + 6], 0x02);             // offsets[0] = 0x224 at 28
  EXPECT_EQ(bytes[284 + 8 * 31 + 7], 0xef);   // sizes[31] ends at 540
  EXPECT_EQ(bytes[544], 0xca);                // crc at 544
  const Header back = DecodeHeader(bytes);
  EXPECT_EQ(back.default_mem, h.default_mem);
  EXPECT_EQ(back.offsets, h.offsets);
  EXPECT_EQ(back.sizes, h.sizes);
  EXPECT_EQ(back.crc32, h.crc32);
  const auto sh = EncodeSectionHeader(3, 0, 0x1234);
  EXPECT_EQ(sh[1], 3);
  EXPECT_EQ(sh[10], 0x12);
  EXPECT_EQ(sh[11], 0x34);
}

TEST(EifIoTest, CrcIsZlibsIsoHdlc) {
  // The CRC-32/ISO-HDLC check value: CRC of "123456789".
  EXPECT_EQ(Crc32(0, testing::Text("123456789")), 0xcbf43926u);
  EXPECT_EQ(Crc32(Crc32(0, testing::Text("1234")), testing::Text("56789")), 0xcbf43926u);
}

TEST(EifIoTest, OutputFileIsAllOrNothing) {
  const TempDir dir;
  {
    auto out = OutputFile::Create(dir.File("kept"));
    ASSERT_THAT(out, IsOk());
    ASSERT_THAT((*out)->Write(testing::Text("abc")), IsOk());
    ASSERT_THAT((*out)->WriteAt(1, testing::Text("X")), IsOk());
    ASSERT_THAT((*out)->Commit(), IsOk());
  }
  EXPECT_EQ(::nitro_attest::testing::ReadFileBytes(dir.File("kept")), testing::Text("aXc"));
  {
    auto out = OutputFile::Create(dir.File("dropped"));
    ASSERT_THAT(out, IsOk());
    ASSERT_THAT((*out)->Write(testing::Text("abc")), IsOk());
  }
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 1u);
}

TEST(EifIoTest, SourcesReadEverything) {
  const Bytes data = testing::Text("0123456789");
  MemorySource m(data);
  Bytes buf(4);
  EXPECT_EQ(*m.ReadFull(buf), 4u);
  Bytes rest(20);
  EXPECT_EQ(*m.ReadFull(rest), 6u);
  EXPECT_EQ(*m.ReadFull(rest), 0u);
}

}  // namespace
}  // namespace nitro_attest::eif
