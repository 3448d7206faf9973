// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// A hand-written walk of the attestation chain. Rules: AWS attestation_process.md §3.2.3 and
// docs/nsm-and-document-spec.md §3.6. OpenSSL's X509_verify_cert is not used: its strict mode
// rejects every real chain (the leaf has no AKI) and its default mode checks less than AWS asks.
// Certificates are read by src/x509/cert.cc; OpenSSL only prints the leaf's subject.
#include <openssl/err.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "src/es384/es384.h"
#include "src/ossl/ossl.h"
#include "src/x509/cert.h"
#include "src/x509/x509.h"

namespace nitro_attest::x509 {
namespace {

using Span = std::span<const uint8_t>;

// Cert is one parsed certificate, its key once its algorithms are checked, and its position in
// the error numbering.
struct Cert {
  Certificate c;
  int index = 0;  // 0 = leaf, 1 = cabundle[n-1], ..., n = cabundle[0]
  std::optional<es384::PublicKey> key;
};

Error CertError(ErrorCode code, std::string what, int index) {
  return MakeError(code, std::move(what) + " (certificate " + std::to_string(index) + ")", index);
}

Result<Cert> ParseCert(Span der, int index) {
  auto parsed = ParseCertificate(der);
  if (!parsed) {
    return CertError(parsed.error().code, parsed.error().detail, index);
  }
  return Cert{*parsed, index, std::nullopt};
}

// DescribeKeyAlgorithm names a refused SubjectPublicKeyInfo algorithm for the error detail.
const char* DescribeKeyAlgorithm(Span algorithm) {
  switch (ClassifyKeyAlgorithm(algorithm)) {
    case KeyAlgorithm::kP384:
      return "public key is P-384";
    case KeyAlgorithm::kOtherNamedCurve:
      return "EC public key on a named curve other than P-384";
    case KeyAlgorithm::kExplicitCurve:
      return "EC public key with explicit curve parameters (only the named curve P-384 is "
             "accepted)";
    case KeyAlgorithm::kEcWithoutCurve:
      return "EC public key without a named curve";
    case KeyAlgorithm::kNotEc:
      break;
  }
  return "public key is not an EC key";
}

// CheckAlgorithms requires ecdsa-with-SHA384 in both signature fields and a P-384 key in the
// uncompressed form, and makes the key. Runs for every certificate before any signature math,
// so no other curve or algorithm reaches a signature check.
Status CheckAlgorithms(Cert& cert) {
  const Certificate& c = cert.c;
  if (!std::ranges::equal(c.signature_algorithm, kEcdsaWithSha384)) {
    return CertError(ErrorCode::kUnsupportedAlgorithm,
                     "signature algorithm is not ecdsa-with-SHA384", cert.index);
  }
  // The signature algorithm inside the signed TBS must say the same (RFC 5280 §4.1.2.3).
  if (!std::ranges::equal(c.tbs_signature, c.signature_algorithm)) {
    return CertError(ErrorCode::kMalformedCertificate, "outer and TBS signature algorithms differ",
                     cert.index);
  }
  if (!std::ranges::equal(c.key_algorithm, kEcP384KeyAlgorithm)) {
    return CertError(ErrorCode::kUnsupportedAlgorithm, DescribeKeyAlgorithm(c.key_algorithm),
                     cert.index);
  }
  // key_bits = unused-bit count (0) || SEC1 point.
  const Span point = c.key_bits.subspan(1);
  if (c.key_bits[0] == 0 && point.size() == 1 + es384::kScalarSize &&
      (point[0] == 0x02 || point[0] == 0x03)) {
    return CertError(ErrorCode::kUnsupportedAlgorithm,
                     "compressed public key points are not supported", cert.index);
  }
  if (c.key_bits[0] != 0) {
    return CertError(ErrorCode::kMalformedCertificate, "unused bits in the public key", cert.index);
  }
  auto key = es384::PublicKey::FromPoint(point);
  if (!key) {
    return CertError(ErrorCode::kMalformedCertificate,
                     "unreadable public key: " + key.error().detail, cert.index);
  }
  cert.key = std::move(*key);
  return {};
}

// TimeText renders a time for an error detail.
std::string TimeText(Time t) {
  return FormatTime(t).value_or(std::to_string(t.time_since_epoch().count()) + " ms");
}

// CheckValidity checks `at` against c's validity and narrows [*from, *to] to it. The detail
// names the window and the time checked.
Status CheckValidity(const Cert& cert, Time at, Time* from, Time* to) {
  *from = std::max(*from, cert.c.not_before);
  *to = std::min(*to, cert.c.not_after);
  const bool early = at < cert.c.not_before;
  if (early || at > cert.c.not_after) {
    return CertError(early ? ErrorCode::kCertificateNotYetValid : ErrorCode::kCertificateExpired,
                     std::string(early ? "certificate not yet valid" : "certificate expired") +
                         ": valid " + TimeText(cert.c.not_before) + " .. " +
                         TimeText(cert.c.not_after) + ", checked at " + TimeText(at),
                     cert.index);
  }
  return {};
}

// CheckIssuedBy checks that the subject's issuer name is the issuer's subject name. Names are
// compared as DER bytes: stricter than RFC 5280 §7.1's case-insensitive matching, and what
// every AWS chain satisfies (an issuing CA copies its subject into what it issues).
Status CheckIssuedBy(const Cert& subject, const Cert& issuer) {
  if (!std::ranges::equal(subject.c.issuer, issuer.c.subject)) {
    return CertError(ErrorCode::kChainInvalid, "issuer name differs from the issuer's subject",
                     subject.index);
  }
  return {};
}

// CheckSignedBy checks the subject's signature under the issuer's key, over the TBS bytes as
// received, through es384::VerifyDer (the faster backend when built).
Status CheckSignedBy(const Cert& subject, const Cert& issuer, SignatureMemo* memo) {
  NA_TRY(CheckIssuedBy(subject, issuer));
  if (memo != nullptr && memo->Known(issuer.c.der, subject.c.der)) {
    return {};
  }
  // signature = unused-bit count || DER ECDSA-Sig-Value; like X509_verify, refuse unused bits.
  const Span sig = subject.c.signature;
  if (sig[0] != 0 || !es384::VerifyDer(*issuer.key, subject.c.tbs, sig.subspan(1))) {
    return CertError(ErrorCode::kChainInvalid, "signature does not verify under the issuer key",
                     subject.index);
  }
  if (memo != nullptr) {
    memo->Remember(issuer.c.der, subject.c.der);
  }
  return {};
}

// CheckProfile applies the AWS extension rules. `cas_below` is the number of CA certificates
// between this one and the leaf (for pathLenConstraint). Criticality is allowed only on the two
// extensions this walk enforces: a critical extension it does not check (name constraints,
// policies) would otherwise be silently weakened.
Status CheckProfile(const Cert& cert, bool is_ca, size_t cas_below) {
  const Certificate& c = cert.c;
  if (c.unknown_critical_extension) {
    return CertError(ErrorCode::kChainInvalid, "unknown critical extension", cert.index);
  }
  if (is_ca) {
    if (!c.has_basic_constraints || !c.basic_constraints_critical || !c.ca) {
      return CertError(ErrorCode::kChainInvalid, "CA without critical basicConstraints CA:TRUE",
                       cert.index);
    }
    if (!c.has_key_usage || (c.key_usage & kKeyUsageKeyCertSign) == 0) {
      return CertError(ErrorCode::kChainInvalid, "CA without keyUsage keyCertSign", cert.index);
    }
    if (c.path_len && cas_below > *c.path_len) {
      return CertError(ErrorCode::kChainInvalid, "pathLenConstraint exceeded", cert.index);
    }
    return {};
  }
  if (c.ca || c.path_len) {
    return CertError(ErrorCode::kChainInvalid, "leaf is a CA or has a pathLenConstraint",
                     cert.index);
  }
  // AWS's rules (attestation_process.md §3.2.3.2): the leaf signs documents, so keyUsage must
  // be present with digitalSignature; certificate or CRL signing is for CAs only (RFC 5280
  // §4.2.1.3: keyCertSign needs cA, and a non-CA has no business signing CRLs here).
  if (!c.has_key_usage || (c.key_usage & kKeyUsageDigitalSignature) == 0) {
    return CertError(ErrorCode::kChainInvalid, "leaf keyUsage lacks digitalSignature", cert.index);
  }
  if ((c.key_usage & (kKeyUsageKeyCertSign | kKeyUsageCrlSign)) != 0) {
    return CertError(ErrorCode::kChainInvalid,
                     "leaf keyUsage has keyCertSign or cRLSign but the leaf is not a CA",
                     cert.index);
  }
  return {};
}

// SubjectRfc2253 prints a Name (already checked by ParseCertificate) the way OpenSSL does.
Result<std::string> SubjectRfc2253(Span name_der) {
  const unsigned char* p = name_der.data();
  ossl::X509NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(name_der.size())));
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (name == nullptr || bio == nullptr ||
      X509_NAME_print_ex(bio.get(), name.get(), 0, XN_FLAG_RFC2253) < 0) {
    return ossl::OsslError(ErrorCode::kMalformedCertificate, "cannot print the leaf subject");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);  // owned by the BIO
  if (len <= 0) {
    return std::string();
  }
  return std::string(data, static_cast<size_t>(len));
}

