// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/verify/chain_cache.h"

#include <gtest/gtest.h>
#include <openssl/ecdsa.h>
#include <openssl/x509.h>

#include <chrono>
#include <thread>
#include <vector>

#include "nitro_attest/emulator.h"
#include "nitro_attest/nsm.h"
#include "nitro_attest/verify.h"
#include "src/pki/pki.h"
#include "testing/matchers.h"

namespace nitro_attest::internal {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using TimePoint = Time;
using std::chrono::hours;
using std::chrono::seconds;

// 2026-01-01T12:00:00Z: chains are issued at this time and verified an hour later.
const TimePoint kIssued = Time(std::chrono::seconds(1767268800));
const TimePoint kAt = kIssued + hours(1);

pki::Pki MakePki() {
  pki::PkiOptions o;
  o.now = kIssued;
  auto p = pki::GeneratePki(o);
  EXPECT_THAT(p, IsOk());
  return std::move(*p);
}

// Twin returns `der` with its signature (r, s) replaced by (r, n - s): the same certificate
// bytes signed, another valid signature. `damage` also flips r's lowest bit: it no longer
// verifies.
Bytes Twin(const Bytes& der, bool damage = false) {
  const unsigned char* p = der.data();
  ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  EXPECT_NE(x, nullptr);
  const ASN1_BIT_STRING* bits = nullptr;
  X509_get0_signature(&bits, nullptr, x.get());
  const unsigned char* q = ASN1_STRING_get0_data(bits);
  ossl::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &q, ASN1_STRING_length(bits)));
  EXPECT_NE(sig, nullptr);
  ossl::BignumPtr n(BN_new());
  BIGNUM* n_raw = n.get();
  EXPECT_NE(BN_hex2bn(&n_raw,
                      "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB2"
                      "48B0A77AECEC196ACCC52973"),
            0);
  ossl::BignumPtr r(BN_dup(ECDSA_SIG_get0_r(sig.get())));  // get0: owned by sig
  ossl::BignumPtr s(BN_new());
  EXPECT_EQ(BN_sub(s.get(), n.get(), ECDSA_SIG_get0_s(sig.get())), 1);
  if (damage) {
    // Flip the lowest bit of r.
    const int flipped =
        BN_is_bit_set(r.get(), 0) ? BN_clear_bit(r.get(), 0) : BN_set_bit(r.get(), 0);
    EXPECT_EQ(flipped, 1);
  }
  ossl::EcdsaSigPtr twin(ECDSA_SIG_new());
  EXPECT_EQ(ECDSA_SIG_set0(twin.get(), r.release(), s.release()), 1);  // takes r and s
  unsigned char* twin_der = nullptr;
  const int twin_len = i2d_ECDSA_SIG(twin.get(), &twin_der);
  EXPECT_GT(twin_len, 0);
  // The certificate owns the bit string; only the signature changes, the TBS stays cached.
  EXPECT_EQ(ASN1_BIT_STRING_set(const_cast<ASN1_BIT_STRING*>(bits), twin_der, twin_len), 1);
  OPENSSL_free(twin_der);
  unsigned char* out = nullptr;
  const int out_len = i2d_X509(x.get(), &out);
  EXPECT_GT(out_len, 0);
  Bytes result(out, out + out_len);
  OPENSSL_free(out);
  EXPECT_NE(result, der);
  return result;
}

// ExpectSameVerdict asserts that the cache gives exactly what a full verification gives.
void ExpectSameVerdict(ChainCache& cache, const Bytes& leaf, const std::vector<Bytes>& cabundle,
                       std::span<const uint8_t> root, TimePoint at) {
  const auto full = x509::VerifyChain(leaf, cabundle, root, at);
  const auto cached = cache.Verify(leaf, cabundle, root, at);
  ASSERT_EQ(full.has_value(), cached.has_value());
  if (full) {
    EXPECT_EQ(cached->leaf_subject, full->leaf_subject);
    EXPECT_EQ(cached->leaf_key.point(), full->leaf_key.point());
  } else {
    EXPECT_EQ(cached.error().code, full.error().code);
    EXPECT_EQ(cached.error().cert_index, full.error().cert_index);
  }
}

