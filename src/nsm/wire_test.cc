// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/nsm/wire.h"

#include <gtest/gtest.h>

#include <string>

#include "nitro_attest/encoding.h"
#include "testing/matchers.h"

namespace nitro_attest::nsm {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

// H decodes hex written with spaces, as in the spec's tables.
Bytes H(std::string hex) {
  std::erase(hex, ' ');
  return HexDecode(hex).value();
}

Bytes Repeat(uint8_t b, size_t n) { return Bytes(n, b); }

Bytes Cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// ---- Requests: spec §2.2, byte for byte ----

TEST(WireRequestTest, DescribePcr) {
  EXPECT_EQ(EncodeRequest(DescribePcrRequest{0}),
            H("a1 6b 4465736372696265504352 a1 65 696e646578 00"));
}

TEST(WireRequestTest, ExtendPcr) {
  EXPECT_EQ(EncodeRequest(ExtendPcrRequest{16, {1, 2, 3}}),
            H("a1 69 457874656e64504352 a2 65 696e646578 10 64 64617461 43 010203"));
}

TEST(WireRequestTest, LockPcr) {
  EXPECT_EQ(EncodeRequest(LockPcrRequest{16}), H("a1 67 4c6f636b504352 a1 65 696e646578 10"));
}

TEST(WireRequestTest, LockPcrs) {
  EXPECT_EQ(EncodeRequest(LockPcrsRequest{32}), H("a1 68 4c6f636b50435273 a1 65 72616e6765 18 20"));
}

TEST(WireRequestTest, DescribeNsm) {
  EXPECT_EQ(EncodeRequest(DescribeNsmRequest{}), H("6b 44657363726962654e534d"));
}

TEST(WireRequestTest, AttestationWithNonce) {
  AttestationRequest a;
  a.nonce = Bytes{0, 1, 2, 3};
  EXPECT_EQ(EncodeRequest(a),
            H("a1 6b 4174746573746174696f6e a3 69 757365725f64617461 f6 65 6e6f6e6365 44 00010203 "
              "6a 7075626c69635f6b6579 f6"));
}

TEST(WireRequestTest, AttestationAllAbsent) {
  EXPECT_EQ(EncodeRequest(AttestationRequest{}),
            H("a1 6b 4174746573746174696f6e a3 69 757365725f64617461 f6 65 6e6f6e6365 f6 "
              "6a 7075626c69635f6b6579 f6"));
}

TEST(WireRequestTest, AttestationEmptyIsNotAbsent) {
  // nsm-lib: a non-NULL pointer of length 0 is Some(empty), CBOR 40, not null.
  AttestationRequest a;
  a.user_data = Bytes{};
  const Bytes wire = EncodeRequest(a);
  EXPECT_EQ(wire, H("a1 6b 4174746573746174696f6e a3 69 757365725f64617461 40 65 6e6f6e6365 f6 "
                    "6a 7075626c69635f6b6579 f6"));
}

TEST(WireRequestTest, GetRandom) {
  // The same ten bytes are hard-coded in both kernel drivers.
  EXPECT_EQ(EncodeRequest(GetRandomRequest{}), H("69 47657452616e646f6d"));
}

TEST(WireRequestTest, U16IndexUsesShortestForm) {
  EXPECT_EQ(EncodeRequest(LockPcrRequest{300}), H("a1 67 4c6f636b504352 a1 65 696e646578 19 012c"));
}

// ---- Responses: spec §2.3, §2.6, byte for byte ----

TEST(WireResponseTest, DescribePcr) {
  const Bytes wire =
      Cat(H("a1 6b 4465736372696265504352 a2 64 6c6f636b f5 64 64617461 58 30"), Repeat(0xab, 48));
  EXPECT_EQ(wire.size(), 75u);
  EXPECT_EQ(EncodeResponse(PcrState{true, Repeat(0xab, 48)}), wire);
  auto r = DecodeResponse(wire);
  ASSERT_THAT(r, IsOk());
  const auto& pcr = std::get<PcrState>(*r);
  EXPECT_TRUE(pcr.locked);
  EXPECT_EQ(pcr.value, Repeat(0xab, 48));
}

TEST(WireResponseTest, ExtendPcr) {
  const Bytes wire = Cat(H("a1 69 457874656e64504352 a1 64 64617461 58 30"), Repeat(0x11, 48));
  EXPECT_EQ(wire.size(), 67u);
  EXPECT_EQ(EncodeResponse(ExtendPcrResponse{Repeat(0x11, 48)}), wire);
  auto r = DecodeResponse(wire);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(std::get<ExtendPcrResponse>(*r).data, Repeat(0x11, 48));
}

TEST(WireResponseTest, LockPcrAndLockPcrs) {
  EXPECT_EQ(EncodeResponse(LockPcrResponse{}), H("67 4c6f636b504352"));
  EXPECT_EQ(EncodeResponse(LockPcrsResponse{}), H("68 4c6f636b50435273"));
  auto a = DecodeResponse(H("67 4c6f636b504352"));
  ASSERT_THAT(a, IsOk());
  EXPECT_TRUE(std::holds_alternative<LockPcrResponse>(*a));
  auto b = DecodeResponse(H("68 4c6f636b50435273"));
  ASSERT_THAT(b, IsOk());
  EXPECT_TRUE(std::holds_alternative<LockPcrsResponse>(*b));
}

const char kDescribeNsmHex[] =
    "a1 6b 44657363726962654e534d a7"
    " 6d 76657273696f6e5f6d616a6f72 01"
    " 6d 76657273696f6e5f6d696e6f72 00"
    " 6d 76657273696f6e5f7061746368 00"
    " 69 6d6f64756c655f6964 78 27 692d303132333435363738396162636465663"
    "02d656e6330313233343536373839616263646566"
    " 68 6d61785f70637273 18 20"
    " 6b 6c6f636b65645f70637273 90 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"
    " 66 646967657374 66 534841333834";

NsmDescription SpecDescription() {
  NsmDescription d;
  d.version_major = 1;
  d.module_id = "i-0123456789abcdef0-enc0123456789abcdef";
  d.max_pcrs = 32;
  for (uint16_t i = 0; i < 16; ++i) {
    d.locked_pcrs.insert(i);
  }
  d.digest = "SHA384";
  return d;
}

TEST(WireResponseTest, DescribeNsm) {
  const Bytes wire = H(kDescribeNsmHex);
  EXPECT_EQ(EncodeResponse(SpecDescription()), wire);
  auto r = DecodeResponse(wire);
  ASSERT_THAT(r, IsOk());
  const auto& d = std::get<NsmDescription>(*r);
  EXPECT_EQ(d.version_major, 1);
  EXPECT_EQ(d.version_minor, 0);
  EXPECT_EQ(d.version_patch, 0);
  EXPECT_EQ(d.module_id, "i-0123456789abcdef0-enc0123456789abcdef");
  EXPECT_EQ(d.max_pcrs, 32);
  EXPECT_EQ(d.locked_pcrs.size(), 16u);
  EXPECT_EQ(d.digest, "SHA384");
}

TEST(WireResponseTest, DescribeNsmInQemuKeyOrder) {
  // QEMU: digest, max_pcrs, module_id, locked_pcrs, version_major/minor/patch (spec §2.6).
  const Bytes wire =
      H("a1 6b 44657363726962654e534d a7"
        " 66 646967657374 66 534841333834"
        " 68 6d61785f70637273 18 20"
        " 69 6d6f64756c655f6964 6e 692d3132333"
        "42d656e6335363738"
        " 6b 6c6f636b65645f70637273 82 00 01"
        " 6d 76657273696f6e5f6d616a6f72 01"
        " 6d 76657273696f6e5f6d696e6f72 00"
        " 6d 76657273696f6e5f7061746368 00");
  auto r = DecodeResponse(wire);
  ASSERT_THAT(r, IsOk());
  const auto& d = std::get<NsmDescription>(*r);
  EXPECT_EQ(d.module_id, "i-1234-enc5678");
  EXPECT_EQ(d.locked_pcrs, (std::set<uint16_t>{0, 1}));
}

TEST(WireResponseTest, Attestation) {
  const Bytes doc = Repeat(0x84, 300);
  const Bytes wire = Cat(H("a1 6b 4174746573746174696f6e a1 68 646f63756d656e74 59 012c"), doc);
  EXPECT_EQ(wire.size(), 26u + 300u);  // the 26-byte wrapper of spec §1.4
  EXPECT_EQ(EncodeResponse(AttestationResponse{doc}), wire);
  auto r = DecodeResponse(wire);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(std::get<AttestationResponse>(*r).document, doc);
}

TEST(WireResponseTest, GetRandom) {
  const Bytes wire = Cat(H("a1 69 47657452616e646f6d a1 66 72616e646f6d 59 0100"), Repeat(7, 256));
  EXPECT_EQ(wire.size(), 278u);
  EXPECT_EQ(EncodeResponse(GetRandomResponse{Repeat(7, 256)}), wire);
  auto r = DecodeResponse(wire);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(std::get<GetRandomResponse>(*r).random, Repeat(7, 256));
}

TEST(WireResponseTest, ErrorInvalidIndex) {
  const Bytes wire = H("a1 65 4572726f72 6c 496e76616c6964496e646578");
  EXPECT_EQ(EncodeResponse(NsmErrorCode::kInvalidIndex), wire);
  auto r = DecodeResponse(wire);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(std::get<NsmErrorCode>(*r), NsmErrorCode::kInvalidIndex);
}

TEST(WireResponseTest, EveryErrorName) {
  const std::pair<const char*, NsmErrorCode> names[] = {
      {"Success", NsmErrorCode::kSuccess},
      {"InvalidArgument", NsmErrorCode::kInvalidArgument},
      {"InvalidIndex", NsmErrorCode::kInvalidIndex},
      {"InvalidResponse", NsmErrorCode::kInvalidResponse},
      {"ReadOnlyIndex", NsmErrorCode::kReadOnlyIndex},
      {"InvalidOperation", NsmErrorCode::kInvalidOperation},
      {"BufferTooSmall", NsmErrorCode::kBufferTooSmall},
      {"InputTooLarge", NsmErrorCode::kInputTooLarge},
      {"InternalError", NsmErrorCode::kInternalError},
  };
  for (const auto& [name, code] : names) {
    SCOPED_TRACE(name);
    const std::string n(name);
    Bytes wire = H("a1 65 4572726f72");
    wire.push_back(static_cast<uint8_t>(0x60 + n.size()));
    wire.insert(wire.end(), n.begin(), n.end());
    EXPECT_EQ(EncodeResponse(code), wire);
    auto r = DecodeResponse(wire);
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(std::get<NsmErrorCode>(*r), code);
  }
}

TEST(WireResponseTest, RejectsMalformedResponses) {
  const std::string pcr48(96, 'a');
  const std::string bad[] = {
      "",                                                          // nothing
      "a1 65 4572726f72 63 466f6f",                                // unknown error name "Foo"
      "a1 65 4572726f72 01",                                       // error not a name
      "63 466f6f",                                                 // unknown unit variant
      "a2 67 4c6f636b504352 f6 68 4c6f636b50435273 f6",            // two variants
      "bf 69 457874656e64504352 a1 64 64617461 41 00 ff",          // indefinite outer map
      "a1 69 457874656e64504352 a1 64 64617461 41 00",             // PCR of 1 byte
      "a1 69 457874656e64504352 a1 64 6c6f636b f5",                // data missing
      "a1 69 457874656e64504352 f6",                               // body not a map
      "a1 6b 4465736372696265504352 a1 64 64617461 5830" + pcr48,  // lock missing
      "a1 6b 4465736372696265504352 a2 64 6c6f636b 01 64 64617461 5830" + pcr48,  // lock int
      "a1 69 47657452616e646f6d a1 66 72616e646f6d 40",                           // empty random
      "a1 69 47657452616e646f6d a1 66 72616e646f6d 83 01 02 03",  // random as int array
      "a1 6b 4174746573746174696f6e a1 68 646f63756d656e74 40",   // empty document
      "a1 63 466f6f a0",                                          // unknown struct variant
      "67 4c6f636b504352 00",                                     // trailing byte
      "a1 65 4572726f72 6c 496e76616c6964496e646578 00",          // trailing byte
  };
  for (const std::string& hex : bad) {
    SCOPED_TRACE(hex);
    EXPECT_THAT(DecodeResponse(H(hex)), HasCode(ErrorCode::kProtocolError));
  }
}

TEST(WireResponseTest, RejectsDescribeNsmWithBadFields) {
  NsmDescription d = SpecDescription();
  Bytes good = EncodeResponse(d);
  ASSERT_THAT(DecodeResponse(good), IsOk());
  d.digest = "MD5";
  EXPECT_THAT(DecodeResponse(EncodeResponse(d)), HasCode(ErrorCode::kProtocolError));
  // max_pcrs 0x10000 does not fit u16.
  const Bytes big =
      H("a1 6b 44657363726962654e534d a7"
        " 6d 76657273696f6e5f6d616a6f72 01 6d 76657273696f6e5f6d696e6f72 00"
        " 6d 76657273696f6e5f7061746368 00 69 6d6f64756c655f6964 61 69"
        " 68 6d61785f70637273 1a 00010000 6b 6c6f636b65645f70637273 80 66 646967657374 66 "
        "534841333834");
  EXPECT_THAT(DecodeResponse(big), HasCode(ErrorCode::kProtocolError));
}

TEST(WireResponseTest, IgnoresUnknownFieldsLikeSerde) {
  const Bytes wire =
      Cat(H("a1 69 457874656e64504352 a2 65 6578747261 f6 64 64617461 58 30"), Repeat(0x22, 48));
  auto r = DecodeResponse(wire);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(std::get<ExtendPcrResponse>(*r).data, Repeat(0x22, 48));
}

TEST(WireResponseTest, RejectsOversizedResponse) {
  const Bytes wire = EncodeResponse(AttestationResponse{Repeat(1, kNsmResponseMaxSize)});
  EXPECT_THAT(DecodeResponse(wire), HasCode(ErrorCode::kProtocolError));
}

// ---- Requests decoded by the emulator: spec §2.11 ----

TEST(WireRequestDecodeTest, RoundTripsEveryRequest) {
  AttestationRequest a;
  a.user_data = Bytes{9};
  a.public_key = Bytes{};
  const Request requests[] = {a,
                              DescribePcrRequest{31},
                              ExtendPcrRequest{16, {1, 2}},
                              LockPcrRequest{17},
                              LockPcrsRequest{32},
                              DescribeNsmRequest{},
                              GetRandomRequest{}};
  for (const Request& req : requests) {
    auto decoded = DecodeRequest(EncodeRequest(req));
    ASSERT_THAT(decoded, IsOk());
    EXPECT_EQ(decoded->index(), req.index());
    EXPECT_EQ(EncodeRequest(*decoded), EncodeRequest(req));
  }
}

TEST(WireRequestDecodeTest, AcceptsWhatOtherClientsSend) {
  // Text instead of bytes, reordered fields, unknown field, absent optionals, empty map.
  auto extend = DecodeRequest(
      H("a1 69 457874656e64504352 a3 64 64617461 63 616263 63 666f6f f6 65 696e646578 10"));
  ASSERT_THAT(extend, IsOk());
  EXPECT_EQ(std::get<ExtendPcrRequest>(*extend).data, (Bytes{'a', 'b', 'c'}));
  EXPECT_EQ(std::get<ExtendPcrRequest>(*extend).index, 16);

  auto empty = DecodeRequest(H("a1 6b 4174746573746174696f6e a0"));
  ASSERT_THAT(empty, IsOk());
  const auto& a = std::get<AttestationRequest>(*empty);
  EXPECT_FALSE(a.user_data || a.nonce || a.public_key);

  auto indefinite = DecodeRequest(H("bf 67 4c6f636b504352 bf 65 696e646578 10 ff ff"));
  ASSERT_THAT(indefinite, IsOk());
  EXPECT_EQ(std::get<LockPcrRequest>(*indefinite).index, 16);
}

TEST(WireRequestDecodeTest, AnswersInvalidOperationForGarbage) {
  const char* bad[] = {
      "",                                                             // empty
      "ff",                                                           // not CBOR
      "63 466f6f",                                                    // unknown unit request
      "a1 63 466f6f a0",                                              // unknown struct request
      "6b 4174746573746174696f6e",                                    // Attestation as a unit
      "a1 67 4c6f636b504352 a0",                                      // index missing
      "a1 67 4c6f636b504352 a1 65 696e646578 20",                     // index negative (-1)
      "a1 67 4c6f636b504352 a1 65 696e646578 1a00010000",             // index beyond u16
      "a1 69 457874656e64504352 a1 65 696e646578 10",                 // data missing
      "a1 69 457874656e64504352 a2 65 696e646578 10 64 64617461 01",  // data an int
      "a1 6b 4174746573746174696f6e a1 65 6e6f6e6365 01",             // nonce an int
      "a1 67 4c6f636b504352 f6",                                      // body not a map
  };
  for (const char* hex : bad) {
    SCOPED_TRACE(hex);
    auto r = DecodeRequest(H(hex));
    ASSERT_THAT(r, HasCode(ErrorCode::kProtocolError));
    EXPECT_EQ(r.error().nsm_error, NsmErrorCode::kInvalidOperation);
  }
}

TEST(WireRequestDecodeTest, AnswersInputTooLargeAboveTheLimit) {
  const Bytes wire = EncodeRequest(ExtendPcrRequest{16, Bytes(kNsmRequestMaxSize, 0)});
  auto r = DecodeRequest(wire);
  ASSERT_THAT(r, HasCode(ErrorCode::kProtocolError));
  EXPECT_EQ(r.error().nsm_error, NsmErrorCode::kInputTooLarge);
}

}  // namespace
}  // namespace nitro_attest::nsm
