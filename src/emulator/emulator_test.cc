// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/emulator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <regex>

#include "nitro_attest/document.h"
#include "nitro_attest/encoding.h"
#include "nitro_attest/verify.h"
#include "src/es384/es384.h"
#include "src/nsm/wire.h"
#include "src/ossl/ossl.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using Clock = std::chrono::system_clock;

Bytes H(std::string_view hex) { return HexDecode(hex).value(); }

Pcr48 P(std::string_view hex) {
  const Bytes b = H(hex);
  Pcr48 p{};
  std::copy(b.begin(), b.end(), p.begin());
  return p;
}

Bytes B(const Pcr48& p) { return Bytes(p.begin(), p.end()); }

// Values computed independently with Python's hashlib (SHA-384(0^48 || data)).
constexpr char kExtend010203FromZero[] =
    "cb178fcd3f328244c05c6248723fd068b3a1dda878e1ab8be911098f199958add55d0c27f04826d27b44d949a65069"
    "4e";
constexpr char kThenExtendAbc[] =
    "6cc6fd72393ef37b4af864e22f9997909439f9a9cec58b47c5f6b6ae0ac053aa6b51d7c7801fc15debc507c42f3a9b"
    "95";
// PCR4 of real document V2 (spec §2.8): SHA-384(0^48 || "i-0f73a4b4cb74cc9f2").
constexpr char kPcr4OfV2[] =
    "9ab5a1aba055ee41ee254b9b251a58259b29fa1096859762744e9ac73b5869b25e51223854d9f86adbb37fe69f3e5d"
    "1c";
constexpr char kRole[] = "arn:aws:iam::123456789012:role/emulator";
constexpr char kPcr3OfRole[] =
    "45e94a4d63a0ec8be53729538d9f538d94009d6df0233d31b6d8b227489b4ca60daac4cdd14c11c7e37a37d2907aeb"
    "a0";
constexpr char kDefaultPcr0[] =
    "6825aaf33817d195f7e9f748824319576a6d29a5e6be95d64d51bcbde6f2f83259d4b445970b753b107f06068a22d4"
    "58";

// A fixed, settable clock (2026-03-01T12:00:00.123Z).
struct FakeClock {
  Time now = Time(std::chrono::seconds(1772366400)) + std::chrono::milliseconds(123);
};

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NsmEmulatorOptions options;
    options.pcr0 = P(std::string(96, 'a'));
    options.pcr8 = P(std::string(96, '8'));
    options.role_arn = kRole;
    options.instance_id = "i-0f73a4b4cb74cc9f2";
    options.clock = [this] { return clock_.now; };
    auto emulator = NsmEmulator::Create(options);
    ASSERT_THAT(emulator, IsOk());
    emulator_ = std::move(*emulator);
    client_ = std::make_unique<NsmClient>(emulator_->NewHandle());
  }

  void ExpectNsmError(const Status& s, NsmErrorCode code) {
    ASSERT_THAT(s, HasCode(ErrorCode::kNsmError));
    EXPECT_EQ(s.error().nsm_error, code);
  }
  template <class T>
  void ExpectNsmError(const Result<T>& r, NsmErrorCode code) {
    ASSERT_THAT(r, HasCode(ErrorCode::kNsmError));
    EXPECT_EQ(r.error().nsm_error, code);
  }

  Result<AttestationDocument> Attest(const AttestationRequest& request = {}) {
    NA_ASSIGN_OR_RETURN(const Bytes doc, client_->Attestation(request));
    return ParseUnverified(doc);
  }

  FakeClock clock_;
  std::unique_ptr<NsmEmulator> emulator_;
  std::unique_ptr<NsmClient> client_;
};

TEST_F(EmulatorTest, DescribeNsmAtBoot) {
  auto d = client_->DescribeNsm();
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->version_major, 1);
  EXPECT_EQ(d->version_minor, 0);
  EXPECT_EQ(d->version_patch, 0);
  EXPECT_EQ(d->max_pcrs, 32);
  EXPECT_EQ(d->digest, "SHA384");
  std::set<uint16_t> boot;
  for (uint16_t i = 0; i < 16; ++i) {
    boot.insert(i);
  }
  EXPECT_EQ(d->locked_pcrs, boot);
  EXPECT_TRUE(std::regex_match(d->module_id, std::regex("i-0f73a4b4cb74cc9f2-enc[0-9a-f]{16}")))
      << d->module_id;
  EXPECT_EQ(d->module_id, emulator_->module_id());
}