TEST(ChainCacheTest, SecondVerificationIsAHit) {
  const pki::Pki p = MakePki();
  ChainCache cache(8);
  ASSERT_THAT(cache.Verify(p.leaf_der, p.cabundle(), p.root_der, kAt), IsOk());
  const auto hit = cache.Verify(p.leaf_der, p.cabundle(), p.root_der, kAt + seconds(5));
  ASSERT_THAT(hit, IsOk());
  EXPECT_EQ(hit->leaf_key.point(), es384::PublicKey::FromEvp(p.leaf_key.get())->point());
  const auto s = cache.stats();
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.entries, 1u);
}

TEST(ChainCacheTest, ValidityIsRecheckedOnEveryHit) {
  const pki::Pki p = MakePki();
  ChainCache cache(8);
  const auto first = cache.Verify(p.leaf_der, p.cabundle(), p.root_der, kAt);
  ASSERT_THAT(first, IsOk());
  // The leaf (3 hours) bounds the intersection; both ends are inclusive, as in VerifyChain.
  EXPECT_EQ(first->valid_to, first->leaf_not_after);
  EXPECT_THAT(cache.Verify(p.leaf_der, p.cabundle(), p.root_der, first->valid_to), IsOk());
  const auto late =
      cache.Verify(p.leaf_der, p.cabundle(), p.root_der, first->valid_to + seconds(1));
  EXPECT_THAT(late, HasCode(ErrorCode::kCertificateExpired));
  EXPECT_EQ(late.error().cert_index, 0);
  EXPECT_THAT(cache.Verify(p.leaf_der, p.cabundle(), p.root_der, first->valid_from - seconds(1)),
              HasCode(ErrorCode::kCertificateNotYetValid));
  // Still usable inside the window afterwards.
  EXPECT_THAT(cache.Verify(p.leaf_der, p.cabundle(), p.root_der, kAt), IsOk());
  const auto s = cache.stats();
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 3u);  // the first and the two out-of-window lookups
  ExpectSameVerdict(cache, p.leaf_der, p.cabundle(), p.root_der, first->valid_to + hours(24));
}

TEST(ChainCacheTest, AnotherRootIsAMiss) {
  const pki::Pki p = MakePki();
  const pki::Pki other = MakePki();
  ChainCache cache(8);
  ASSERT_THAT(cache.Verify(p.leaf_der, p.cabundle(), p.root_der, kAt), IsOk());
  EXPECT_THAT(cache.Verify(p.leaf_der, p.cabundle(), other.root_der, kAt),
              HasCode(ErrorCode::kUntrustedRoot));
  EXPECT_EQ(cache.stats().hits, 0u);
  EXPECT_EQ(cache.stats().misses, 2u);
  // The other chain under its own root is its own entry.
  ASSERT_THAT(cache.Verify(other.leaf_der, other.cabundle(), other.root_der, kAt), IsOk());
  EXPECT_EQ(cache.stats().entries, 2u);
}

TEST(ChainCacheTest, SignatureTwinIsAMissAndVerifiesLikeAFullVerification) {
  const pki::Pki p = MakePki();
  ChainCache cache(8);
  ASSERT_THAT(cache.Verify(p.leaf_der, p.cabundle(), p.root_der, kAt), IsOk());
  // A twin of the leaf and of the instance certificate: valid (high S is accepted), but other
  // bytes, so each is a miss verified in full.
  const Bytes twin_leaf = Twin(p.leaf_der);
  std::vector<Bytes> twin_bundle = p.cabundle();
  twin_bundle.back() = Twin(twin_bundle.back());
  ExpectSameVerdict(cache, twin_leaf, p.cabundle(), p.root_der, kAt);
  ExpectSameVerdict(cache, p.leaf_der, twin_bundle, p.root_der, kAt);
  EXPECT_EQ(cache.stats().hits, 0u);
  EXPECT_EQ(cache.stats().misses, 3u);
  // A damaged twin fails exactly as in full, and keeps failing: failures are never stored.
  const Bytes bad_leaf = Twin(p.leaf_der, /*damage=*/true);
  EXPECT_THAT(x509::VerifyChain(bad_leaf, p.cabundle(), p.root_der, kAt),
              HasCode(ErrorCode::kChainInvalid));
  for (int i = 0; i < 2; ++i) {
    ExpectSameVerdict(cache, bad_leaf, p.cabundle(), p.root_der, kAt);
  }
  EXPECT_EQ(cache.stats().hits, 0u);
  EXPECT_EQ(cache.stats().entries, 3u);
}

