// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The signature section: serde_cbor's exact bytes, the three curves, and every way a signature
// can fail to hold (reported) or fail to be one (refused).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nitro_attest/encoding.h"
#include "src/cbor/cbor.h"
#include "src/document/builder.h"
#include "src/eif/eif_test_util.h"
#include "src/eif/internal.h"
#include "testing/matchers.h"

namespace nitro_attest::eif {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using testing::Assemble;
using testing::RawImage;
using testing::TestSigner;
using testing::Text;
using testing::VectorImage;

Pcr48 VectorPcr0() { return ParseEif(Assemble(VectorImage()))->measurements.pcr0; }

// Signed returns the vector image with a signature section appended.
RawImage Signed(const Bytes& section) {
  RawImage raw = VectorImage();
  raw.sections.push_back({4, section});
  return raw;
}

Bytes Section(const EifSigner& signer, const Pcr48& pcr0) {
  auto loaded = LoadSigner(signer);
  EXPECT_THAT(loaded, IsOk());
  auto section = MakeSignatureSection(*loaded, pcr0);
  EXPECT_THAT(section, IsOk());
  return *section;
}

// SectionOf writes a signature section from parts, as serde_cbor would (or, with the keys
// reversed, as it would not).
Bytes SectionOf(std::span<const uint8_t> cert, std::span<const uint8_t> cose,
                bool reversed = false) {
  cbor::Writer w;
  w.ArrayHeader(1);
  w.MapHeader(2);
  const std::pair<const char*, std::span<const uint8_t>> entries[] = {
      {"signing_certificate", cert}, {"signature", cose}};
  for (size_t i = 0; i < 2; ++i) {
    const auto& [key, bytes] = entries[reversed ? 1 - i : i];
    w.Text(key);
    w.ArrayHeader(bytes.size());
    for (uint8_t b : bytes) {
      w.Uint(b);
    }
  }
  return w.Take();
}

TEST(EifSignatureTest, PcrInfoIsSerdeCborsEncoding) {
  Pcr48 pcr0{};
  for (size_t i = 0; i < pcr0.size(); ++i) {
    pcr0[i] = static_cast<uint8_t>(i);
  }
  // {"register_index": 0, "register_value": [0, 1, ..., 47]}: integers under 24 take one
  // byte, the others two (0x18 xx).
  std::string hex = "a26e72656769737465725f696e646578006e72656769737465725f76616c75659830";
  for (int i = 0; i < 48; ++i) {
    char b[5];
    std::snprintf(b, sizeof(b), i < 24 ? "%02x" : "18%02x", i);
    hex += b;
  }
  EXPECT_EQ(HexEncode(EncodePcrInfo(pcr0)), hex);
}

TEST(EifSignatureTest, EveryCurveSignsAndVerifies) {
  const Pcr48 pcr0 = VectorPcr0();
  for (const auto& [type, alg] : {std::pair{pki::KeyType::kP256, -7},
                                  std::pair{pki::KeyType::kP384, -35},
                                  std::pair{pki::KeyType::kP521, -36}}) {
    const EifSigner signer = TestSigner(type);
    const auto image = ParseEif(Assemble(Signed(Section(signer, pcr0))));
    ASSERT_THAT(image, IsOk());
    ASSERT_TRUE(image->signature.has_value());
    const EifSignature& s = *image->signature;
    EXPECT_EQ(s.cose_algorithm, alg);
    EXPECT_TRUE(s.signature_valid) << s.problem;
    EXPECT_TRUE(s.payload_matches_pcr0);
    EXPECT_TRUE(s.certificate_valid);
    EXPECT_TRUE(s.problem.empty()) << s.problem;
    EXPECT_EQ(s.certificate_pem, signer.certificate_pem);
    EXPECT_EQ(*image->measurements.pcr8, MeasureBytes(s.certificate_der));
    EXPECT_EQ(s.signature_algorithm, "ecdsa-with-SHA384");
    ASSERT_EQ(s.issuer_attributes.size(), 3u);
    EXPECT_EQ(s.issuer_attributes[0], (std::pair<std::string, std::string>{"countryName", "US"}));
    EXPECT_EQ(s.issuer_attributes[2].first, "commonName");
    EXPECT_THAT(s.not_before_text, ::testing::EndsWith(" GMT"));
    EXPECT_FALSE(s.certificate_signature.empty());
  }
}

TEST(EifSignatureTest, ASignatureOverAnotherPcr0IsValidButDoesNotMatch) {
  Pcr48 other = VectorPcr0();
  other[0] ^= 1;
  const auto image = ParseEif(Assemble(Signed(Section(TestSigner(), other))));
  ASSERT_THAT(image, IsOk());
  EXPECT_TRUE(image->signature->signature_valid);
  EXPECT_FALSE(image->signature->payload_matches_pcr0);
  EXPECT_FALSE(image->signature->SignatureCheck());
  EXPECT_FALSE(image->signature->problem.empty());
}

TEST(EifSignatureTest, ABrokenCoseSignatureIsReportedNotRefused) {
  const EifSigner signer = TestSigner();
  const Bytes good = Section(signer, VectorPcr0());
  const auto parsed = ParseSignatureSection(good);
  ASSERT_THAT(parsed, IsOk());
  Bytes cose = parsed->cose_sign1;
  cose.back() ^= 1;  // the signature's last byte
  auto image = ParseEif(Assemble(Signed(SectionOf(signer.certificate_pem, cose))));
  ASSERT_THAT(image, IsOk());
  EXPECT_FALSE(image->signature->signature_valid);
  EXPECT_FALSE(image->signature->SignatureCheck());
  ASSERT_TRUE(image->measurements.pcr8.has_value());  // PCR8 depends on the certificate only

  // Not COSE at all, another algorithm than the key's, a tag: still reported, still PCR8.
  const Bytes payload = EncodePcrInfo(VectorPcr0());
  for (const Bytes& bad : {Text("not cbor"), AssembleCoseSign1(Bytes{0xa1, 0x01, 0x26}, payload,
                                                               Bytes(64, 1))}) {
    image = ParseEif(Assemble(Signed(SectionOf(signer.certificate_pem, bad))));
    ASSERT_THAT(image, IsOk());
    EXPECT_FALSE(image->signature->signature_valid);
    EXPECT_FALSE(image->signature->problem.empty());
  }
  Bytes tagged = parsed->cose_sign1;
  tagged.insert(tagged.begin(), uint8_t{0xd2});
  image = ParseEif(Assemble(Signed(SectionOf(signer.certificate_pem, tagged))));
  ASSERT_THAT(image, IsOk());
  EXPECT_TRUE(image->signature->SignatureCheck());  // aws-nitro-enclaves-cose reads tag 18
}

TEST(EifSignatureTest, CertificateValidityIsJudgedAtTheCheckTime) {
  const Time start = NowTime() - std::chrono::hours(24 * 60);
  const EifSigner expired = TestSigner(pki::KeyType::kP384, start, 30);
  const Bytes image = Assemble(Signed(Section(expired, VectorPcr0())));
  const auto now = ParseEif(image);
  ASSERT_THAT(now, IsOk());
  EXPECT_TRUE(now->signature->SignatureCheck());
  EXPECT_FALSE(now->signature->certificate_valid);
  EXPECT_FALSE(now->signature->problem.empty());
  EifReadOptions at_start;
  at_start.now = start + std::chrono::hours(24);
  const auto then = ParseEif(image, at_start);
  ASSERT_THAT(then, IsOk());
  EXPECT_TRUE(then->signature->certificate_valid);
  EXPECT_TRUE(then->signature->problem.empty());
}

TEST(EifSignatureTest, RefusesSectionsThatAreNotSerdesShape) {
  const EifSigner signer = TestSigner();
  const Bytes good = Section(signer, VectorPcr0());
  const Bytes cose = ParseSignatureSection(good)->cose_sign1;
  const Bytes& pem = signer.certificate_pem;
  std::vector<std::pair<const char*, Bytes>> cases;
  cases.push_back({"not-cbor", Text("\xff\xff")});
  cases.push_back({"empty-array", Bytes{0x80}});
  {
    cbor::Writer w;  // two signatures
    w.ArrayHeader(2);
    const Bytes one = SectionOf(pem, cose);
    w.Raw(std::span<const uint8_t>(one).subspan(1));
    w.Raw(std::span<const uint8_t>(one).subspan(1));
    cases.push_back({"two-entries", w.Take()});
  }
  {
    cbor::Writer w;  // byte strings instead of serde's integer arrays
    w.ArrayHeader(1);
    w.MapHeader(2);
    w.Text("signing_certificate");
    w.Bytes(pem);
    w.Text("signature");
    w.Bytes(cose);
    cases.push_back({"byte-strings", w.Take()});
  }
  cases.push_back({"keys-reversed", SectionOf(pem, cose, /*reversed=*/true)});
  Bytes trailing = SectionOf(pem, cose);
  trailing.push_back(0);
  cases.push_back({"trailing-byte", trailing});
  const auto der = PemCertificateToDer(pem);
  cases.push_back({"der-certificate", SectionOf(*der, cose)});
  cases.push_back({"garbage-certificate", SectionOf(Text("-----BEGIN CERTIFICATE-----\nAAAA\n"), cose)});
  cases.push_back({"empty-certificate", SectionOf({}, cose)});
  {
    cbor::Writer w;  // an element of 256 in the certificate array
    w.ArrayHeader(1);
    w.MapHeader(2);
    w.Text("signing_certificate");
    w.ArrayHeader(1);
    w.Uint(256);
    w.Text("signature");
    w.ArrayHeader(0);
    cases.push_back({"element-over-255", w.Take()});
  }
  for (const auto& [name, section] : cases) {
    EXPECT_THAT(ParseEif(Assemble(Signed(section))), HasCode(ErrorCode::kMalformedImage)) << name;
  }
}

TEST(EifSignatureTest, SignersMustHoldTogether) {
  EXPECT_THAT(LoadSigner(TestSigner()), IsOk());
  EifSigner mixed = TestSigner();
  mixed.certificate_pem = TestSigner().certificate_pem;
  EXPECT_THAT(LoadSigner(mixed), HasCode(ErrorCode::kInvalidArgument));
  EifSigner der = TestSigner();
  der.certificate_pem = *PemCertificateToDer(der.certificate_pem);
  EXPECT_THAT(LoadSigner(der), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(LoadSigner(TestSigner(pki::KeyType::kRsa2048)),
              HasCode(ErrorCode::kUnsupportedAlgorithm));
}

}  // namespace
}  // namespace nitro_attest::eif
