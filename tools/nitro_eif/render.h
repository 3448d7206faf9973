// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// nitro-eif's outputs: nitro-cli's JSON shapes (describe-eif, build-enclave), the text
// summary, and the metadata section nitro-cli writes.
#ifndef NITRO_ATTEST_TOOLS_NITRO_EIF_RENDER_H_
#define NITRO_ATTEST_TOOLS_NITRO_EIF_RENDER_H_

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "nitro_attest/eif.h"

namespace nitro_attest::cli {

// Described is what describe adds to a read image: its metadata, decoded, and the checks that
// failed, each said in a sentence (empty when all hold).
struct Described {
  std::optional<nlohmann::ordered_json> metadata;  // the metadata section, when it is JSON
  std::vector<std::string> problems;
  Time checked_at;
};

// DescribeImage runs describe's checks: CRC-32, signature (SignatureCheck and the
// certificate's validity at `at`), and metadata that nitro-cli can read.
Described DescribeImage(const EifImage& image, Time at);

// DescribeJson is nitro-cli describe-eif's object, keys in its order: EifVersion, Measurements,
// IsSigned, SigningCertificate, CheckCRC, SignatureCheck, ImageName, ImageVersion, Metadata.
// `details` appends Sections, CRC32, SignatureDetails, Arch, DefaultMemory and DefaultCpus.
nlohmann::ordered_json DescribeJson(const EifImage& image, const Described& d, bool details);

// PrintDescribeText writes the human-readable summary.
void PrintDescribeText(std::ostream& out, const EifImage& image, const Described& d);

// BuildJson is {"Measurements": {HashAlgorithm, PCR0, PCR1, PCR2[, PCR8]}} as build-enclave
// prints it.
nlohmann::ordered_json BuildJson(const EifMeasurements& m);

// DumpJson pretty-prints as serde_json::to_string_pretty does (two spaces, UTF-8 as is).
std::string DumpJson(const nlohmann::ordered_json& j);

// MetadataFields are the metadata section's fields (IMG EifIdentityInfo).
struct MetadataFields {
  std::string image_name, image_version;
  std::string build_time, build_tool, build_tool_version, operating_system, kernel_version;
  std::string custom_json;  // a JSON object, or empty for null
};

// EncodeMetadata writes the section as serde_json::to_vec does: compact, keys in struct order,
// DockerInfo null (no Docker here). kInvalidArgument when custom_json is not a JSON object.
Result<Bytes> EncodeMetadata(const MetadataFields& fields);

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_NITRO_EIF_RENDER_H_
