// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/verify.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <algorithm>

#include "nitro_attest/encoding.h"
#include "src/document/builder.h"
#include "src/pki/pki.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using TimePoint = Time;

TimePoint FromMs(uint64_t ms) { return TimePoint(milliseconds(static_cast<int64_t>(ms))); }

TEST(AwsRootTest, EmbeddedRootMatchesPublishedFingerprintAndSharedPem) {
  const auto der = AwsNitroRootG1Der();
  ASSERT_EQ(der.size(), 533u);
  uint8_t digest[32];
  SHA256(der.data(), der.size(), digest);
  EXPECT_EQ(HexEncode(digest), "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b");
  NA_REQUIRE_SHARED();
  const auto pem = ::nitro_attest::testing::ReadFileBytes(
      *::nitro_attest::testing::SharedDir() / "vectors" / "aws-nitro-root-g1.pem");
  auto from_pem = PemCertificateToDer(pem);
  ASSERT_THAT(from_pem, IsOk());
  EXPECT_TRUE(std::equal(der.begin(), der.end(), from_pem->begin(), from_pem->end()));
}

TEST(RealDocumentsTest, EveryRealDocumentVerifiesInsideItsWindow) {
  NA_REQUIRE_SHARED();
  const auto docs = ::nitro_attest::testing::RealDocuments();
  ASSERT_EQ(docs.size(), 44u);
  int debug = 0;
  for (const auto& fact : docs) {
    const Bytes bytes = ::nitro_attest::testing::ReadFileBytes(fact.path);
    VerifyOptions o;
    o.now = ::nitro_attest::testing::InsideWindow(fact);
    o.allow_debug = fact.debug;
    o.allow_any_image = true;
    auto v = Verify(bytes, o);
    ASSERT_THAT(v, IsOk()) << fact.name;
    EXPECT_EQ(v->document().module_id, fact.module_id);
    EXPECT_EQ(v->leaf_subject(), fact.leaf_subject) << fact.name;
    if (fact.debug) {
      ++debug;
      o.allow_debug = false;
      EXPECT_THAT(Verify(bytes, o), HasCode(ErrorCode::kDebugMode)) << fact.name;
    }
    // Its own PCRs as policy pass; a changed one does not.
    VerifyOptions strict = o;
    strict.allow_debug = fact.debug;
    strict.allow_any_image = false;
    strict.pcrs = v->document().pcrs;
    EXPECT_THAT(Verify(bytes, strict), IsOk()) << fact.name;
    strict.pcrs[4][0] ^= 1;
    EXPECT_THAT(Verify(bytes, strict), HasCode(ErrorCode::kPcrMismatch)) << fact.name;
  }
  EXPECT_GT(debug, 0);
}

TEST(RealDocumentsTest, OutsideTheWindowTheChainHasExpiredOrIsNotYetValid) {
  NA_REQUIRE_SHARED();
  for (const auto& fact : ::nitro_attest::testing::RealDocuments()) {
    const Bytes bytes = ::nitro_attest::testing::ReadFileBytes(fact.path);
    VerifyOptions o;
    o.allow_debug = true;
    o.allow_any_image = true;
    o.now = fact.valid_to + seconds(2);
    EXPECT_THAT(Verify(bytes, o), HasCode(ErrorCode::kCertificateExpired)) << fact.name;
    o.now = fact.valid_from - seconds(2);
    EXPECT_THAT(Verify(bytes, o), HasCode(ErrorCode::kCertificateNotYetValid)) << fact.name;
    o.now.reset();  // the real clock: every leaf has long expired
    EXPECT_THAT(Verify(bytes, o), HasCode(ErrorCode::kCertificateExpired)) << fact.name;
  }
}

