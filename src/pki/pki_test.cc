// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/pki/pki.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "nitro_attest/encoding.h"
#include "src/cbor/cbor.h"
#include "src/x509/x509.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest::pki {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;

// 2026-01-01T12:00:00Z.
const TimePoint kNow = Time(std::chrono::seconds(1767268800));

PkiOptions Options(TimePoint now, std::optional<std::string> seed = std::nullopt) {
  PkiOptions o;
  o.now = now;
  o.seed = std::move(seed);
  return o;
}

ossl::X509Ptr Parse(const Bytes& der) {
  const unsigned char* p = der.data();
  ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  EXPECT_NE(x, nullptr);
  EXPECT_EQ(p, der.data() + der.size());
  return x;
}

TimePoint ToTime(const ASN1_TIME* t) {
  std::tm tm{};
  EXPECT_EQ(ASN1_TIME_to_tm(t, &tm), 1);
  return Time(std::chrono::seconds(timegm(&tm)));
}

std::string Field(X509_NAME* name, int nid) {
  const int pos = X509_NAME_get_index_by_NID(name, nid, -1);
  if (pos < 0) {
    return "";
  }
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, pos));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// RdnOrder returns a name's attribute short names in encoding order, e.g. "C,O,OU,CN".
std::string RdnOrder(X509_NAME* name) {
  std::string out;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(name, i)));
    out += (i == 0 ? "" : ",") + std::string(OBJ_nid2sn(nid));
  }
  return out;
}

// Extensions returns "name[!]" for each extension in order ("!" = critical), e.g.
// "basicConstraints!,keyUsage!,subjectKeyIdentifier".
std::string Extensions(X509* x, bool skip_crl_dp = false) {
  std::string out;
  for (int i = 0; i < X509_get_ext_count(x); ++i) {
    X509_EXTENSION* ext = X509_get_ext(x, i);
    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
    if (skip_crl_dp && nid == NID_crl_distribution_points) {
      continue;
    }
    char oid[80] = {};
    OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(ext), 1);
    std::string item = std::string(nid == NID_undef ? oid : OBJ_nid2sn(nid)) +
                       (X509_EXTENSION_get_critical(ext) ? "!" : "");
    out += (out.empty() ? "" : ",") + item;
  }
  return out;
}

