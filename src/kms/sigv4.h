// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// AWS Signature Version 4, header signing (docs.aws.amazon.com/IAM/latest/UserGuide/
// reference_sigv-create-signed-request.html; the rules aws-c-auth's v4 test suite pins). One
// canonicalisation serves the signer (the KMS client) and the checker (the KMS test service).
#ifndef NITRO_ATTEST_SRC_KMS_SIGV4_H_
#define NITRO_ATTEST_SRC_KMS_SIGV4_H_

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nitro_attest/result.h"

namespace nitro_attest::sigv4 {

// Header is one HTTP header as sent (any case; the value untrimmed).
using Header = std::pair<std::string, std::string>;

// Request is what is signed: method, the path and query exactly as in the request line, the
// headers and the body.
struct Request {
  std::string method;
  std::string path;   // before '?', not yet encoded (e.g. "/" or "/example space/")
  std::string query;  // after '?', may be empty
  std::vector<Header> headers;
  std::span<const uint8_t> body;
};

// Scope names the credential scope: date (YYYYMMDD), region and service.
struct Scope {
  std::string date, region, service;
  std::string ToString() const { return date + "/" + region + "/" + service + "/aws4_request"; }
};

// SigningParams: the key and where and when the signature applies.
struct SigningParams {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;       // empty: none
  bool omit_session_token = false; // sign without the token, add it afterwards (STS rules)
  std::string region, service;
  std::chrono::system_clock::time_point time;
  bool normalize_path = true;      // remove dot segments and repeated slashes (all but S3)
  bool sign_body = false;          // add and sign x-amz-content-sha256
};

// Signed is a computed signature with its intermediate strings (the test suite pins each).
struct Signed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // lowercase hex
  std::string authorization;
  // The headers to add to the request, in order: X-Amz-Date, X-Amz-Security-Token,
  // X-Amz-Content-Sha256 (when used), Authorization.
  std::vector<Header> added_headers;
};

// Sign signs `request` with `params`. Returns kInvalidArgument for a header name or value
// that cannot be sent (control characters) or a request without a Host header.
Result<Signed> Sign(const Request& request, const SigningParams& params);

// FormatAmzDate returns "YYYYMMDDTHHMMSSZ".
std::string FormatAmzDate(std::chrono::system_clock::time_point t);
// ParseAmzDate reads "YYYYMMDDTHHMMSSZ"; kInvalidArgument otherwise.
Result<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view text);

// Authorization is a parsed Authorization header.
struct Authorization {
  std::string access_key_id;
  Scope scope;
  std::vector<std::string> signed_headers;  // lowercase, as listed
  std::string signature;                    // hex as sent
};
// ParseAuthorization reads "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=hex". kInvalidArgument when it is not of that form.
Result<Authorization> ParseAuthorization(std::string_view value);

// Expected returns the signature (hex) a request carrying `auth` must have under `secret`,
// recomputed over the headers `auth` lists (kInvalidArgument when one is missing or the list
// is not sorted or unique) at `amz_date` (the request's X-Amz-Date).
Result<std::string> Expected(const Request& request, const Authorization& auth,
                             std::string_view secret, std::string_view amz_date,
                             bool normalize_path);

}  // namespace nitro_attest::sigv4

#endif  // NITRO_ATTEST_SRC_KMS_SIGV4_H_