TEST(ChainCacheTest, FailuresAreNeverStored) {
  const pki::Pki p = MakePki();
  ChainCache cache(8);
  std::vector<Bytes> bundle = p.cabundle();
  bundle.erase(bundle.begin() + 2);  // drop the zonal certificate
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(cache.Verify(p.leaf_der, bundle, p.root_der, kAt),
                HasCode(ErrorCode::kChainInvalid));
  }
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().hits, 0u);
}

TEST(ChainCacheTest, BoundIsRespected) {
  pki::Pki p = MakePki();
  ChainCache cache(2);
  std::vector<Bytes> leaves;
  for (int i = 0; i < 4; ++i) {
    auto leaf = pki::IssueLeaf(p, kIssued + seconds(i));
    ASSERT_THAT(leaf, IsOk());
    leaves.push_back(leaf->der);
    ASSERT_THAT(cache.Verify(leaves.back(), p.cabundle(), p.root_der, kAt), IsOk());
    EXPECT_LE(cache.stats().entries, 2u);
  }
  EXPECT_EQ(cache.stats().entries, 2u);
  // The two most recent are kept; the oldest was evicted and misses again.
  ASSERT_THAT(cache.Verify(leaves[3], p.cabundle(), p.root_der, kAt), IsOk());
  ASSERT_THAT(cache.Verify(leaves[2], p.cabundle(), p.root_der, kAt), IsOk());
  EXPECT_EQ(cache.stats().hits, 2u);
  ASSERT_THAT(cache.Verify(leaves[0], p.cabundle(), p.root_der, kAt), IsOk());
  EXPECT_EQ(cache.stats().hits, 2u);
  EXPECT_EQ(cache.stats().misses, 5u);
  EXPECT_EQ(cache.stats().entries, 2u);
}

TEST(ChainCacheTest, ChainsSharingIntermediatesCheckTheirSignaturesOnce) {
  pki::Pki p = MakePki();
  ChainCache cache(8);
  // Four leaves under one instance certificate: the first chain computes four signatures;
  // each next one only its leaf's, the three shared intermediates' being known.
  for (int i = 0; i < 4; ++i) {
    auto leaf = pki::IssueLeaf(p, kIssued + seconds(i));
    ASSERT_THAT(leaf, IsOk());
    ExpectSameVerdict(cache, leaf->der, p.cabundle(), p.root_der, kAt);
    EXPECT_EQ(cache.stats().signatures_known, 3u * static_cast<uint64_t>(i));
  }
  EXPECT_EQ(cache.stats().hits, 0u);
  // The memo is keyed by both certificates' whole bytes: a valid twin of the regional
  // certificate is a new pair under the root, and the zonal certificate under the twin is a
  // new pair too (another issuer). Of this chain only zonal → instance is known (p.leaf_der
  // itself was never verified: the loop verified other leaves).
  std::vector<Bytes> twin_regional = p.cabundle();
  twin_regional[1] = Twin(twin_regional[1]);
  ExpectSameVerdict(cache, p.leaf_der, twin_regional, p.root_der, kAt);
  EXPECT_EQ(cache.stats().signatures_known, 9u + 1u);
  // A damaged twin of the zonal certificate fails where a full verification fails, however
  // often it is tried after its good sibling was remembered.
  std::vector<Bytes> bad_zonal = p.cabundle();
  bad_zonal[2] = Twin(bad_zonal[2], /*damage=*/true);
  for (int i = 0; i < 2; ++i) {
    ExpectSameVerdict(cache, p.leaf_der, bad_zonal, p.root_der, kAt);
    EXPECT_THAT(cache.Verify(p.leaf_der, bad_zonal, p.root_der, kAt),
                HasCode(ErrorCode::kChainInvalid));
  }
}

TEST(ChainCacheTest, ZeroCapacityKeepsNothing) {
  const pki::Pki p = MakePki();
  ChainCache cache(0);
  for (int i = 0; i < 2; ++i) {
    ASSERT_THAT(cache.Verify(p.leaf_der, p.cabundle(), p.root_der, kAt), IsOk());
  }
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().hits, 0u);
}

