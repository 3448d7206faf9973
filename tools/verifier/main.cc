// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// verifier: verifies AWS Nitro Enclaves attestation documents on the parent instance.
#include "tools/common/cli.h"
#include "tools/verifier/commands.h"

int main(int argc, char** argv) {
  CLI::App app("verifier: verify AWS Nitro Enclaves attestation documents", "verifier");
  app.require_subcommand(1);
  int result = nitro_attest::cli::kExitOk;
  nitro_attest::cli::AddVerifyCommand(app, &result);
  nitro_attest::cli::AddInspectCommand(app, &result);
  nitro_attest::cli::AddFetchCommand(app, &result);
  return nitro_attest::cli::Run(app, argc, argv, result);
}
