// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The verification policy options shared by `verifier verify` and `verifier fetch`.
#ifndef NITRO_ATTEST_TOOLS_COMMON_POLICY_H_
#define NITRO_ATTEST_TOOLS_COMMON_POLICY_H_

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nitro_attest/verify.h"

namespace nitro_attest::cli {

// PolicyFlags holds the raw option values as the user typed them.
struct PolicyFlags {
  std::string root;
  std::string at;
  std::string nonce, user_data, public_key;
  std::vector<std::string> pcrs;
  std::string pcrs_from;
  std::optional<int64_t> max_age;
  bool allow_debug = false;
};

// AddPolicyOptions registers --root, --at, --nonce, --user-data, --public-key, --pcr,
// --pcrs-from, --max-age and --allow-debug on `app`.
void AddPolicyOptions(CLI::App* app, PolicyFlags* flags);

// BuildVerifyOptions turns the flags into VerifyOptions. Returns kInvalidArgument or kIoError.
Result<VerifyOptions> BuildVerifyOptions(const PolicyFlags& flags);

// ParseMeasurementsJson reads the JSON nitro-cli prints (build-enclave, describe-eif: an object
// with "Measurements"; describe-enclaves: an array of one such object) and returns PCR0, PCR1,
// PCR2 and, when present, PCR8. Returns kInvalidArgument for anything else.
Result<std::map<uint32_t, Bytes>> ParseMeasurementsJson(std::string_view json);

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_COMMON_POLICY_H_
