// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Differential test of the ES384 backends: Nettle (when built) must give exactly OpenSSL's
// verdict (pass, or the same error code) on every corpus: Wycheproof P1363 and DER, the COSE
// and certificate signatures of real AWS documents, generated signatures and their edge cases
// (high S, leading zeros, r or s = 0 or >= n, wrong lengths, non-canonical DER), and mutations.
#include <gtest/gtest.h>
#include <openssl/ecdsa.h>
#include <openssl/x509.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nitro_attest/document.h"
#include "nitro_attest/encoding.h"
#include "src/es384/backend.h"
#include "src/es384/es384.h"
#include "src/ossl/ossl.h"
#include "src/x509/cert.h"
#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest::es384 {
namespace {

using ::nitro_attest::testing::IsOk;

#if NITRO_ATTEST_ES384_NETTLE

// The P-384 group order n, big-endian.
Bytes Order() {
  return HexDecode(
             "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec"
             "196accc52973")
      .value();
}

// Verdict is what a caller can observe: pass, or the error code.
std::string Verdict(const Status& s) { return s ? "ok" : std::string(to_string(s.error().code)); }

// Differ counts verification calls and the cases where the backends disagree. The Nettle side
// is es384::VerifyRaw/VerifyDer, which this build (NettleIsTheBuiltBackend) routes to Nettle
// through es384::PublicKey, as the verifier does.
struct Differ {
  int cases = 0, passed = 0;
  void Raw(EVP_PKEY* key, std::span<const uint8_t> msg, std::span<const uint8_t> sig,
           const std::string& what) {
    Compare(internal::OpensslVerifyRaw(key, msg, sig), VerifyRaw(key, msg, sig), what);
  }
  void Der(EVP_PKEY* key, std::span<const uint8_t> msg, std::span<const uint8_t> sig,
           const std::string& what) {
    Compare(internal::OpensslVerifyDer(key, msg, sig), VerifyDer(key, msg, sig), what);
  }
  void Compare(const Status& openssl, const Status& nettle, const std::string& what) {
    ++cases;
    passed += openssl ? 1 : 0;
    EXPECT_EQ(Verdict(nettle), Verdict(openssl)) << what;
  }
  // Mutations runs a valid signature's single-bit and single-byte variants through both.
  // Every `stride`-th byte is changed (the suite stays fast under a loaded machine).
  void Mutations(EVP_PKEY* key, std::span<const uint8_t> msg, const Bytes& sig, bool raw,
                 const std::string& what, size_t stride = 1) {
    for (size_t i = 0; i < sig.size(); i += stride) {
      for (const uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
        Bytes m = sig;
        m[i] ^= mask;
        const std::string w = what + " byte " + std::to_string(i) + " ^" + std::to_string(mask);
        raw ? Raw(key, msg, m, w) : Der(key, msg, m, w);
      }
    }
  }
};

ossl::EvpPkeyPtr KeyFromCert(const Bytes& der) {
  const unsigned char* p = der.data();
  ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  return ossl::EvpPkeyPtr(x ? X509_get_pubkey(x.get()) : nullptr);  // a new reference
}

// CertSignature returns a certificate's DER ECDSA signature bytes.
Bytes CertSignature(const Bytes& der) {
  const unsigned char* p = der.data();
  ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  const ASN1_BIT_STRING* sig = nullptr;  // owned by x
  X509_get0_signature(&sig, nullptr, x.get());
  const uint8_t* d = ASN1_STRING_get0_data(sig);
  return Bytes(d, d + ASN1_STRING_length(sig));
}

// Der encodes r and s (big-endian magnitudes) as a canonical ECDSA-Sig-Value.
Bytes Der(const Bytes& r, const Bytes& s) {
  auto integer = [](Bytes v) {
    while (v.size() > 1 && v[0] == 0) {
      v.erase(v.begin());
    }
    if (v.empty()) {
      v.push_back(0);
    }
    if (v[0] & 0x80) {
      v.insert(v.begin(), 0);
    }
    Bytes out = {0x02, static_cast<uint8_t>(v.size())};
    out.insert(out.end(), v.begin(), v.end());
    return out;
  };
  Bytes body = integer(r);
  const Bytes si = integer(s);
  body.insert(body.end(), si.begin(), si.end());
  Bytes out = {0x30, static_cast<uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes Sub(const Bytes& a, const Bytes& b) {  // a - b for 48-byte big-endian, a >= b
  Bytes out(48);
  int borrow = 0;
  for (size_t i = 48; i-- > 0;) {
    int v = a[i] - b[i] - borrow;
    borrow = v < 0 ? 1 : 0;
    out[i] = static_cast<uint8_t>(v + (borrow ? 256 : 0));
  }
  return out;
}

void RunWycheproof(Differ& d, const char* file, bool raw) {
  const auto shared = ::nitro_attest::testing::SharedDir();
  std::ifstream in(*shared / "vectors" / "wycheproof" / file);
  ASSERT_TRUE(in) << file;
  const auto j = nlohmann::json::parse(in);
  for (const auto& group : j.at("testGroups")) {
    const auto der_key = HexDecode(group.at("publicKeyDer").get<std::string>()).value();
    const unsigned char* p = der_key.data();
    ossl::EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der_key.size())));
    ASSERT_NE(key, nullptr);
    for (const auto& t : group.at("tests")) {
      const auto msg = HexDecode(t.at("msg").get<std::string>()).value();
      const auto sig = HexDecode(t.at("sig").get<std::string>()).value();
      const std::string what =
          std::string(file) + " tcId " + std::to_string(t.at("tcId").get<int>());
      raw ? d.Raw(key.get(), msg, sig, what) : d.Der(key.get(), msg, sig, what);
    }
  }
}