// SortedExtensions is Extensions() as a sorted list, to compare profiles regardless of order.
std::vector<std::string> SortedExtensions(X509* x, bool skip_crl_dp) {
  std::vector<std::string> out;
  std::string all = Extensions(x, skip_crl_dp);
  size_t start = 0;
  while (start < all.size()) {
    const size_t comma = std::min(all.find(',', start), all.size());
    out.push_back(all.substr(start, comma - start));
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string GroupName(EVP_PKEY* key) {
  char group[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) !=
      1) {
    return "";
  }
  return std::string(group, len);
}

std::string PublicPointHex(EVP_PKEY* key) {
  unsigned char* pub = nullptr;
  const size_t len = EVP_PKEY_get1_encoded_public_key(key, &pub);
  const std::string hex = HexEncode(std::span<const uint8_t>(pub, len));
  OPENSSL_free(pub);
  return hex;
}

std::string OctetHex(const ASN1_OCTET_STRING* s) {
  if (s == nullptr) {
    return "";
  }
  return HexEncode(std::span<const uint8_t>(ASN1_STRING_get0_data(s),
                                            static_cast<size_t>(ASN1_STRING_length(s))));
}

TEST(PkiTest, GeneratedChainHasTheAwsProfile) {
  auto p = GeneratePki(Options(kNow));
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ(p->intermediates.size(), 3u);
  std::vector<ossl::X509Ptr> chain;
  chain.push_back(Parse(p->root_der));
  for (const Bytes& der : p->intermediates) {
    chain.push_back(Parse(der));
  }
  chain.push_back(Parse(p->leaf_der));

  struct Expected {
    const char* rdn_order;
    const char* extensions;
    TimePoint not_after;
    long path_len;
    uint32_t key_usage;
  };
  const Expected expected[] = {
      {"C,O,OU,CN", "basicConstraints!,keyUsage!,subjectKeyIdentifier",
       Time(std::chrono::seconds(2713953600)), -1,
       KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN},  // 2056-01-01T12:00:00Z
      {"C,O,OU,CN", "basicConstraints!,keyUsage!,subjectKeyIdentifier,authorityKeyIdentifier",
       kNow + days(20), 2, KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN},
      {"CN,OU,O,C,ST,L", "basicConstraints!,keyUsage!,subjectKeyIdentifier,authorityKeyIdentifier",
       kNow + days(6), 1, KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN},
      {"C,ST,L,O,OU,CN", "basicConstraints!,keyUsage!,subjectKeyIdentifier,authorityKeyIdentifier",
       kNow + days(1), 0, KU_KEY_CERT_SIGN},
      {"C,ST,L,O,OU,CN", "basicConstraints!,keyUsage", kNow + hours(3), -1,
       KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION},
  };
  for (size_t i = 0; i < chain.size(); ++i) {
    SCOPED_TRACE("level " + std::to_string(i));
    X509* x = chain[i].get();
    X509_NAME* subject = X509_get_subject_name(x);
    EXPECT_EQ(RdnOrder(subject), expected[i].rdn_order);
    EXPECT_EQ(Extensions(x), expected[i].extensions);
    EXPECT_EQ(X509_get_version(x), X509_VERSION_3);
    EXPECT_EQ(X509_get_signature_nid(x), NID_ecdsa_with_SHA384);
    EXPECT_EQ(GroupName(X509_get0_pubkey(x)), "secp384r1");
    EXPECT_EQ(ToTime(X509_get0_notBefore(x)), kNow);
    EXPECT_EQ(ToTime(X509_get0_notAfter(x)), expected[i].not_after);
    EXPECT_EQ(X509_get_pathlen(x), expected[i].path_len);
    EXPECT_EQ(X509_get_key_usage(x), expected[i].key_usage);
    EXPECT_EQ((X509_get_extension_flags(x) & EXFLAG_CA) != 0, i + 1 < chain.size());
    const std::string cn = Field(subject, NID_commonName);
    EXPECT_TRUE(cn.ends_with(".emulator.insecure")) << cn;
    EXPECT_LE(cn.size(), 64u);
    if (i > 0) {
      X509* parent = chain[i - 1].get();
      EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(parent)), 0);
      EXPECT_EQ(X509_verify(x, X509_get0_pubkey(parent)), 1);
      if (i + 1 < chain.size()) {
        EXPECT_EQ(OctetHex(X509_get0_authority_key_id(x)),
                  OctetHex(X509_get0_subject_key_id(parent)));
      }
    }
  }
  EXPECT_EQ(Field(X509_get_subject_name(chain[0].get()), NID_commonName), kRootCommonName);
  EXPECT_EQ(Field(X509_get_subject_name(chain[4].get()), NID_commonName),
            "i-0123456789abcdef0-enc0123456789abcdef.emulator.insecure");
  EXPECT_EQ(Field(X509_get_subject_name(chain[3].get()), NID_commonName),
            "i-0123456789abcdef0.us-east-1.emulator.insecure");
  // The instance certificate carries a 20-byte serial like the real one.
  EXPECT_EQ(ASN1_STRING_length(X509_get0_serialNumber(chain[3].get())), 20);
  // Keys match the certificates they belong to.
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(chain[0].get()), p->root_key.get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(chain[3].get()), p->instance_key.get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(chain[4].get()), p->leaf_key.get()), 1);
}