TEST_F(EmulatorTest, BootPcrsComeFromTheMeasurements) {
  const std::pair<uint16_t, Bytes> expected[] = {
      {0, H(std::string(96, 'a'))},
      {1, B(EmulatorDefaultPcr(1))},
      {3, H(kPcr3OfRole)},
      {4, H(kPcr4OfV2)},
      {5, Bytes(48, 0)},
      {8, H(std::string(96, '8'))},
      {15, Bytes(48, 0)},
  };
  for (const auto& [index, value] : expected) {
    SCOPED_TRACE(index);
    auto pcr = client_->DescribePcr(index);
    ASSERT_THAT(pcr, IsOk());
    EXPECT_TRUE(pcr->locked);
    EXPECT_EQ(pcr->value, value);
  }
  for (uint16_t i = 16; i < 32; ++i) {
    auto pcr = client_->DescribePcr(i);
    ASSERT_THAT(pcr, IsOk());
    EXPECT_FALSE(pcr->locked);
    EXPECT_EQ(pcr->value, Bytes(48, 0));
  }
}

TEST(EmulatorDefaultsTest, DefaultsAreNonZeroMeasurementsAndNoRole) {
  EXPECT_EQ(B(EmulatorDefaultPcr(0)), H(kDefaultPcr0));
  auto emulator = NsmEmulator::Create();
  ASSERT_THAT(emulator, IsOk());
  NsmClient client((*emulator)->NewHandle());
  for (const uint16_t i : {uint16_t{0}, uint16_t{1}, uint16_t{2}}) {
    auto pcr = client.DescribePcr(i);
    ASSERT_THAT(pcr, IsOk());
    EXPECT_EQ(pcr->value, B(EmulatorDefaultPcr(i)));
  }
  auto pcr3 = client.DescribePcr(3);
  ASSERT_THAT(pcr3, IsOk());
  EXPECT_EQ(pcr3->value, Bytes(48, 0));
  auto pcr8 = client.DescribePcr(8);
  ASSERT_THAT(pcr8, IsOk());
  EXPECT_EQ(pcr8->value, Bytes(48, 0));
  EXPECT_TRUE(
      std::regex_match((*emulator)->module_id(), std::regex("i-[0-9a-f]{17}-enc[0-9a-f]{16}")));
}

TEST_F(EmulatorTest, ExtendIsSha384OfOldAndData) {
  auto first = client_->ExtendPcr(16, Bytes{1, 2, 3});
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, H(kExtend010203FromZero));
  auto second = client_->ExtendPcr(16, Bytes{'a', 'b', 'c'});
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(*second, H(kThenExtendAbc));
  auto read = client_->DescribePcr(16);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->value, H(kThenExtendAbc));
  EXPECT_FALSE(read->locked);
  // Other PCRs untouched.
  auto other = client_->DescribePcr(17);
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(other->value, Bytes(48, 0));
  // Empty data is accepted (QEMU hashes the old value alone).
  EXPECT_THAT(client_->ExtendPcr(18, Bytes{}), IsOk());
}

TEST_F(EmulatorTest, ExtendErrors) {
  ExpectNsmError(client_->ExtendPcr(0, Bytes{1}), NsmErrorCode::kReadOnlyIndex);
  ExpectNsmError(client_->ExtendPcr(15, Bytes{1}), NsmErrorCode::kReadOnlyIndex);
  ExpectNsmError(client_->ExtendPcr(32, Bytes{1}), NsmErrorCode::kInvalidIndex);
  ExpectNsmError(client_->ExtendPcr(65535, Bytes{1}), NsmErrorCode::kInvalidIndex);
}

TEST_F(EmulatorTest, DescribePcrOutOfRange) {
  ExpectNsmError(client_->DescribePcr(32), NsmErrorCode::kInvalidIndex);
  ExpectNsmError(client_->DescribePcr(300), NsmErrorCode::kInvalidIndex);
}

