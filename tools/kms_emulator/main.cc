// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// kms-emulator: an INSECURE KMS-compatible test service (kms_emulator.h) on TLS, for tests,
// the benchmark and the demo. `serve` runs it until SIGINT/SIGTERM; `encrypt` makes a
// CiphertextBlob from the configuration alone (needs its Seed).
#include <signal.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "nitro_attest/encoding.h"
#include "nitro_attest/kms_emulator.h"
#include "tools/common/cli.h"

namespace nitro_attest::cli {
namespace {

struct Args {
  std::string config, root, listen = "tcp:127.0.0.1:0", ca_out, address_out, public_keys_out;
  std::vector<std::string> tls_names;
  size_t workers = 4;
  int64_t max_document_age = 300;
  std::string fault;
  // encrypt
  std::string key_id, plaintext = "-";
  std::vector<std::string> context;
};

Result<KmsEmulatorConfig> LoadConfig(const std::string& path) {
  NA_ASSIGN_OR_RETURN(const Bytes text, ReadInput(path, 1 << 20));
  return ParseKmsEmulatorConfig(text);
}

Result<KmsEmulatorFault> ParseFault(const std::string& name) {
  static const std::pair<const char*, KmsEmulatorFault> kFaults[] = {
      {"", KmsEmulatorFault::kNone},
      {"other-recipient", KmsEmulatorFault::kOtherRecipient},
      {"truncated-cms", KmsEmulatorFault::kTruncatedCms},
      {"aes128-cms", KmsEmulatorFault::kAes128Cms},
      {"plaintext-too", KmsEmulatorFault::kPlaintextToo},
      {"no-recipient-cms", KmsEmulatorFault::kNoRecipientCms},
      {"http-500", KmsEmulatorFault::kHttp500},
      {"silent", KmsEmulatorFault::kSilent},
      {"not-http", KmsEmulatorFault::kNotHttp}};
  for (const auto& [n, f] : kFaults) {
    if (name == n) {
      return f;
    }
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown --fault " + name);
}

Status Serve(const Args& a) {
  KmsEmulatorOptions options;
  NA_ASSIGN_OR_RETURN(options.config, LoadConfig(a.config));
  NA_ASSIGN_OR_RETURN(const Bytes root_pem, ReadInput(a.root, 64 * 1024));
  NA_ASSIGN_OR_RETURN(options.attestation_root_der, PemCertificateToDer(root_pem));
  NA_ASSIGN_OR_RETURN(options.listen, ParseAddress(a.listen));
  if (a.max_document_age <= 0 || a.max_document_age > 86400) {
    return MakeError(ErrorCode::kInvalidArgument, "--max-document-age must be 1..86400");
  }
  options.max_document_age = std::chrono::seconds(a.max_document_age);
  options.tls_names = a.tls_names;
  options.workers = a.workers;
  NA_ASSIGN_OR_RETURN(options.fault, ParseFault(a.fault));
  std::vector<std::string> ecc_keys;
  for (const auto& k : options.config.keys) {
    if (k.key_spec != "SYMMETRIC_DEFAULT") {
      ecc_keys.push_back(k.key_id);
    }
  }

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  NA_ASSIGN_OR_RETURN(std::unique_ptr<KmsEmulator> service, KmsEmulator::Start(std::move(options)));
  if (!a.public_keys_out.empty()) {
    nlohmann::json keys = nlohmann::json::object();
    for (const std::string& id : ecc_keys) {
      NA_ASSIGN_OR_RETURN(const Bytes spki, service->PublicKey(id));
      keys[id] = Base64Encode(spki);
    }
    NA_TRY(WriteFileAtomically(a.public_keys_out, keys.dump(2) + "\n"));
  }
  if (!a.ca_out.empty()) {
    NA_TRY(WriteFileAtomically(a.ca_out, service->CaPem()));
  }
  const std::string address = to_string(service->address());
  if (!a.address_out.empty()) {
    NA_TRY(WriteFileAtomically(a.address_out, address + "\n"));
  }
  std::cerr << "kms-emulator: INSECURE KMS test service on " << address
            << (a.fault.empty() ? "" : " (FAULT: " + a.fault + ")") << std::endl;
  int sig = 0;
  while (sigwait(&stop, &sig) != 0) {
  }
  std::cerr << "kms-emulator: stopping after " << service->requests() << " requests" << std::endl;
  return {};
}

Status Encrypt(const Args& a) {
  NA_ASSIGN_OR_RETURN(const KmsEmulatorConfig config, LoadConfig(a.config));
  NA_ASSIGN_OR_RETURN(const Bytes plaintext, ReadInput(a.plaintext, 4096));
  std::map<std::string, std::string> context;
  for (const std::string& item : a.context) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return MakeError(ErrorCode::kInvalidArgument, "--encryption-context takes KEY=VALUE");
    }
    context[item.substr(0, eq)] = item.substr(eq + 1);
  }
  NA_ASSIGN_OR_RETURN(const Bytes blob, EncryptOffline(config, a.key_id, plaintext, context));
  std::cout << Base64Encode(blob) << std::endl;
  return {};
}

}  // namespace
}  // namespace nitro_attest::cli