TEST(RealDocumentsTest, NegativeVectorsAreRejected) {
  NA_REQUIRE_SHARED();
  const auto dir = *::nitro_attest::testing::SharedDir() / "vectors" / "negative";
  const std::pair<const char*, ErrorCode> cases[] = {
      {"blocky_nitrite_selfsigned.cbor", ErrorCode::kMalformedCose},
      {"veracruz_go_bad_sig.cbor", ErrorCode::kBadSignature},
      {"marlin_custom.cbor", ErrorCode::kUntrustedRoot},
  };
  for (const auto& [name, code] : cases) {
    const Bytes bytes = ::nitro_attest::testing::ReadFileBytes(dir / name);
    VerifyOptions o;
    o.allow_debug = true;
    o.allow_any_image = true;
    // Pin the clock to the document's own timestamp, so only the defect can reject it.
    if (auto doc = ParseUnverified(bytes)) {
      o.now = FromMs(doc->timestamp_ms);
    }
    EXPECT_THAT(Verify(bytes, o), HasCode(code)) << name;
  }
}

TEST(RealDocumentsTest, EveryByteFlipIsRejected) {
  NA_REQUIRE_SHARED();
  const auto fact = ::nitro_attest::testing::RealDocuments().front();
  const Bytes bytes = ::nitro_attest::testing::ReadFileBytes(fact.path);
  VerifyOptions o;
  o.now = ::nitro_attest::testing::InsideWindow(fact);
  o.allow_debug = true;
  o.allow_any_image = true;
  ASSERT_THAT(Verify(bytes, o), IsOk());
  // Flipping any one bit must be caught by some check; stride keeps the test quick.
  for (size_t i = 0; i < bytes.size(); i += 7) {
    Bytes copy = bytes;
    copy[i] ^= 0x01;
    EXPECT_FALSE(Verify(copy, o).has_value()) << "flip at byte " << i;
  }
}

// A document generated under an emulator-style chain, for rule-by-rule tests.
class GeneratedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki::PkiOptions pki_options;
    pki_options.now = t0_;
    auto pki = pki::GeneratePki(pki_options);
    ASSERT_THAT(pki, IsOk());
    pki_ = std::move(*pki);
    fields_.module_id = pki_.options.module_id;
    fields_.digest = "SHA384";
    fields_.timestamp_ms = static_cast<uint64_t>(
        std::chrono::duration_cast<milliseconds>((t0_ + minutes(1)).time_since_epoch()).count());
    for (uint32_t i = 0; i < 16; ++i) {
      fields_.pcrs[i] = Bytes(48, static_cast<uint8_t>(i + 1));
    }
    fields_.certificate = pki_.leaf_der;
    fields_.cabundle = pki_.cabundle();
    fields_.nonce = Bytes(32, 0x4e);
    fields_.user_data = Bytes{'h', 'i'};
    fields_.public_key = Bytes(120, 0x04);
    options_.roots = {pki_.root_der};
    options_.now = t0_ + minutes(2);
    options_.allow_any_image = true;  // rule-by-rule tests pin no image unless they say so
  }

  Bytes Sign(const AttestationDocument& fields, bool indefinite = true, bool tagged = false) {
    auto doc = SignDocument(EncodePayload(fields, indefinite), pki_.leaf_key.get(), tagged);
    EXPECT_THAT(doc, IsOk());
    return doc ? *doc : Bytes{};
  }

  const TimePoint t0_ = TimePoint(seconds(1'800'000'000));
  pki::Pki pki_;
  AttestationDocument fields_;
  VerifyOptions options_;
};

TEST_F(GeneratedTest, VerifiesWithItsRootAndRecordsChecks) {
  for (const bool indefinite : {true, false}) {
    for (const bool tagged : {false, true}) {
      const Bytes doc = Sign(fields_, indefinite, tagged);
      VerifyTrace trace;
      auto v = Verify(doc, options_, &trace);
      ASSERT_THAT(v, IsOk());
      EXPECT_EQ(v->document().nonce, fields_.nonce);
      EXPECT_EQ(v->verified_at(), *options_.now);
      EXPECT_EQ(trace.passed, (std::vector<std::string>{"cose", "payload", "chain", "signature",
                                                        "debug", "timestamp"}));
      EXPECT_EQ(v->checks(), trace.passed);
    }
  }
}

TEST_F(GeneratedTest, TheAwsRootIsTheDefaultAndAnEmulatorRootIsNotTrusted) {
  const Bytes doc = Sign(fields_);
  VerifyOptions o = options_;
  o.roots = {Bytes(AwsNitroRootG1Der().begin(), AwsNitroRootG1Der().end())};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kUntrustedRoot));
  VerifyOptions defaults;
  defaults.now = options_.now;
  defaults.allow_any_image = true;
  EXPECT_EQ(defaults.roots, o.roots);
  EXPECT_THAT(Verify(doc, defaults), HasCode(ErrorCode::kUntrustedRoot));
}

