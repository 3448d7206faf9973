// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/x509/cert.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "nitro_attest/document.h"
#include "src/common/der.h"
#include "src/ossl/ossl.h"
#include "src/pki/pki.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest::x509 {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using Clock = std::chrono::system_clock;
using Span = std::span<const uint8_t>;

const Time kNow = Time(std::chrono::seconds(1767268800));  // 2026-01-01T12:00:00Z

Bytes ToBytes(Span s) { return Bytes(s.begin(), s.end()); }

Bytes NameDer(const X509_NAME* name) {
  unsigned char* out = nullptr;
  const int len = i2d_X509_NAME(name, &out);
  Bytes der(out, out + std::max(len, 0));
  OPENSSL_free(out);
  return der;
}

Time OsslTime(const ASN1_TIME* t) {
  std::tm tm{};
  EXPECT_EQ(ASN1_TIME_to_tm(t, &tm), 1);
  return Time(std::chrono::seconds(timegm(&tm)));
}

// ExpectAgreesWithOpenssl parses `der` with both readers and compares every field the chain
// walk uses. d2i_X509 is the reference reader: ours may only be stricter.
void ExpectAgreesWithOpenssl(const Bytes& der, const std::string& what) {
  SCOPED_TRACE(what);
  auto ours = ParseCertificate(der);
  ASSERT_THAT(ours, IsOk());
  const unsigned char* p = der.data();
  ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(ToBytes(ours->issuer), NameDer(X509_get_issuer_name(x.get())));
  EXPECT_EQ(ToBytes(ours->subject), NameDer(X509_get_subject_name(x.get())));
  EXPECT_EQ(ours->not_before, OsslTime(X509_get0_notBefore(x.get())));
  EXPECT_EQ(ours->not_after, OsslTime(X509_get0_notAfter(x.get())));
  // The key bits are what X509_PUBKEY holds.
  const unsigned char* key = nullptr;
  int key_len = 0;
  ASSERT_EQ(X509_PUBKEY_get0_param(nullptr, &key, &key_len, nullptr, X509_get_X509_PUBKEY(x.get())),
            1);
  EXPECT_EQ(ToBytes(ours->key_bits.subspan(1)), Bytes(key, key + key_len));
  const uint32_t flags = X509_get_extension_flags(x.get());
  EXPECT_EQ((flags & EXFLAG_INVALID), 0u);
  EXPECT_EQ(ours->has_basic_constraints, (flags & EXFLAG_BCONS) != 0);
  EXPECT_EQ(ours->ca, (flags & EXFLAG_CA) != 0);
  const long path_len = X509_get_pathlen(x.get());
  EXPECT_EQ(ours->path_len.has_value(), path_len >= 0);
  if (ours->path_len && path_len >= 0) {
    EXPECT_EQ(*ours->path_len, static_cast<uint64_t>(path_len));
  }
  EXPECT_EQ(ours->has_key_usage, (flags & EXFLAG_KUSAGE) != 0);
  if (ours->has_key_usage) {
    // OpenSSL's KU_* masks put bit 0 (digitalSignature) at 0x80 and bit 8 at 0x8000.
    const uint32_t ku = X509_get_key_usage(x.get());
    uint32_t mapped = 0;
    for (int i = 0; i < 8; ++i) {
      if ((ku & (0x80u >> i)) != 0) {
        mapped |= 1u << i;
      }
    }
    if ((ku & 0x8000u) != 0) {
      mapped |= 1u << 8;
    }
    EXPECT_EQ(ours->key_usage, mapped);
  }
  // The TBS element starts right after the outer SEQUENCE header and is what i2d re-encodes.
  unsigned char* tbs = nullptr;
  const int tbs_len = i2d_re_X509_tbs(x.get(), &tbs);
  EXPECT_EQ(ToBytes(ours->tbs), Bytes(tbs, tbs + std::max(tbs_len, 0)));
  OPENSSL_free(tbs);
}

TEST(ParseCertificateTest, AgreesWithOpensslOnEveryRealCertificate) {
  NA_REQUIRE_SHARED();
  int certs = 0;
  for (const auto& real : testing::RealDocuments()) {
    auto doc = ParseUnverified(testing::ReadFileBytes(real.path));
    ASSERT_THAT(doc, IsOk()) << real.name;
    ExpectAgreesWithOpenssl(doc->certificate, real.name + " leaf");
    ++certs;
    for (size_t i = 0; i < doc->cabundle.size(); ++i) {
      ExpectAgreesWithOpenssl(doc->cabundle[i], real.name + " cabundle " + std::to_string(i));
      ++certs;
    }
  }
  EXPECT_GE(certs, 44 * 5);
}

