// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "src/cbor/cbor.h"
#include "src/pki/pki.h"
#include "src/x509/cert.h"
#include "src/x509/x509.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest::x509 {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using pki::BasicConstraints;
using pki::CertSpec;
using pki::KeyUsage;
using TimePoint = Time;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;

// 2026-01-01T12:00:00Z: every generated chain is verified at this fixed time.
const TimePoint kNow = Time(std::chrono::seconds(1767268800));

pki::PkiOptions OptionsAt(TimePoint now) {
  pki::PkiOptions o;
  o.now = now;
  return o;
}

// --- Real AWS documents ---------------------------------------------------------------------

struct RealChain {
  Bytes leaf;
  std::vector<Bytes> cabundle;
};

// ExtractChain pulls `certificate` and `cabundle` out of a raw COSE_Sign1 document.
RealChain ExtractChain(const std::vector<uint8_t>& doc) {
  RealChain out;
  auto cose = cbor::Decode(doc);
  EXPECT_THAT(cose, IsOk());
  if (!cose || !cose->is_array() || cose->items.size() != 4 || !cose->items[2].is_bytes()) {
    ADD_FAILURE() << "not an untagged COSE_Sign1";
    return out;
  }
  auto payload = cbor::Decode(cose->items[2].bytes);
  EXPECT_THAT(payload, IsOk());
  if (!payload) {
    return out;
  }
  const cbor::Item* cert = payload->Find("certificate");
  const cbor::Item* bundle = payload->Find("cabundle");
  if (cert == nullptr || !cert->is_bytes() || bundle == nullptr || !bundle->is_array()) {
    ADD_FAILURE() << "payload lacks certificate/cabundle";
    return out;
  }
  out.leaf.assign(cert->bytes.begin(), cert->bytes.end());
  for (const cbor::Item& c : bundle->items) {
    out.cabundle.emplace_back(c.bytes.begin(), c.bytes.end());
  }
  return out;
}

Bytes AwsRootDer() {
  const auto pem =
      testing::ReadFileBytes(*testing::SharedDir() / "vectors" / "aws-nitro-root-g1.pem");
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  EXPECT_NE(x, nullptr);
  if (x == nullptr) {
    return {};
  }
  const int len = i2d_X509(x.get(), nullptr);
  Bytes der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_X509(x.get(), &p);
  return der;
}

TEST(VerifyChainRealTest, EveryRealChainVerifiesInsideItsWindow) {
  NA_REQUIRE_SHARED();
  const Bytes root = AwsRootDer();
  const auto docs = testing::RealDocuments();
  ASSERT_FALSE(docs.empty());
  for (const auto& doc : docs) {
    SCOPED_TRACE(doc.name);
    const RealChain chain = ExtractChain(testing::ReadFileBytes(doc.path));
    auto verified = VerifyChain(chain.leaf, chain.cabundle, root, testing::InsideWindow(doc));
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->leaf_subject, doc.leaf_subject);
    EXPECT_EQ(verified->leaf_key.point()[0], 0x04);
    EXPECT_LE(verified->leaf_not_before, testing::InsideWindow(doc));
    EXPECT_GE(verified->leaf_not_after, testing::InsideWindow(doc));
    // The window's ends are inclusive: every certificate is valid at both.
    EXPECT_THAT(VerifyChain(chain.leaf, chain.cabundle, root, doc.valid_from), IsOk());
    EXPECT_THAT(VerifyChain(chain.leaf, chain.cabundle, root, doc.valid_to), IsOk());
    // The document's own timestamp lies inside the window.
    const TimePoint stamp{std::chrono::milliseconds(doc.timestamp_ms)};
    EXPECT_THAT(VerifyChain(chain.leaf, chain.cabundle, root, stamp), IsOk());
  }
}

TEST(VerifyChainRealTest, RealChainsExpireAndStartOnTime) {
  NA_REQUIRE_SHARED();
  const Bytes root = AwsRootDer();
  for (const auto& doc : testing::RealDocuments()) {
    SCOPED_TRACE(doc.name);
    const RealChain chain = ExtractChain(testing::ReadFileBytes(doc.path));
    EXPECT_THAT(VerifyChain(chain.leaf, chain.cabundle, root, doc.valid_to + seconds(1)),
                HasCode(ErrorCode::kCertificateExpired));
    EXPECT_THAT(VerifyChain(chain.leaf, chain.cabundle, root, doc.valid_from - seconds(1)),
                HasCode(ErrorCode::kCertificateNotYetValid));
  }
}

