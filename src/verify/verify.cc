// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/verify.h"

#include <algorithm>
#include <string>

#include "nitro_attest/encoding.h"
#include "src/es384/es384.h"
#include "src/verify/internal.h"
#include "src/x509/x509.h"

namespace nitro_attest {

// PolicyOutcome is what the policy step learned, for the VerifiedDocument.
struct PolicyOutcome {
  bool any_image = false;
  std::optional<size_t> pcr_set_index;
  std::string pcr_set_name;
};

class VerifyAccess {
 public:
  static VerifiedDocument Make(AttestationDocument doc, Time at, bool at_document_time,
                               x509::VerifiedChain& chain, PolicyOutcome outcome,
                               std::vector<std::string> checks) {
    VerifiedDocument v;
    v.doc_ = std::move(doc);
    v.at_ = at;
    v.at_document_time_ = at_document_time;
    v.any_image_ = outcome.any_image;
    v.pcr_set_index_ = outcome.pcr_set_index;
    v.pcr_set_name_ = std::move(outcome.pcr_set_name);
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

Error Invalid(std::string detail) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(detail));
}

Status CheckPcrMap(const std::map<uint32_t, Bytes>& pcrs, const std::string& where) {
  for (const auto& [index, value] : pcrs) {
    if (index > kMaxPcrIndex) {
      return Invalid(where + ": PCR index " + std::to_string(index) + " is not in 0..31");
    }
    if (value.size() != 48) {
      return Invalid(where + ": PCR" + std::to_string(index) + " is not 48 bytes (SHA-384)");
    }
  }
  return {};
}

Status CheckOptions(const VerifyOptions& options) {
  NA_TRY(CheckPcrMap(options.pcrs, "pcrs"));
  for (size_t i = 0; i < options.pcr_sets.size(); ++i) {
    const std::string where = "pcr_sets[" + std::to_string(i) + "]";
    // An empty set would match every document: the policy would silently pin nothing.
    if (options.pcr_sets[i].pcrs.empty()) {
      return Invalid(where + " is empty");
    }
    NA_TRY(CheckPcrMap(options.pcr_sets[i].pcrs, where));
  }
  const bool pcr_policy = !options.pcrs.empty() || !options.pcr_sets.empty();
  if (!pcr_policy && !options.allow_any_image) {
    return Invalid("no PCR policy: set pcrs or pcr_sets, or allow_any_image to accept any enclave");
  }
  if (pcr_policy && options.allow_any_image) {
    return Invalid("allow_any_image together with a PCR policy");
  }
  if (options.max_age && options.max_age->count() < 0) {
    return Invalid("max_age is negative");
  }
  if (options.max_future_skew.count() < 0) {
    return Invalid("max_future_skew is negative");
  }
  if (options.now && (*options.now < kMinVerifyTime || *options.now > kMaxVerifyTime)) {
    return Invalid("the verification time is outside the years 1970..9999");
  }
  if (options.now && options.at_document_time) {
    return Invalid("now and at_document_time are both set");
  }
  if (options.roots.empty()) {
    return Invalid("no trusted root");
  }
  for (const Bytes& root : options.roots) {
    if (root.empty()) {
      return MakeError(ErrorCode::kUntrustedRoot, "an empty trusted root (embedded root failed its check?)");
    }
  }
  return {};
}

Status CheckExpected(const ExpectedBytes& expected, const std::optional<Bytes>& actual,
                     ErrorCode code, const char* name) {
  switch (expected.kind()) {
    case ExpectedBytes::Kind::kNotChecked:
      return {};
    case ExpectedBytes::Kind::kAbsent:
      if (actual) {
        return MakeError(code, std::string(name) + " must be absent but the document carries one");
      }
      return {};
    case ExpectedBytes::Kind::kEquals:
      if (!actual) {
        return MakeError(code, std::string(name) + " expected but the document has none");
      }
      if (!ConstantTimeEqual(expected.value(), *actual)) {
        return MakeError(code, std::string(name) + " differs from the expected value");
      }
      return {};
  }
  return MakeError(ErrorCode::kInternal, "unknown ExpectedBytes kind");
}

// PcrDifference names the first PCR of `expected` that the document does not match, or returns
// an empty string when all match.
std::string PcrDifference(const AttestationDocument& doc, const std::map<uint32_t, Bytes>& expected) {
  for (const auto& [index, value] : expected) {
    const auto it = doc.pcrs.find(index);
    if (it == doc.pcrs.end()) {
      return "PCR" + std::to_string(index) + " expected but absent from the document";
    }
    if (!ConstantTimeEqual(it->second, value)) {
      return "PCR" + std::to_string(index) + " differs: " + HexEncode(it->second);
    }
  }
  return {};
}

Status CheckPcrs(const AttestationDocument& doc, const VerifyOptions& options,
                 PolicyOutcome* outcome) {
  if (std::string diff = PcrDifference(doc, options.pcrs); !diff.empty()) {
    return MakeError(ErrorCode::kPcrMismatch, std::move(diff));
  }
  if (options.pcr_sets.empty()) {
    return {};
  }
  std::string detail = "the document matches none of the " +
                       std::to_string(options.pcr_sets.size()) + " allowed PCR sets:";
  for (size_t i = 0; i < options.pcr_sets.size(); ++i) {
    const PcrSet& set = options.pcr_sets[i];
    std::string diff = PcrDifference(doc, set.pcrs);
    if (diff.empty()) {
      outcome->pcr_set_index = i;
      outcome->pcr_set_name = set.name;
      return {};
    }
    detail += (i == 0 ? " set " : "; set ") + std::to_string(i) +
              (set.name.empty() ? "" : " (" + set.name + ")") + ": " + diff;
  }
  return MakeError(ErrorCode::kPcrMismatch, std::move(detail));
}

Status CheckPolicy(const AttestationDocument& doc, const VerifyOptions& options, Time now,
                   Recorder* rec, PolicyOutcome* outcome) {
  if (doc.IsDebugMode() && !options.allow_debug) {
    return MakeError(ErrorCode::kDebugMode,
                     "PCR0, PCR1 or PCR2 is all zero or absent: a debug-mode enclave (allow_debug "
                     "is off)");
  }
  rec->Pass("debug");
  // CheckOptions bounds now to 1970..9999 (0 <= now < 2^48 ms) and max_age, max_future_skew
  // to >= 0, so these unsigned differences and sums cannot wrap; timestamp_ms is any uint64.
  const uint64_t ts = doc.timestamp_ms;
  const auto now_u = static_cast<uint64_t>(now.time_since_epoch().count());
  const auto skew = static_cast<uint64_t>(options.max_future_skew.count());
  if (ts > now_u && ts - now_u > skew) {
    return MakeError(ErrorCode::kDocumentFromFuture,
                     "timestamp is " + std::to_string(ts - now_u) + " ms in the future");
  }
  if (options.max_age) {
    const auto max_age = static_cast<uint64_t>(options.max_age->count());
    if (now_u > ts && now_u - ts > max_age) {
      return MakeError(ErrorCode::kDocumentTooOld,
                       "document is " + std::to_string(now_u - ts) + " ms old");
    }
  }
  rec->Pass("timestamp");
  if (options.allow_any_image) {
    outcome->any_image = true;
  } else {
    NA_TRY(CheckPcrs(doc, options, outcome));
    rec->Pass("pcrs");
  }
  NA_TRY(CheckExpected(options.nonce, doc.nonce, ErrorCode::kNonceMismatch, "nonce"));
  if (options.nonce.checked()) {
    rec->Pass("nonce");
  }
  NA_TRY(CheckExpected(options.user_data, doc.user_data, ErrorCode::kUserDataMismatch,
                       "user_data"));
  if (options.user_data.checked()) {
    rec->Pass("user_data");
  }
  NA_TRY(CheckExpected(options.public_key, doc.public_key, ErrorCode::kPublicKeyMismatch,
                       "public_key"));
  if (options.public_key.checked()) {
    rec->Pass("public_key");
  }
  return {};
}

// VerificationTime is options.now, the document's timestamp or the clock.
Result<Time> VerificationTime(const AttestationDocument& doc, const VerifyOptions& options) {
  if (!options.at_document_time) {
    return options.now ? *options.now : NowTime();
  }
  const std::optional<Time> t = TimeFromUnixMs(doc.timestamp_ms);
  if (!t) {
    return MakeError(ErrorCode::kMalformedDocument,
                     "timestamp " + std::to_string(doc.timestamp_ms) +
                         " ms lies after the year 9999: it cannot be a verification time");
  }
  return *t;
}

// TrustedRoot returns the trusted root that cabundle[0] equals, or the first root when none
// does (the chain walk then reports kUntrustedRoot, or an earlier cabundle error).
std::span<const uint8_t> TrustedRoot(const AttestationDocument& doc, const VerifyOptions& options) {
  if (!doc.cabundle.empty()) {
    for (const Bytes& root : options.roots) {
      if (root == doc.cabundle.front()) {
        return root;
      }
    }
  }
  return options.roots.front();
}

}  // namespace