TEST_F(GeneratedTest, SignatureRules) {
  const Bytes doc = Sign(fields_);
  auto parsed = ParseUnverified(doc);
  ASSERT_THAT(parsed, IsOk());
  // Tampered payload, signature untouched.
  AttestationDocument changed = fields_;
  changed.nonce = Bytes(32, 0x4f);
  const Bytes forged = AssembleCoseSign1(parsed->protected_header,
                                         EncodePayload(changed, true), parsed->signature);
  EXPECT_THAT(Verify(forged, options_), HasCode(ErrorCode::kBadSignature));
  // Signed by a key other than the leaf's.
  ossl::EvpPkeyPtr other(EVP_EC_gen("P-384"));
  auto by_other = SignDocument(EncodePayload(fields_, true), other.get());
  ASSERT_THAT(by_other, IsOk());
  EXPECT_THAT(Verify(*by_other, options_), HasCode(ErrorCode::kBadSignature));
  // All-zero and all-ones signatures.
  EXPECT_THAT(Verify(AssembleCoseSign1(parsed->protected_header, parsed->payload, Bytes(96, 0)),
                     options_),
              HasCode(ErrorCode::kBadSignature));
  EXPECT_THAT(Verify(AssembleCoseSign1(parsed->protected_header, parsed->payload,
                                       Bytes(96, 0xff)),
                     options_),
              HasCode(ErrorCode::kBadSignature));
}

TEST_F(GeneratedTest, HighSAndLeadingZeroSignaturesVerify) {
  // Sign until s is high (> n/2) once and r or s has a leading zero byte once; both must pass.
  // A leading zero byte comes with probability 2/256 per signature, so 4000 tries miss it with
  // probability below 1e-13.
  const Bytes payload = EncodePayload(fields_, true);
  bool high_s = false;
  bool leading_zero = false;
  for (int i = 0; i < 4000 && !(high_s && leading_zero); ++i) {
    auto doc = SignDocument(payload, pki_.leaf_key.get());
    ASSERT_THAT(doc, IsOk());
    auto parsed = ParseUnverified(*doc);
    ASSERT_THAT(parsed, IsOk());
    const bool is_high = parsed->signature[48] >= 0x80;
    const bool is_zero = parsed->signature[0] == 0 || parsed->signature[48] == 0;
    if ((is_high && !high_s) || (is_zero && !leading_zero)) {
      EXPECT_THAT(Verify(*doc, options_), IsOk());
      high_s = high_s || is_high;
      leading_zero = leading_zero || is_zero;
    }
  }
  EXPECT_TRUE(high_s);
  EXPECT_TRUE(leading_zero);
}

TEST_F(GeneratedTest, ChainTimeRules) {
  const Bytes doc = Sign(fields_);
  VerifyOptions o = options_;
  o.now = t0_ + hours(4);  // the 3 h leaf has expired
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kCertificateExpired));
  o.now = t0_ - minutes(1);
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kCertificateNotYetValid));
}

TEST_F(GeneratedTest, PcrPolicy) {
  const Bytes doc = Sign(fields_);
  VerifyOptions o = options_;
  o.allow_any_image = false;
  o.pcrs = {{0, fields_.pcrs[0]}, {3, fields_.pcrs[3]}, {4, fields_.pcrs[4]},
            {8, fields_.pcrs[8]}};
  EXPECT_THAT(Verify(doc, o), IsOk());
  o.pcrs[8] = Bytes(48, 0xee);
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kPcrMismatch));
  o.pcrs.erase(8);
  o.pcrs[16] = Bytes(48, 0);  // not in the document: a mismatch, even when zero expected
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kPcrMismatch));
  // A document with PCR16 locked (an app PCR) passes a PCR16 policy.
  AttestationDocument with16 = fields_;
  with16.pcrs[16] = Bytes(48, 0x16);
  o.pcrs = {{16, Bytes(48, 0x16)}, {31, Bytes(48, 0x31)}};
  with16.pcrs[31] = Bytes(48, 0x31);
  EXPECT_THAT(Verify(Sign(with16), o), IsOk());
  // Bad expectations are the caller's error.
  o.pcrs = {{32, Bytes(48, 0)}};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
  o.pcrs = {{0, Bytes(32, 0)}};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
}