TEST(VerifyChainRealTest, RealChainFailsUnderAnotherPinnedRoot) {
  NA_REQUIRE_SHARED();
  const auto docs = testing::RealDocuments();
  ASSERT_FALSE(docs.empty());
  const RealChain chain = ExtractChain(testing::ReadFileBytes(docs[0].path));
  auto other = pki::GeneratePki(OptionsAt(kNow));
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT(
      VerifyChain(chain.leaf, chain.cabundle, other->root_der, testing::InsideWindow(docs[0])),
      HasCode(ErrorCode::kUntrustedRoot));
}

TEST(VerifyChainRealTest, MarlinCustomRootIsUntrusted) {
  NA_REQUIRE_SHARED();
  const RealChain chain = ExtractChain(testing::ReadFileBytes(*testing::SharedDir() / "vectors" /
                                                              "negative" / "marlin_custom.cbor"));
  ASSERT_FALSE(chain.cabundle.empty());
  EXPECT_THAT(VerifyChain(chain.leaf, chain.cabundle, AwsRootDer(), kNow),
              HasCode(ErrorCode::kUntrustedRoot));
}

// --- Generated chains -----------------------------------------------------------------------

pki::Extension UnknownExtension(bool critical) {
  pki::Extension e;
  e.oid = "1.3.6.1.4.1.55555.1";  // under a private enterprise arc nobody interprets
  e.critical = critical;
  return e;
}

// ChainSpec is one spec per level of an AWS-shaped chain; tests break one thing each.
struct ChainSpec {
  CertSpec root, regional, zonal, instance, leaf;
};

CertSpec Ca(const std::string& cn, TimePoint not_after, std::optional<int> path_len) {
  CertSpec s;
  s.subject = {{"C", "US"}, {"O", "Amazon"}, {"OU", "AWS"}, {"CN", cn}};
  s.not_before = kNow - hours(1);
  s.not_after = not_after;
  s.basic_constraints = BasicConstraints{.critical = true, .ca = true, .path_len = path_len};
  s.key_usage = KeyUsage{.critical = true,
                         .bits = pki::kDigitalSignature | pki::kKeyCertSign | pki::kCrlSign};
  return s;
}

ChainSpec GoodSpec() {
  ChainSpec c;
  c.root = Ca("root.test.insecure", kNow + days(3650), std::nullopt);
  c.root.not_before = kNow - days(1);
  c.root.authority_key_id = false;
  c.regional = Ca("regional.test.insecure", kNow + days(20), 2);
  c.zonal = Ca("zonal.test.insecure", kNow + days(5), 1);
  c.instance = Ca("instance.test.insecure", kNow + hours(20), 0);
  c.instance.key_usage = KeyUsage{.critical = true, .bits = pki::kKeyCertSign};
  c.leaf.subject = {{"C", "US"}, {"O", "Amazon"}, {"CN", "leaf.test.insecure"}};
  c.leaf.not_before = kNow - hours(1);
  c.leaf.not_after = kNow + hours(2);
  c.leaf.basic_constraints =
      BasicConstraints{.critical = true, .ca = false, .path_len = std::nullopt};
  c.leaf.key_usage =
      KeyUsage{.critical = false, .bits = pki::kDigitalSignature | pki::kNonRepudiation};
  c.leaf.subject_key_id = false;
  c.leaf.authority_key_id = false;
  return c;
}

// Built is an issued chain: pinned root, the cabundle (root first), the leaf, and every key.
struct Built {
  Bytes root;
  std::vector<Bytes> cabundle;
  Bytes leaf;
  std::vector<pki::Issued> issued;  // root, regional, zonal, instance, leaf
};

// Build issues `specs` in order, each under the previous one (the first self-signed).
Built BuildPath(const std::vector<CertSpec>& specs) {
  Built b;
  for (const CertSpec& spec : specs) {
    auto issued = b.issued.empty()
                      ? pki::Issue(spec)
                      : pki::Issue(spec, b.issued.back().der, b.issued.back().key.get());
    EXPECT_THAT(issued, IsOk());
    if (!issued) {
      return b;
    }
    b.issued.push_back(std::move(*issued));
  }
  for (size_t i = 0; i + 1 < b.issued.size(); ++i) {
    b.cabundle.push_back(b.issued[i].der);
  }
  b.root = b.issued.front().der;
  b.leaf = b.issued.back().der;
  return b;
}

