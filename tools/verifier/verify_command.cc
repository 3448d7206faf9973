// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "nitro_attest/encoding.h"
#include "nitro_attest/verify.h"
#include "tools/common/cli.h"
#include "tools/common/policy.h"
#include "tools/common/report.h"
#include "tools/verifier/batch.h"
#include "tools/verifier/commands.h"

namespace nitro_attest::cli {
namespace {

// DefaultJobs is the number of cores (1 when unknown).
unsigned DefaultJobs() { return std::max(1u, std::thread::hardware_concurrency()); }

struct VerifyArgs {
  std::vector<std::string> inputs;
  PolicyFlags policy;
  bool json = false;
  bool each_line = false;
  bool fail_fast = false;
  bool keep_going = false;
  unsigned jobs = DefaultJobs();
};

struct InspectArgs {
  std::string input = "-";
  bool json = false;
};

// StopEarly reports an error that ends a command before any verification: usage, I/O.
int StopEarly(const Error& e, bool json) {
  if (json) {
    PrintJson(UsageErrorJson(e));
  }
  PrintError("verifier", e);
  return ExitCodeFor(e);
}

int RunVerify(const VerifyArgs& args) {
  auto options = BuildVerifyOptions(args.policy);
  if (!options) {
    return StopEarly(options.error(), args.json);
  }
  const std::vector<std::string> inputs =
      args.inputs.empty() ? std::vector<std::string>{"-"} : args.inputs;
  if (std::count(inputs.begin(), inputs.end(), "-") > 1) {
    return StopEarly(MakeError(ErrorCode::kInvalidArgument,
                               "standard input ('-') can be given only once"),
                     args.json);
  }
  if (inputs.size() > 1 || args.each_line) {
    BatchArgs batch;
    batch.inputs = inputs;
    batch.each_line = args.each_line;
    batch.json = args.json;
    batch.fail_fast = args.fail_fast;
    batch.jobs = args.jobs;
    return RunBatch(batch, args.policy, std::move(*options));
  }
  // One document: the report below, unchanged since before batches (scripts depend on it).
  // The document is read before the --root files: in `enclave_app --emulate-root-out R attest |
  // verifier verify - --root R`, the root is complete once the document has arrived.
  auto bytes = ReadDocument(inputs.front());
  if (!bytes && bytes.error().code != ErrorCode::kMalformedInput) {
    return StopEarly(bytes.error(), args.json);
  }
  if (Status roots = LoadRoots(args.policy, &*options); !roots) {
    return StopEarly(roots.error(), args.json);
  }
  VerifyTrace trace;
  PinVerificationTime(&*options);
  Result<VerifiedDocument> verdict =
      bytes ? Verify(*bytes, *options, &trace) : Result<VerifiedDocument>(bytes.error());
  if (args.json) {
    PrintJson(VerdictJson(bytes ? std::span<const uint8_t>(*bytes) : std::span<const uint8_t>(),
                          verdict, trace, &*options));
  } else if (verdict) {
    std::cout << "VERIFIED: signature, certificate chain to "
              << (args.policy.roots.empty() ? "the AWS Nitro root G1" : "a given root (--root)")
              << " and policy all hold (checks: ";
    for (size_t i = 0; i < trace.passed.size(); ++i) {
      std::cout << (i ? ", " : "") << trace.passed[i];
    }
    std::cout << ")\n";
    PrintVerdictText(std::cout, *verdict);
  }
  if (!verdict) {
    // The reason always goes to stderr, also with --json, so scripts can log it.
    PrintError("REJECTED", verdict.error());
    return ExitCodeFor(verdict.error()) == kExitUsage ? kExitUsage : kExitRejected;
  }
  return kExitOk;
}

int RunInspect(const InspectArgs& args) {
  auto bytes = ReadDocument(args.input);
  if (!bytes && bytes.error().code != ErrorCode::kMalformedInput) {
    return StopEarly(bytes.error(), args.json);
  }
  auto doc = bytes ? ParseUnverified(*bytes) : Result<AttestationDocument>(bytes.error());
  if (args.json) {
    nlohmann::json j;
    j["schema_version"] = kJsonSchemaVersion;
    j["verified"] = false;
    j["verified_at"] = nullptr;
    j["decoded"] = doc.has_value();
    j["warning"] = "NOT VERIFIED: decoded only; no signature, chain or policy was checked";
    j["document"] = doc ? DocumentJson(*doc) : nlohmann::json(nullptr);
    j["error"] = doc ? nlohmann::json(nullptr) : ErrorJson(doc.error());
    PrintJson(j);
  }
  if (!doc) {
    PrintError("cannot decode", doc.error());
    return kExitRejected;
  }
  if (!args.json) {
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
      "chain to the pinned AWS Nitro root, then the given policy (a PCR policy or --any-image "
      "is required). Exit 0 verified, 1 rejected (also: not a document), 2 usage or I/O error.");
  cmd->add_option("files", args->inputs,
                  "Document files: raw CBOR, hex or base64 ('-' = stdin, the default). Several "
                  "files, or --each-line, make a batch: one verdict line per document");
  AddPolicyOptions(cmd, &args->policy, PolicyScope::kVerify);
  cmd->add_flag("--json", args->json,
                "Print one JSON object with the verdict; in a batch, one per line (JSON Lines, "
                "docs/json.md)");
  cmd->add_flag("--each-line", args->each_line,
                "Batch: read every input as one document per line (base64 or hex; blank lines "
                "are skipped, a line over 64 KiB is a malformed document)");
  cmd->add_option("--jobs,-j", args->jobs,
                  "Batch: documents verified in parallel (default: the number of cores), "
                  "verdicts still in input order")
      ->check(CLI::Range(1u, 1024u))
      ->default_str(std::to_string(DefaultJobs()));
  auto* fail_fast = cmd->add_flag(
      "--fail-fast", args->fail_fast,
      "Batch: stop at the first document that is not verified (exit 1, or 2 for an I/O error)");
  cmd->add_flag("--keep-going", args->keep_going,
                "Batch: verify every document whatever the verdicts (the default)")
      ->excludes(fail_fast);
  cmd->callback([args, result] { *result = RunVerify(*args); });
}

void AddInspectCommand(CLI::App& app, int* result) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Decode a document WITHOUT verifying it and print its fields (exit 1 if it "
                 "cannot be decoded)");
  cmd->add_option("file", args->input,
                  "Document file: raw CBOR, hex or base64 ('-' = stdin, the default)");
  cmd->add_flag("--json", args->json, "Print JSON (docs/json.md)");
  cmd->callback([args, result] { *result = RunInspect(*args); });
}

}  // namespace nitro_attest::cli
