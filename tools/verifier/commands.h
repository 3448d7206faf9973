// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The `verifier` tool's subcommands; each registers itself on the app and stores its exit code
// in *result when it runs.
#ifndef NITRO_ATTEST_TOOLS_VERIFIER_COMMANDS_H_
#define NITRO_ATTEST_TOOLS_VERIFIER_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace nitro_attest::cli {

void AddVerifyCommand(CLI::App& app, int* result);
void AddInspectCommand(CLI::App& app, int* result);
// AddFetchCommand: `verifier fetch`, the parent side of the challenge protocol (fetch.cc).
void AddFetchCommand(CLI::App& app, int* result);

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_VERIFIER_COMMANDS_H_