Built Build(const ChainSpec& c) {
  return BuildPath({c.root, c.regional, c.zonal, c.instance, c.leaf});
}

Result<VerifiedChain> Verify(const Built& b, TimePoint at = kNow) {
  return VerifyChain(b.leaf, b.cabundle, b.root, at);
}

// ExpectFailsAt checks the error code and the certificate the error names.
void ExpectFailsAt(const Result<VerifiedChain>& r, ErrorCode code, int cert_index) {
  EXPECT_THAT(r, HasCode(code));
  if (!r) {
    EXPECT_EQ(r.error().cert_index, cert_index);
  }
}

TEST(VerifyChainTest, GoodChainVerifies) {
  const Built b = Build(GoodSpec());
  auto r = Verify(b);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->leaf_subject, "CN=leaf.test.insecure,O=Amazon,C=US");
  EXPECT_EQ(r->leaf_not_before, kNow - hours(1));
  EXPECT_EQ(r->leaf_not_after, kNow + hours(2));
  EXPECT_EQ(r->leaf_key.point(), es384::PublicKey::FromEvp(b.issued.back().key.get())->point());
}

TEST(VerifyChainTest, ValidityIntersectionIsReported) {
  const Built b = Build(GoodSpec());
  auto r = Verify(b);
  ASSERT_THAT(r, IsOk());
  // The leaf is the shortest-lived certificate of the good chain.
  EXPECT_EQ(r->valid_from, r->leaf_not_before);
  EXPECT_EQ(r->valid_to, r->leaf_not_after);
}

TEST(VerifyChainTest, ValidityEndsAreInclusive) {
  const Built b = Build(GoodSpec());
  EXPECT_THAT(Verify(b, kNow - hours(1)), IsOk());
  EXPECT_THAT(Verify(b, kNow + hours(2)), IsOk());
  ExpectFailsAt(Verify(b, kNow + hours(2) + std::chrono::milliseconds(1)),
                ErrorCode::kCertificateExpired, 0);
}

TEST(VerifyChainTest, ShorterAndLongerChainsVerify) {
  // The document does not fix the depth: root -> leaf and five intermediates both verify.
  ChainSpec c = GoodSpec();
  EXPECT_THAT(Verify(BuildPath({c.root, c.leaf})), IsOk());
  CertSpec extra = Ca("extra.test.insecure", kNow + days(5), std::nullopt);
  c.regional.basic_constraints->path_len = 4;
  c.zonal.basic_constraints->path_len = std::nullopt;
  EXPECT_THAT(Verify(BuildPath({c.root, c.regional, extra, extra, c.zonal, c.instance, c.leaf})),
              IsOk());
}

TEST(VerifyChainTest, RejectsEmptyAndOversizedCabundle) {
  const Built b = Build(GoodSpec());
  EXPECT_THAT(VerifyChain(b.leaf, {}, b.root, kNow), HasCode(ErrorCode::kChainInvalid));
  std::vector<Bytes> big(kMaxCabundleSize + 1, b.root);
  EXPECT_THAT(VerifyChain(b.leaf, big, b.root, kNow), HasCode(ErrorCode::kChainInvalid));
}

TEST(VerifyChainTest, ForeignRootWithTheSameNameIsUntrusted) {
  const ChainSpec c = GoodSpec();
  const Built pinned = Build(c);
  const Built foreign = Build(c);  // same names and profile, other keys
  ExpectFailsAt(VerifyChain(foreign.leaf, foreign.cabundle, pinned.root, kNow),
                ErrorCode::kUntrustedRoot, 4);
}

TEST(VerifyChainTest, ForeignRootWithTheAwsRootNameIsUntrusted) {
  NA_REQUIRE_SHARED();
  ChainSpec c = GoodSpec();
  c.root.subject = {{"C", "US"}, {"O", "Amazon"}, {"OU", "AWS"}, {"CN", "aws.nitro-enclaves"}};
  const Built foreign = Build(c);
  EXPECT_THAT(VerifyChain(foreign.leaf, foreign.cabundle, AwsRootDer(), kNow),
              HasCode(ErrorCode::kUntrustedRoot));
}

