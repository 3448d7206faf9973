// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Pieces of src/kms shared by the client and the KMS test service.
#ifndef NITRO_ATTEST_SRC_KMS_INTERNAL_H_
#define NITRO_ATTEST_SRC_KMS_INTERNAL_H_

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "nitro_attest/result.h"
#include "src/kms/sigv4.h"

namespace nitro_attest::kms {

// ParseRfc3339 reads "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (the fraction is dropped).
Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s);
// FormatRfc3339 writes "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatRfc3339(std::chrono::system_clock::time_point t);

// ParseJsonObject parses a JSON object without exceptions; nullopt when it is not one.
std::optional<nlohmann::json> ParseJsonObject(std::span<const uint8_t> bytes);

// The recipient key-encryption algorithm KMS supports (RecipientInfo.KeyEncryptionAlgorithm).
inline constexpr std::string_view kRsaesOaepSha256 = "RSAES_OAEP_SHA_256";
// KMS's JSON 1.1 content type.
inline constexpr std::string_view kAmzJson = "application/x-amz-json-1.1";

}  // namespace nitro_attest::kms

#endif  // NITRO_ATTEST_SRC_KMS_INTERNAL_H_