TEST(Es384BackendTest, NettleIsTheBuiltBackend) { EXPECT_STREQ(BackendName(), "nettle"); }

TEST(Es384BackendTest, WycheproofVerdictsAreIdentical) {
  NA_REQUIRE_SHARED();
  Differ d;
  const uint64_t overruled = internal::NettleRejectionsOverruled();
  RunWycheproof(d, "ecdsa_secp384r1_sha384_p1363_test.json", true);
  RunWycheproof(d, "ecdsa_secp384r1_sha384_test.json", false);
  EXPECT_EQ(d.cases, 280 + 504);
  EXPECT_GT(d.passed, 0);
  // Only the "PointDuplication" case of each file (tcId 228 and 453) needed OpenSSL's word.
  EXPECT_EQ(internal::NettleRejectionsOverruled() - overruled, 2u);
}

TEST(Es384BackendTest, RealDocumentSignaturesAreIdentical) {
  NA_REQUIRE_SHARED();
  Differ d;
  const uint64_t overruled = internal::NettleRejectionsOverruled();
  int docs = 0;
  for (const auto& real : ::nitro_attest::testing::RealDocuments()) {
    const Bytes bytes = ::nitro_attest::testing::ReadFileBytes(real.path);
    const auto doc = ParseUnverified(bytes);
    ASSERT_THAT(doc, IsOk()) << real.name;
    ++docs;
    // The COSE signature under the leaf key, plus its high-S twin and mutations.
    const ossl::EvpPkeyPtr leaf_key = KeyFromCert(doc->certificate);
    ASSERT_NE(leaf_key, nullptr);
    const Bytes tbs = BuildSigStructure(doc->protected_header, doc->payload);
    d.Raw(leaf_key.get(), tbs, doc->signature, real.name + " cose");
    Bytes twin(doc->signature.begin(), doc->signature.end());
    const Bytes s(twin.begin() + 48, twin.end());
    const Bytes other_s = Sub(Order(), s);
    std::copy(other_s.begin(), other_s.end(), twin.begin() + 48);
    d.Raw(leaf_key.get(), tbs, twin, real.name + " cose twin");
    d.Mutations(leaf_key.get(), tbs, Bytes(doc->signature.begin(), doc->signature.end()), true,
                real.name + " cose", 11);
    // Every certificate signature under its issuer's key (the root signs itself).
    std::vector<Bytes> path = doc->cabundle;
    path.push_back(doc->certificate);
    for (size_t i = 0; i < path.size(); ++i) {
      const ossl::EvpPkeyPtr issuer = KeyFromCert(path[i == 0 ? 0 : i - 1]);
      ASSERT_NE(issuer, nullptr);
      const auto cert = x509::ParseCertificate(path[i]);
      ASSERT_THAT(cert, IsOk());
      const Bytes sig = CertSignature(path[i]);
      d.Der(issuer.get(), cert->tbs, sig, real.name + " cert " + std::to_string(i));
    }
    // Mutations of one certificate signature per document (the leaf's).
    d.Mutations(KeyFromCert(path[path.size() - 2]).get(), x509::ParseCertificate(path.back())->tbs,
                CertSignature(path.back()), false, real.name + " leaf cert", 11);
  }
  EXPECT_GT(docs, 0);
  EXPECT_GT(d.passed, docs * 3);
  EXPECT_EQ(internal::NettleRejectionsOverruled(), overruled);
}