TEST(VerifyChainTest, CabundleMustStartWithTheRoot) {
  const Built b = Build(GoodSpec());
  const std::vector<Bytes> without_root(b.cabundle.begin() + 1, b.cabundle.end());
  EXPECT_THAT(VerifyChain(b.leaf, without_root, b.root, kNow), HasCode(ErrorCode::kUntrustedRoot));
  // Leaf-first order (the world-chain#956 mistake the other way round) fails too.
  const std::vector<Bytes> reversed(b.cabundle.rbegin(), b.cabundle.rend());
  EXPECT_THAT(VerifyChain(b.leaf, reversed, b.root, kNow), HasCode(ErrorCode::kUntrustedRoot));
  EXPECT_THAT(VerifyChain(b.leaf, b.cabundle, {}, kNow), HasCode(ErrorCode::kUntrustedRoot));
}

TEST(VerifyChainTest, MissingIntermediate) {
  const Built b = Build(GoodSpec());
  std::vector<Bytes> skipped = b.cabundle;
  skipped.erase(skipped.begin() + 2);  // no zonal
  ExpectFailsAt(VerifyChain(b.leaf, skipped, b.root, kNow), ErrorCode::kChainInvalid, 1);
}

TEST(VerifyChainTest, IntermediateNotCa) {
  ChainSpec c = GoodSpec();
  c.zonal.basic_constraints =
      BasicConstraints{.critical = true, .ca = false, .path_len = std::nullopt};
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 2);
}

TEST(VerifyChainTest, IntermediateWithoutBasicConstraints) {
  ChainSpec c = GoodSpec();
  c.zonal.basic_constraints = std::nullopt;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 2);
}

TEST(VerifyChainTest, BasicConstraintsNotCritical) {
  ChainSpec c = GoodSpec();
  c.regional.basic_constraints->critical = false;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 3);
}

TEST(VerifyChainTest, RootBasicConstraintsNotCritical) {
  ChainSpec c = GoodSpec();
  c.root.basic_constraints->critical = false;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 4);
}

TEST(VerifyChainTest, MissingKeyCertSign) {
  ChainSpec c = GoodSpec();
  c.instance.key_usage = KeyUsage{.critical = true, .bits = pki::kDigitalSignature | pki::kCrlSign};
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 1);
}

TEST(VerifyChainTest, CaWithoutKeyUsage) {
  ChainSpec c = GoodSpec();
  c.zonal.key_usage = std::nullopt;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 2);
}

TEST(VerifyChainTest, PathLenViolatedByAnExtraCaUnderPathLenZero) {
  ChainSpec c = GoodSpec();
  // Give the upper levels room so that only the instance's pathLen 0 is broken.
  c.regional.basic_constraints->path_len = 3;
  c.zonal.basic_constraints->path_len = 2;
  const CertSpec extra = Ca("extra.test.insecure", kNow + hours(10), std::nullopt);
  const Built b = BuildPath({c.root, c.regional, c.zonal, c.instance, extra, c.leaf});
  ExpectFailsAt(Verify(b), ErrorCode::kChainInvalid, 2);  // the instance, above `extra`
}

TEST(VerifyChainTest, PathLenViolatedInTheMiddle) {
  ChainSpec c = GoodSpec();
  c.zonal.basic_constraints->path_len = 0;  // but the instance CA is below it
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 2);
}

TEST(VerifyChainTest, ExpiredRoot) {
  ChainSpec c = GoodSpec();
  c.root.not_after = kNow - seconds(1);
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kCertificateExpired, 4);
}

TEST(VerifyChainTest, NotYetValidRoot) {
  ChainSpec c = GoodSpec();
  c.root.not_before = kNow + seconds(1);
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kCertificateNotYetValid, 4);
}

TEST(VerifyChainTest, ExpiredIntermediate) {
  ChainSpec c = GoodSpec();
  c.zonal.not_after = kNow - seconds(1);
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kCertificateExpired, 2);
}

TEST(VerifyChainTest, NotYetValidIntermediate) {
  ChainSpec c = GoodSpec();
  c.instance.not_before = kNow + seconds(1);
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kCertificateNotYetValid, 1);
}

