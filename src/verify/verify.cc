// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/verify.h"

#include <string>

#include "nitro_attest/encoding.h"
#include "src/es384/es384.h"
#include "src/verify/internal.h"
#include "src/x509/x509.h"

namespace nitro_attest {

class VerifyAccess {
 public:
  static VerifiedDocument Make(AttestationDocument doc, std::chrono::system_clock::time_point at,
                               x509::VerifiedChain& chain, std::vector<std::string> checks) {
    VerifiedDocument v;
    v.doc_ = std::move(doc);
    v.at_ = at;
    v.leaf_subject_ = std::move(chain.leaf_subject);
    v.leaf_not_before_ = chain.leaf_not_before;
    v.leaf_not_after_ = chain.leaf_not_after;
    v.checks_ = std::move(checks);
    return v;
  }
};

namespace {

// Recorder keeps the names of passed checks, for the result and for an optional trace.
class Recorder {
 public:
  explicit Recorder(VerifyTrace* trace) : trace_(trace) {}
  void Pass(const char* name) {
    names_.emplace_back(name);
    if (trace_ != nullptr) {
      trace_->passed.emplace_back(name);
    }
  }
  std::vector<std::string> Take() { return std::move(names_); }

 private:
  VerifyTrace* trace_;
  std::vector<std::string> names_;
};

Status CheckOptions(const VerifyOptions& options) {
  for (const auto& [index, value] : options.pcrs) {
    if (index > kMaxPcrIndex) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "expected PCR index " + std::to_string(index) + " is not in 0..31");
    }
    if (value.size() != 48) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "expected PCR" + std::to_string(index) + " is not 48 bytes (SHA-384)");
    }
  }
  if (options.max_age && options.max_age->count() < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_age is negative");
  }
  if (options.max_future_skew.count() < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_future_skew is negative");
  }
  if (options.root_der.empty()) {
    return MakeError(ErrorCode::kUntrustedRoot, "no trusted root (embedded root failed its check?)");
  }
  return {};
}

Status CheckExpected(const std::optional<Bytes>& expected, const std::optional<Bytes>& actual,
                     ErrorCode code, const char* name) {
  if (!expected) {
    return {};
  }
  if (!actual) {
    return MakeError(code, std::string(name) + " expected but the document has none");
  }
  if (!ConstantTimeEqual(*expected, *actual)) {
    return MakeError(code, std::string(name) + " differs from the expected value");
  }
  return {};
}

Status CheckPolicy(const AttestationDocument& doc, const VerifyOptions& options,
                   std::chrono::system_clock::time_point now, Recorder* rec) {
  if (doc.IsDebugMode() && !options.allow_debug) {
    return MakeError(ErrorCode::kDebugMode,
                     "PCR0, PCR1 and PCR2 are all zero: a debug-mode enclave (allow_debug is off)");
  }
  rec->Pass("debug");
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  // Compare in unsigned space: timestamp_ms can be up to 2^64-1.
  const uint64_t ts = doc.timestamp_ms;
  const uint64_t now_u = now_ms < 0 ? 0 : static_cast<uint64_t>(now_ms);
  const uint64_t skew = static_cast<uint64_t>(options.max_future_skew.count());
  if (ts > now_u && ts - now_u > skew) {
    return MakeError(ErrorCode::kDocumentFromFuture,
                     "timestamp is " + std::to_string(ts - now_u) + " ms in the future");
  }
  if (options.max_age) {
    const uint64_t max_age = static_cast<uint64_t>(options.max_age->count());
    if (now_u > ts && now_u - ts > max_age) {
      return MakeError(ErrorCode::kDocumentTooOld,
                       "document is " + std::to_string(now_u - ts) + " ms old");
    }
  }
  rec->Pass("timestamp");
  for (const auto& [index, expected] : options.pcrs) {
    const auto it = doc.pcrs.find(index);
    if (it == doc.pcrs.end()) {
      return MakeError(ErrorCode::kPcrMismatch,
                       "PCR" + std::to_string(index) + " expected but absent from the document");
    }
    if (!ConstantTimeEqual(it->second, expected)) {
      return MakeError(ErrorCode::kPcrMismatch, "PCR" + std::to_string(index) + " differs: " +
                                                    HexEncode(it->second));
    }
  }
  if (!options.pcrs.empty()) {
    rec->Pass("pcrs");
  }
  NA_TRY(CheckExpected(options.nonce, doc.nonce, ErrorCode::kNonceMismatch, "nonce"));
  if (options.nonce) {
    rec->Pass("nonce");
  }
  NA_TRY(CheckExpected(options.user_data, doc.user_data, ErrorCode::kUserDataMismatch,
                       "user_data"));
  if (options.user_data) {
    rec->Pass("user_data");
  }
  NA_TRY(CheckExpected(options.public_key, doc.public_key, ErrorCode::kPublicKeyMismatch,
                       "public_key"));
  if (options.public_key) {
    rec->Pass("public_key");
  }
  return {};
}

}  // namespace

Result<VerifiedDocument> internal::VerifyWith(std::span<const uint8_t> document,
                                              const VerifyOptions& options, VerifyTrace* trace,
                                              const ChainVerifier& verify_chain) {
  NA_TRY(CheckOptions(options));
  const auto now = options.now.value_or(std::chrono::system_clock::now());
  Recorder rec(trace);
  NA_ASSIGN_OR_RETURN(AttestationDocument doc, ParseUnverified(document));
  rec.Pass("cose");
  rec.Pass("payload");
  NA_ASSIGN_OR_RETURN(x509::VerifiedChain chain,
                      verify_chain(doc.certificate, doc.cabundle, options.root_der, now));
  rec.Pass("chain");
  const Bytes to_be_signed = BuildSigStructure(doc.protected_header, doc.payload);
  NA_TRY(es384::VerifyRaw(chain.leaf_key, to_be_signed, doc.signature));
  rec.Pass("signature");
  NA_TRY(CheckPolicy(doc, options, now, &rec));
  return VerifyAccess::Make(std::move(doc), now, chain, rec.Take());
}

Result<VerifiedDocument> Verify(std::span<const uint8_t> document, const VerifyOptions& options,
                                VerifyTrace* trace) {
  return internal::VerifyWith(document, options, trace, x509::VerifyChain);
}

}  // namespace nitro_attest
