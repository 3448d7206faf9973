// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// result.h: the one error type of nitro-attest and Result<T>, a value-or-error.
// Failures are returned, never thrown; only std::bad_alloc may escape.
#ifndef NITRO_ATTEST_RESULT_H_
#define NITRO_ATTEST_RESULT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "nitro_attest/export.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// ErrorCode is the stable reason for a failure: what callers branch on and tests assert.
// Values are never renumbered; new ones are appended.
enum class ErrorCode : uint8_t {
  kMalformedInput = 1,       // Input is not a document at all (bad base64/hex, empty, too large).
  kMalformedCbor = 2,        // CBOR broken: truncated, non-shortest, trailing bytes, depth, dup keys.
  kMalformedCose = 3,        // COSE_Sign1 structure wrong: tag, array shape, header types, sizes.
  kUnsupportedAlgorithm = 4, // Not ES384 / P-384 / ECDSA-SHA384 where that is required.
  kBadSignature = 5,         // The COSE signature does not verify under the leaf key.
  kMalformedDocument = 6,    // A payload field is missing, mistyped, out of range or duplicated.
  kMalformedCertificate = 7, // A certificate is not parseable DER or breaks the X.509 profile.
  kCertificateExpired = 8,   // A certificate's notAfter is before the verification time.
  kCertificateNotYetValid = 9,  // A certificate's notBefore is after the verification time.
  kUntrustedRoot = 10,       // cabundle[0] is not byte-identical to the trusted root.
  kChainInvalid = 11,        // Issuer signature, names, CA flag, path length, key usage or critical ext.
  kPcrMismatch = 12,         // An expected PCR differs or is absent from the document.
  kNonceMismatch = 13,       // The nonce differs from the expected one, or is absent.
  kUserDataMismatch = 14,    // user_data differs from the expected value, or is absent.
  kPublicKeyMismatch = 15,   // public_key differs from the expected value, or is absent.
  kDocumentTooOld = 16,      // timestamp older than the allowed maximum age.
  kDocumentFromFuture = 17,  // timestamp beyond the allowed clock skew in the future.
  kDebugMode = 18,           // PCR0, PCR1 and PCR2 are all zero and debug was not allowed.
  kInvalidArgument = 19,     // The caller's own input (options, hex, sizes) is invalid.
  kNsmError = 20,            // The NSM answered with an Error response (see Error::nsm_error).
  kDeviceError = 21,         // /dev/nsm could not be opened or the ioctl failed (errno in detail).
  kTransportError = 22,      // Socket failure, timeout, oversize or truncated frame, peer gone.
  kProtocolError = 23,       // The peer sent a well-formed message that the protocol forbids.
  kCryptoError = 24,         // A cryptographic operation failed (key generation, sealing, opening).
  kIoError = 25,             // A local file could not be read or written.
  kInternal = 26,            // A bug or an unexpected library failure.
  kMalformedImage = 27,      // Not a valid, unambiguous enclave image (EIF): see eif.h.
};

// NsmErrorCode mirrors the NSM's ErrorCode (nsm-api src/api/mod.rs); the numbers are nsm-lib's
// C ABI values, the wire carries the names.
enum class NsmErrorCode : uint8_t {
  kSuccess = 0,
  kInvalidArgument = 1,
  kInvalidIndex = 2,
  kInvalidResponse = 3,
  kReadOnlyIndex = 4,
  kInvalidOperation = 5,
  kBufferTooSmall = 6,
  kInputTooLarge = 7,
  kInternalError = 8,
};

// to_string returns the stable snake_case name of a code, e.g. "bad_signature".
std::string_view to_string(ErrorCode code);
// to_string returns the NSM's wire name of a code, e.g. "InvalidIndex".
std::string_view to_string(NsmErrorCode code);

// Error is one failure: a stable code, a detail text for people (never asserted on in tests),
// the certificate it concerns (0 = leaf, 1.. = cabundle from the leaf upwards) and, for
// kNsmError, the NSM's own code.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string detail;
  int cert_index = -1;
  NsmErrorCode nsm_error = NsmErrorCode::kSuccess;
};

// MakeError builds an Error; the usual way to fail: `return MakeError(ErrorCode::kX, "...")`.
inline Error MakeError(ErrorCode code, std::string detail, int cert_index = -1) {
  return Error{code, std::move(detail), cert_index, NsmErrorCode::kSuccess};
}

// Result<T> holds a T or an Error. Its members are a subset of std::expected<T, Error>.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> is success or an Error; `return {};` succeeds.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  void value() const {}
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace nitro_attest

// NA_TRY evaluates a Status-returning expression and returns its error from the caller.
#define NA_TRY(expr)                                  \
  do {                                                \
    auto na_try_status_ = (expr);                     \
    if (!na_try_status_) {                            \
      return std::move(na_try_status_).error();       \
    }                                                 \
  } while (false)

// NA_ASSIGN_OR_RETURN(lhs, expr) binds the value of a Result-returning expression or returns
// its error from the caller.
#define NA_CONCAT_INNER_(a, b) a##b
#define NA_CONCAT_(a, b) NA_CONCAT_INNER_(a, b)
#define NA_ASSIGN_OR_RETURN(lhs, expr) \
  NA_ASSIGN_OR_RETURN_IMPL_(NA_CONCAT_(na_result_, __LINE__), lhs, expr)
#define NA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp) {                                     \
    return std::move(tmp).error();                \
  }                                               \
  lhs = std::move(tmp).value()

#endif  // NITRO_ATTEST_RESULT_H_