TEST(VerifyChainTest, ExpiredLeaf) {
  ChainSpec c = GoodSpec();
  c.leaf.not_after = kNow - seconds(1);
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kCertificateExpired, 0);
}

TEST(VerifyChainTest, NotYetValidLeaf) {
  ChainSpec c = GoodSpec();
  c.leaf.not_before = kNow + seconds(1);
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kCertificateNotYetValid, 0);
}

TEST(VerifyChainTest, UsesTheGivenTimeNotTheClock) {
  // A chain that lived in 2001 verifies in 2001 and is expired today.
  ChainSpec c = GoodSpec();
  const TimePoint then = Time(std::chrono::seconds(1000000000));
  for (CertSpec* s : {&c.root, &c.regional, &c.zonal, &c.instance, &c.leaf}) {
    s->not_before = then - hours(1);
    s->not_after = then + hours(1);
  }
  const Built b = Build(c);
  EXPECT_THAT(Verify(b, then), IsOk());
  EXPECT_THAT(Verify(b, kNow), HasCode(ErrorCode::kCertificateExpired));
}

TEST(VerifyChainTest, UnknownCriticalExtensionOnLeaf) {
  ChainSpec c = GoodSpec();
  c.leaf.extra_extension = UnknownExtension(true);
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 0);
}

TEST(VerifyChainTest, UnknownCriticalExtensionOnIntermediate) {
  ChainSpec c = GoodSpec();
  c.regional.extra_extension = UnknownExtension(true);
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 3);
}

TEST(VerifyChainTest, CriticalExtensionWeDoNotEnforce) {
  // nameConstraints is one OpenSSL "supports", but this walk does not enforce it: refuse it.
  ChainSpec c = GoodSpec();
  // NameConstraints { permittedSubtrees [0] { GeneralSubtree { dNSName "example.com" } } }
  c.zonal.extra_extension =
      pki::Extension{.oid = "2.5.29.30",
                     .critical = true,
                     .value = {0x30, 0x11, 0xa0, 0x0f, 0x30, 0x0d, 0x82, 0x0b, 'e', 'x', 'a', 'm',
                               'p', 'l', 'e', '.', 'c', 'o', 'm'}};
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 2);
}

TEST(VerifyChainTest, UnknownNonCriticalExtensionIsIgnored) {
  ChainSpec c = GoodSpec();
  c.leaf.extra_extension = UnknownExtension(false);
  EXPECT_THAT(Verify(Build(c)), IsOk());
}

TEST(VerifyChainTest, P256LeafKey) {
  ChainSpec c = GoodSpec();
  c.leaf.key_type = pki::KeyType::kP256;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kUnsupportedAlgorithm, 0);
}

TEST(VerifyChainTest, P521IntermediateKey) {
  ChainSpec c = GoodSpec();
  c.zonal.key_type = pki::KeyType::kP521;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kUnsupportedAlgorithm, 2);
}

TEST(VerifyChainTest, RsaLeafKey) {
  ChainSpec c = GoodSpec();
  c.leaf.key_type = pki::KeyType::kRsa2048;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kUnsupportedAlgorithm, 0);
}

TEST(VerifyChainTest, RsaRoot) {
  // An RSA root signs the regional with sha384WithRSAEncryption: both are refused, the root first.
  ChainSpec c = GoodSpec();
  c.root.key_type = pki::KeyType::kRsa2048;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kUnsupportedAlgorithm, 4);
}

TEST(VerifyChainTest, Sha256Signature) {
  ChainSpec c = GoodSpec();
  c.leaf.digest = pki::Digest::kSha256;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kUnsupportedAlgorithm, 0);
}

TEST(VerifyChainTest, AlgorithmIsCheckedBeforeSignatures) {
  // A P-256 leaf signed by the wrong key reports the algorithm: no signature math is attempted.
  ChainSpec c = GoodSpec();
  c.leaf.key_type = pki::KeyType::kP256;
  Built b = Build(c);
  auto stranger = pki::Issue(c.instance);
  ASSERT_THAT(stranger, IsOk());
  auto forged = pki::Issue(c.leaf, b.cabundle.back(), stranger->key.get());
  ASSERT_THAT(forged, IsOk());
  ExpectFailsAt(VerifyChain(forged->der, b.cabundle, b.root, kNow),
                ErrorCode::kUnsupportedAlgorithm, 0);
}

