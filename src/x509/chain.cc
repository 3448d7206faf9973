// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// A hand-written walk of the attestation chain. Rules: AWS attestation_process.md §3.2.3 and
// docs/nsm-and-document-spec.md §3.6. OpenSSL's X509_verify_cert is not used: its strict mode
// rejects every real chain (the leaf has no AKI) and its default mode checks less than AWS asks.
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>
#include <utility>

#include "src/es384/es384.h"
#include "src/x509/x509.h"

namespace nitro_attest::x509 {
namespace {

using Clock = std::chrono::system_clock;

// Cert is one parsed certificate and its position in the error numbering.
struct Cert {
  ossl::X509Ptr x509;
  int index = 0;  // 0 = leaf, 1 = cabundle[n-1], ..., n = cabundle[0]
  std::span<const uint8_t> tbs;  // as received; what the issuer signed
};

// Element splits one definite-length DER element off `in`: returns it whole (header included)
// and, in *content, its content.
std::optional<std::span<const uint8_t>> Element(std::span<const uint8_t> in, uint8_t tag,
                                                std::span<const uint8_t>* content) {
  if (in.size() < 2 || in[0] != tag) {
    return std::nullopt;
  }
  size_t len = in[1];
  size_t header = 2;
  if (len > 0x80 && len <= 0x84) {
    const size_t n = len - 0x80;
    if (in.size() < 2 + n) {
      return std::nullopt;
    }
    len = 0;
    for (size_t i = 0; i < n; ++i) {
      len = (len << 8) | in[2 + i];
    }
    header = 2 + n;
  } else if (len >= 0x80) {
    return std::nullopt;  // indefinite length, or longer than any certificate
  }
  if (in.size() - header < len) {
    return std::nullopt;
  }
  *content = in.subspan(header, len);
  return in.first(header + len);
}

Error CertError(ErrorCode code, std::string what, int index) {
  return MakeError(code, std::move(what) + " (certificate " + std::to_string(index) + ")", index);
}

Error CertOsslError(ErrorCode code, std::string_view what, int index) {
  Error e = ossl::OsslError(code, what);
  e.detail += " (certificate " + std::to_string(index) + ")";
  e.cert_index = index;
  return e;
}

Result<ossl::X509Ptr> ParseDer(std::span<const uint8_t> der, int index) {
  if (der.empty()) {
    return CertError(ErrorCode::kMalformedCertificate, "empty certificate", index);
  }
  const unsigned char* p = der.data();
  ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (x == nullptr) {
    return CertOsslError(ErrorCode::kMalformedCertificate, "certificate is not DER X.509", index);
  }
  if (p != der.data() + der.size()) {
    return CertError(ErrorCode::kMalformedCertificate, "trailing bytes after certificate", index);
  }
  // Every certificate of a Nitro chain is v3; a v1/v2 one cannot carry the required extensions.
  if (X509_get_version(x.get()) != X509_VERSION_3) {
    return CertError(ErrorCode::kMalformedCertificate, "certificate is not X.509 v3", index);
  }
  return x;
}

Result<Cert> ParseCert(std::span<const uint8_t> der, int index) {
  NA_ASSIGN_OR_RETURN(ossl::X509Ptr x, ParseDer(der, index));
  auto tbs = TbsCertificate(der);
  if (!tbs) {
    return CertError(ErrorCode::kMalformedCertificate, tbs.error().detail, index);
  }
  return Cert{std::move(x), index, *tbs};
}

// CheckAlgorithms requires a named P-384 EC key and ecdsa-with-SHA384 (parameters absent, RFC
// 5758 §3.2). Runs before any signature math, so no other curve or algorithm reaches OpenSSL.
Status CheckAlgorithms(const Cert& c) {
  X509* x = c.x509.get();
  const X509_ALGOR* sig_alg = nullptr;
  X509_get0_signature(nullptr, &sig_alg, x);
  const ASN1_OBJECT* sig_oid = nullptr;
  int param_type = V_ASN1_UNDEF;
  X509_ALGOR_get0(&sig_oid, &param_type, nullptr, sig_alg);
  if (OBJ_obj2nid(sig_oid) != NID_ecdsa_with_SHA384 || param_type != V_ASN1_UNDEF) {
    return CertError(ErrorCode::kUnsupportedAlgorithm,
                     "signature algorithm is not ecdsa-with-SHA384", c.index);
  }
  // The signature algorithm inside the signed TBS must say the same (RFC 5280 §4.1.2.3).
  if (X509_ALGOR_cmp(sig_alg, X509_get0_tbs_sigalg(x)) != 0) {
    return CertError(ErrorCode::kMalformedCertificate, "outer and TBS signature algorithms differ",
                     c.index);
  }
  EVP_PKEY* key = X509_get0_pubkey(x);  // owned by the certificate
  if (key == nullptr) {
    return CertOsslError(ErrorCode::kMalformedCertificate, "unreadable public key", c.index);
  }
  if (!EVP_PKEY_is_a(key, "EC")) {
    return CertError(ErrorCode::kUnsupportedAlgorithm, "public key is not EC", c.index);
  }
  char group[64] = {};
  size_t group_len = 0;
  // Fails for explicit curve parameters, which are refused like any other curve.
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                     &group_len) != 1 ||
      std::string_view(group, group_len) != SN_secp384r1) {
    ossl::DrainErrors();
    return CertError(ErrorCode::kUnsupportedAlgorithm, "public key is not on P-384", c.index);
  }
  return {};
}