TEST(PkiTest, ProfileMatchesARealAwsChain) {
  // Same extensions and criticality per level as a genuine chain (CRL points aside: the
  // emulator publishes no CRL), and the same RDN order.
  NA_REQUIRE_SHARED();
  const auto docs = testing::RealDocuments();
  ASSERT_FALSE(docs.empty());
  const auto raw = testing::ReadFileBytes(docs.back().path);
  auto cose = cbor::Decode(raw);
  ASSERT_THAT(cose, IsOk());
  auto payload = cbor::Decode(cose->items[2].bytes);
  ASSERT_THAT(payload, IsOk());
  std::vector<Bytes> real;
  for (const cbor::Item& c : payload->Find("cabundle")->items) {
    real.emplace_back(c.bytes.begin(), c.bytes.end());
  }
  const cbor::Item* leaf = payload->Find("certificate");
  real.emplace_back(leaf->bytes.begin(), leaf->bytes.end());
  ASSERT_EQ(real.size(), 5u);

  auto p = GeneratePki(Options(kNow));
  ASSERT_THAT(p, IsOk());
  std::vector<Bytes> ours = p->cabundle();
  ours.push_back(p->leaf_der);
  for (size_t i = 0; i < real.size(); ++i) {
    SCOPED_TRACE("level " + std::to_string(i));
    const ossl::X509Ptr r = Parse(real[i]);
    const ossl::X509Ptr o = Parse(ours[i]);
    EXPECT_EQ(SortedExtensions(o.get(), true), SortedExtensions(r.get(), true));
    EXPECT_EQ(RdnOrder(X509_get_subject_name(o.get())), RdnOrder(X509_get_subject_name(r.get())));
    EXPECT_EQ(X509_get_pathlen(o.get()), X509_get_pathlen(r.get()));
    EXPECT_EQ(X509_get_key_usage(o.get()), X509_get_key_usage(r.get()));
  }
}

TEST(PkiTest, ChainVerifiesWithVerifyChain) {
  auto p = GeneratePki(Options(kNow));
  ASSERT_THAT(p, IsOk());
  auto v = x509::VerifyChain(p->leaf_der, p->cabundle(), p->root_der, kNow + hours(1));
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(v->leaf_subject,
            "CN=i-0123456789abcdef0-enc0123456789abcdef.emulator.insecure,OU=AWS,O=Amazon,"
            "L=Seattle,ST=Washington,C=US");
  EXPECT_EQ(v->leaf_key.point(), es384::PublicKey::FromEvp(p->leaf_key.get())->point());
}

TEST(PkiTest, DefaultsToTheSystemClock) {
  const TimePoint before = std::chrono::floor<seconds>(std::chrono::system_clock::now());
  auto p = GeneratePki();
  ASSERT_THAT(p, IsOk());
  ASSERT_TRUE(p->options.now.has_value());
  EXPECT_GE(*p->options.now, before);
  EXPECT_THAT(x509::VerifyChain(p->leaf_der, p->cabundle(), p->root_der, *p->options.now), IsOk());
}

