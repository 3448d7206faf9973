// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/encoding.h"

#include <gtest/gtest.h>

#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

std::vector<uint8_t> B(std::string_view s) { return {s.begin(), s.end()}; }

TEST(HexTest, RoundTrips) {
  const std::vector<uint8_t> v = {0x00, 0xab, 0xff};
  EXPECT_EQ(HexEncode(v), "00abff");
  EXPECT_EQ(*HexDecode("00ABff"), v);
  EXPECT_EQ(*HexDecode("0x00abff"), v);
  EXPECT_TRUE(HexDecode("")->empty());
}

TEST(HexTest, RejectsBadInput) {
  EXPECT_THAT(HexDecode("abc"), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(HexDecode("zz"), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(HexDecode("00 11"), HasCode(ErrorCode::kInvalidArgument));
}

TEST(Base64Test, RoundTripsEveryLength) {
  std::vector<uint8_t> v;
  for (int n = 0; n < 40; ++n) {
    EXPECT_EQ(*Base64Decode(Base64Encode(v)), v) << n;
    v.push_back(static_cast<uint8_t>(n * 37 + 1));
  }
}

TEST(Base64Test, KnownValuesWhitespaceAndUrlSafe) {
  EXPECT_EQ(Base64Encode(B("foobar")), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(B("fo")), "Zm8=");
  EXPECT_EQ(*Base64Decode("Zm9v\nYmFy\r\n"), B("foobar"));
  EXPECT_EQ(*Base64Decode("Zm8"), B("fo"));
  EXPECT_EQ(*Base64Decode("-_8="), (std::vector<uint8_t>{0xfb, 0xff}));
}

TEST(Base64Test, RejectsBadInput) {
  EXPECT_THAT(Base64Decode("Zm9v!"), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(Base64Decode("Z"), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(Base64Decode("Zm8=Zm8="), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(Base64Decode("Zm9=="), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(Base64Decode("Zm9="), HasCode(ErrorCode::kMalformedInput));  // non-zero bits
}

// Found by fuzz/encoding_fuzz.cc (fuzz/corpus/encoding/regress-b64-padding-after-full-quantum):
// padding after a complete quantum was accepted.
TEST(Base64Test, RejectsPaddingAfterACompleteQuantum) {
  EXPECT_THAT(Base64Decode("aAAa===="), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(Base64Decode("Zm9v="), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(Base64Decode("===="), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(DecodeDocumentInput(std::vector<uint8_t>{'Z', 'm', '9', 'v', '=', '=', '=', '='}),
              HasCode(ErrorCode::kMalformedInput));
}

TEST(DocumentInputTest, DetectsRawAndBase64) {
  const std::vector<uint8_t> raw = {0x84, 0x01};
  EXPECT_EQ(*DecodeDocumentInput(raw), raw);
  EXPECT_EQ(*DecodeDocumentInput(B("hAE=\n")), raw);
  EXPECT_THAT(DecodeDocumentInput(B("")), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(DecodeDocumentInput(B("  \n")), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(DecodeDocumentInput(B("not a document!")), HasCode(ErrorCode::kMalformedInput));
  EXPECT_THAT(DecodeDocumentInput(std::vector<uint8_t>(100, 0x84), 10),
              HasCode(ErrorCode::kMalformedInput));
}

TEST(DocumentInputTest, DetectsHex) {
  const std::vector<uint8_t> raw = {0x84, 0x01, 0xd2, 0xab};
  EXPECT_EQ(*DecodeDocumentInput(B("8401d2ab")), raw);
  EXPECT_EQ(*DecodeDocumentInput(B("8401D2AB\n")), raw);
  EXPECT_EQ(*DecodeDocumentInput(B("0x8401d2ab")), raw);
  EXPECT_EQ(*DecodeDocumentInput(B("0X84 01\nd2ab\r\n")), raw);
  EXPECT_THAT(DecodeDocumentInput(B("8401d2a")), HasCode(ErrorCode::kMalformedInput));  // odd
  EXPECT_THAT(DecodeDocumentInput(B("0x")), HasCode(ErrorCode::kMalformedInput));
  // Base64 of a document is never all hex digits, and still decodes as base64.
  EXPECT_EQ(*DecodeDocumentInput(B("hAHSqw==")), raw);
}

TEST(ConstantTimeEqualTest, Compares) {
  EXPECT_TRUE(ConstantTimeEqual(B("abc"), B("abc")));
  EXPECT_FALSE(ConstantTimeEqual(B("abc"), B("abd")));
  EXPECT_FALSE(ConstantTimeEqual(B("abc"), B("ab")));
  EXPECT_TRUE(ConstantTimeEqual(B(""), B("")));
}

TEST(EscapeTextTest, NoControlCharacterSurvives) {
  EXPECT_EQ(EscapeText("i-0123-enc4567"), "i-0123-enc4567");
  EXPECT_EQ(EscapeText("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 stays readable
  EXPECT_EQ(EscapeText("a\x1b[31mb"), "a\\x1b[31mb");
  EXPECT_EQ(EscapeText("line\nbreak\r\t"), "line\\x0abreak\\x0d\\x09");
  EXPECT_EQ(EscapeText("\x7f"), "\\x7f");
  EXPECT_EQ(EscapeText("\xc2\x9b"), "\\xc2\\x9b");          // C1 CSI
  EXPECT_EQ(EscapeText("\xe2\x80\xae"), "\\xe2\\x80\\xae");  // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(EscapeText("\xff\xc0\xaf"), "\\xff\\xc0\\xaf");  // not UTF-8
  EXPECT_EQ(EscapeText("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(EscapeText(std::string("a\0b", 3)), "a\\x00b");
}

}  // namespace
}  // namespace nitro_attest