Result<Clock::time_point> ToTimePoint(const ASN1_TIME* t, int index) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return CertOsslError(ErrorCode::kMalformedCertificate, "unreadable validity time", index);
  }
  return Clock::from_time_t(timegm(&tm));
}

// CheckValidity checks `at` against c's validity and narrows [*from, *to] to it.
Status CheckValidity(const Cert& c, Clock::time_point at, Clock::time_point* from,
                     Clock::time_point* to) {
  NA_ASSIGN_OR_RETURN(const Clock::time_point not_before,
                      ToTimePoint(X509_get0_notBefore(c.x509.get()), c.index));
  NA_ASSIGN_OR_RETURN(const Clock::time_point not_after,
                      ToTimePoint(X509_get0_notAfter(c.x509.get()), c.index));
  *from = std::max(*from, not_before);
  *to = std::min(*to, not_after);
  if (at < not_before) {
    return CertError(ErrorCode::kCertificateNotYetValid, "certificate not yet valid", c.index);
  }
  if (at > not_after) {
    return CertError(ErrorCode::kCertificateExpired, "certificate expired", c.index);
  }
  return {};
}

// CheckSignedBy checks that `issuer` issued `subject`: names chain and the signature verifies
// under the issuer's key. The signature goes through es384::VerifyDer (the faster backend when
// built), over the TBS bytes as received: what X509_verify checks, whose verdicts it matches
// (CheckAlgorithms has already required ecdsa-with-SHA384, P-384 and equal algorithm fields).
Status CheckSignedBy(const Cert& subject, const Cert& issuer) {
  if (X509_NAME_cmp(X509_get_issuer_name(subject.x509.get()),
                    X509_get_subject_name(issuer.x509.get())) != 0) {
    return CertError(ErrorCode::kChainInvalid, "issuer name differs from the issuer's subject",
                     subject.index);
  }
  EVP_PKEY* issuer_key = X509_get0_pubkey(issuer.x509.get());  // owned by the issuer cert
  const ASN1_BIT_STRING* sig = nullptr;                       // owned by the subject cert
  X509_get0_signature(&sig, nullptr, subject.x509.get());
  // Like X509_verify, refuse a signature BIT STRING with unused bits.
  if (issuer_key == nullptr || sig == nullptr || (sig->flags & 0x07) != 0 ||
      !es384::VerifyDer(issuer_key, subject.tbs,
                        std::span<const uint8_t>(ASN1_STRING_get0_data(sig),
                                                 static_cast<size_t>(ASN1_STRING_length(sig))))) {
    ossl::DrainErrors();
    return CertError(ErrorCode::kChainInvalid, "signature does not verify under the issuer key",
                     subject.index);
  }
  return {};
}

// CheckCriticalExtensions allows criticality only on the two extensions this walk enforces.
// OpenSSL's EXFLAG_CRITICAL would also let through critical ones it "supports" but that we do
// not check here (name constraints, policies), which would silently weaken them.
Status CheckCriticalExtensions(const Cert& c) {
  X509* x = c.x509.get();
  const int count = X509_get_ext_count(x);
  for (int i = 0; i < count; ++i) {
    X509_EXTENSION* ext = X509_get_ext(x, i);  // owned by the certificate
    if (X509_EXTENSION_get_critical(ext) == 0) {
      continue;
    }
    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
    if (nid != NID_basic_constraints && nid != NID_key_usage) {
      return CertError(ErrorCode::kChainInvalid, "unknown critical extension", c.index);
    }
  }
  return {};
}

bool IsCritical(X509* x, int nid) {
  const int pos = X509_get_ext_by_NID(x, nid, -1);
  return pos >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x, pos)) != 0;
}

