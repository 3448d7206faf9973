// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The verification policy options shared by `verifier verify` and `verifier fetch`, the policy
// file (--policy, docs/json.md) and nitro-cli measurement files (--pcrs-from).
#ifndef NITRO_ATTEST_TOOLS_COMMON_POLICY_H_
#define NITRO_ATTEST_TOOLS_COMMON_POLICY_H_

#include <CLI/CLI.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nitro_attest/verify.h"

namespace nitro_attest::cli {

// PolicyScope says which command the options are for: `fetch` makes its own nonce and its
// session key is the document's public_key, so it takes neither --nonce nor --public-key.
enum class PolicyScope { kVerify, kFetch };

// PolicyFlags holds the raw option values as the user typed them (nullopt: not given).
struct PolicyFlags {
  std::vector<std::string> roots;
  std::string at;
  std::optional<std::string> nonce, user_data, public_key;
  std::vector<std::string> pcrs;
  std::vector<std::string> pcrs_from;
  std::string policy_file;
  std::optional<int64_t> max_age;
  bool allow_debug = false;
  bool any_image = false;
};

// AddPolicyOptions registers the policy options of `scope` on `app`.
void AddPolicyOptions(CLI::App* app, PolicyFlags* flags, PolicyScope scope);

// BuildVerifyOptions turns the flags (and the --policy and --pcrs-from files) into
// VerifyOptions, except the --root files: LoadRoots reads those, so that a command can read its
// document first (the README's pipeline writes the root while it writes the document). Returns
// kInvalidArgument (every usage error, including no PCR policy) or kIoError.
Result<VerifyOptions> BuildVerifyOptions(const PolicyFlags& flags);

// PinVerificationTime sets options->now to the clock unless --at gave a time or `document`, so
// a report can name the time a failed verification used. Call it right before verifying.
void PinVerificationTime(VerifyOptions* options);

// LoadRoots replaces the trusted roots by the --root files (PEM or DER) and the policy file's
// roots, when any was given. Returns kInvalidArgument or kIoError.
Status LoadRoots(const PolicyFlags& flags, VerifyOptions* options);

// LoadPcrSet turns one --pcrs-from argument into an allowed PCR set named after it: a
// nitro-cli JSON file (ParseMeasurementsJson), which must hold PCR0, PCR1 and PCR2, or an
// enclave image (a file starting with ".eif": PCR0, 1, 2 and, when signed, 8, from PcrsFromEif).
// Returns kInvalidArgument (also for an image nitro-eif refuses) or kIoError.
Result<PcrSet> LoadPcrSet(const std::string& argument);

// ParseMeasurementsJson reads the JSON nitro-cli prints (build-enclave, describe-eif: an object
// with "Measurements"; describe-enclaves: an array of one such object) and returns its PCRs.
// Returns kInvalidArgument for anything else, duplicate keys included.
Result<std::map<uint32_t, Bytes>> ParseMeasurementsJson(std::string_view json);

// ParseJsonStrict parses JSON refusing duplicate object keys (nlohmann keeps the last one) and
// invalid UTF-8. Returns kInvalidArgument naming `what`.
Result<nlohmann::json> ParseJsonStrict(std::string_view text, std::string_view what);

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_COMMON_POLICY_H_