TEST(VerifyChainTest, LeafWithCaTrue) {
  ChainSpec c = GoodSpec();
  c.leaf.basic_constraints =
      BasicConstraints{.critical = true, .ca = true, .path_len = std::nullopt};
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 0);
}

TEST(VerifyChainTest, LeafWithPathLen) {
  // AWS: the leaf has no pathLen (and RFC 5280 §4.2.1.9 forbids one without CA:TRUE).
  ChainSpec c = GoodSpec();
  c.leaf.basic_constraints = BasicConstraints{.critical = true, .ca = false, .path_len = 0};
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 0);
}

TEST(VerifyChainTest, LeafWithoutDigitalSignature) {
  ChainSpec c = GoodSpec();
  c.leaf.key_usage = KeyUsage{.critical = false, .bits = pki::kNonRepudiation};
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 0);
}

TEST(VerifyChainTest, LeafWithoutBasicConstraintsIsAccepted) {
  // AWS requires CA:FALSE, and an absent extension means that.
  ChainSpec c = GoodSpec();
  c.leaf.basic_constraints = std::nullopt;
  EXPECT_THAT(Verify(Build(c)), IsOk());
}

TEST(VerifyChainTest, LeafWithoutKeyUsageIsRefused) {
  // AWS's rules require keyUsage with digitalSignature on the leaf: absence is no licence.
  ChainSpec c = GoodSpec();
  c.leaf.key_usage = std::nullopt;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 0);
  c.leaf.basic_constraints = std::nullopt;
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 0);
}

TEST(VerifyChainTest, NonCaLeafThatMaySignCertificatesOrCrlsIsRefused) {
  for (const uint32_t extra : {pki::kKeyCertSign, pki::kCrlSign}) {
    for (const bool with_basic_constraints : {true, false}) {
      ChainSpec c = GoodSpec();
      c.leaf.key_usage = KeyUsage{.critical = true, .bits = pki::kDigitalSignature | extra};
      if (!with_basic_constraints) {
        c.leaf.basic_constraints = std::nullopt;
      }
      ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 0);
    }
  }
}

TEST(VerifyChainTest, ExplicitCurveLeafKeyIsRefusedAndNamed) {
  // The same P-384 key, its SubjectPublicKeyInfo written with explicit curve parameters.
  ossl::EvpPkeyPtr key(EVP_EC_gen("P-384"));
  ASSERT_NE(key, nullptr);
  ASSERT_EQ(EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_ENCODING,
                                           OSSL_PKEY_EC_ENCODING_EXPLICIT),
            1);
  ChainSpec c = GoodSpec();
  c.leaf.subject_key = key.get();
  const Built b = Build(c);
  ExpectFailsAt(Verify(b), ErrorCode::kUnsupportedAlgorithm, 0);
  auto leaf = ParseCertificate(b.leaf);
  ASSERT_THAT(leaf, IsOk());
  EXPECT_EQ(ClassifyKeyAlgorithm(leaf->key_algorithm), KeyAlgorithm::kExplicitCurve);
  // The other refusals are named for what they are too.
  const auto classify = [](const ChainSpec& spec) {
    const Built built = Build(spec);  // the parsed certificate points into these bytes
    auto cert = ParseCertificate(built.leaf);
    return cert ? ClassifyKeyAlgorithm(cert->key_algorithm) : KeyAlgorithm::kP384;
  };
  ChainSpec p256 = GoodSpec();
  p256.leaf.key_type = pki::KeyType::kP256;
  EXPECT_EQ(classify(p256), KeyAlgorithm::kOtherNamedCurve);
  ChainSpec rsa = GoodSpec();
  rsa.leaf.key_type = pki::KeyType::kRsa2048;
  EXPECT_EQ(classify(rsa), KeyAlgorithm::kNotEc);
  EXPECT_EQ(classify(GoodSpec()), KeyAlgorithm::kP384);
}