TEST_F(GeneratedTest, NonceUserDataAndPublicKeyPolicy) {
  const Bytes doc = Sign(fields_);
  VerifyOptions o = options_;
  o.nonce = *fields_.nonce;
  o.user_data = *fields_.user_data;
  o.public_key = *fields_.public_key;
  EXPECT_THAT(Verify(doc, o), IsOk());
  VerifyOptions n = o;
  n.nonce = Bytes(32, 0x4f);
  EXPECT_THAT(Verify(doc, n), HasCode(ErrorCode::kNonceMismatch));
  n.nonce = Bytes(31, 0x4e);  // a prefix is not a match
  EXPECT_THAT(Verify(doc, n), HasCode(ErrorCode::kNonceMismatch));
  VerifyOptions u = o;
  u.user_data = Bytes{'h', 'o'};
  EXPECT_THAT(Verify(doc, u), HasCode(ErrorCode::kUserDataMismatch));
  VerifyOptions p = o;
  p.public_key = Bytes(120, 0x05);
  EXPECT_THAT(Verify(doc, p), HasCode(ErrorCode::kPublicKeyMismatch));
  // Expected but absent (null) in the document.
  AttestationDocument bare = fields_;
  bare.nonce.reset();
  bare.user_data.reset();
  bare.public_key.reset();
  const Bytes bare_doc = Sign(bare);
  EXPECT_THAT(Verify(bare_doc, options_), IsOk());
  EXPECT_THAT(Verify(bare_doc, n), HasCode(ErrorCode::kNonceMismatch));
  VerifyOptions only_user = options_;
  only_user.user_data = Bytes{};
  EXPECT_THAT(Verify(bare_doc, only_user), HasCode(ErrorCode::kUserDataMismatch));
  VerifyOptions only_key = options_;
  only_key.public_key = *fields_.public_key;
  EXPECT_THAT(Verify(bare_doc, only_key), HasCode(ErrorCode::kPublicKeyMismatch));
}

TEST_F(GeneratedTest, FreshnessPolicy) {
  const Bytes doc = Sign(fields_);  // timestamp t0 + 1 min
  VerifyOptions o = options_;
  o.max_age = minutes(5);
  o.now = t0_ + minutes(3);
  EXPECT_THAT(Verify(doc, o), IsOk());
  o.now = t0_ + minutes(7);
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kDocumentTooOld));
  // A future timestamp is never "fresh enough" past the skew bound (marlin's bug #4).
  AttestationDocument future = fields_;
  future.timestamp_ms += 60 * 60 * 1000;
  const Bytes future_doc = Sign(future);
  o.now = t0_ + minutes(3);
  EXPECT_THAT(Verify(future_doc, o), HasCode(ErrorCode::kDocumentFromFuture));
  o.max_age.reset();
  EXPECT_THAT(Verify(future_doc, o), HasCode(ErrorCode::kDocumentFromFuture));
  o.max_future_skew = hours(2);
  EXPECT_THAT(Verify(future_doc, o), IsOk());
  // The largest timestamp a document can carry does not wrap around.
  AttestationDocument far = fields_;
  far.timestamp_ms = UINT64_MAX;
  EXPECT_THAT(Verify(Sign(far), options_), HasCode(ErrorCode::kDocumentFromFuture));
}

