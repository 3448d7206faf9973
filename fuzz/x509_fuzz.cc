// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The certificate reader (src/x509/cert.cc) against OpenSSL's d2i_X509, the reference it
// replaced on the verification path. Invariants:
// - a failure is kMalformedCertificate;
// - whatever ours accepts, d2i_X509 accepts too and reads the same: whole-input length, TBS
//   bytes, issuer and subject DER, validity, public key bits, basicConstraints, pathLen and
//   keyUsage (ours may only be stricter, never looser). Extensions the chain walk does not
//   use (AKI, SKI, CRL distribution points, ...) stay opaque to ours, so OpenSSL may flag one
//   as undecodable (EXFLAG_INVALID) where ours does not look: they are signed by the issuer
//   and change no verdict;
// - an accepted certificate's key, when it is an uncompressed P-384 point, makes an
//   es384::PublicKey exactly when OpenSSL can decode it.
// The input is also run through VerifyChain as a leaf and as a bundle certificate under the
// fuzz root, where every failure must carry a chain error code.
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <vector>

#include "fuzz/fuzz.h"
#include "fuzz/fuzz_env.h"
#include "src/es384/es384.h"
#include "src/ossl/ossl.h"
#include "src/x509/cert.h"
#include "src/x509/x509.h"

namespace nitro_attest::fuzz {
namespace {

using Span = std::span<const uint8_t>;

bool SameBytes(Span a, const unsigned char* b, int b_len) {
  return b_len >= 0 && std::equal(a.begin(), a.end(), b, b + b_len);
}

bool SameName(Span ours, const X509_NAME* name) {
  unsigned char* der = nullptr;
  const int len = i2d_X509_NAME(name, &der);
  const bool same = SameBytes(ours, der, len);
  OPENSSL_free(der);
  return same;
}

// SameTime compares with ASN1_TIME_to_tm (every year 0000..9999 fits time_t and Time).
bool SameTime(Time ours, const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) {
    return false;
  }
  return ours == Time(std::chrono::seconds(timegm(&tm)));
}

bool IsChainCode(ErrorCode code) {
  return code == ErrorCode::kMalformedCertificate || code == ErrorCode::kUnsupportedAlgorithm ||
         code == ErrorCode::kChainInvalid || code == ErrorCode::kCertificateExpired ||
         code == ErrorCode::kCertificateNotYetValid;
}

void CheckAgainstOpenssl(Span data, const x509::Certificate& c) {
  const unsigned char* p = data.data();
  ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
  FUZZ_CHECK(x != nullptr);
  FUZZ_CHECK(p == data.data() + data.size());
  FUZZ_CHECK(X509_get_version(x.get()) == X509_VERSION_3);
  unsigned char* tbs = nullptr;
  const int tbs_len = i2d_re_X509_tbs(x.get(), &tbs);
  const bool same_tbs = SameBytes(c.tbs, tbs, tbs_len);
  OPENSSL_free(tbs);
  FUZZ_CHECK(same_tbs);
  FUZZ_CHECK(SameName(c.issuer, X509_get_issuer_name(x.get())));
  FUZZ_CHECK(SameName(c.subject, X509_get_subject_name(x.get())));
  FUZZ_CHECK(SameTime(c.not_before, X509_get0_notBefore(x.get())));
  FUZZ_CHECK(SameTime(c.not_after, X509_get0_notAfter(x.get())));
  const unsigned char* key = nullptr;
  int key_len = 0;
  FUZZ_CHECK(
      X509_PUBKEY_get0_param(nullptr, &key, &key_len, nullptr, X509_get_X509_PUBKEY(x.get())) == 1);
  FUZZ_CHECK(SameBytes(c.key_bits.subspan(1), key, key_len));

  const uint32_t flags = X509_get_extension_flags(x.get());
  FUZZ_CHECK(c.has_basic_constraints == ((flags & EXFLAG_BCONS) != 0));
  if ((flags & EXFLAG_INVALID) == 0) {
    FUZZ_CHECK(c.ca == ((flags & EXFLAG_CA) != 0));
    const long path_len = X509_get_pathlen(x.get());
    // OpenSSL keeps pathLen only on CAs and only up to LONG_MAX.
    if (c.ca && c.path_len && *c.path_len <= 0x7fffffff) {
      FUZZ_CHECK(path_len >= 0 && static_cast<uint64_t>(path_len) == *c.path_len);
    }
    if (!c.path_len) {
      FUZZ_CHECK(path_len < 0);
    }
  }
  FUZZ_CHECK(c.has_key_usage == ((flags & EXFLAG_KUSAGE) != 0));
  // With any extension OpenSSL cannot decode (ours keeps those it does not use opaque),
  // X509_get_key_usage answers 0 whatever the keyUsage says.
  if (c.has_key_usage && (flags & EXFLAG_INVALID) == 0) {
    const uint32_t ku = X509_get_key_usage(x.get());
    FUZZ_CHECK(((c.key_usage & x509::kKeyUsageDigitalSignature) != 0) ==
               ((ku & KU_DIGITAL_SIGNATURE) != 0));
    FUZZ_CHECK(((c.key_usage & x509::kKeyUsageKeyCertSign) != 0) == ((ku & KU_KEY_CERT_SIGN) != 0));
  }

  // The key: for a P-384 uncompressed point, our PublicKey and OpenSSL's decoding agree.
  if (std::ranges::equal(c.key_algorithm, x509::kEcP384KeyAlgorithm) &&
      c.key_bits.size() == 1 + es384::kPointSize && c.key_bits[0] == 0 && c.key_bits[1] == 0x04) {
    const bool ours = es384::PublicKey::FromPoint(c.key_bits.subspan(1)).has_value();
    const bool theirs = X509_get0_pubkey(x.get()) != nullptr;
    FUZZ_CHECK(ours == theirs);
  }
  ERR_clear_error();
}

}  // namespace

void Fuzz(Span data) {
  const Result<x509::Certificate> c = x509::ParseCertificate(data);
  if (!c) {
    FUZZ_CHECK(c.error().code == ErrorCode::kMalformedCertificate);
  } else {
    FUZZ_CHECK(c->der.data() == data.data() && c->der.size() == data.size());
    CheckAgainstOpenssl(data, *c);
  }
  // Through the chain walk, as a leaf under the fuzz root and as an intermediate.
  const Span root = FuzzRootDer();
  const std::vector<Bytes> bundle = {Bytes(root.begin(), root.end())};
  const Bytes leaf(data.begin(), data.end());
  for (const auto& [l, b] :
       {std::pair{leaf, bundle},
        std::pair{Bytes(root.begin(), root.end()), std::vector<Bytes>{bundle[0], leaf}}}) {
    const auto r = x509::VerifyChain(l, b, root, FuzzVerifyTime());
    if (!r) {
      FUZZ_CHECK(IsChainCode(r.error().code));
      FUZZ_CHECK(r.error().cert_index >= 0);
    }
  }
}

}  // namespace nitro_attest::fuzz
