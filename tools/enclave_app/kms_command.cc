// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// kms: attested AWS KMS calls from inside the enclave. decrypt, genkey and genrandom take every
// flag of AWS's kmstool_enclave_cli and print exactly its output (PLAINTEXT: <base64>; genkey
// CIPHERTEXT: then PLAINTEXT:), so it is a drop-in replacement; genkeypair and
// derive-shared-secret go beyond it. Exit codes: 0 ok, 1 KMS or crypto refusal (and KMS
// unreachable or silent), 2 usage or local I/O.
#include <openssl/crypto.h>

#include <iostream>
#include <mutex>

#include "nitro_attest/encoding.h"
#include "nitro_attest/kms.h"
#include "tools/common/cli.h"
#include "tools/enclave_app/commands.h"

namespace nitro_attest::cli {
namespace {

struct KmsArgs {
  std::string region = "us-east-1";
  uint32_t proxy_port = 8000;
  std::string proxy, endpoint, ca_file, credentials_file;
  std::string access_key_id, secret_access_key, session_token;
  double timeout_seconds = 30;
  bool json = false;
  // Operation inputs.
  std::string ciphertext, key_id, encryption_algorithm, key_spec, key_pair_spec, public_key;
  std::string key_agreement_algorithm = "ECDH";
  std::vector<std::string> context;
  uint32_t length = 0;
};

// The tool's own exit code: only the caller's arguments and local files are 2; whatever KMS
// (or the way to it) did is 1, so "KMS said no" and "KMS did not answer" both fail a script
// that checks for 0 but are told apart from a typo.
int KmsExitCode(const Error& e) {
  return e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kIoError ? kExitUsage
                                                                                : kExitRejected;
}

Result<AwsCredentials> ResolveCredentials(const KmsArgs& a) {
  if (!a.access_key_id.empty() || !a.secret_access_key.empty()) {
    if (a.access_key_id.empty() || a.secret_access_key.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--aws-access-key-id and --aws-secret-access-key go together");
    }
    AwsCredentials c;
    c.access_key_id = a.access_key_id;
    c.secret_access_key = a.secret_access_key;
    c.session_token = a.session_token;
    return c;
  }
  if (!a.credentials_file.empty()) {
    NA_ASSIGN_OR_RETURN(Bytes file, ReadInput(a.credentials_file, 64 * 1024));
    Result<AwsCredentials> c = ParseCredentialsJson(file);
    OPENSSL_cleanse(file.data(), file.size());
    return c;
  }
  return CredentialsFromEnvironment();
}

Result<std::map<std::string, std::string>> ParseContext(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return MakeError(ErrorCode::kInvalidArgument, "--encryption-context takes KEY=VALUE");
    }
    if (!out.emplace(item.substr(0, eq), item.substr(eq + 1)).second) {
      return MakeError(ErrorCode::kInvalidArgument, "--encryption-context key given twice");
    }
  }
  return out;
}

Result<std::unique_ptr<KmsClient>> MakeClient(const KmsArgs& a, NsmClient& nsm) {
  KmsClientOptions o;
  o.region = a.region;
  o.endpoint = a.endpoint;
  if (!a.proxy.empty()) {
    NA_ASSIGN_OR_RETURN(o.proxy, ParseAddress(a.proxy));
  } else {
    o.proxy = Address{Address::Family::kVsock, 3, a.proxy_port, "", ""};
  }
  o.ca_file = a.ca_file;
  NA_ASSIGN_OR_RETURN(o.credentials, ResolveCredentials(a));
  if (!(a.timeout_seconds > 0 && a.timeout_seconds <= 3600)) {
    return MakeError(ErrorCode::kInvalidArgument, "--timeout must be 0..3600 seconds");
  }
  o.call_timeout = std::chrono::milliseconds(static_cast<int64_t>(a.timeout_seconds * 1000));
  o.connect_timeout = std::min(o.connect_timeout, o.call_timeout);
  return KmsClient::Create(std::move(o), NsmAttester(nsm));
}

// Output is what the command prints: (label, base64) lines, or the same as a JSON object.
using Output = std::vector<std::pair<std::string, std::string>>;

void Print(const Output& out, bool json) {
  if (json) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : out) {
      j[k] = v;
    }
    std::string text = j.dump(2);
    std::cout << text << "\n" << std::flush;
    Wipe(text);
    return;
  }
  for (const auto& [k, v] : out) {
    std::cout << k << ": " << v << "\n";
  }
  std::cout << std::flush;
}

