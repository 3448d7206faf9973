// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The `enclave_app` subcommands. Each registers itself on the app; when it runs it opens the
// NSM chosen by `nsm` and stores its exit code in *result. A new command (e.g. `serve`) is one
// more file with one more Add...Command, called from main.cc.
#ifndef NITRO_ATTEST_TOOLS_ENCLAVE_APP_COMMANDS_H_
#define NITRO_ATTEST_TOOLS_ENCLAVE_APP_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tools/enclave_app/nsm_select.h"

namespace nitro_attest::cli {

void AddAttestCommand(CLI::App& app, const NsmSelection* nsm, int* result);
void AddDescribeCommand(CLI::App& app, const NsmSelection* nsm, int* result);
void AddPcrCommand(CLI::App& app, const NsmSelection* nsm, int* result);
void AddRandomCommand(CLI::App& app, const NsmSelection* nsm, int* result);
// AddServeCommand: `serve`, the enclave side of the challenge protocol (serve.cc).
void AddServeCommand(CLI::App& app, const NsmSelection* nsm, int* result);
// AddKmsCommand: `kms decrypt|genkey|genrandom|genkeypair|derive-shared-secret` (kms_command.cc).
void AddKmsCommand(CLI::App& app, const NsmSelection* nsm, int* result);

// Fail prints `error` and stores its exit code in *result.
void Fail(const Error& error, int* result);

// PrintJson writes one JSON document and a newline to standard output.
void PrintJson(const nlohmann::json& j);

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_ENCLAVE_APP_COMMANDS_H_