TEST_F(EmulatorTest, LockPcrRules) {
  ASSERT_THAT(client_->ExtendPcr(16, Bytes{1, 2, 3}), IsOk());
  ASSERT_THAT(client_->LockPcr(16), IsOk());
  auto pcr = client_->DescribePcr(16);
  ASSERT_THAT(pcr, IsOk());
  EXPECT_TRUE(pcr->locked);
  EXPECT_EQ(pcr->value, H(kExtend010203FromZero));
  ExpectNsmError(client_->ExtendPcr(16, Bytes{1}), NsmErrorCode::kReadOnlyIndex);
  ExpectNsmError(client_->LockPcr(16), NsmErrorCode::kReadOnlyIndex);  // already locked
  ExpectNsmError(client_->LockPcr(0), NsmErrorCode::kReadOnlyIndex);   // locked at boot
  ExpectNsmError(client_->LockPcr(32), NsmErrorCode::kInvalidIndex);
  auto d = client_->DescribeNsm();
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->locked_pcrs.size(), 17u);
  EXPECT_TRUE(d->locked_pcrs.count(16));
}

TEST_F(EmulatorTest, LockPcrsRules) {
  ASSERT_THAT(client_->LockPcrs(20), IsOk());  // 0-15 already locked: still fine
  for (uint16_t i = 0; i < 32; ++i) {
    auto pcr = client_->DescribePcr(i);
    ASSERT_THAT(pcr, IsOk());
    EXPECT_EQ(pcr->locked, i < 20) << i;
  }
  ASSERT_THAT(client_->LockPcrs(0), IsOk());
  ExpectNsmError(client_->LockPcrs(33), NsmErrorCode::kInvalidIndex);
  ASSERT_THAT(client_->LockPcrs(32), IsOk());  // max_pcrs succeeds (nsm-check.rs)
  auto d = client_->DescribeNsm();
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->locked_pcrs.size(), 32u);
  ExpectNsmError(client_->ExtendPcr(31, Bytes{1}), NsmErrorCode::kReadOnlyIndex);
}

TEST_F(EmulatorTest, GetRandomGives256FreshBytes) {
  auto a = client_->GetRandom();
  auto b = client_->GetRandom();
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->size(), 256u);
  EXPECT_NE(*a, *b);
}

TEST_F(EmulatorTest, MalformedRequestsGetTheNsmsErrors) {
  const auto answer = [&](const Bytes& request) {
    auto raw = emulator_->Call(request);
    EXPECT_THAT(raw, IsOk());
    auto response = nsm::DecodeResponse(*raw);
    EXPECT_THAT(response, IsOk());
    const auto* code = std::get_if<NsmErrorCode>(&*response);
    return code == nullptr ? NsmErrorCode::kSuccess : *code;
  };
  EXPECT_EQ(answer(Bytes{0xff}), NsmErrorCode::kInvalidOperation);
  EXPECT_EQ(answer(Bytes{}), NsmErrorCode::kInvalidOperation);
  EXPECT_EQ(answer(H("63466f6f")), NsmErrorCode::kInvalidOperation);  // "Foo"
  EXPECT_EQ(answer(nsm::EncodeRequest(nsm::ExtendPcrRequest{16, Bytes(4096, 1)})),
            NsmErrorCode::kInputTooLarge);
  // Text data is accepted like QEMU does.
  EXPECT_EQ(answer(H("a169457874656e64504352a265696e646578106464617461636162"
                     "63")),
            NsmErrorCode::kSuccess);
}

TEST_F(EmulatorTest, AttestationHasAwsShape) {
  AttestationRequest request;
  request.nonce = Bytes{1, 2, 3, 4};
  request.user_data = Bytes{};  // present but empty: stays present
  auto raw = client_->Attestation(request);
  ASSERT_THAT(raw, IsOk());
  ASSERT_FALSE(raw->empty());
  EXPECT_EQ((*raw)[0], 0x84);  // untagged COSE_Sign1, like every real document
  auto doc = ParseUnverified(*raw);
  ASSERT_THAT(doc, IsOk());
  EXPECT_FALSE(doc->tagged);
  EXPECT_TRUE(doc->indefinite_payload_map);
  EXPECT_EQ(doc->protected_header, H("a1013822"));
  EXPECT_EQ(doc->module_id, emulator_->module_id());
  EXPECT_EQ(doc->digest, "SHA384");
  EXPECT_EQ(doc->timestamp_ms, 1772366400123u);
  ASSERT_EQ(doc->pcrs.size(), 16u);  // locked ones only
  EXPECT_EQ(doc->pcrs.at(0), H(std::string(96, 'a')));
  EXPECT_EQ(doc->pcrs.at(4), H(kPcr4OfV2));
  EXPECT_EQ(doc->nonce, (Bytes{1, 2, 3, 4}));
  ASSERT_TRUE(doc->user_data.has_value());
  EXPECT_TRUE(doc->user_data->empty());
  EXPECT_FALSE(doc->public_key.has_value());
  ASSERT_EQ(doc->cabundle.size(), 4u);
  EXPECT_EQ(doc->cabundle[0], emulator_->RootDer());
  EXPECT_FALSE(doc->IsDebugMode());

  // The ES384 signature verifies under the leaf certificate's key.
  const uint8_t* p = doc->certificate.data();
  ossl::X509Ptr leaf(d2i_X509(nullptr, &p, static_cast<long>(doc->certificate.size())));
  ASSERT_NE(leaf, nullptr);
  EXPECT_THAT(
      es384::VerifyRaw(X509_get0_pubkey(leaf.get()),
                       BuildSigStructure(doc->protected_header, doc->payload), doc->signature),
      IsOk());
}

