// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/protocol/messages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nitro_attest/encoding.h"
#include "nitro_attest/protocol.h"
#include "src/cbor/cbor.h"
#include "testing/matchers.h"

namespace nitro_attest::protocol {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

Bytes Hex(const char* h) { return *HexDecode(h); }

TEST(MessagesTest, EncodesChallengeExactly) {
  // {"type": "challenge", "version": 2, "nonce": h'00 x16'}
  const Bytes got = EncodeMessage(ChallengeMsg{Bytes(16, 0), std::nullopt});
  EXPECT_EQ(HexEncode(got),
            "a36474797065696368616c6c656e67656776657273696f6e02656e6f6e636550"
            "00000000000000000000000000000000");
  // {"type": "abort", "code": 12}
  EXPECT_EQ(HexEncode(EncodeMessage(AbortMsg{ErrorCode::kPcrMismatch})),
            "a264747970656561626f727464636f64650c");
}

TEST(MessagesTest, EveryMessageRoundTrips) {
  const std::vector<Message> all = {
      ChallengeMsg{Bytes(16, 1), std::nullopt},
      ChallengeMsg{Bytes(512, 2), Bytes(512, 3)},
      ChallengeMsg{Bytes(32, 2), Bytes{}},
      AttestationMsg{Bytes(kMaxDocumentSize, 4)},
      SealedMsg{Bytes(120, 5), Bytes(kMaxSecretSize + kGcmTagSize, 6), std::nullopt},
      SealedMsg{Bytes(120, 5), Bytes(17, 6), Bytes(kParentSignatureSize, 8)},
      FinishMsg{},
      AckMsg{Bytes(kProofSize, 7)},
      AbortMsg{ErrorCode::kPcrMismatch},
      AbortMsg{static_cast<ErrorCode>(255)},  // a code from a newer peer
  };
  for (const Message& m : all) {
    const Bytes wire = EncodeMessage(m);
    const Result<Message> back = DecodeMessage(wire);
    ASSERT_THAT(back, IsOk()) << TypeName(m);
    EXPECT_EQ(back->index(), m.index());
    EXPECT_EQ(EncodeMessage(*back), wire) << TypeName(m);
  }
}

TEST(MessagesTest, ChallengeFieldsSurvive) {
  const Result<Message> m = DecodeMessage(EncodeMessage(ChallengeMsg{Bytes(20, 9), Bytes{1, 2}}));
  ASSERT_THAT(m, IsOk());
  const auto& c = std::get<ChallengeMsg>(*m);
  EXPECT_EQ(c.nonce, Bytes(20, 9));
  ASSERT_TRUE(c.user_data.has_value());
  EXPECT_EQ(*c.user_data, (Bytes{1, 2}));
}

// Map builds a CBOR map from already-encoded key/value pairs.
Bytes Map(std::initializer_list<std::pair<const char*, Bytes>> kv) {
  cbor::Writer w;
  w.MapHeader(kv.size());
  for (const auto& [k, v] : kv) {
    w.Text(k);
    w.Raw(v);
  }
  return w.Take();
}
Bytes Text(const char* s) {
  cbor::Writer w;
  w.Text(s);
  return w.Take();
}
Bytes Bstr(size_t n) {
  cbor::Writer w;
  w.Bytes(Bytes(n, 0xab));
  return w.Take();
}
Bytes Uint(uint64_t v) {
  cbor::Writer w;
  w.Uint(v);
  return w.Take();
}

TEST(MessagesTest, RejectsEverythingElse) {
  const std::vector<std::pair<const char*, Bytes>> bad = {
      {"empty", {}},
      {"not cbor", Hex("ff")},
      {"trailing byte",
       Bytes{0xa1, 0x64, 't', 'y', 'p', 'e', 0x66, 'f', 'i', 'n', 'i', 's', 'h', 0}},
      {"array", Hex("80")},
      {"indefinite map", Hex("bf647479706566"
                             "66696e697368"
                             "ff")},
      {"no type", Map({{"nonce", Bstr(16)}})},
      {"type not text", Map({{"type", Uint(1)}})},
      {"unknown type", Map({{"type", Text("hello")}})},
      {"unknown field", Map({{"type", Text("finish")}, {"extra", Uint(1)}})},
      {"truncated", Hex("a2647479706566")},
      {"nonce too short",
       Map({{"type", Text("challenge")}, {"version", Uint(kProtocolVersion)}, {"nonce", Bstr(15)}})},
      {"nonce too long",
       Map({{"type", Text("challenge")}, {"version", Uint(kProtocolVersion)}, {"nonce", Bstr(513)}})},
      {"nonce as text", Map({{"type", Text("challenge")},
                             {"version", Uint(kProtocolVersion)},
                             {"nonce", Text("0123456789abcdef")}})},
      {"no version", Map({{"type", Text("challenge")}, {"nonce", Bstr(16)}})},
      {"version 1", Map({{"type", Text("challenge")}, {"version", Uint(1)}, {"nonce", Bstr(16)}})},
      {"version 3", Map({{"type", Text("challenge")}, {"version", Uint(3)}, {"nonce", Bstr(16)}})},
      {"user_data too long", Map({{"type", Text("challenge")},
                                  {"version", Uint(kProtocolVersion)},
                                  {"nonce", Bstr(16)},
                                  {"user_data", Bstr(513)}})},
      {"empty document", Map({{"type", Text("attestation")}, {"document", Bstr(0)}})},
      {"document too big",
       Map({{"type", Text("attestation")}, {"document", Bstr(kMaxDocumentSize + 1)}})},
      {"sealed key too big",
       Map({{"type", Text("sealed")}, {"ephemeral_key", Bstr(257)}, {"ciphertext", Bstr(40)}})},
      {"sealed only a tag",
       Map({{"type", Text("sealed")}, {"ephemeral_key", Bstr(120)}, {"ciphertext", Bstr(16)}})},
      {"sealed too big", Map({{"type", Text("sealed")},
                              {"ephemeral_key", Bstr(120)},
                              {"ciphertext", Bstr(kMaxSecretSize + 17)}})},
      {"sealed no key", Map({{"type", Text("sealed")}, {"ciphertext", Bstr(40)}})},
      {"short proof", Map({{"type", Text("ack")}, {"proof", Bstr(47)}})},
      {"long proof", Map({{"type", Text("ack")}, {"proof", Bstr(49)}})},
      {"signature too short", Map({{"type", Text("sealed")},
                                   {"ephemeral_key", Bstr(120)},
                                   {"ciphertext", Bstr(40)},
                                   {"signature", Bstr(95)}})},
      {"signature too long", Map({{"type", Text("sealed")},
                                  {"ephemeral_key", Bstr(120)},
                                  {"ciphertext", Bstr(40)},
                                  {"signature", Bstr(97)}})},
      {"signature as text", Map({{"type", Text("sealed")},
                                 {"ephemeral_key", Bstr(120)},
                                 {"ciphertext", Bstr(40)},
                                 {"signature", Text("sig")}})},
      // Version 1's text reason: no text from the peer is taken any more.
      {"abort reason text", Map({{"type", Text("abort")}, {"reason", Text("pcr_mismatch")}})},
      {"abort code 0", Map({{"type", Text("abort")}, {"code", Uint(0)}})},
      {"abort code 256", Map({{"type", Text("abort")}, {"code", Uint(256)}})},
      {"abort code as text", Map({{"type", Text("abort")}, {"code", Text("12")}})},
      {"abort code and reason",
       Map({{"type", Text("abort")}, {"code", Uint(12)}, {"reason", Text("x")}})},
      {"nested map", Map({{"type", Text("finish")}, {"x", Map({{"y", Uint(1)}})}})},
  };
  for (const auto& [name, bytes] : bad) {
    EXPECT_THAT(DecodeMessage(bytes), HasCode(ErrorCode::kProtocolError)) << name;
  }
}

TEST(MessagesTest, IntegerKeysAreRejected) {
  cbor::Writer w;
  w.MapHeader(2);
  w.Text("type");
  w.Text("finish");
  w.Uint(1);
  w.Uint(1);
  EXPECT_THAT(DecodeMessage(w.bytes()), HasCode(ErrorCode::kProtocolError));
}

// No error text repeats what the peer sent: a hostile peer's text could carry terminal escapes
// into a log line or the parent's terminal (issue 13 item 12).
TEST(MessagesTest, ErrorDetailsNeverRepeatPeerText) {
  const char* kHostile = "\x1b]0;owned\x07\x1b[2J\r\nfake: VERIFIED";
  const std::vector<Bytes> bad = {
      Map({{"type", Text(kHostile)}}),
      Map({{"type", Text("abort")}, {"reason", Text(kHostile)}}),
      Map({{"type", Text("finish")}, {kHostile, Uint(1)}}),
      Map({{"type", Text("challenge")}, {"version", Text(kHostile)}, {"nonce", Bstr(16)}}),
  };
  for (const Bytes& bytes : bad) {
    const Result<Message> m = DecodeMessage(bytes);
    ASSERT_THAT(m, HasCode(ErrorCode::kProtocolError));
    EXPECT_EQ(m.error().detail.find("owned"), std::string::npos) << m.error().detail;
    for (const char c : m.error().detail) {
      EXPECT_GE(static_cast<unsigned char>(c), 0x20) << m.error().detail;
    }
  }
}

TEST(MessagesTest, AbortCodesAreNamedOrNumbered) {
  EXPECT_EQ(CodeText(ErrorCode::kPcrMismatch), "pcr_mismatch");
  EXPECT_EQ(CodeText(ErrorCode::kParentNotAuthenticated), "parent_not_authenticated");
  const Result<Message> m = DecodeMessage(Map({{"type", Text("abort")}, {"code", Uint(200)}}));
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(CodeText(std::get<AbortMsg>(*m).code), "code 200");
}

}  // namespace
}  // namespace nitro_attest::protocol