TEST(ParseCertificateTest, AgreesWithOpensslOnGeneratedChains) {
  pki::PkiOptions o;
  o.now = kNow;
  auto p = pki::GeneratePki(o);
  ASSERT_THAT(p, IsOk());
  ExpectAgreesWithOpenssl(p->leaf_der, "leaf");
  for (const Bytes& c : p->cabundle()) {
    ExpectAgreesWithOpenssl(c, "ca");
  }
  auto leaf = ParseCertificate(p->leaf_der);
  ASSERT_THAT(leaf, IsOk());
  EXPECT_TRUE(leaf->has_basic_constraints);
  EXPECT_FALSE(leaf->ca);
  EXPECT_NE(leaf->key_usage & kKeyUsageDigitalSignature, 0u);
  auto root = ParseCertificate(p->root_der);
  ASSERT_THAT(root, IsOk());
  EXPECT_TRUE(root->ca);
  EXPECT_TRUE(root->basic_constraints_critical);
  EXPECT_NE(root->key_usage & kKeyUsageKeyCertSign, 0u);
  EXPECT_TRUE(std::equal(root->issuer.begin(), root->issuer.end(), root->subject.begin(),
                         root->subject.end()));
}

Bytes GoodLeaf() {
  pki::PkiOptions o;
  o.now = kNow;
  auto p = pki::GeneratePki(o);
  EXPECT_THAT(p, IsOk());
  return p ? p->leaf_der : Bytes{};
}

TEST(ParseCertificateTest, RejectsEveryTruncationAndTrailingBytes) {
  const Bytes leaf = GoodLeaf();
  ASSERT_FALSE(leaf.empty());
  for (size_t n = 0; n < leaf.size(); ++n) {
    EXPECT_THAT(ParseCertificate(Span(leaf).first(n)), HasCode(ErrorCode::kMalformedCertificate))
        << n;
  }
  Bytes longer = leaf;
  longer.push_back(0);
  EXPECT_THAT(ParseCertificate(longer), HasCode(ErrorCode::kMalformedCertificate));
}

TEST(ParseCertificateTest, RejectsBerLengths) {
  const Bytes leaf = GoodLeaf();
  ASSERT_GE(leaf.size(), 4u);
  ASSERT_EQ(leaf[1], 0x82);  // 30 82 LL LL: a certificate is 256..65535 bytes
  Bytes indefinite = leaf;
  indefinite[1] = 0x80;
  EXPECT_THAT(ParseCertificate(indefinite), HasCode(ErrorCode::kMalformedCertificate));
  // The same length with a needless leading zero byte (30 83 00 LL LL).
  Bytes padded = {0x30, 0x83, 0x00, leaf[2], leaf[3]};
  padded.insert(padded.end(), leaf.begin() + 4, leaf.end());
  EXPECT_THAT(ParseCertificate(padded), HasCode(ErrorCode::kMalformedCertificate));
  EXPECT_THAT(ParseCertificate(Bytes{0x30, 0x03, 0x02, 0x01, 0x00}),
              HasCode(ErrorCode::kMalformedCertificate));
  EXPECT_THAT(ParseCertificate(Bytes{}), HasCode(ErrorCode::kMalformedCertificate));
}

// Patch replaces the first occurrence of `from` with `to`, of the same length.
Bytes Patch(Bytes der, const Bytes& from, const Bytes& to) {
  EXPECT_EQ(from.size(), to.size());
  auto it = std::search(der.begin(), der.end(), from.begin(), from.end());
  EXPECT_NE(it, der.end());
  if (it != der.end()) {
    std::copy(to.begin(), to.end(), it);
  }
  return der;
}

TEST(ParseCertificateTest, ExtensionCriticalityMustBeDer) {
  const Bytes leaf = GoodLeaf();
  // basicConstraints (55 1d 13) marked critical: 01 01 ff. FALSE must be omitted in DER, and a
  // BOOLEAN is 00 or ff only.
  const Bytes critical_bc = {0x55, 0x1d, 0x13, 0x01, 0x01, 0xff};
  ASSERT_THAT(ParseCertificate(leaf), IsOk());
  EXPECT_THAT(ParseCertificate(Patch(leaf, critical_bc, {0x55, 0x1d, 0x13, 0x01, 0x01, 0x00})),
              HasCode(ErrorCode::kMalformedCertificate));
  EXPECT_THAT(ParseCertificate(Patch(leaf, critical_bc, {0x55, 0x1d, 0x13, 0x01, 0x01, 0x01})),
              HasCode(ErrorCode::kMalformedCertificate));
}

