// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/es384/es384.h"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/x509.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "nitro_attest/document.h"
#include "nitro_attest/encoding.h"
#include "src/ossl/ossl.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest::es384 {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

ossl::EvpPkeyPtr NewKey(const char* curve) { return ossl::EvpPkeyPtr(EVP_EC_gen(curve)); }

TEST(Es384Test, SignThenVerify) {
  auto key = NewKey("P-384");
  const std::vector<uint8_t> msg = {1, 2, 3};
  auto sig = SignRaw(key.get(), msg);
  ASSERT_THAT(sig, IsOk());
  EXPECT_THAT(VerifyRaw(key.get(), msg, *sig), IsOk());
  auto flipped = *sig;
  flipped[95] ^= 1;
  EXPECT_THAT(VerifyRaw(key.get(), msg, flipped), HasCode(ErrorCode::kBadSignature));
  EXPECT_THAT(VerifyRaw(key.get(), std::vector<uint8_t>{1, 2, 4}, *sig),
              HasCode(ErrorCode::kBadSignature));
}

TEST(Es384Test, AcceptsHighS) {
  auto key = NewKey("P-384");
  const std::vector<uint8_t> msg = {9};
  auto sig = SignRaw(key.get(), msg);
  ASSERT_THAT(sig, IsOk());
  // (r, n - s) is the other valid signature; real AWS documents use both forms.
  ossl::BignumPtr n(BN_new());
  ASSERT_TRUE(BN_hex2bn(reinterpret_cast<BIGNUM**>(&n),
                        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248"
                        "B0A77AECEC196ACCC52973"));
  ossl::BignumPtr s(BN_bin2bn(sig->data() + 48, 48, nullptr));
  ossl::BignumPtr other(BN_new());
  ASSERT_EQ(BN_sub(other.get(), n.get(), s.get()), 1);
  auto twin = *sig;
  ASSERT_EQ(BN_bn2binpad(other.get(), twin.data() + 48, 48), 48);
  EXPECT_THAT(VerifyRaw(key.get(), msg, twin), IsOk());
}

TEST(Es384Test, RejectsWrongSizesAndCurves) {
  auto key = NewKey("P-384");
  const std::vector<uint8_t> msg = {1};
  EXPECT_THAT(VerifyRaw(key.get(), msg, std::vector<uint8_t>(95, 1)),
              HasCode(ErrorCode::kBadSignature));
  EXPECT_THAT(VerifyRaw(key.get(), msg, std::vector<uint8_t>(97, 1)),
              HasCode(ErrorCode::kBadSignature));
  EXPECT_THAT(VerifyRaw(key.get(), msg, std::vector<uint8_t>(96, 0)),
              HasCode(ErrorCode::kBadSignature));
  auto p256 = NewKey("P-256");
  EXPECT_THAT(VerifyRaw(p256.get(), msg, std::vector<uint8_t>(96, 1)),
              HasCode(ErrorCode::kUnsupportedAlgorithm));
  EXPECT_THAT(SignRaw(p256.get(), msg), HasCode(ErrorCode::kUnsupportedAlgorithm));
}

Bytes PointOf(EVP_PKEY* key) {
  auto k = PublicKey::FromEvp(key);
  EXPECT_THAT(k, IsOk());
  return k ? Bytes(k->point().begin(), k->point().end()) : Bytes{};
}

TEST(PublicKeyTest, FromPointVerifiesLikeTheEvpKey) {
  auto key = NewKey("P-384");
  const Bytes point = PointOf(key.get());
  ASSERT_EQ(point.size(), kPointSize);
  EXPECT_EQ(point[0], 0x04);
  auto k = PublicKey::FromPoint(point);
  ASSERT_THAT(k, IsOk());
  const Bytes msg = {7, 7, 7};
  auto sig = SignRaw(key.get(), msg);
  ASSERT_THAT(sig, IsOk());
  EXPECT_THAT(VerifyRaw(*k, msg, *sig), IsOk());
  const PublicKey copy = *k;  // copies share the key
  EXPECT_THAT(VerifyRaw(copy, msg, *sig), IsOk());
  EXPECT_THAT(VerifyRaw(*k, Bytes{7, 7}, *sig), HasCode(ErrorCode::kBadSignature));
  auto der = RawToDer(*sig);
  ASSERT_THAT(der, IsOk());
  EXPECT_THAT(VerifyDer(*k, msg, *der), IsOk());
  // Another key's signature fails under this one.
  auto other = NewKey("P-384");
  auto other_sig = SignRaw(other.get(), msg);
  ASSERT_THAT(other_sig, IsOk());
  EXPECT_THAT(VerifyRaw(*k, msg, *other_sig), HasCode(ErrorCode::kBadSignature));
}