TEST_F(GeneratedTest, DebugModeIsRejectedUnlessAllowed) {
  AttestationDocument debug = fields_;
  for (uint32_t i : {0u, 1u, 2u}) {
    debug.pcrs[i] = Bytes(48, 0);
  }
  const Bytes doc = Sign(debug);
  EXPECT_THAT(Verify(doc, options_), HasCode(ErrorCode::kDebugMode));
  VerifyOptions o = options_;
  o.allow_debug = true;
  EXPECT_THAT(Verify(doc, o), IsOk());
  // A real NSM zeroes all three together: any one of them zero, or absent, is not a genuine
  // non-debug document and counts as debug mode.
  for (uint32_t i : {0u, 1u, 2u}) {
    AttestationDocument one = fields_;
    one.pcrs[i] = Bytes(48, 0);
    EXPECT_TRUE(one.IsDebugMode()) << i;
    EXPECT_THAT(Verify(Sign(one), options_), HasCode(ErrorCode::kDebugMode)) << i;
    EXPECT_THAT(Verify(Sign(one), o), IsOk()) << i;
    AttestationDocument missing = fields_;
    missing.pcrs.erase(i);
    EXPECT_TRUE(missing.IsDebugMode()) << i;
    EXPECT_THAT(Verify(Sign(missing), options_), HasCode(ErrorCode::kDebugMode)) << i;
  }
  // PCR3 or PCR4 zero is not debug mode.
  AttestationDocument other = fields_;
  other.pcrs[3] = Bytes(48, 0);
  other.pcrs[4] = Bytes(48, 0);
  EXPECT_FALSE(other.IsDebugMode());
  EXPECT_THAT(Verify(Sign(other), options_), IsOk());
}

TEST_F(GeneratedTest, NoPcrPolicyIsRefusedUnlessAnyImageIsExplicit) {
  const Bytes doc = Sign(fields_);
  VerifyOptions o = options_;
  o.allow_any_image = false;
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
  VerifyOptions defaults;  // the defaults pin no image, so they refuse before reading a byte
  EXPECT_THAT(Verify(doc, defaults), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(Verifier().Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
  // The explicit opt-out verifies and says so; a PCR policy verifies and says it was used.
  auto any = Verify(doc, options_);
  ASSERT_THAT(any, IsOk());
  EXPECT_TRUE(any->any_image());
  EXPECT_EQ(any->pcr_set_index(), std::nullopt);
  EXPECT_EQ(std::count(any->checks().begin(), any->checks().end(), "pcrs"), 0);
  o.pcrs[16] = Bytes(48, 0);  // any index counts as a policy (here one the document lacks)
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kPcrMismatch));
  o.pcrs = {{0, fields_.pcrs[0]}};
  auto pinned = Verify(doc, o);
  ASSERT_THAT(pinned, IsOk());
  EXPECT_FALSE(pinned->any_image());
  EXPECT_EQ(std::count(pinned->checks().begin(), pinned->checks().end(), "pcrs"), 1);
  // Both at once is a contradiction, not a policy.
  o.allow_any_image = true;
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
}

TEST_F(GeneratedTest, PcrSetsAcceptAnyOneWholeSet) {
  const Bytes doc = Sign(fields_);
  VerifyOptions o = options_;
  o.allow_any_image = false;
  const PcrSet blue{"blue", {{0, Bytes(48, 0xb0)}, {1, fields_.pcrs[1]}}};
  const PcrSet green{"green", {{0, fields_.pcrs[0]}, {1, fields_.pcrs[1]}, {2, fields_.pcrs[2]}}};
  const PcrSet half{"half", {{0, fields_.pcrs[0]}, {1, Bytes(48, 0xb1)}}};
  o.pcr_sets = {blue, green};
  auto v = Verify(doc, o);
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(v->pcr_set_index(), 1u);
  EXPECT_EQ(v->pcr_set_name(), "green");
  EXPECT_FALSE(v->any_image());
  o.pcr_sets = {green, green};
  EXPECT_EQ(Verify(doc, o)->pcr_set_index(), 0u);  // the first that matches
  // A set matches only whole: one matching PCR of two is not enough.
  o.pcr_sets = {blue, half};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kPcrMismatch));
  // A PCR the document lacks fails its set.
  o.pcr_sets = {PcrSet{"app", {{0, fields_.pcrs[0]}, {20, Bytes(48, 0)}}}};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kPcrMismatch));
  // pcrs and pcr_sets both apply.
  o.pcr_sets = {green};
  o.pcrs = {{8, fields_.pcrs[8]}};
  EXPECT_THAT(Verify(doc, o), IsOk());
  o.pcrs = {{8, Bytes(48, 0xee)}};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kPcrMismatch));
  o.pcrs.clear();
  o.pcr_sets = {blue};
  o.pcrs = {{0, fields_.pcrs[0]}};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kPcrMismatch));
  // An empty set would match every document: refused. So are bad entries, and any-image.
  o.pcrs.clear();
  o.pcr_sets = {green, PcrSet{"empty", {}}};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
  o.pcr_sets = {PcrSet{"bad", {{32, Bytes(48, 0)}}}};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
  o.pcr_sets = {PcrSet{"bad", {{0, Bytes(47, 0)}}}};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
  o.pcr_sets = {green};
  o.allow_any_image = true;
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
}