TEST(ParseCertificateTest, RejectsOtherVersions) {
  const Bytes leaf = GoodLeaf();
  // [0] { INTEGER 2 } = a0 03 02 01 02
  EXPECT_THAT(
      ParseCertificate(Patch(leaf, {0xa0, 0x03, 0x02, 0x01, 0x02}, {0xa0, 0x03, 0x02, 0x01, 0x01})),
      HasCode(ErrorCode::kMalformedCertificate));
  EXPECT_THAT(
      ParseCertificate(Patch(leaf, {0xa0, 0x03, 0x02, 0x01, 0x02}, {0xa1, 0x03, 0x02, 0x01, 0x02})),
      HasCode(ErrorCode::kMalformedCertificate));
}

TEST(ParseCertificateTest, NameValuesMustBeWellFormedStrings) {
  const Bytes leaf = GoodLeaf();
  // The generated names hold "Amazon" as a UTF8String (0c 06 41 6d 61 7a 6f 6e).
  const Bytes amazon = {0x0c, 0x06, 'A', 'm', 'a', 'z', 'o', 'n'};
  ASSERT_NE(std::search(leaf.begin(), leaf.end(), amazon.begin(), amazon.end()), leaf.end());
  const std::vector<std::pair<const char*, Bytes>> bad = {
      {"primitive SEQUENCE tag", {0x10, 0x06, 'A', 'm', 'a', 'z', 'o', 'n'}},
      {"OCTET STRING", {0x04, 0x06, 'A', 'm', 'a', 'z', 'o', 'n'}},
      {"UTF-8 overlong", {0x0c, 0x06, 'A', 'm', 'a', 'z', 0xc1, 0x81}},
      {"UTF-8 surrogate", {0x0c, 0x06, 'A', 'm', 'a', 0xed, 0xa0, 0x80}},
      {"UTF-8 truncated", {0x0c, 0x06, 'A', 'm', 'a', 'z', 'o', 0xc3}},
      {"BMPString odd", {0x1e, 0x06, 0x00, 'A', 0x00, 'm', 0xd8, 0x00}},
      {"UniversalString short", {0x1c, 0x06, 0x00, 0x00, 0x00, 'A', 0x00, 0x00}},
  };
  for (const auto& [what, value] : bad) {
    EXPECT_THAT(ParseCertificate(Patch(leaf, amazon, value)),
                HasCode(ErrorCode::kMalformedCertificate))
        << what;
  }
  const std::vector<std::pair<const char*, Bytes>> good = {
      {"PrintableString", {0x13, 0x06, 'A', 'm', 'a', 'z', 'o', 'n'}},
      {"UTF-8 two-byte", {0x0c, 0x06, 'A', 'm', 'a', 'z', 0xc3, 0xb6}},
      {"BMPString", {0x1e, 0x06, 0x00, 'A', 0x00, 'm', 0x00, 'a'}},
  };
  for (const auto& [what, value] : good) {
    EXPECT_THAT(ParseCertificate(Patch(leaf, amazon, value)), IsOk()) << what;
  }
}

TEST(ParseCertificateTest, TbsIsTheSignedBytesAsReceived) {
  const Bytes leaf = GoodLeaf();
  auto c = ParseCertificate(leaf);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->tbs.data(), leaf.data() + 4);
  EXPECT_EQ(c->tbs[0], 0x30);
  EXPECT_EQ(c->der.data(), leaf.data());
  EXPECT_EQ(c->signature[0], 0x00);  // no unused bits
}

