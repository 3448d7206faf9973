// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// COSE_Sign1 + attestation document: ParseUnverified and Verify (fixed time, the seeded emulator
// root, so chain and signature checks run on the corpus's emulator documents). Invariants:
// - a parse failure has a parse code, and Verify fails with the same code;
// - an accepted COSE_Sign1 re-assembles from its parts to the input bytes exactly;
// - Verify, the caching Verifier (run twice: miss then hit) agree on the verdict and code;
// - a verified document equals the parsed one, its payload re-encodes to the signed bytes (only
//   the emulator, with the seeded keys, can sign), and every check ran.
#include <algorithm>

#include "fuzz/fuzz.h"
#include "fuzz/fuzz_env.h"
#include "nitro_attest/document.h"
#include "nitro_attest/verify.h"
#include "src/document/builder.h"

namespace nitro_attest::fuzz {
namespace {

bool IsParseCode(ErrorCode code) {
  return code == ErrorCode::kMalformedInput || code == ErrorCode::kMalformedCbor ||
         code == ErrorCode::kMalformedCose || code == ErrorCode::kUnsupportedAlgorithm ||
         code == ErrorCode::kMalformedDocument;
}

bool Same(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

bool SameVerdict(const Result<VerifiedDocument>& a, const Result<VerifiedDocument>& b) {
  if (a.has_value() != b.has_value()) {
    return false;
  }
  return a.has_value() || (a.error().code == b.error().code &&
                           a.error().cert_index == b.error().cert_index);
}

// CheckParse checks ParseUnverified's invariants.
void CheckParse(std::span<const uint8_t> data, const Result<AttestationDocument>& parsed) {
  if (!parsed) {
    FUZZ_CHECK(IsParseCode(parsed.error().code));
    return;
  }
  const AttestationDocument& doc = *parsed;
  FUZZ_CHECK(Same(AssembleCoseSign1(doc.protected_header, doc.payload, doc.signature, doc.tagged),
                  data));
  FUZZ_CHECK(!doc.module_id.empty() && doc.digest == "SHA384" && doc.timestamp_ms > 0);
  FUZZ_CHECK(!doc.pcrs.empty() && doc.pcrs.size() <= kMaxPcrIndex + 1);
  FUZZ_CHECK(!doc.cabundle.empty() && doc.cabundle.size() <= kMaxCabundleSize);
  FUZZ_CHECK(!doc.certificate.empty() && doc.certificate.size() <= kMaxCertificateSize);
  for (const auto& [index, value] : doc.pcrs) {
    FUZZ_CHECK(index <= kMaxPcrIndex && value.size() == 48);
  }
  // The parse is a pure function of the bytes.
  const Result<AttestationDocument> again = ParseUnverified(data);
  FUZZ_CHECK(again && again->payload == doc.payload && again->pcrs == doc.pcrs);
}

// CheckVerify checks Verify's invariants against the parse.
void CheckVerify(std::span<const uint8_t> data, const Result<AttestationDocument>& parsed) {
  static const Verifier verifier;
  const VerifyOptions options = FuzzVerifyOptions();
  VerifyTrace trace;
  const Result<VerifiedDocument> verified = Verify(data, options, &trace);
  FUZZ_CHECK(SameVerdict(verified, verifier.Verify(data, options)));
  FUZZ_CHECK(SameVerdict(verified, verifier.Verify(data, options)));
  if (!parsed) {
    FUZZ_CHECK(!verified && verified.error().code == parsed.error().code);
    FUZZ_CHECK(trace.passed.empty());
    return;
  }
  if (!verified) {
    FUZZ_CHECK(!IsParseCode(verified.error().code) ||
               verified.error().code == ErrorCode::kUnsupportedAlgorithm);
    FUZZ_CHECK(trace.passed.size() >= 2);  // "cose" and "payload" passed
    return;
  }
  const AttestationDocument& doc = *parsed;
  const AttestationDocument& v = verified->document();
  FUZZ_CHECK(v.payload == doc.payload && v.certificate == doc.certificate &&
             v.cabundle == doc.cabundle && v.pcrs == doc.pcrs && v.nonce == doc.nonce &&
             v.user_data == doc.user_data && v.public_key == doc.public_key);
  FUZZ_CHECK(Same(v.cabundle.front(), FuzzRootDer()));
  FUZZ_CHECK(Same(EncodePayload(v, v.indefinite_payload_map), v.payload));
  FUZZ_CHECK(!v.IsDebugMode());
  FUZZ_CHECK(verified->verified_at() == FuzzVerifyTime() && verified->any_image());
  FUZZ_CHECK(trace.passed == verified->checks());
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  const Result<AttestationDocument> parsed = ParseUnverified(data);
  CheckParse(data, parsed);
  // The document_parse_fuzzer build skips verification: chain and signature checks cost a
  // dozen P-384 operations per input, the parser alone runs thousands of times faster.
#if !defined(NITRO_ATTEST_FUZZ_PARSE_ONLY)
  CheckVerify(data, parsed);
#endif
}

}  // namespace nitro_attest::fuzz