TEST(VerifyChainTest, TimesPastTheYear2262DoNotWrap) {
  // system_clock's nanoseconds end in 2262; Time's milliseconds do not. A chain valid into the
  // year 9999 verifies there, and an ordinary chain has expired long before.
  ChainSpec c = GoodSpec();
  const Time far = Time(std::chrono::seconds(253402300799));  // 9999-12-31T23:59:59Z
  for (CertSpec* s : {&c.root, &c.regional, &c.zonal, &c.instance, &c.leaf}) {
    s->not_after = far;
  }
  const Built b = Build(c);
  EXPECT_THAT(Verify(b, Time(std::chrono::seconds(32503680000))), IsOk());  // the year 3000
  EXPECT_THAT(Verify(b, far), IsOk());
  ExpectFailsAt(Verify(b, far + std::chrono::seconds(1)), ErrorCode::kCertificateExpired, 4);
  const Built ordinary = Build(GoodSpec());
  ExpectFailsAt(Verify(ordinary, Time(std::chrono::seconds(32503680000))),
                ErrorCode::kCertificateExpired, 4);
  ExpectFailsAt(Verify(ordinary, Time(std::chrono::seconds(9223372037))),  // 2^63 ns, plus one s
                ErrorCode::kCertificateExpired, 4);
}

TEST(VerifyChainTest, GarbageDer) {
  const Built b = Build(GoodSpec());
  const Bytes garbage = {0x30, 0x03, 0x02, 0x01, 0x00};
  ExpectFailsAt(VerifyChain(garbage, b.cabundle, b.root, kNow), ErrorCode::kMalformedCertificate,
                0);
  std::vector<Bytes> bundle = b.cabundle;
  bundle[2] = {0xde, 0xad, 0xbe, 0xef};
  ExpectFailsAt(VerifyChain(b.leaf, bundle, b.root, kNow), ErrorCode::kMalformedCertificate, 2);
  bundle[2].clear();
  ExpectFailsAt(VerifyChain(b.leaf, bundle, b.root, kNow), ErrorCode::kMalformedCertificate, 2);
  ExpectFailsAt(VerifyChain({}, b.cabundle, b.root, kNow), ErrorCode::kMalformedCertificate, 0);
}

TEST(VerifyChainTest, TruncatedDer) {
  const Built b = Build(GoodSpec());
  const Bytes cut(b.leaf.begin(), b.leaf.end() - 1);
  ExpectFailsAt(VerifyChain(cut, b.cabundle, b.root, kNow), ErrorCode::kMalformedCertificate, 0);
}

TEST(VerifyChainTest, DerWithTrailingBytes) {
  const Built b = Build(GoodSpec());
  Bytes leaf = b.leaf;
  leaf.push_back(0x00);
  ExpectFailsAt(VerifyChain(leaf, b.cabundle, b.root, kNow), ErrorCode::kMalformedCertificate, 0);
  std::vector<Bytes> bundle = b.cabundle;
  bundle[1].push_back(0x00);
  ExpectFailsAt(VerifyChain(b.leaf, bundle, b.root, kNow), ErrorCode::kMalformedCertificate, 3);
}

TEST(VerifyChainTest, TbsAndOuterSignatureAlgorithmsDiffer) {
  // ecdsa-with-SHA384 appears twice (TBS, then outer); make the TBS one say ecdsa-with-SHA256.
  const Built b = Build(GoodSpec());
  const Bytes oid = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
  Bytes leaf = b.leaf;
  auto first = std::search(leaf.begin(), leaf.end(), oid.begin(), oid.end());
  ASSERT_NE(first, leaf.end());
  ASSERT_NE(std::search(first + 1, leaf.end(), oid.begin(), oid.end()), leaf.end());
  *(first + 9) = 0x02;
  ExpectFailsAt(VerifyChain(leaf, b.cabundle, b.root, kNow), ErrorCode::kMalformedCertificate, 0);
}

TEST(VerifyChainTest, DuplicateExtension) {
  // A second basicConstraints (RFC 5280 §4.2: at most one instance of an extension).
  ChainSpec c = GoodSpec();
  c.zonal.extra_extension =
      pki::Extension{.oid = "2.5.29.19", .critical = true, .value = {0x30, 0x03, 0x01, 0x01, 0xff}};
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kMalformedCertificate, 2);
}

TEST(VerifyChainTest, WrongIssuerName) {
  ChainSpec c = GoodSpec();
  c.leaf.issuer_name = pki::Name{{"CN", "someone.else.insecure"}};
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 0);
}

TEST(VerifyChainTest, RootMustBeSelfIssued) {
  ChainSpec c = GoodSpec();
  c.root.issuer_name = pki::Name{{"CN", "someone.else.insecure"}};
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 4);
}

