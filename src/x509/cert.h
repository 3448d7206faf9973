// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// A strict DER reader for the certificates of an attestation chain (internal). Written here
// rather than taken from OpenSSL because OpenSSL 3.0's d2i_X509 decodes every public key
// through its provider machinery, which was about a quarter of a cold verification (issue 6;
// docs/design.md "Certificate parsing"). fuzz/x509_cert.cc checks it against d2i_X509.
#ifndef NITRO_ATTEST_SRC_X509_CERT_H_
#define NITRO_ATTEST_SRC_X509_CERT_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "nitro_attest/result.h"
#include "nitro_attest/utc_time.h"

namespace nitro_attest::x509 {

// Certificate is one parsed certificate: the parts the chain walk checks.
struct Certificate {
  // Each span points into the DER the certificate was parsed from.
  std::span<const uint8_t> der;            // the whole certificate
  std::span<const uint8_t> tbs;            // tbsCertificate as received: what the issuer signed
  std::span<const uint8_t> tbs_signature;  // AlgorithmIdentifier inside tbsCertificate
  std::span<const uint8_t> serial;         // serialNumber INTEGER content, sign byte included
  std::span<const uint8_t> issuer;         // Name, whole DER element
  std::span<const uint8_t> subject;        // Name, whole DER element
  Time not_before, not_after;
  std::span<const uint8_t> key_algorithm;  // SubjectPublicKeyInfo's AlgorithmIdentifier
  std::span<const uint8_t>
      key_bits;  // subjectPublicKey BIT STRING content, unused-bit byte included
  std::span<const uint8_t> signature_algorithm;  // the outer AlgorithmIdentifier
  std::span<const uint8_t> signature;            // signatureValue content, unused-bit byte included

  // Extensions. Only basicConstraints and keyUsage are interpreted; any other extension marked
  // critical sets unknown_critical_extension.
  bool has_basic_constraints = false, basic_constraints_critical = false, ca = false;
  std::optional<uint64_t> path_len;  // saturates at UINT64_MAX
  bool has_key_usage = false;
  uint32_t key_usage = 0;  // bit i of the named bit list at 1 << i (digitalSignature = 1 << 0)
  bool unknown_critical_extension = false;
};

// The only algorithms a Nitro chain uses, as whole DER AlgorithmIdentifiers.
// ecdsa-with-SHA384 with absent parameters (RFC 5758 §3.2).
inline constexpr uint8_t kEcdsaWithSha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                               0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
// id-ecPublicKey with the named curve secp384r1 (RFC 5480 §2.1.1).
inline constexpr uint8_t kEcP384KeyAlgorithm[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86,
                                                  0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
                                                  0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

inline constexpr uint32_t kKeyUsageDigitalSignature = 1u << 0;
inline constexpr uint32_t kKeyUsageKeyCertSign = 1u << 5;
inline constexpr uint32_t kKeyUsageCrlSign = 1u << 6;

// KeyAlgorithm is what a SubjectPublicKeyInfo's AlgorithmIdentifier says, to name a refused key.
enum class KeyAlgorithm {
  kP384,            // id-ecPublicKey, namedCurve secp384r1: the only one accepted
  kOtherNamedCurve, // id-ecPublicKey on another named curve
  kExplicitCurve,   // id-ecPublicKey with explicit ECParameters (refused even when they are P-384)
  kEcWithoutCurve,  // id-ecPublicKey with absent or NULL parameters
  kNotEc,           // any other algorithm (RSA, Ed25519, ...)
};

// ClassifyKeyAlgorithm classifies a whole AlgorithmIdentifier element (kNotEc when unreadable).
KeyAlgorithm ClassifyKeyAlgorithm(std::span<const uint8_t> algorithm);

// ParseCertificate reads one X.509 v3 certificate in DER (RFC 5280 §4.1) with no bytes after
// it. Fails with kMalformedCertificate (cert_index not set) on anything else: BER encodings,
// versions other than v3, issuer/subject unique identifiers, malformed names, times, extensions, a
// duplicate extension, or malformed basicConstraints/keyUsage values. Algorithms and keys are not
// judged here.
Result<Certificate> ParseCertificate(std::span<const uint8_t> der);

// ParseTime reads the content of a UTCTime (YYMMDDHHMMSSZ, years 1950-2049) or GeneralizedTime
// (YYYYMMDDHHMMSSZ, years 0000-9999) as DER requires them, on real calendar dates.
std::optional<Time> ParseTime(uint8_t tag, std::span<const uint8_t> content);

}  // namespace nitro_attest::x509

#endif  // NITRO_ATTEST_SRC_X509_CERT_H_
