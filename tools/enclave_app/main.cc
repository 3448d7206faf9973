// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// enclave_app: the NSM from inside an enclave (attestation documents, PCRs, randomness).
#include "tools/common/cli.h"
#include "tools/enclave_app/commands.h"
#include "tools/enclave_app/nsm_select.h"

int main(int argc, char** argv) {
  CLI::App app("enclave_app: talk to the Nitro Secure Module", "enclave_app");
  // Subcommands inherit this: NSM selection options may follow the subcommand too.
  app.fallthrough();
  nitro_attest::cli::NsmSelection nsm;
  nitro_attest::cli::AddNsmOptions(app, &nsm);
  int result = nitro_attest::cli::kExitOk;
  nitro_attest::cli::AddAttestCommand(app, &nsm, &result);
  nitro_attest::cli::AddDescribeCommand(app, &nsm, &result);
  nitro_attest::cli::AddPcrCommand(app, &nsm, &result);
  nitro_attest::cli::AddRandomCommand(app, &nsm, &result);
  nitro_attest::cli::AddServeCommand(app, &nsm, &result);
  nitro_attest::cli::AddKmsCommand(app, &nsm, &result);
  return nitro_attest::cli::Run(app, argc, argv, result);
}