TEST(VerifyChainTest, NamesChainByteForByte) {
  // RFC 5280 §7.1 would match names case-insensitively; AWS chains copy the issuer's subject
  // exactly, so anything else is refused.
  ChainSpec c = GoodSpec();
  c.leaf.issuer_name =
      pki::Name{{"C", "US"}, {"O", "Amazon"}, {"OU", "AWS"}, {"CN", "INSTANCE.test.insecure"}};
  ExpectFailsAt(Verify(Build(c)), ErrorCode::kChainInvalid, 0);
}

TEST(VerifyChainTest, PinnedRootIsATrustAnchorNotASignature) {
  // The root is trusted because its bytes are the pinned ones (RFC 5280 §6.1 takes a trust
  // anchor as input); its self-signature is not what makes it trusted, so it is not checked.
  Built b = Build(GoodSpec());
  Bytes root = b.root;
  root[root.size() - 5] ^= 0x01;  // inside the root's own signature value
  std::vector<Bytes> bundle = b.cabundle;
  bundle[0] = root;
  EXPECT_THAT(VerifyChain(b.leaf, bundle, root, kNow), IsOk());
  // Everything the root signed is still checked under its key.
  Bytes regional = bundle[1];
  regional[regional.size() - 5] ^= 0x01;
  bundle[1] = regional;
  ExpectFailsAt(VerifyChain(b.leaf, bundle, root, kNow), ErrorCode::kChainInvalid, 3);
}

TEST(VerifyChainTest, CompressedLeafKeyIsRefused) {
  ChainSpec c = GoodSpec();
  ossl::EvpPkeyPtr key(EVP_EC_gen("P-384"));
  ASSERT_NE(key, nullptr);
  ASSERT_EQ(EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                           OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_COMPRESSED),
            1);
  c.leaf.subject_key = key.get();
  const Built b = Build(c);
  ASSERT_EQ(b.issued.size(), 5u);
  ExpectFailsAt(Verify(b), ErrorCode::kUnsupportedAlgorithm, 0);
}

TEST(VerifyChainTest, SignatureByTheWrongKey) {
  const ChainSpec c = GoodSpec();
  Built b = Build(c);
  auto stranger = pki::Issue(c.instance);  // a key with no place in the chain
  ASSERT_THAT(stranger, IsOk());
  auto forged = pki::Issue(c.leaf, b.cabundle.back(), stranger->key.get());
  ASSERT_THAT(forged, IsOk());
  ExpectFailsAt(VerifyChain(forged->der, b.cabundle, b.root, kNow), ErrorCode::kChainInvalid, 0);
}

TEST(VerifyChainTest, IntermediateSignedByTheWrongKey) {
  const ChainSpec c = GoodSpec();
  Built b = Build(c);
  auto stranger = pki::Issue(c.root);
  ASSERT_THAT(stranger, IsOk());
  // A regional with the right issuer name but signed by another key.
  auto forged = pki::Issue(c.regional, b.root, stranger->key.get());
  ASSERT_THAT(forged, IsOk());
  std::vector<Bytes> bundle = b.cabundle;
  bundle[1] = forged->der;
  ExpectFailsAt(VerifyChain(b.leaf, bundle, b.root, kNow), ErrorCode::kChainInvalid, 3);
}

TEST(VerifyChainTest, CorruptedSignatureBytes) {
  const Built b = Build(GoodSpec());
  Bytes leaf = b.leaf;
  leaf[leaf.size() - 5] ^= 0x01;  // inside the signature's s value
  ExpectFailsAt(VerifyChain(leaf, b.cabundle, b.root, kNow), ErrorCode::kChainInvalid, 0);
}

TEST(VerifyChainTest, GeneratedPkiVerifies) {
  auto p = pki::GeneratePki(OptionsAt(kNow));
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(VerifyChain(p->leaf_der, p->cabundle(), p->root_der, kNow), IsOk());
  EXPECT_THAT(VerifyChain(p->leaf_der, p->cabundle(), p->root_der, kNow + hours(3)), IsOk());
  EXPECT_THAT(VerifyChain(p->leaf_der, p->cabundle(), p->root_der, kNow + hours(3) + seconds(1)),
              HasCode(ErrorCode::kCertificateExpired));
}

}  // namespace
}  // namespace nitro_attest::x509
