// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>

#include "nitro_attest/encoding.h"
#include "nitro_attest/verify.h"
#include "tools/common/cli.h"
#include "tools/common/policy.h"
#include "tools/common/report.h"
#include "tools/verifier/commands.h"

namespace nitro_attest::cli {
namespace {

struct VerifyArgs {
  std::string input = "-";
  PolicyFlags policy;
  bool json = false;
};

struct InspectArgs {
  std::string input = "-";
  bool json = false;
};

int RunVerify(const VerifyArgs& args) {
  auto options = BuildVerifyOptions(args.policy);
  if (!options) {
    PrintError("verifier", options.error());
    return ExitCodeFor(options.error());
  }
  auto input = ReadInput(args.input);
  if (!input) {
    PrintError("verifier", input.error());
    return kExitUsage;
  }
  VerifyTrace trace;
  auto bytes = DecodeDocumentInput(*input);
  Result<VerifiedDocument> verdict =
      bytes ? Verify(*bytes, *options, &trace) : Result<VerifiedDocument>(bytes.error());
  if (args.json) {
    std::cout << VerdictJson(bytes ? std::span<const uint8_t>(*bytes) : std::span<const uint8_t>(),
                             verdict, trace)
                     .dump(2)
              << "\n";
  } else if (verdict) {
    std::cout << "VERIFIED: signature, certificate chain to "
              << (args.policy.root.empty() ? "the AWS Nitro root G1" : "the given root (--root)")
              << " and policy all hold (checks: ";
    for (size_t i = 0; i < trace.passed.size(); ++i) {
      std::cout << (i ? ", " : "") << trace.passed[i];
    }
    std::cout << ")\n";
    PrintDocumentText(std::cout, verdict->document());
  }
  if (!verdict) {
    // The reason always goes to stderr, also with --json, so scripts can log it.
    PrintError("REJECTED", verdict.error());
    return ExitCodeFor(verdict.error()) == kExitUsage ? kExitUsage : kExitRejected;
  }
  return kExitOk;
}

int RunInspect(const InspectArgs& args) {
  auto input = ReadInput(args.input);
  if (!input) {
    PrintError("verifier", input.error());
    return kExitUsage;
  }
  auto bytes = DecodeDocumentInput(*input);
  auto doc = bytes ? ParseUnverified(*bytes) : Result<AttestationDocument>(bytes.error());
  if (!doc) {
    if (args.json) {
      nlohmann::json j;
      j["verified"] = false;
      j["decoded"] = false;
      j["error"] = ErrorJson(doc.error());
      std::cout << j.dump(2) << "\n";
    }
    PrintError("cannot decode", doc.error());
    return kExitRejected;
  }
  if (args.json) {
    nlohmann::json j;
    j["verified"] = false;
    j["decoded"] = true;
    j["warning"] = "NOT VERIFIED: decoded only; no signature, chain or policy was checked";
    j["document"] = DocumentJson(*doc);
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "NOT VERIFIED: decoded only; no signature, chain or policy was checked.\n";
    PrintDocumentText(std::cout, *doc);
  }
  return kExitOk;
}

}  // namespace

void AddVerifyCommand(CLI::App& app, int* result) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Verify an attestation document: COSE ES384 signature, every field, the certificate "
      "chain to the pinned AWS Nitro root, then the given policy. Exit 0 verified, 1 rejected, "
      "2 usage or I/O error.");
  cmd->add_option("file", args->input, "Document file, raw CBOR or base64 ('-' = stdin, default)");
  AddPolicyOptions(cmd, &args->policy);
  cmd->add_flag("--json", args->json, "Print one JSON object with the verdict and the fields");
  cmd->callback([args, result] { *result = RunVerify(*args); });
}

void AddInspectCommand(CLI::App& app, int* result) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Decode a document WITHOUT verifying it and print its fields (exit 1 if it "
                 "cannot be decoded)");
  cmd->add_option("file", args->input, "Document file, raw CBOR or base64 ('-' = stdin, default)");
  cmd->add_flag("--json", args->json, "Print JSON");
  cmd->callback([args, result] { *result = RunInspect(*args); });
}

}  // namespace nitro_attest::cli