TEST(ChainCacheTest, ConcurrentLookupsGiveFullVerificationVerdicts) {
  const pki::Pki p = MakePki();
  const pki::Pki other = MakePki();
  struct Case {
    Bytes leaf;
    std::vector<Bytes> cabundle;
    Bytes root;
    TimePoint at;
    std::optional<ErrorCode> want;  // nullopt: passes
  };
  std::vector<Case> cases = {
      {p.leaf_der, p.cabundle(), p.root_der, kAt, std::nullopt},
      {other.leaf_der, other.cabundle(), other.root_der, kAt, std::nullopt},
      {p.leaf_der, p.cabundle(), p.root_der, kAt + hours(4), ErrorCode::kCertificateExpired},
      {p.leaf_der, p.cabundle(), other.root_der, kAt, ErrorCode::kUntrustedRoot},
      {Twin(p.leaf_der), p.cabundle(), p.root_der, kAt, std::nullopt},
      {Twin(p.leaf_der, true), p.cabundle(), p.root_der, kAt, ErrorCode::kChainInvalid},
      {other.leaf_der, p.cabundle(), p.root_der, kAt, ErrorCode::kChainInvalid},
  };
  for (const Case& c : cases) {  // the expectations are full verification's
    const auto full = x509::VerifyChain(c.leaf, c.cabundle, c.root, c.at);
    ASSERT_EQ(full.has_value(), !c.want.has_value());
    if (c.want) {
      ASSERT_EQ(full.error().code, *c.want);
    }
  }
  ChainCache cache(3);  // smaller than the set of passing chains plus churn: evictions happen
  constexpr int kThreads = 4, kRounds = 6;
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        for (size_t k = 0; k < cases.size(); ++k) {
          const Case& c = cases[(k + static_cast<size_t>(t)) % cases.size()];
          const auto got = cache.Verify(c.leaf, c.cabundle, c.root, c.at);
          const bool ok = c.want ? (!got && got.error().code == *c.want) : got.has_value();
          wrong[static_cast<size_t>(t)] += ok ? 0 : 1;
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(wrong[static_cast<size_t>(t)], 0) << "thread " << t;
  }
  const auto s = cache.stats();
  EXPECT_EQ(s.hits + s.misses, static_cast<uint64_t>(kThreads * kRounds) * cases.size());
  EXPECT_GT(s.hits, 0u);
  EXPECT_LE(s.entries, 3u);
}

// Through the public Verifier: hits are counted, and a hit never skips the COSE signature.
TEST(VerifierCacheTest, HitsAreCountedAndSignaturesStillChecked) {
  NsmEmulatorOptions eo;
  eo.seed = "chain-cache-test";
  auto emu = NsmEmulator::Create(eo);
  ASSERT_THAT(emu, IsOk());
  NsmClient client((*emu)->NewHandle());
  std::vector<Bytes> docs;
  for (uint8_t i = 0; i < 3; ++i) {
    AttestationRequest req;
    req.nonce = Bytes(32, i);
    auto d = client.Attestation(req);
    ASSERT_THAT(d, IsOk());
    docs.push_back(*d);
  }
  const Bytes root = (*emu)->RootDer();
  VerifyOptions o;
  o.roots = {root};
  o.allow_any_image = true;
  const Verifier verifier;
  for (const Bytes& d : docs) {
    EXPECT_THAT(verifier.Verify(d, o), IsOk());
  }
  EXPECT_EQ(verifier.stats().misses, 1u);
  EXPECT_EQ(verifier.stats().hits, 2u);
  EXPECT_EQ(verifier.stats().entries, 1u);
  Bytes bad = docs[1];
  bad[bad.size() - 1] ^= 0x01;  // the last byte of the COSE signature
  EXPECT_THAT(verifier.Verify(bad, o), HasCode(ErrorCode::kBadSignature));
  EXPECT_EQ(verifier.stats().hits, 3u);

  const Verifier uncached(VerifierConfig{0});
  EXPECT_THAT(uncached.Verify(docs[0], o), IsOk());
  EXPECT_THAT(uncached.Verify(docs[0], o), IsOk());
  EXPECT_EQ(uncached.stats().hits, 0u);
  EXPECT_EQ(uncached.stats().entries, 0u);
}

}  // namespace
}  // namespace nitro_attest::internal
