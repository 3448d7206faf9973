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
#include <utility>
#include <vector>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"
#include "nitro_attest/utc_time.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// AwsNitroRootG1Der returns the DER of the AWS Nitro Enclaves root certificate G1 (SHA-256
// 641A0321...79BB5B), embedded in the library and checked against that fingerprint at start.
std::span<const uint8_t> AwsNitroRootG1Der();

// ExpectedBytes is what a policy demands of one optional document field (nonce, user_data,
// public_key): nothing (the default), a value, or the field's absence. Absent means null or
// omitted in the document; an empty byte string is present (demand it with ExpectedBytes(Bytes{})).
class ExpectedBytes {
 public:
  enum class Kind : uint8_t {
    kNotChecked,  // any value, or none, is accepted
    kEquals,      // the field must be present and equal value()
    kAbsent,      // the field must be null or omitted
  };

  // ExpectedBytes() checks nothing.
  ExpectedBytes() = default;
  // ExpectedBytes(value) demands exactly `value`; implicit, so `options.nonce = bytes;` works.
  ExpectedBytes(Bytes value) : kind_(Kind::kEquals), value_(std::move(value)) {}  // NOLINT
  // Absent returns the demand that the field be absent.
  static ExpectedBytes Absent() {
    ExpectedBytes e;
    e.kind_ = Kind::kAbsent;
    return e;
  }

  Kind kind() const { return kind_; }
  bool checked() const { return kind_ != Kind::kNotChecked; }
  // value returns the expected bytes (empty unless kind() is kEquals).
  const Bytes& value() const { return value_; }
  // reset goes back to checking nothing.
  void reset() { *this = ExpectedBytes(); }

 private:
  Kind kind_ = Kind::kNotChecked;
  Bytes value_;
};

// PcrSet is one allowed set of PCR values (one enclave image, say): the document matches it
// when every listed PCR is present with exactly that value.
struct PcrSet {
  std::string name;                // for reports ("blue", a file name); may be empty
  std::map<uint32_t, Bytes> pcrs;  // index 0..31 -> 48 bytes; at least one entry
};

// VerifyOptions is the caller's trust and policy. Defaults: the AWS root, the current time,
// debug-mode documents and timestamps too far in the future rejected. The policy fails closed:
// Verify() returns kInvalidArgument unless a PCR policy (pcrs or pcr_sets) is given or
// allow_any_image is set explicitly.
struct VerifyOptions {
  // The trusted roots (DER); cabundle[0] must equal one of them byte for byte. Add another root
  // (the emulator's, a future AWS root) only on purpose. At least one, none empty.
  std::vector<Bytes> roots = {Bytes(AwsNitroRootG1Der().begin(), AwsNitroRootG1Der().end())};
  // The verification time; unset means the system clock. Must lie in the years 1970..9999
  // (kMinVerifyTime..kMaxVerifyTime).
  std::optional<Time> now;
  // Verify at the document's own signed timestamp instead (archived documents: real leaves live
  // three hours). Excludes `now`. A timestamp past kMaxVerifyTime is kMalformedDocument.
  bool at_document_time = false;
  // Reject documents whose timestamp is older than now - max_age (>= 0).
  std::optional<std::chrono::milliseconds> max_age;
  // Reject documents whose timestamp is later than now + max_future_skew (>= 0).
  std::chrono::milliseconds max_future_skew = std::chrono::minutes(5);
  // Expected fields; nonces compare in constant time.
  ExpectedBytes nonce;
  ExpectedBytes user_data;
  ExpectedBytes public_key;
  // PCR policy. Every PCR in `pcrs` must match (index 0..31, 48 bytes; a PCR the document lacks
  // is a mismatch), and, when `pcr_sets` is not empty, at least one whole set must match. Both
  // apply when both are given.
  std::map<uint32_t, Bytes> pcrs;
  std::vector<PcrSet> pcr_sets;
  // The explicit opt-out: with no PCR policy at all, accept any enclave image. Setting it
  // together with a PCR policy is kInvalidArgument (one of the two is a mistake).
  bool allow_any_image = false;
  // Accept debug-mode documents (AttestationDocument::IsDebugMode).
  bool allow_debug = false;
};

// VerifiedDocument is a document that passed Verify(). Only Verify() and Verifier make one.
class VerifiedDocument {
 public:
  const AttestationDocument& document() const { return doc_; }
  // The verification time that was used, and whether it was the document's own timestamp.
  Time verified_at() const { return at_; }
  bool at_document_time() const { return at_document_time_; }
  // Whether no PCR policy applied because allow_any_image was set.
  bool any_image() const { return any_image_; }
  // The first PCR set of VerifyOptions::pcr_sets the document matched (its index and name), or
  // nullopt when no sets were given.
  std::optional<size_t> pcr_set_index() const { return pcr_set_index_; }
  const std::string& pcr_set_name() const { return pcr_set_name_; }
  // Leaf certificate subject (RFC 2253) and validity, for reports.
  const std::string& leaf_subject() const { return leaf_subject_; }
  Time leaf_not_before() const { return leaf_not_before_; }
  Time leaf_not_after() const { return leaf_not_after_; }
  // The checks that ran, in order (e.g. "cose", "payload", "chain", "signature", "pcrs").
  const std::vector<std::string>& checks() const { return checks_; }

 private:
  friend class VerifyAccess;
  VerifiedDocument() = default;
  AttestationDocument doc_;
  Time at_{};
  bool at_document_time_ = false;
  bool any_image_ = false;
  std::optional<size_t> pcr_set_index_;
  std::string pcr_set_name_;
  std::string leaf_subject_;
  Time leaf_not_before_{}, leaf_not_after_{};
  std::vector<std::string> checks_;
};

// VerifyTrace, when passed to Verify, receives the names of the checks that passed, in order,
// whether verification succeeds or fails (for reports of where a document was rejected).
struct VerifyTrace {
  std::vector<std::string> passed;
};

// Verify checks `document` (raw COSE_Sign1 bytes) completely against `options`. Returns the
// verified document, or the first failure's Error (cert_index set for certificate failures);
// kInvalidArgument, before any parsing, for options that are invalid or set no PCR policy.
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