TEST(PublicKeyTest, FromPointRefusesAnythingButAnUncompressedPointOnTheCurve) {
  auto key = NewKey("P-384");
  const Bytes point = PointOf(key.get());
  ASSERT_EQ(point.size(), kPointSize);
  EXPECT_THAT(PublicKey::FromPoint(Bytes{}), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(PublicKey::FromPoint(Bytes(point.begin(), point.end() - 1)),
              HasCode(ErrorCode::kInvalidArgument));
  Bytes compressed(point.begin(), point.begin() + 49);
  compressed[0] = static_cast<uint8_t>(0x02 | (point.back() & 1));
  EXPECT_THAT(PublicKey::FromPoint(compressed), HasCode(ErrorCode::kInvalidArgument));
  Bytes off_curve = point;
  off_curve[96] ^= 0x01;  // y changed: (x, y') is not on P-384
  EXPECT_THAT(PublicKey::FromPoint(off_curve), HasCode(ErrorCode::kInvalidArgument));
  Bytes hybrid = point;
  hybrid[0] = 0x06;
  EXPECT_THAT(PublicKey::FromPoint(hybrid), HasCode(ErrorCode::kInvalidArgument));
  // x = p (the field prime) is out of range even before the curve equation.
  const Bytes p = HexDecode(
                      "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff"
                      "0000000000000000ffffffff")
                      .value();
  Bytes x_is_p = point;
  std::copy(p.begin(), p.end(), x_is_p.begin() + 1);
  EXPECT_THAT(PublicKey::FromPoint(x_is_p), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(PublicKey::FromPoint(Bytes(kPointSize, 0x00)), HasCode(ErrorCode::kInvalidArgument));
  auto p256 = NewKey("P-256");
  EXPECT_THAT(PublicKey::FromEvp(p256.get()), HasCode(ErrorCode::kUnsupportedAlgorithm));
}

// Runs one Wycheproof file; `raw` selects r||s (P1363) or DER signatures. Every test has a
// verdict of valid or invalid (acceptable would be allowed either way, and is counted).
void RunWycheproof(const char* file, bool raw, int expected_tests) {
  const auto shared = ::nitro_attest::testing::SharedDir();
  std::ifstream in(*shared / "vectors" / "wycheproof" / file);
  ASSERT_TRUE(in) << file;
  const auto j = nlohmann::json::parse(in);
  int ran = 0, acceptable = 0, skipped = 0;
  for (const auto& group : j.at("testGroups")) {
    const auto der_key = HexDecode(group.at("publicKeyDer").get<std::string>()).value();
    const unsigned char* p = der_key.data();
    ossl::EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der_key.size())));
    if (!key) {
      skipped += static_cast<int>(group.at("tests").size());
      continue;
    }
    for (const auto& t : group.at("tests")) {
      const auto msg = HexDecode(t.at("msg").get<std::string>()).value();
      const auto sig = HexDecode(t.at("sig").get<std::string>()).value();
      const std::string result = t.at("result").get<std::string>();
      const Status st = raw ? VerifyRaw(key.get(), msg, sig) : VerifyDer(key.get(), msg, sig);
      ++ran;
      if (result == "valid") {
        EXPECT_THAT(st, IsOk()) << file << " tcId " << t.at("tcId");
      } else if (result == "invalid") {
        EXPECT_FALSE(st.has_value()) << file << " tcId " << t.at("tcId");
      } else {
        ++acceptable;
      }
    }
  }
  EXPECT_EQ(ran, expected_tests);
  EXPECT_EQ(skipped, 0);
  EXPECT_EQ(acceptable, 0);  // these files carry no "acceptable" cases today
}

TEST(Es384Test, WycheproofP1363) {
  NA_REQUIRE_SHARED();
  RunWycheproof("ecdsa_secp384r1_sha384_p1363_test.json", true, 280);
}

TEST(Es384Test, WycheproofDer) {
  NA_REQUIRE_SHARED();
  RunWycheproof("ecdsa_secp384r1_sha384_test.json", false, 504);
}

}  // namespace
}  // namespace nitro_attest::es384