TEST(PkiTest, SeededKeysAreReproducible) {
  auto a = GeneratePki(Options(kNow, "nitro-attest-test-seed"));
  auto b = GeneratePki(Options(kNow + days(2), "nitro-attest-test-seed"));
  auto c = GeneratePki(Options(kNow, "another seed"));
  auto d = GeneratePki(Options(kNow));
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(EVP_PKEY_eq(a->root_key.get(), b->root_key.get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(a->instance_key.get(), b->instance_key.get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(a->leaf_key.get(), b->leaf_key.get()), 1);
  EXPECT_NE(EVP_PKEY_eq(a->root_key.get(), c->root_key.get()), 1);
  EXPECT_NE(EVP_PKEY_eq(a->root_key.get(), d->root_key.get()), 1);
  // Every level has its own key.
  EXPECT_NE(EVP_PKEY_eq(a->root_key.get(), a->instance_key.get()), 1);
  EXPECT_NE(EVP_PKEY_eq(a->instance_key.get(), a->leaf_key.get()), 1);
  // Known answers computed independently with python-cryptography:
  //   d = int(SHA-384(b"nitro-attest-test-seed" + label)) % n, public = d * G.
  EXPECT_EQ(PublicPointHex(a->root_key.get()),
            "0415cdf0b83ede234f5960cecae8b9a6067b73b74e0a22290d138f67798c05814bf3b3884dd759212a14"
            "9f40520434694ea4065bee4bbe9145ea852b6dbf0e85d57fdc63cd83ab511593a55284a76a9294b376c2"
            "76038e0405fd608e396c3dc849");
  EXPECT_EQ(PublicPointHex(a->leaf_key.get()),
            "04b76bf7cca45b8ac0cf98882a5810ff59372287ede12d77c78e168ba1ac652c4534e33bfd8cfa78350d"
            "ef3c9588659edca560dbfcb58f341881e438e829b980264448ced366b2d90c2d03f035a668443002e5c0"
            "15e4011a8f0813b6042e9fcb99");
  // The derived private key signs: the chain verifies.
  EXPECT_THAT(x509::VerifyChain(a->leaf_der, a->cabundle(), a->root_der, kNow), IsOk());
}

TEST(PkiTest, SeededRootIsByteIdenticalAcrossRestarts) {
  auto a = GeneratePki(Options(kNow, "restart-seed"));
  auto b = GeneratePki(Options(kNow + days(100), "restart-seed"));
  auto c = GeneratePki(Options(kNow, "other-seed"));
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(a->root_der, b->root_der);
  EXPECT_EQ(a->RootPem(), b->RootPem());
  EXPECT_NE(a->root_der, c->root_der);
  EXPECT_NE(a->intermediates, b->intermediates);  // those follow `now`
  // b's chain verifies under a's root: a pin taken before a restart still holds.
  EXPECT_THAT(x509::VerifyChain(b->leaf_der, b->cabundle(), a->root_der, kNow + days(100)), IsOk());
  // The seeded root has the AWS G1 root's validity.
  const ossl::X509Ptr root = Parse(a->root_der);
  EXPECT_EQ(ToTime(X509_get0_notBefore(root.get())),
            Time(std::chrono::seconds(1572269285)));  // 2019-10-28T13:28:05Z
  EXPECT_EQ(ToTime(X509_get0_notAfter(root.get())),
            Time(std::chrono::seconds(2519044085)));  // 2049-10-28T14:28:05Z
}

TEST(PkiTest, DeterministicSignaturesVerifyOnEveryCurve) {
  CertSpec spec;
  spec.subject = {{"CN", "deterministic.test.insecure"}};
  spec.not_before = kNow;
  spec.not_after = kNow + hours(1);
  spec.serial = {0x42};
  spec.deterministic_signature = true;
  for (const KeyType type : {KeyType::kP384, KeyType::kP256, KeyType::kP521}) {
    spec.key_type = type;
    auto first = Issue(spec);
    ASSERT_THAT(first, IsOk());
    spec.subject_key = first->key.get();
    auto again = Issue(spec);
    ASSERT_THAT(again, IsOk());
    EXPECT_EQ(first->der, again->der);
    // Signed by an issuer, and with SHA-256 (digest shorter than the order on P-384/P-521).
    spec.digest = Digest::kSha256;
    auto child = Issue(spec, first->der, first->key.get());
    ASSERT_THAT(child, IsOk());
    const ossl::X509Ptr x = Parse(child->der);
    EXPECT_EQ(X509_verify(x.get(), first->key.get()), 1);
    spec.digest = Digest::kSha384;
    spec.subject_key = nullptr;
  }
  spec.key_type = KeyType::kRsa2048;
  EXPECT_THAT(Issue(spec), HasCode(ErrorCode::kInvalidArgument));
}

TEST(PkiTest, RootPemRoundTrips) {
  auto p = GeneratePki(Options(kNow));
  ASSERT_THAT(p, IsOk());
  const std::string pem = p->RootPem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_NE(x, nullptr);
  unsigned char* der = nullptr;
  const int len = i2d_X509(x.get(), &der);
  ASSERT_GT(len, 0);
  EXPECT_EQ(Bytes(der, der + len), p->root_der);
  OPENSSL_free(der);
  EXPECT_EQ(p->cabundle().front(), p->root_der);
  EXPECT_EQ(p->cabundle().size(), 4u);
}

TEST(PkiTest, IssueLeafRotatesUnderTheInstanceKey) {
  auto p = GeneratePki(Options(kNow));
  ASSERT_THAT(p, IsOk());
  const TimePoint later = kNow + hours(20);
  auto leaf = IssueLeaf(*p, later);
  ASSERT_THAT(leaf, IsOk());
  EXPECT_NE(EVP_PKEY_eq(leaf->key.get(), p->leaf_key.get()), 1);
  auto v = x509::VerifyChain(leaf->der, p->cabundle(), p->root_der, later + hours(3));
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(v->leaf_not_before, later);
  EXPECT_EQ(v->leaf_not_after, later + hours(3));
  EXPECT_EQ(v->leaf_key.point(), es384::PublicKey::FromEvp(leaf->key.get())->point());
  // The instance certificate (1 day) cannot cover a leaf issued 22 hours in, nor one issued
  // before the instance certificate itself.
  EXPECT_THAT(IssueLeaf(*p, kNow + hours(22)), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(IssueLeaf(*p, kNow - seconds(1)), HasCode(ErrorCode::kInvalidArgument));
}

TEST(PkiTest, RotateLeafRenewsIntermediatesUnderTheSameRoot) {
  auto p = GeneratePki(Options(kNow, "rotate-seed"));
  ASSERT_THAT(p, IsOk());
  const Bytes root = p->root_der;
  const Bytes instance = p->intermediates.back();

  ASSERT_THAT(RotateLeaf(*p, kNow + hours(1)), IsOk());
  EXPECT_EQ(p->intermediates.back(), instance);  // still covered: kept
  EXPECT_THAT(x509::VerifyChain(p->leaf_der, p->cabundle(), root, kNow + hours(2)), IsOk());

  const TimePoint later = kNow + days(7);  // past the zonal and instance lifetimes
  ASSERT_THAT(RotateLeaf(*p, later), IsOk());
  EXPECT_EQ(p->root_der, root);
  EXPECT_NE(p->intermediates.back(), instance);
  EXPECT_THAT(x509::VerifyChain(p->leaf_der, p->cabundle(), root, later + hours(3)), IsOk());
  EXPECT_THAT(x509::VerifyChain(p->leaf_der, p->cabundle(), root, later - seconds(1)),
              HasCode(ErrorCode::kCertificateNotYetValid));

  // A clock that went back before the intermediates also renews them (the seeded root, valid
  // since 2019, still covers it).
  const TimePoint earlier = kNow - days(30);
  ASSERT_THAT(RotateLeaf(*p, earlier), IsOk());
  EXPECT_EQ(p->root_der, root);
  EXPECT_THAT(x509::VerifyChain(p->leaf_der, p->cabundle(), root, earlier), IsOk());
}

TEST(PkiTest, IssueHonoursTheNegativeKnobs) {
  CertSpec spec;
  spec.subject = {{"CN", "knobs.test.insecure"}};
  spec.not_before = kNow;
  spec.not_after = kNow + hours(1);
  spec.serial = {0x01, 0x02, 0x03};
  spec.digest = Digest::kSha256;
  spec.issuer_name = Name{{"CN", "someone.else.insecure"}};
  spec.basic_constraints = BasicConstraints{.critical = false, .ca = true, .path_len = 7};
  spec.key_usage = KeyUsage{.critical = false, .bits = kCrlSign};
  spec.authority_key_id = false;
  spec.extra_extension =
      Extension{.oid = "1.3.6.1.4.1.55555.1", .critical = true, .value = {0x05, 0x00}};
  for (const auto& [type, name] :
       {std::pair{KeyType::kP256, "prime256v1"}, std::pair{KeyType::kP521, "secp521r1"}}) {
    spec.key_type = type;
    auto issued = Issue(spec);
    ASSERT_THAT(issued, IsOk());
    const ossl::X509Ptr x = Parse(issued->der);
    EXPECT_EQ(GroupName(X509_get0_pubkey(x.get())), name);
    EXPECT_EQ(X509_get_signature_nid(x.get()), NID_ecdsa_with_SHA256);
    EXPECT_EQ(Field(X509_get_issuer_name(x.get()), NID_commonName), "someone.else.insecure");
    EXPECT_EQ(Extensions(x.get()),
              "basicConstraints,keyUsage,subjectKeyIdentifier,1.3.6.1.4.1.55555.1!");
    EXPECT_EQ(X509_get_pathlen(x.get()), 7);
    EXPECT_EQ(X509_get_key_usage(x.get()), static_cast<uint32_t>(KU_CRL_SIGN));
    EXPECT_EQ(ASN1_INTEGER_get(X509_get0_serialNumber(x.get())), 0x010203);
  }
  spec.key_type = KeyType::kRsa2048;
  auto rsa = Issue(spec);
  ASSERT_THAT(rsa, IsOk());
  const ossl::X509Ptr x = Parse(rsa->der);
  EXPECT_TRUE(EVP_PKEY_is_a(X509_get0_pubkey(x.get()), "RSA"));
  EXPECT_EQ(X509_get_signature_nid(x.get()), NID_sha256WithRSAEncryption);
}

TEST(PkiTest, IssueRejectsBadSpecs) {
  CertSpec spec;
  spec.subject = {{"CN", "bad.test.insecure"}};
  spec.not_before = kNow;
  spec.not_after = kNow + hours(1);
  spec.key_usage = KeyUsage{.critical = true, .bits = 0};
  EXPECT_THAT(Issue(spec), HasCode(ErrorCode::kInvalidArgument));
  spec.key_usage = std::nullopt;
  spec.subject = {{"NoSuchField", "x"}};
  EXPECT_THAT(Issue(spec), HasCode(ErrorCode::kInvalidArgument));
  spec.subject = {{"CN", std::string(65, 'x')}};  // longer than ub-common-name
  EXPECT_THAT(Issue(spec), HasCode(ErrorCode::kInvalidArgument));
  spec.subject = {{"CN", "bad.test.insecure"}};
  const Bytes junk = {0x30, 0x00};
  EXPECT_THAT(Issue(spec, junk, nullptr), HasCode(ErrorCode::kInvalidArgument));
  auto issuer = Issue(spec);
  ASSERT_THAT(issuer, IsOk());
  EXPECT_THAT(Issue(spec, issuer->der, nullptr), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(Issue(spec, junk, issuer->key.get()), HasCode(ErrorCode::kInvalidArgument));
}

TEST(PkiTest, LongIdsFallBackToShortNames) {
  // A CN holds 64 characters; the emulator accepts module and instance ids up to 99 bytes.
  PkiOptions o = Options(kNow);
  o.module_id = std::string(90, 'i') + "-enc" + std::string(5, 'e');
  o.region = std::string(50, 'r');
  auto p = GeneratePki(o);
  ASSERT_THAT(p, IsOk());
  const ossl::X509Ptr leaf = Parse(p->leaf_der);
  EXPECT_EQ(Field(X509_get_subject_name(leaf.get()), NID_commonName), "enclave.emulator.insecure");
  const ossl::X509Ptr instance = Parse(p->intermediates.back());
  EXPECT_EQ(Field(X509_get_subject_name(instance.get()), NID_commonName),
            "instance.emulator.insecure");
  EXPECT_THAT(x509::VerifyChain(p->leaf_der, p->cabundle(), p->root_der, kNow), IsOk());
}

}  // namespace
}  // namespace nitro_attest::pki