// CheckProfile applies the AWS extension rules. `cas_below` is the number of CA certificates
// between this one and the leaf (for pathLenConstraint).
Status CheckProfile(const Cert& c, bool is_ca, size_t cas_below) {
  X509* x = c.x509.get();
  const uint32_t flags = X509_get_extension_flags(x);
  if ((flags & EXFLAG_INVALID) != 0) {
    return CertOsslError(ErrorCode::kMalformedCertificate, "malformed or duplicate extension",
                         c.index);
  }
  NA_TRY(CheckCriticalExtensions(c));
  const bool has_bc = (flags & EXFLAG_BCONS) != 0;
  const bool bc_ca = (flags & EXFLAG_CA) != 0;
  const bool has_ku = (flags & EXFLAG_KUSAGE) != 0;
  const uint32_t ku = X509_get_key_usage(x);
  const long path_len = X509_get_pathlen(x);
  if (is_ca) {
    if (!has_bc || !IsCritical(x, NID_basic_constraints) || !bc_ca) {
      return CertError(ErrorCode::kChainInvalid, "CA without critical basicConstraints CA:TRUE",
                       c.index);
    }
    if (!has_ku || (ku & KU_KEY_CERT_SIGN) == 0) {
      return CertError(ErrorCode::kChainInvalid, "CA without keyUsage keyCertSign", c.index);
    }
    if (path_len >= 0 && cas_below > static_cast<size_t>(path_len)) {
      return CertError(ErrorCode::kChainInvalid, "pathLenConstraint exceeded", c.index);
    }
    return {};
  }
  if (bc_ca || path_len >= 0) {
    return CertError(ErrorCode::kChainInvalid, "leaf is a CA or has a pathLenConstraint", c.index);
  }
  if (has_ku && (ku & KU_DIGITAL_SIGNATURE) == 0) {
    return CertError(ErrorCode::kChainInvalid, "leaf keyUsage lacks digitalSignature", c.index);
  }
  return {};
}

Result<std::string> SubjectRfc2253(X509* x) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      X509_NAME_print_ex(bio.get(), X509_get_subject_name(x), 0, XN_FLAG_RFC2253) < 0) {
    return ossl::OsslError(ErrorCode::kInternal, "cannot print the leaf subject");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);  // owned by the BIO
  if (len <= 0) {
    return std::string();
  }
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace

Result<std::span<const uint8_t>> TbsCertificate(std::span<const uint8_t> cert_der) {
  std::span<const uint8_t> cert, tbs_content;
  if (!Element(cert_der, 0x30, &cert)) {
    return MakeError(ErrorCode::kMalformedCertificate, "certificate is not a DER SEQUENCE");
  }
  const auto tbs = Element(cert, 0x30, &tbs_content);
  if (!tbs) {
    return MakeError(ErrorCode::kMalformedCertificate, "tbsCertificate is not a DER SEQUENCE");
  }
  return *tbs;
}

namespace {

Result<VerifiedChain> Walk(std::span<const uint8_t> leaf_der, const std::vector<Bytes>& cabundle,
                           std::span<const uint8_t> root_der, Clock::time_point at) {
  if (cabundle.empty() || cabundle.size() > kMaxCabundleSize) {
    return MakeError(
        ErrorCode::kChainInvalid,
        "cabundle must hold 1 to " + std::to_string(kMaxCabundleSize) + " certificates");
  }
  const int n = static_cast<int>(cabundle.size());
  // The pinned root is compared as bytes, never by name or key (spec §3.6).
  if (root_der.empty() ||
      !std::equal(cabundle[0].begin(), cabundle[0].end(), root_der.begin(), root_der.end())) {
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

  for (const Cert& c : path) {
    NA_TRY(CheckAlgorithms(c));
  }

  Clock::time_point valid_from = Clock::time_point::min();
  Clock::time_point valid_to = Clock::time_point::max();
  for (size_t i = 0; i < path.size(); ++i) {
    const Cert& c = path[i];
    const bool is_leaf = i + 1 == path.size();
    // The root signs itself; checking it catches a damaged pinned root.
    NA_TRY(CheckSignedBy(c, i == 0 ? c : path[i - 1]));
    // CAs strictly between this certificate and the leaf; self-issued ones count too, which is
    // stricter than RFC 5280 §6.1.4 (l) and never matters for AWS chains.
    const size_t cas_below = is_leaf ? 0 : path.size() - i - 2;
    NA_TRY(CheckProfile(c, !is_leaf, cas_below));
    NA_TRY(CheckValidity(c, at, &valid_from, &valid_to));
  }

  X509* leaf_x = path.back().x509.get();
  VerifiedChain out;
  out.leaf_key.reset(X509_get_pubkey(leaf_x));  // X509_get_pubkey returns a new reference
  if (out.leaf_key == nullptr) {
    return ossl::OsslError(ErrorCode::kInternal, "cannot take the leaf key");
  }
  NA_ASSIGN_OR_RETURN(out.leaf_subject, SubjectRfc2253(leaf_x));
  NA_ASSIGN_OR_RETURN(out.leaf_not_before, ToTimePoint(X509_get0_notBefore(leaf_x), 0));
  NA_ASSIGN_OR_RETURN(out.leaf_not_after, ToTimePoint(X509_get0_notAfter(leaf_x), 0));
  out.valid_from = valid_from;
  out.valid_to = valid_to;
  return out;
}

}  // namespace

Result<VerifiedChain> VerifyChain(std::span<const uint8_t> leaf_der,
                                  const std::vector<Bytes>& cabundle,
                                  std::span<const uint8_t> root_der,
                                  std::chrono::system_clock::time_point at) {
  auto result = Walk(leaf_der, cabundle, root_der, at);
  // Rejected input can leave entries (e.g. from extension decoding) that are not ours to keep.
  ERR_clear_error();
  return result;
}

}  // namespace nitro_attest::x509