TEST_F(EmulatorTest, AttestationCarriesNewlyLockedPcrs) {
  ASSERT_THAT(client_->ExtendPcr(16, Bytes{1, 2, 3}), IsOk());
  ASSERT_THAT(client_->ExtendPcr(17, Bytes{1}), IsOk());
  ASSERT_THAT(client_->LockPcr(16), IsOk());
  auto doc = Attest();
  ASSERT_THAT(doc, IsOk());
  ASSERT_EQ(doc->pcrs.size(), 17u);
  EXPECT_EQ(doc->pcrs.at(16), H(kExtend010203FromZero));
  EXPECT_EQ(doc->pcrs.count(17), 0u);  // unlocked PCRs are not attested
}

TEST_F(EmulatorTest, AttestationRequestLimit) {
  AttestationRequest request;
  request.user_data = Bytes(4000, 1);
  request.public_key = Bytes(100, 2);
  EXPECT_THAT(client_->Attestation(request), HasCode(ErrorCode::kInvalidArgument));
  // Fields above AWS's 1024-byte CDDL bound are signed anyway, as the real NSM does.
  request.user_data = Bytes(2000, 1);
  auto raw = client_->Attestation(request);
  ASSERT_THAT(raw, IsOk());
  EXPECT_THAT(ParseUnverified(*raw), HasCode(ErrorCode::kMalformedDocument));
}

TEST_F(EmulatorTest, LeafRotatesBeforeItExpiresAndRootStays) {
  auto first = Attest();
  ASSERT_THAT(first, IsOk());
  clock_.now += std::chrono::minutes(30);
  auto same = Attest();
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->certificate, first->certificate);  // one leaf signs many documents
  clock_.now += std::chrono::hours(2);
  auto rotated = Attest();
  ASSERT_THAT(rotated, IsOk());
  EXPECT_NE(rotated->certificate, first->certificate);
  EXPECT_EQ(rotated->cabundle[0], emulator_->RootDer());
  clock_.now += std::chrono::hours(24 * 40);  // beyond every intermediate
  auto later = Attest();
  ASSERT_THAT(later, IsOk());
  EXPECT_EQ(later->cabundle[0], emulator_->RootDer());
  EXPECT_EQ(later->timestamp_ms, first->timestamp_ms + (2 * 3600 + 30 * 60 + 40 * 86400) * 1000ull);
}

TEST_F(EmulatorTest, DocumentsVerifyUnderTheEmulatorRootOnly) {
  AttestationRequest request;
  request.nonce = Bytes{9, 9};
  auto raw = client_->Attestation(request);
  ASSERT_THAT(raw, IsOk());
  const Bytes root = emulator_->RootDer();
  VerifyOptions options;
  options.roots = {root};
  options.now = clock_.now;
  options.nonce = Bytes{9, 9};
  options.pcrs[0] = H(std::string(96, 'a'));  // the configured measurement
  options.pcrs[3] = H(kPcr3OfRole);
  options.pcrs[4] = H(kPcr4OfV2);
  options.pcrs[8] = H(std::string(96, '8'));
  EXPECT_THAT(Verify(*raw, options), IsOk());

  VerifyOptions wrong_pcr = options;
  wrong_pcr.pcrs[1] = Bytes(48, 0);
  EXPECT_THAT(Verify(*raw, wrong_pcr), HasCode(ErrorCode::kPcrMismatch));

  // The pinned AWS root (the default) never accepts an emulator document.
  VerifyOptions aws;
  aws.now = clock_.now;
  aws.allow_any_image = true;
  EXPECT_THAT(Verify(*raw, aws), HasCode(ErrorCode::kUntrustedRoot));
  // Nor does another emulator's root.
  auto other = NsmEmulator::Create();
  ASSERT_THAT(other, IsOk());
  const Bytes other_root = (*other)->RootDer();
  VerifyOptions foreign = options;
  foreign.roots = {other_root};
  EXPECT_THAT(Verify(*raw, foreign), HasCode(ErrorCode::kUntrustedRoot));
}

