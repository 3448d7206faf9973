// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// verifier: verifies AWS Nitro Enclaves attestation documents on the parent instance.
#include <string_view>

#include "tools/common/cli.h"
#include "tools/common/report.h"
#include "tools/verifier/commands.h"

int main(int argc, char** argv) {
  CLI::App app("verifier: verify AWS Nitro Enclaves attestation documents", "verifier");
  int result = nitro_attest::cli::kExitOk;
  nitro_attest::cli::AddVerifyCommand(app, &result);
  nitro_attest::cli::AddInspectCommand(app, &result);
  nitro_attest::cli::AddFetchCommand(app, &result);
  // With --json, a usage error is reported as JSON too (docs/json.md).
  bool json = false;
  for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i) {
    json = json || std::string_view(argv[i]) == "--json";
  }
  return nitro_attest::cli::Run(app, argc, argv, result, [json](const nitro_attest::Error& e) {
    if (json) {
      nitro_attest::cli::PrintJson(nitro_attest::cli::UsageErrorJson(e));
    }
  });
}
