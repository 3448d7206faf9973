// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Certificate chain verification for attestation documents (internal).
#ifndef NITRO_ATTEST_SRC_X509_X509_H_
#define NITRO_ATTEST_SRC_X509_X509_H_

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"
#include "nitro_attest/utc_time.h"
#include "src/es384/es384.h"

namespace nitro_attest::x509 {

// VerifiedChain is what a successful chain verification yields.
struct VerifiedChain {
  es384::PublicKey leaf_key;  // the leaf's P-384 public key, for the COSE signature
  std::string leaf_subject;   // RFC 2253
  Time leaf_not_before, leaf_not_after;
  // The intersection of every certificate's validity period (root included): the chain
  // verifies at exactly the times inside it, the only input of the verdict that varies.
  Time valid_from, valid_to;
};

// SignatureMemo remembers issuer/subject pairs whose signature has verified, so a long-lived
// verifier checks a regional or zonal certificate's signature once for every chain that shares
// it. Keyed by both certificates' whole DER (the issuer's key; the subject's TBS and signature):
// the signature check is a function of exactly those bytes, so a remembered pair stands for the
// check itself. Only the signature is remembered; names, extensions and validity are checked on
// every walk. Implementations must be thread-safe if the walk that uses them is.
class SignatureMemo {
 public:
  virtual ~SignatureMemo() = default;
  // Known: this exact subject's signature verified under this exact issuer's key before.
  virtual bool Known(std::span<const uint8_t> issuer_der, std::span<const uint8_t> subject_der) = 0;
  // Remember is called after the signature verified (never after a failure).
  virtual void Remember(std::span<const uint8_t> issuer_der,
                        std::span<const uint8_t> subject_der) = 0;
};

// VerifyChain verifies the path leaf <- cabundle[n-1] <- ... <- cabundle[1] <- cabundle[0] at
// time `at`, where cabundle[0] must equal `root_der` byte for byte. Every certificate must be
// P-384 with ecdsa-with-SHA384, inside its validity period, CA certificates must have critical
// basicConstraints CA:TRUE, keyCertSign and a respected pathLenConstraint, the leaf CA:FALSE
// and keyUsage with digitalSignature but neither keyCertSign nor cRLSign, names must chain, no unknown critical extension. Errors:
// kUntrustedRoot, kChainInvalid, kCertificateExpired, kCertificateNotYetValid,
// kMalformedCertificate, kUnsupportedAlgorithm; cert_index 0 = leaf, 1 = cabundle[n-1], ...,
// n = cabundle[0]. Checks run in this order, so the first failure is reported: cabundle size
// and root bytes; DER of every certificate; algorithms of every certificate (before any
// signature math); then from the root down: issuer name and signature, extensions, validity.
// The root's own signature is not checked: it is trusted as the pinned bytes, not for it.
// With a `memo`, a signature it knows is not computed again (the result is the same).
Result<VerifiedChain> VerifyChain(std::span<const uint8_t> leaf_der,
                                  const std::vector<Bytes>& cabundle,
                                  std::span<const uint8_t> root_der, Time at,
                                  SignatureMemo* memo = nullptr);

}  // namespace nitro_attest::x509

#endif  // NITRO_ATTEST_SRC_X509_X509_H_