int main(int argc, char** argv) {
  using nitro_attest::cli::Args;
  CLI::App app(
      "kms-emulator: an INSECURE KMS-compatible test service on TLS (tests and demos only)",
      "kms-emulator");
  app.require_subcommand(1);
  Args args;
  int result = nitro_attest::cli::kExitOk;
  const auto run = [&result](const char* name, nitro_attest::Status s) {
    if (!s) {
      nitro_attest::cli::PrintError(std::string("kms-emulator ") + name, s.error());
      result = nitro_attest::cli::ExitCodeFor(s.error());
    }
  };
  CLI::App* serve = app.add_subcommand(
      "serve", "Serve KMS's JSON API (Encrypt, Decrypt, GenerateDataKey, GenerateDataKeyPair, "
               "GenerateRandom, DeriveSharedSecret) until SIGINT/SIGTERM");
  serve->add_option("--config", args.config, "JSON: Region, Seed, Credentials, Keys with Policy")
      ->required();
  serve->add_option("--attestation-root", args.root,
                    "PEM root that attestation documents must chain to (nsm-emulator --root-out)")
      ->required();
  serve->add_option("--listen", args.listen, "tcp:127.0.0.1:PORT (0: any free port) or unix:PATH")
      ->capture_default_str();
  serve->add_option("--ca-out", args.ca_out, "write the generated test CA (PEM) here");
  serve->add_option("--address-out", args.address_out, "write the bound address here");
  serve->add_option("--public-keys-out", args.public_keys_out,
                    "write the ECC keys' public keys (JSON, base64 SPKI) here");
  serve->add_option("--tls-name", args.tls_names,
                    "DNS name for the TLS certificate (repeatable; default "
                    "kms.<region>.amazonaws.com and localhost)");
  serve->add_option("--workers", args.workers, "connections served at once")->capture_default_str();
  serve->add_option("--max-document-age", args.max_document_age,
                    "refuse attestation documents older than this many seconds")
      ->capture_default_str();
  serve->add_option("--fault", args.fault,
                    "misbehave for tests: other-recipient, truncated-cms, aes128-cms, "
                    "plaintext-too, no-recipient-cms, http-500, silent, not-http");
  serve->callback([&] { run("serve", nitro_attest::cli::Serve(args)); });
  CLI::App* encrypt = app.add_subcommand(
      "encrypt", "Print the base64 CiphertextBlob the service's Encrypt would give (needs Seed)");
  encrypt->add_option("--config", args.config, "the service's configuration")->required();
  encrypt->add_option("--key-id", args.key_id, "a symmetric key of the configuration")->required();
  encrypt->add_option("--plaintext", args.plaintext, "file, or - for standard input (<= 4096 bytes)")
      ->capture_default_str();
  encrypt->add_option("--encryption-context", args.context, "KEY=VALUE (repeatable)");
  encrypt->callback([&] { run("encrypt", nitro_attest::cli::Encrypt(args)); });
  return nitro_attest::cli::Run(app, argc, argv, result);
}