std::optional<Time> Utc(const std::string& s) {
  return ParseTime(der::kUtcTime, Span(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}
std::optional<Time> Gen(const std::string& s) {
  return ParseTime(der::kGeneralizedTime,
                   Span(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

TEST(CertTimeTest, ReadsDerTimes) {
  EXPECT_EQ(Utc("260101120000Z"), kNow);
  EXPECT_EQ(Gen("20260101120000Z"), kNow);
  EXPECT_EQ(Utc("700101000000Z"), Time(std::chrono::seconds(0)));
  EXPECT_EQ(Utc("500101000000Z"), Time(std::chrono::seconds(-631152000)));  // 1950
  EXPECT_EQ(Utc("491231235959Z"), Time(std::chrono::seconds(2524607999)));  // 2049
  EXPECT_EQ(Utc("240229000000Z"), Time(std::chrono::seconds(1709164800)));  // a leap day
  EXPECT_EQ(Gen("20000229000000Z"), Time(std::chrono::seconds(951782400)));
  // RFC 5280's "no well-defined expiration" and the first year are ordinary times, far past
  // what system_clock holds (1677..2262): nothing saturates or wraps.
  EXPECT_EQ(Gen("99991231235959Z"), kMaxVerifyTime - std::chrono::milliseconds(999));
  EXPECT_EQ(Gen("00010101000000Z"), Time(std::chrono::seconds(-62135596800)));
  EXPECT_EQ(Gen("22620411234748Z"), Time(std::chrono::seconds(9223372068)));  // past int64 ns
  EXPECT_EQ(Gen("00000229000000Z"), Time(std::chrono::seconds(-62162121600)));  // year 0 leaps
}

TEST(CertTimeTest, RejectsEverythingElse) {
  for (const char* bad : {"2601011200Z", "260101120000", "260101120000+0000", "260101120000z",
                          "261301120000Z", "260001120000Z", "260100120000Z", "260132120000Z",
                          "230229000000Z", "260101240000Z", "260101126000Z", "260101120060Z",
                          "2601011200 0Z", "26010112000aZ", "-60101120000Z", "2601011200000Z"}) {
    EXPECT_EQ(Utc(bad), std::nullopt) << bad;
  }
  for (const char* bad : {"20260101120000", "20260101120000.5Z", "2026010112000Z",
                          "21000229000000Z", "20260101120000+0100", "202601011200Z"}) {
    EXPECT_EQ(Gen(bad), std::nullopt) << bad;
  }
  // The tag decides the form.
  EXPECT_EQ(Gen("260101120000Z"), std::nullopt);
  EXPECT_EQ(Utc("20260101120000Z"), std::nullopt);
  EXPECT_EQ(ParseTime(der::kOctetString, Span()), std::nullopt);
}

TEST(DerReaderTest, LengthsMustBeMinimal) {
  std::span<const uint8_t> c;
  auto read = [&](const Bytes& b) {
    der::DerReader r(b);
    return r.Read(0x04, &c) && r.empty();
  };
  EXPECT_TRUE(read({0x04, 0x00}));
  EXPECT_TRUE(read({0x04, 0x01, 0xaa}));
  EXPECT_FALSE(read({0x04, 0x81, 0x01, 0xaa}));        // 0x81 for a length under 128
  EXPECT_FALSE(read({0x04, 0x82, 0x00, 0x01, 0xaa}));  // leading zero
  EXPECT_FALSE(read({0x04, 0x80, 0xaa, 0x00, 0x00}));  // indefinite
  EXPECT_FALSE(read({0x04, 0x02, 0xaa}));              // short
  EXPECT_FALSE(read({0x1f, 0x01, 0x00}));              // high tag number form
  Bytes long_ok = {0x04, 0x81, 0x80};
  long_ok.resize(3 + 0x80, 0x11);
  EXPECT_TRUE(read(long_ok));
  long_ok[0] = 0x1f;
  EXPECT_FALSE(read(long_ok));
}

TEST(DerReaderTest, IntegersAndBooleansMustBeDer) {
  auto integer = [](const Bytes& b) {
    der::DerReader r(b);
    std::span<const uint8_t> c;
    return r.ReadUnsignedInteger(&c) && r.empty();
  };
  EXPECT_TRUE(integer({0x02, 0x01, 0x00}));
  EXPECT_TRUE(integer({0x02, 0x02, 0x00, 0x80}));
  EXPECT_FALSE(integer({0x02, 0x02, 0x00, 0x7f}));  // needless zero
  EXPECT_FALSE(integer({0x02, 0x01, 0x80}));        // negative
  EXPECT_FALSE(integer({0x02, 0x00}));              // empty
  const Bytes negative = {0x02, 0x02, 0xff, 0x80};
  der::DerReader neg(negative);
  std::span<const uint8_t> c;
  EXPECT_FALSE(neg.ReadInteger(&c));  // needless 0xff
  auto boolean = [](const Bytes& b) {
    der::DerReader r(b);
    bool v = false;
    return r.ReadBoolean(&v) && r.empty() && v;
  };
  EXPECT_TRUE(boolean({0x01, 0x01, 0xff}));
  EXPECT_FALSE(boolean({0x01, 0x01, 0x01}));
  EXPECT_FALSE(boolean({0x01, 0x02, 0xff, 0xff}));
}

}  // namespace
}  // namespace nitro_attest::x509