Result<VerifiedChain> Walk(Span leaf_der, const std::vector<Bytes>& cabundle, Span root_der,
                           Time at, SignatureMemo* memo) {
  if (cabundle.empty() || cabundle.size() > kMaxCabundleSize) {
    return MakeError(
        ErrorCode::kChainInvalid,
        "cabundle must hold 1 to " + std::to_string(kMaxCabundleSize) + " certificates");
  }
  const int n = static_cast<int>(cabundle.size());
  // The pinned root is compared as bytes, never by name or key (spec §3.6).
  if (root_der.empty() || !std::ranges::equal(cabundle[0], root_der)) {
    return MakeError(ErrorCode::kUntrustedRoot, "cabundle[0] is not the trusted root", n);
  }

  // path[0] is the root, path[n] the leaf: the order in which trust flows.
  std::vector<Cert> path;
  path.reserve(cabundle.size() + 1);
  for (int k = 0; k < n; ++k) {
    NA_ASSIGN_OR_RETURN(Cert c, ParseCert(cabundle[static_cast<size_t>(k)], n - k));
    path.push_back(std::move(c));
  }
  NA_ASSIGN_OR_RETURN(Cert leaf, ParseCert(leaf_der, 0));
  path.push_back(std::move(leaf));

  for (Cert& c : path) {
    NA_TRY(CheckAlgorithms(c));
  }

  Time valid_from = Time::min();
  Time valid_to = Time::max();
  for (size_t i = 0; i < path.size(); ++i) {
    const Cert& c = path[i];
    const bool is_leaf = i + 1 == path.size();
    if (i == 0) {
      // The root is the trust anchor, trusted because its bytes equal the pinned ones; its
      // self-signature proves nothing more (RFC 5280 §6.1 does not check it either). It must
      // still be self-issued and meet the CA profile and validity below.
      NA_TRY(CheckIssuedBy(c, c));
    } else {
      NA_TRY(CheckSignedBy(c, path[i - 1], memo));
    }
    // CAs strictly between this certificate and the leaf; self-issued ones count too, which is
    // stricter than RFC 5280 §6.1.4 (l) and never matters for AWS chains.
    const size_t cas_below = is_leaf ? 0 : path.size() - i - 2;
    NA_TRY(CheckProfile(c, !is_leaf, cas_below));
    NA_TRY(CheckValidity(c, at, &valid_from, &valid_to));
  }

  const Cert& last = path.back();
  NA_ASSIGN_OR_RETURN(std::string subject, SubjectRfc2253(last.c.subject));
  return VerifiedChain{.leaf_key = *last.key,
                       .leaf_subject = std::move(subject),
                       .leaf_not_before = last.c.not_before,
                       .leaf_not_after = last.c.not_after,
                       .valid_from = valid_from,
                       .valid_to = valid_to};
}

}  // namespace

Result<VerifiedChain> VerifyChain(std::span<const uint8_t> leaf_der,
                                  const std::vector<Bytes>& cabundle,
                                  std::span<const uint8_t> root_der, Time at,
                                  SignatureMemo* memo) {
  auto result = Walk(leaf_der, cabundle, root_der, at, memo);
  // Rejected input can leave OpenSSL error entries (name printing) that are not ours to keep.
  ERR_clear_error();
  return result;
}

}  // namespace nitro_attest::x509