void PrintFailure(const Error& e, const KmsClient* client, bool json) {
  PrintError("enclave_app kms", e);
  if (!json) {
    return;
  }
  nlohmann::json j = {{"error", {{"code", std::string(to_string(e.code))}, {"detail", e.detail}}}};
  if (client != nullptr && client->last_error()) {
    const KmsErrorInfo& k = *client->last_error();
    j["error"]["http_status"] = k.http_status;
    j["error"]["type"] = k.type;
    j["error"]["message"] = k.message;
    for (const auto& [index, hex] : k.document_pcrs) {
      j["error"]["document_pcrs"][std::to_string(index)] = hex;
    }
  }
  PrintJson(j);
}

using Operation = std::function<Result<Output>(KmsClient&, const KmsArgs&)>;

int RunKms(const KmsArgs& a, const NsmSelection& nsm, const Operation& op) {
  Result<std::unique_ptr<NsmClient>> nsm_client = OpenNsm(nsm);
  if (!nsm_client) {
    PrintFailure(nsm_client.error(), nullptr, a.json);
    return ExitCodeFor(nsm_client.error());
  }
  Result<std::unique_ptr<KmsClient>> client = MakeClient(a, **nsm_client);
  if (!client) {
    PrintFailure(client.error(), nullptr, a.json);
    return KmsExitCode(client.error());
  }
  Result<Output> out = op(**client, a);
  if (!out) {
    PrintFailure(out.error(), client->get(), a.json);
    return KmsExitCode(out.error());
  }
  Print(*out, a.json);
  for (auto& [k, v] : *out) {
    Wipe(v);
  }
  return kExitOk;
}

std::string B64(std::span<const uint8_t> b) { return Base64Encode(b); }

// DecodeArg decodes a base64 argument; bad input is a usage error (exit 2).
Result<Bytes> DecodeArg(const char* flag, const std::string& text) {
  Result<Bytes> b = Base64Decode(text);
  if (!b || b->empty()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(flag) + " is not base64");
  }
  return b;
}

Result<Output> Decrypt(KmsClient& c, const KmsArgs& a) {
  DecryptRequest r;
  NA_ASSIGN_OR_RETURN(r.ciphertext_blob, DecodeArg("--ciphertext", a.ciphertext));
  r.key_id = a.key_id;
  r.encryption_algorithm = a.encryption_algorithm;
  NA_ASSIGN_OR_RETURN(r.encryption_context, ParseContext(a.context));
  NA_ASSIGN_OR_RETURN(const DecryptResult d, c.Decrypt(r));
  return Output{{"PLAINTEXT", B64(d.plaintext)}};
}

Result<Output> GenKey(KmsClient& c, const KmsArgs& a) {
  GenerateDataKeyRequest r;
  r.key_id = a.key_id;
  if (a.key_spec != "AES-256" && a.key_spec != "AES-128") {
    return MakeError(ErrorCode::kInvalidArgument, "--key-spec must be AES-256 or AES-128");
  }
  r.key_spec = a.key_spec == "AES-256" ? "AES_256" : "AES_128";
  NA_ASSIGN_OR_RETURN(r.encryption_context, ParseContext(a.context));
  NA_ASSIGN_OR_RETURN(const DataKey k, c.GenerateDataKey(r));
  return Output{{"CIPHERTEXT", B64(k.ciphertext_blob)}, {"PLAINTEXT", B64(k.plaintext)}};
}

Result<Output> GenRandom(KmsClient& c, const KmsArgs& a) {
  NA_ASSIGN_OR_RETURN(const SecretBytes r, c.GenerateRandom(a.length));
  return Output{{"PLAINTEXT", B64(r)}};
}

Result<Output> GenKeyPair(KmsClient& c, const KmsArgs& a) {
  GenerateDataKeyPairRequest r{a.key_id, a.key_pair_spec, {}};
  NA_ASSIGN_OR_RETURN(r.encryption_context, ParseContext(a.context));
  NA_ASSIGN_OR_RETURN(const DataKeyPair k, c.GenerateDataKeyPair(r));
  return Output{{"PUBLIC_KEY", B64(k.public_key)},
                {"PRIVATE_KEY_CIPHERTEXT", B64(k.private_key_ciphertext_blob)},
                {"PRIVATE_KEY_PLAINTEXT", B64(k.private_key)}};
}

Result<Output> DeriveSharedSecret(KmsClient& c, const KmsArgs& a) {
  DeriveSharedSecretRequest r;
  r.key_id = a.key_id;
  r.key_agreement_algorithm = a.key_agreement_algorithm;
  NA_ASSIGN_OR_RETURN(r.public_key, DecodeArg("--public-key", a.public_key));
  NA_ASSIGN_OR_RETURN(const SecretBytes s, c.DeriveSharedSecret(r));
  return Output{{"SHARED_SECRET", B64(s)}};
}