TEST(Es384BackendTest, GeneratedSignaturesAndEdgeCasesAreIdentical) {
  Differ d;
  const uint64_t overruled = internal::NettleRejectionsOverruled();
  const Bytes n = Order();
  const Bytes zero(48, 0);
  Bytes one(48, 0);
  one[47] = 1;
  const Bytes n_minus_1 = Sub(n, one);
  Bytes n_plus_1 = n;
  n_plus_1[47] = static_cast<uint8_t>(n_plus_1[47] + 1);  // 0x73 + 1: no carry
  const Bytes all_ff(48, 0xff);
  int leading_zero_r = 0, leading_zero_s = 0;
  for (int k = 0; k < 4; ++k) {
    ossl::EvpPkeyPtr key(EVP_EC_gen("P-384"));
    ASSERT_NE(key, nullptr);
    // Up to 1100 signatures per key: about four with a leading zero byte in r or in s each.
    for (int i = 0; i < (k == 0 ? 1100 : 8); ++i) {
      const Bytes msg = {static_cast<uint8_t>(k), static_cast<uint8_t>(i),
                         static_cast<uint8_t>(i >> 8)};
      const auto sig = SignRaw(key.get(), msg);
      ASSERT_THAT(sig, IsOk());
      const Bytes raw(sig->begin(), sig->end());
      const Bytes r(raw.begin(), raw.begin() + 48), s(raw.begin() + 48, raw.end());
      const bool lz = r[0] == 0 || s[0] == 0;
      leading_zero_r += r[0] == 0 ? 1 : 0;
      leading_zero_s += s[0] == 0 ? 1 : 0;
      if (k == 0 && i >= 8 && !lz) {
        continue;  // the long run only looks for leading zeros
      }
      const std::string w = "key " + std::to_string(k) + " sig " + std::to_string(i);
      d.Raw(key.get(), msg, raw, w);
      d.Der(key.get(), msg, Der(r, s), w + " der");
      Bytes high_s = r;
      const Bytes twin_s = Sub(n, s);
      high_s.insert(high_s.end(), twin_s.begin(), twin_s.end());
      d.Raw(key.get(), msg, high_s, w + " twin");
      d.Der(key.get(), msg, Der(r, twin_s), w + " twin der");
      d.Raw(key.get(), Bytes{9, 9}, raw, w + " other message");
      if (i > 1) {
        continue;
      }
      // Out-of-range scalars, in both encodings.
      for (const auto& [name, rr, ss] :
           std::vector<std::tuple<std::string, Bytes, Bytes>>{{"r=0", zero, s},
                                                              {"s=0", r, zero},
                                                              {"r=n", n, s},
                                                              {"s=n", r, n},
                                                              {"r=n+1", n_plus_1, s},
                                                              {"s=n+1", r, n_plus_1},
                                                              {"r=n-1", n_minus_1, s},
                                                              {"s=n-1", r, n_minus_1},
                                                              {"r=1", one, s},
                                                              {"r=ff..", all_ff, s},
                                                              {"s=ff..", r, all_ff},
                                                              {"both 0", zero, zero}}) {
        Bytes cat = rr;
        cat.insert(cat.end(), ss.begin(), ss.end());
        d.Raw(key.get(), msg, cat, w + " " + name);
        d.Der(key.get(), msg, Der(rr, ss), w + " der " + name);
      }
      // Wrong raw lengths.
      for (const size_t len :
           {size_t{0}, size_t{1}, size_t{48}, size_t{95}, size_t{97}, size_t{104}, size_t{192}}) {
        Bytes b = raw;
        b.resize(len, 0);
        d.Raw(key.get(), msg, b, w + " length " + std::to_string(len));
      }
      // Leading zeros as extra bytes: 00 || r and 00 || s are no longer 96 bytes.
      Bytes padded = {0};
      padded.insert(padded.end(), r.begin(), r.end());
      padded.push_back(0);
      padded.insert(padded.end(), s.begin(), s.end());
      d.Raw(key.get(), msg, padded, w + " padded");
      // Non-canonical and malformed DER.
      const Bytes der = Der(r, s);
      std::vector<std::pair<std::string, Bytes>> bad;
      {
        Bytes b = der;  // long-form outer length
        b.erase(b.begin() + 1);
        b.insert(b.begin() + 1, {0x81, der[1]});
        bad.emplace_back("long length", b);
      }
      {
        Bytes b = der;  // trailing byte
        b.push_back(0);
        bad.emplace_back("trailing", b);
      }
      {
        Bytes b = der;  // indefinite length with end-of-contents
        b[1] = 0x80;
        b.push_back(0);
        b.push_back(0);
        bad.emplace_back("indefinite", b);
      }
      {
        Bytes b = der;  // an extra leading zero in r
        b[1] = static_cast<uint8_t>(b[1] + 1);
        b[3] = static_cast<uint8_t>(b[3] + 1);
        b.insert(b.begin() + 4, 0);
        bad.emplace_back("r extra zero", b);
      }
      {
        Bytes b = der;  // r as a negative number: drop its sign byte when it has one
        if (b[4] == 0) {
          b.erase(b.begin() + 4);
          b[1] = static_cast<uint8_t>(b[1] - 1);
          b[3] = static_cast<uint8_t>(b[3] - 1);
        } else {
          b[4] |= 0x80;
        }
        bad.emplace_back("r negative", b);
      }
      {
        Bytes b = der;  // outer length one short and one long
        b[1] = static_cast<uint8_t>(b[1] - 1);
        bad.emplace_back("short seq", b);
        b[1] = static_cast<uint8_t>(b[1] + 2);
        bad.emplace_back("long seq", b);
      }
      {
        Bytes b = der;  // wrong tags
        b[0] = 0x31;
        bad.emplace_back("set", b);
        b = der;
        b[2] = 0x03;
        bad.emplace_back("r bitstring", b);
      }
      bad.emplace_back("empty", Bytes{});
      bad.emplace_back("empty seq", Bytes{0x30, 0x00});
      bad.emplace_back("one int", Bytes{0x30, 0x03, 0x02, 0x01, 0x01});
      bad.emplace_back("empty ints", Bytes{0x30, 0x04, 0x02, 0x00, 0x02, 0x00});
      for (const auto& [name, b] : bad) {
        d.Der(key.get(), msg, b, w + " der " + name);
      }
      if (i == 0 && k < 2) {
        d.Mutations(key.get(), msg, raw, true, w + " raw");
        d.Mutations(key.get(), msg, der, false, w + " der");
      }
    }
  }
  EXPECT_GT(leading_zero_r + leading_zero_s, 0) << "no leading-zero scalar in 1100 signatures";
  // A key on another curve is refused before any signature math by both.
  ossl::EvpPkeyPtr p256(EVP_EC_gen("P-256"));
  d.Raw(p256.get(), Bytes{1}, Bytes(96, 1), "P-256 raw");
  d.Der(p256.get(), Bytes{1}, Bytes{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}, "P-256 der");
  EXPECT_GT(d.cases, 1500);
  EXPECT_EQ(internal::NettleRejectionsOverruled(), overruled);
  EXPECT_GT(d.passed, 40);
}

#else

TEST(Es384BackendTest, OpensslIsTheBuiltBackend) {
  EXPECT_STREQ(BackendName(), "openssl");
  GTEST_SKIP() << "built without NITRO_ATTEST_ES384_NETTLE: no second backend to compare";
}

#endif

}  // namespace
}  // namespace nitro_attest::es384