TEST_F(GeneratedTest, FieldsCanBeRequiredAbsent) {
  AttestationDocument bare = fields_;
  bare.nonce.reset();
  bare.user_data.reset();
  bare.public_key.reset();
  AttestationDocument empty = fields_;  // empty byte strings: present, not absent
  empty.nonce = Bytes{};
  empty.user_data = Bytes{};
  empty.public_key = Bytes{};
  const Bytes full_doc = Sign(fields_), bare_doc = Sign(bare), empty_doc = Sign(empty);
  const std::pair<ExpectedBytes VerifyOptions::*, ErrorCode> fields[] = {
      {&VerifyOptions::nonce, ErrorCode::kNonceMismatch},
      {&VerifyOptions::user_data, ErrorCode::kUserDataMismatch},
      {&VerifyOptions::public_key, ErrorCode::kPublicKeyMismatch}};
  for (const auto& [field, code] : fields) {
    VerifyOptions o = options_;
    o.*field = ExpectedBytes::Absent();
    EXPECT_EQ((o.*field).kind(), ExpectedBytes::Kind::kAbsent);
    EXPECT_THAT(Verify(bare_doc, o), IsOk());
    EXPECT_THAT(Verify(full_doc, o), HasCode(code));
    EXPECT_THAT(Verify(empty_doc, o), HasCode(code));
    // An empty expected value demands the empty byte string, which null does not satisfy.
    o.*field = Bytes{};
    EXPECT_THAT(Verify(empty_doc, o), IsOk());
    EXPECT_THAT(Verify(bare_doc, o), HasCode(code));
    (o.*field).reset();
    EXPECT_FALSE((o.*field).checked());
    EXPECT_THAT(Verify(full_doc, o), IsOk());
  }
}

TEST_F(GeneratedTest, SeveralRootsAreTrusted) {
  const Bytes doc = Sign(fields_);
  pki::PkiOptions other_options;
  other_options.now = t0_;
  auto other = pki::GeneratePki(other_options);
  ASSERT_THAT(other, IsOk());
  VerifyOptions o = options_;
  o.roots = VerifyOptions().roots;  // AWS first
  o.roots.push_back(other->root_der);
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kUntrustedRoot));
  o.roots.push_back(pki_.root_der);
  EXPECT_THAT(Verify(doc, o), IsOk());
  std::reverse(o.roots.begin(), o.roots.end());
  EXPECT_THAT(Verify(doc, o), IsOk());
  o.roots.clear();
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
  o.roots = {pki_.root_der, Bytes{}};
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kUntrustedRoot));
}