void AddConnectionOptions(CLI::App* cmd, KmsArgs* a) {
  const std::string g = "KMS connection (kmstool_enclave_cli's flags first)";
  cmd->add_option("--region", a->region, "AWS region")->capture_default_str()->group(g);
  cmd->add_option("--proxy-port", a->proxy_port,
                  "vsock port of the parent's vsock-proxy (CID 3)")
      ->capture_default_str()
      ->group(g);
  cmd->add_option("--aws-access-key-id", a->access_key_id, "access key id")->group(g);
  cmd->add_option("--aws-secret-access-key", a->secret_access_key, "secret access key")->group(g);
  cmd->add_option("--aws-session-token", a->session_token, "session token")->group(g);
  cmd->add_option("--proxy", a->proxy,
                  "the byte stream to KMS: vsock:CID:PORT, unix:PATH or tcp:HOST:PORT "
                  "(overrides --proxy-port)")
      ->group(g);
  cmd->add_option("--endpoint", a->endpoint,
                  "KMS HOST[:PORT] for TLS and the Host header (default kms.<region>.amazonaws.com)")
      ->group(g);
  cmd->add_option("--ca-file", a->ca_file, "trusted CAs, PEM (default: the system store)")
      ->group(g);
  cmd->add_option("--credentials-file", a->credentials_file,
                  "credentials as the instance metadata service returns them (JSON); used "
                  "when no --aws-access-key-id is given, else AWS_* environment variables")
      ->group(g);
  cmd->add_option("--timeout", a->timeout_seconds, "seconds for the whole call, retries included")
      ->capture_default_str()
      ->group(g);
  cmd->add_flag("--json", a->json, "print a JSON object instead of LABEL: value lines")->group(g);
}

}  // namespace

void AddKmsCommand(CLI::App& app, const NsmSelection* nsm, int* result) {
  CLI::App* kms = app.add_subcommand(
      "kms",
      "Attested AWS KMS calls (a drop-in for kmstool_enclave_cli): the secret comes back "
      "encrypted to a key only this process holds, bound to this enclave's attestation document");
  kms->require_subcommand(1);
  const auto add = [&](const char* name, const char* help, Operation op) {
    auto args = std::make_shared<KmsArgs>();
    CLI::App* cmd = kms->add_subcommand(name, help);
    AddConnectionOptions(cmd, args.get());
    cmd->callback([args, nsm, result, op] { *result = RunKms(*args, *nsm, op); });
    return std::make_pair(cmd, args);
  };
  {
    auto [cmd, a] = add("decrypt", "Decrypt a ciphertext; prints PLAINTEXT: <base64>", Decrypt);
    cmd->add_option("--ciphertext", a->ciphertext, "the CiphertextBlob, base64")->required();
    cmd->add_option("--key-id", a->key_id, "the key that must have encrypted it");
    cmd->add_option("--encryption-algorithm", a->encryption_algorithm,
                    "SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256");
    cmd->add_option("--encryption-context", a->context, "KEY=VALUE (repeatable)");
  }
  {
    auto [cmd, a] = add("genkey",
                        "GenerateDataKey; prints CIPHERTEXT: <base64> then PLAINTEXT: <base64>",
                        GenKey);
    cmd->add_option("--key-id", a->key_id, "the KMS key")->required();
    cmd->add_option("--key-spec", a->key_spec, "AES-256 or AES-128")->required();
    cmd->add_option("--encryption-context", a->context, "KEY=VALUE (repeatable)");
  }
  {
    auto [cmd, a] = add("genrandom", "GenerateRandom; prints PLAINTEXT: <base64>", GenRandom);
    cmd->add_option("--length", a->length, "bytes, 1..1024")->required();
  }
  {
    auto [cmd, a] = add("genkeypair",
                        "GenerateDataKeyPair; prints PUBLIC_KEY:, PRIVATE_KEY_CIPHERTEXT: and "
                        "PRIVATE_KEY_PLAINTEXT: (PKCS#8 DER), each base64",
                        GenKeyPair);
    cmd->add_option("--key-id", a->key_id, "the KMS key that encrypts the private key")->required();
    cmd->add_option("--key-pair-spec", a->key_pair_spec,
                    "RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ...")
        ->required();
    cmd->add_option("--encryption-context", a->context, "KEY=VALUE (repeatable)");
  }
  {
    auto [cmd, a] = add("derive-shared-secret",
                        "DeriveSharedSecret (ECDH with a KMS key agreement key); prints "
                        "SHARED_SECRET: <base64>",
                        DeriveSharedSecret);
    cmd->add_option("--key-id", a->key_id, "the KMS key agreement key")->required();
    cmd->add_option("--public-key", a->public_key,
                    "the peer's public key: SubjectPublicKeyInfo DER, base64")
        ->required();
    cmd->add_option("--key-agreement-algorithm", a->key_agreement_algorithm, "ECDH")
        ->capture_default_str();
  }
}

}  // namespace nitro_attest::cli
