// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/cbor/cbor.h"

#include <gtest/gtest.h>

#include "nitro_attest/encoding.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest::cbor {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

std::vector<uint8_t> H(std::string_view hex) { return HexDecode(hex).value(); }

TEST(CborTest, DecodesScalars) {
  const auto u = H("1b000001932d1239ca");
  auto item = Decode(u);
  ASSERT_THAT(item, IsOk());
  EXPECT_EQ(item->type, Type::kUint);
  EXPECT_EQ(item->number, 1731627989450u);

  const auto n = H("3822");  // -35
  auto neg = Decode(n);
  ASSERT_THAT(neg, IsOk());
  EXPECT_EQ(neg->type, Type::kNegative);
  EXPECT_EQ(neg->number, 34u);

  const auto t = H("66534841333834");
  auto text = Decode(t);
  ASSERT_THAT(text, IsOk());
  EXPECT_TRUE(text->IsText("SHA384"));
}

TEST(CborTest, DecodesDefiniteAndIndefiniteMaps) {
  const auto def = H("a2616101616202");
  auto m = Decode(def);
  ASSERT_THAT(m, IsOk());
  ASSERT_NE(m->Find("b"), nullptr);
  EXPECT_EQ(m->Find("b")->number, 2u);
  EXPECT_FALSE(m->indefinite);
  const auto indef = H("bf616101616202ff");
  auto mi = Decode(indef);
  ASSERT_THAT(mi, IsOk());
  EXPECT_TRUE(mi->indefinite);
  EXPECT_EQ(mi->map_size(), 2u);
  EXPECT_EQ(Encode(*mi), indef);
}

TEST(CborTest, RejectsWhatTheNsmNeverEmits) {
  const char* bad[] = {
      "",                 // nothing
      "18",               // truncated head
      "1817",             // non-shortest (23 in two bytes)
      "190017",           // non-shortest
      "5f4100ff",         // indefinite byte string
      "d24100",           // tag
      "f93c00",           // half float
      "f7",               // undefined
      "f820",             // simple(32)
      "a2616101616102",   // duplicate key
      "a1a00101",         // map key that is a map
      "bf6161ff",         // key without value
      "9f01",             // indefinite without break
      "0101",             // trailing bytes
      "62c328",           // invalid UTF-8
      "9bffffffffffffffff",  // huge declared length
      "ff",               // lone break
      "1c",               // reserved additional information
  };
  for (const char* hex : bad) {
    const auto b = H(hex);
    EXPECT_THAT(Decode(b), HasCode(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborTest, BoundsDepth) {
  std::vector<uint8_t> deep(100, 0x81);
  deep.push_back(0x00);
  EXPECT_THAT(Decode(deep), HasCode(ErrorCode::kMalformedCbor));
  std::vector<uint8_t> ok(10, 0x81);
  ok.push_back(0x00);
  EXPECT_THAT(Decode(ok), IsOk());
  std::vector<uint8_t> indef(100000, 0x9f);
  EXPECT_THAT(Decode(indef), HasCode(ErrorCode::kMalformedCbor));
}

TEST(CborTest, BoundsItemCount) {
  std::vector<uint8_t> many = {0x9a, 0x00, 0x01, 0x00, 0x00};  // array(65536)
  many.resize(many.size() + 65536, 0x00);
  EXPECT_THAT(Decode(many), HasCode(ErrorCode::kMalformedCbor));
  EXPECT_THAT(Decode(many, Limits{.max_depth = 4, .max_items = 70000}), IsOk());
}

TEST(CborTest, WriterIsShortestForm) {
  Writer w;
  w.Uint(23);
  w.Uint(24);
  w.Uint(255);
  w.Uint(256);
  w.Uint(65536);
  w.Uint(1ull << 32);
  w.Int(-35);
  EXPECT_EQ(HexEncode(w.bytes()), "17181818ff1901001a000100001b00000001000000003822");
}

TEST(CborTest, RealDocumentsDecodeAndReencodeExactly) {
  NA_REQUIRE_SHARED();
  for (const auto& doc : ::nitro_attest::testing::RealDocuments()) {
    auto bytes = ::nitro_attest::testing::ReadFileBytes(doc.path);
    auto outer = Decode(bytes);
    ASSERT_THAT(outer, IsOk()) << doc.name;
    EXPECT_EQ(Encode(*outer), bytes) << doc.name;
    ASSERT_TRUE(outer->is_array());
    auto payload = Decode(outer->items[2].bytes);
    ASSERT_THAT(payload, IsOk()) << doc.name;
    EXPECT_EQ(Encode(*payload), std::vector<uint8_t>(outer->items[2].bytes.begin(),
                                                      outer->items[2].bytes.end()));
  }
}

}  // namespace
}  // namespace nitro_attest::cbor
