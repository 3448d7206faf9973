// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/result.h"

namespace nitro_attest {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformedInput: return "malformed_input";
    case ErrorCode::kMalformedCbor: return "malformed_cbor";
    case ErrorCode::kMalformedCose: return "malformed_cose";
    case ErrorCode::kUnsupportedAlgorithm: return "unsupported_algorithm";
    case ErrorCode::kBadSignature: return "bad_signature";
    case ErrorCode::kMalformedDocument: return "malformed_document";
    case ErrorCode::kMalformedCertificate: return "malformed_certificate";
    case ErrorCode::kCertificateExpired: return "certificate_expired";
    case ErrorCode::kCertificateNotYetValid: return "certificate_not_yet_valid";
    case ErrorCode::kUntrustedRoot: return "untrusted_root";
    case ErrorCode::kChainInvalid: return "chain_invalid";
    case ErrorCode::kPcrMismatch: return "pcr_mismatch";
    case ErrorCode::kNonceMismatch: return "nonce_mismatch";
    case ErrorCode::kUserDataMismatch: return "user_data_mismatch";
    case ErrorCode::kPublicKeyMismatch: return "public_key_mismatch";
    case ErrorCode::kDocumentTooOld: return "document_too_old";
    case ErrorCode::kDocumentFromFuture: return "document_from_future";
    case ErrorCode::kDebugMode: return "debug_mode";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNsmError: return "nsm_error";
    case ErrorCode::kDeviceError: return "device_error";
    case ErrorCode::kTransportError: return "transport_error";
    case ErrorCode::kProtocolError: return "protocol_error";
    case ErrorCode::kCryptoError: return "crypto_error";
    case ErrorCode::kIoError: return "io_error";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kMalformedImage: return "malformed_image";
  }
  return "unknown";
}

std::string_view to_string(NsmErrorCode code) {
  switch (code) {
    case NsmErrorCode::kSuccess: return "Success";
    case NsmErrorCode::kInvalidArgument: return "InvalidArgument";
    case NsmErrorCode::kInvalidIndex: return "InvalidIndex";
    case NsmErrorCode::kInvalidResponse: return "InvalidResponse";
    case NsmErrorCode::kReadOnlyIndex: return "ReadOnlyIndex";
    case NsmErrorCode::kInvalidOperation: return "InvalidOperation";
    case NsmErrorCode::kBufferTooSmall: return "BufferTooSmall";
    case NsmErrorCode::kInputTooLarge: return "InputTooLarge";
    case NsmErrorCode::kInternalError: return "InternalError";
  }
  return "Unknown";
}

}  // namespace nitro_attest