TEST_F(GeneratedTest, TheChainCacheHonoursTheRootsOfEachCall) {
  const Bytes doc = Sign(fields_);
  const Verifier verifier;
  VerifyOptions both = options_;
  both.roots = {VerifyOptions().roots.front(), pki_.root_der};
  ASSERT_THAT(verifier.Verify(doc, both), IsOk());
  ASSERT_THAT(verifier.Verify(doc, both), IsOk());
  EXPECT_EQ(verifier.stats().hits, 1u);
  // The chain is cached, but a call whose roots lack its root must not pass through the cache.
  VerifyOptions aws_only = options_;
  aws_only.roots = VerifyOptions().roots;
  EXPECT_THAT(verifier.Verify(doc, aws_only), HasCode(ErrorCode::kUntrustedRoot));
  EXPECT_EQ(verifier.stats().hits, 1u);
  VerifyOptions own = options_;
  EXPECT_THAT(verifier.Verify(doc, own), IsOk());
  EXPECT_EQ(verifier.stats().hits, 2u);
}

TEST_F(GeneratedTest, VerificationTimeIsBoundedAndNeverWraps) {
  const Bytes doc = Sign(fields_);
  VerifyOptions o = options_;
  // The year 3000 is past system_clock's 2262: the 3-hour leaf has long expired.
  o.now = *ParseTime("3000-01-01T00:00:00Z");
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kCertificateExpired));
  o.now = kMaxVerifyTime;
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kCertificateExpired));
  for (const Time bad : {kMaxVerifyTime + milliseconds(1), Time::max(), Time(milliseconds(-1)),
                         Time::min()}) {
    o.now = bad;
    EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
  }
  // Extreme ages and skews do not wrap either.
  o = options_;
  o.max_age = milliseconds::max();
  o.max_future_skew = milliseconds::max();
  EXPECT_THAT(Verify(doc, o), IsOk());
  AttestationDocument far = fields_;
  far.timestamp_ms = UINT64_MAX;
  EXPECT_THAT(Verify(Sign(far), o), HasCode(ErrorCode::kDocumentFromFuture));
  far.timestamp_ms = 1;
  o.max_age = milliseconds(0);
  EXPECT_THAT(Verify(Sign(far), o), HasCode(ErrorCode::kDocumentTooOld));
}

TEST_F(GeneratedTest, AtDocumentTime) {
  const Bytes doc = Sign(fields_);  // timestamp t0 + 1 min; the leaf lives 3 h
  VerifyOptions o = options_;
  o.now.reset();
  o.at_document_time = true;
  auto v = Verify(doc, o);  // the real clock is years past the leaf, the document's time is not
  ASSERT_THAT(v, IsOk());
  EXPECT_TRUE(v->at_document_time());
  EXPECT_EQ(v->verified_at(), FromMs(fields_.timestamp_ms));
  EXPECT_FALSE(Verify(doc, options_)->at_document_time());
  o.max_age = milliseconds(0);  // a document is never older than itself
  EXPECT_THAT(Verify(doc, o), IsOk());
  // Outside the chain's window the document's own time fails like any other.
  AttestationDocument late = fields_;
  late.timestamp_ms += 4 * 3600 * 1000;
  EXPECT_THAT(Verify(Sign(late), o), HasCode(ErrorCode::kCertificateExpired));
  // A timestamp that cannot be a time is a malformed document, not the caller's error.
  AttestationDocument far = fields_;
  far.timestamp_ms = UINT64_MAX;
  EXPECT_THAT(Verify(Sign(far), o), HasCode(ErrorCode::kMalformedDocument));
  far.timestamp_ms = 253402300800000;  // 10000-01-01
  EXPECT_THAT(Verify(Sign(far), o), HasCode(ErrorCode::kMalformedDocument));
  // Together with a fixed time it is a contradiction.
  o.now = options_.now;
  EXPECT_THAT(Verify(doc, o), HasCode(ErrorCode::kInvalidArgument));
}

TEST_F(GeneratedTest, AVerifierObjectGivesTheSameVerdicts) {
  const Verifier verifier;
  const Bytes doc = Sign(fields_);
  EXPECT_THAT(verifier.Verify(doc, options_), IsOk());
  VerifyOptions o = options_;
  o.nonce = Bytes(4, 0);
  EXPECT_THAT(verifier.Verify(doc, o), HasCode(ErrorCode::kNonceMismatch));
  EXPECT_THAT(verifier.Verify(doc, options_), IsOk());
}

}  // namespace
}  // namespace nitro_attest