TEST_F(EmulatorTest, RotatedDocumentsStillVerify) {
  const Bytes root = emulator_->RootDer();
  for (const auto step :
       {std::chrono::hours(0), std::chrono::hours(3), std::chrono::hours(24 * 40)}) {
    clock_.now += step;
    auto raw = client_->Attestation({});
    ASSERT_THAT(raw, IsOk());
    VerifyOptions options;
    options.roots = {root};
    options.now = clock_.now;
    options.allow_any_image = true;
    EXPECT_THAT(Verify(*raw, options), IsOk());
  }
}

TEST(EmulatorOptionsTest, DefinitePayloadMap) {
  NsmEmulatorOptions options;
  options.indefinite_payload_map = false;
  auto emulator = NsmEmulator::Create(options);
  ASSERT_THAT(emulator, IsOk());
  NsmClient client((*emulator)->NewHandle());
  auto raw = client.Attestation({});
  ASSERT_THAT(raw, IsOk());
  auto doc = ParseUnverified(*raw);
  ASSERT_THAT(doc, IsOk());
  EXPECT_FALSE(doc->indefinite_payload_map);
  EXPECT_EQ(doc->payload[0], 0xa9);
  EXPECT_FALSE(doc->nonce || doc->user_data || doc->public_key);
  const Bytes root = (*emulator)->RootDer();
  VerifyOptions verify;
  verify.roots = {root};
  verify.allow_any_image = true;
  EXPECT_THAT(Verify(*raw, verify), IsOk());
}

TEST(EmulatorOptionsTest, SeedMakesIdsAndKeysReproducible) {
  const auto seeded = [](const char* seed) {
    NsmEmulatorOptions options;
    options.seed.emplace(seed);
    return NsmEmulator::Create(options);
  };
  auto a = seeded("test seed");
  auto b = seeded("test seed");
  auto c = seeded("other seed");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ((*a)->module_id(), (*b)->module_id());
  EXPECT_NE((*a)->module_id(), (*c)->module_id());
  const auto root_key = [](const Bytes& der) {
    const uint8_t* p = der.data();
    ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    EXPECT_NE(x, nullptr);
    return x == nullptr || X509_get0_pubkey(x.get()) == nullptr ? Bytes{} : [&] {
      unsigned char* buf = nullptr;
      const int n = i2d_PUBKEY(X509_get0_pubkey(x.get()), &buf);
      Bytes out(buf, buf + (n > 0 ? n : 0));
      OPENSSL_free(buf);
      return out;
    }();
  };
  EXPECT_EQ(root_key((*a)->RootDer()), root_key((*b)->RootDer()));
  EXPECT_NE(root_key((*a)->RootDer()), root_key((*c)->RootDer()));
}

TEST(EmulatorOptionsTest, RejectsOverlongIds) {
  NsmEmulatorOptions options;
  options.module_id = std::string(100, 'x');
  EXPECT_THAT(NsmEmulator::Create(options), HasCode(ErrorCode::kInvalidArgument));
}

TEST(EmulatorOptionsTest, RootPemIsThePemOfRootDer) {
  auto emulator = NsmEmulator::Create();
  ASSERT_THAT(emulator, IsOk());
  const std::string pem = (*emulator)->RootPem();
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_NE(x, nullptr);
  unsigned char* buf = nullptr;
  const int n = i2d_X509(x.get(), &buf);
  ASSERT_GT(n, 0);
  EXPECT_EQ(Bytes(buf, buf + n), (*emulator)->RootDer());
  OPENSSL_free(buf);
}

TEST(EmulatorOptionsTest, HandlesShareOneState) {
  auto emulator = NsmEmulator::Create();
  ASSERT_THAT(emulator, IsOk());
  NsmClient a((*emulator)->NewHandle());
  NsmClient b((*emulator)->NewHandle());
  ASSERT_THAT(a.LockPcr(20), IsOk());
  auto pcr = b.DescribePcr(20);
  ASSERT_THAT(pcr, IsOk());
  EXPECT_TRUE(pcr->locked);
}

}  // namespace
}  // namespace nitro_attest
