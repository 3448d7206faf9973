// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// verify.h: full verification of an attestation document: COSE ES384 signature, every payload
// rule, the certificate chain to a pinned root at a given time, then the caller's policy.
#ifndef NITRO_ATTEST_VERIFY_H_
#define NITRO_ATTEST_VERIFY_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// AwsNitroRootG1Der returns the DER of the AWS Nitro Enclaves root certificate G1 (SHA-256
// 641A0321...79BB5B), embedded in the library and checked against that fingerprint at start.
std::span<const uint8_t> AwsNitroRootG1Der();

// VerifyOptions is the caller's trust and policy. Defaults: the AWS root, the current time, no
// policy beyond rejecting debug-mode documents and timestamps too far in the future.
struct VerifyOptions {
  // The only trusted root; cabundle[0] must equal it byte for byte. Set it to another root
  // (the emulator's) only on purpose. The bytes must outlive the call.
  std::span<const uint8_t> root_der = AwsNitroRootG1Der();
  // The verification time; unset means the system clock.
  std::optional<std::chrono::system_clock::time_point> now;
  // Reject documents whose timestamp is older than now - max_age.
  std::optional<std::chrono::milliseconds> max_age;
  // Reject documents whose timestamp is later than now + max_future_skew.
  std::chrono::milliseconds max_future_skew = std::chrono::minutes(5);
  // Expected values; a document lacking an expected field is a mismatch. Nonces compare in
  // constant time.
  std::optional<Bytes> nonce;
  std::optional<Bytes> user_data;
  std::optional<Bytes> public_key;
  // Expected PCRs by index (0..31). A PCR that the document lacks is a mismatch.
  std::map<uint32_t, Bytes> pcrs;
  // Accept debug-mode documents (PCR0, PCR1 and PCR2 all zero).
  bool allow_debug = false;
};

// VerifiedDocument is a document that passed Verify(). Only Verify() and Verifier make one.
class VerifiedDocument {
 public:
  const AttestationDocument& document() const { return doc_; }
  // The verification time that was used.
  std::chrono::system_clock::time_point verified_at() const { return at_; }
  // Leaf certificate subject (RFC 2253) and validity, for reports.
  const std::string& leaf_subject() const { return leaf_subject_; }
  std::chrono::system_clock::time_point leaf_not_before() const { return leaf_not_before_; }
  std::chrono::system_clock::time_point leaf_not_after() const { return leaf_not_after_; }
  // The checks that ran, in order (e.g. "cose", "payload", "chain", "signature", "pcrs").
  const std::vector<std::string>& checks() const { return checks_; }

 private:
  friend class VerifyAccess;
  VerifiedDocument() = default;
  AttestationDocument doc_;
  std::chrono::system_clock::time_point at_{};
  std::string leaf_subject_;
  std::chrono::system_clock::time_point leaf_not_before_{}, leaf_not_after_{};
  std::vector<std::string> checks_;
};

// VerifyTrace, when passed to Verify, receives the names of the checks that passed, in order,
// whether verification succeeds or fails (for reports of where a document was rejected).
struct VerifyTrace {
  std::vector<std::string> passed;
};

// Verify checks `document` (raw COSE_Sign1 bytes) completely against `options`. Returns the
// verified document, or the first failure's Error (cert_index set for certificate failures).
Result<VerifiedDocument> Verify(std::span<const uint8_t> document, const VerifyOptions& options,
                                VerifyTrace* trace = nullptr);

// VerifierConfig configures a long-lived Verifier.
struct VerifierConfig {
  // Entries of the verified-chain cache; 0 disables it.
  size_t chain_cache_entries = 64;
};

// Verifier is a long-lived, thread-safe verifier that caches verified certificate chains (see
// docs/design.md: what is cached and why a cache hit can never turn a failure into a pass).
class Verifier {
 public:
  explicit Verifier(VerifierConfig config = {});
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Verify is Verify() above, with the cache.
  Result<VerifiedDocument> Verify(std::span<const uint8_t> document, const VerifyOptions& options,
                                  VerifyTrace* trace = nullptr) const;

  struct Stats {
    uint64_t hits = 0, misses = 0, entries = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_VERIFY_H_