Result<VerifiedDocument> internal::VerifyWith(std::span<const uint8_t> document,
                                              const VerifyOptions& options, VerifyTrace* trace,
                                              const ChainVerifier& verify_chain) {
  NA_TRY(CheckOptions(options));
  Recorder rec(trace);
  NA_ASSIGN_OR_RETURN(AttestationDocument doc, ParseUnverified(document));
  rec.Pass("cose");
  rec.Pass("payload");
  NA_ASSIGN_OR_RETURN(const Time now, VerificationTime(doc, options));
  // The chain step (and the Verifier's cache) sees exactly one root: the trusted one that
  // cabundle[0] equals, so a cached chain is never reused under a set that lacks its root.
  NA_ASSIGN_OR_RETURN(x509::VerifiedChain chain,
                      verify_chain(doc.certificate, doc.cabundle, TrustedRoot(doc, options), now));
  rec.Pass("chain");
  const Bytes to_be_signed = BuildSigStructure(doc.protected_header, doc.payload);
  NA_TRY(es384::VerifyRaw(chain.leaf_key, to_be_signed, doc.signature));
  rec.Pass("signature");
  PolicyOutcome outcome;
  NA_TRY(CheckPolicy(doc, options, now, &rec, &outcome));
  return VerifyAccess::Make(std::move(doc), now, options.at_document_time, chain,
                            std::move(outcome), rec.Take());
}

Result<VerifiedDocument> Verify(std::span<const uint8_t> document, const VerifyOptions& options,
                                VerifyTrace* trace) {
  return internal::VerifyWith(document, options, trace,
                              [](std::span<const uint8_t> leaf, const std::vector<Bytes>& cabundle,
                                 std::span<const uint8_t> root, Time at) {
                                return x509::VerifyChain(leaf, cabundle, root, at);
                              });
}

}  // namespace nitro_attest
