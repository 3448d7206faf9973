// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// `verifier fetch`: the parent's side of the challenge protocol (protocol.h) from the command
// line. Connects to an enclave, challenges it with a fresh nonce, verifies the document with
// the same policy options as `verify`, and only then seals a secret to the attested key.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>

#include "nitro_attest/channel.h"
#include "nitro_attest/encoding.h"
#include "nitro_attest/protocol.h"
#include "nitro_attest/secret.h"
#include "nitro_attest/verify.h"
#include "tools/common/cli.h"
#include "tools/common/policy.h"
#include "tools/common/report.h"
#include "tools/verifier/commands.h"

namespace nitro_attest::cli {
namespace {

struct FetchArgs {
  std::string connect;
  PolicyFlags policy;
  std::string send_secret;
  std::string parent_key;
  std::string save_document;
  int64_t timeout_ms = 10000;
  bool fingerprint = false;
  bool json = false;
};

Error Usage(const std::string& detail) { return MakeError(ErrorCode::kInvalidArgument, detail); }

// Fail reports an error that ends the command before a session: usage, I/O, the address.
int Fail(const Error& e, bool json) {
  if (json) {
    PrintJson(UsageErrorJson(e));
  }
  PrintError("verifier fetch", e);
  return ExitCodeFor(e);
}

// ReadSecretFile reads a file (standard input for "-") of at most `max` bytes straight into
// one wiped block: reserved once, never reallocated, and no stdio buffer holding a copy.
Result<SecretBytes> ReadSecretFile(const std::string& path, size_t max) {
  const int fd = path == "-" ? STDIN_FILENO : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kIoError, "cannot open " + path + ": " + std::strerror(errno));
  }
  SecretBytes out(max + 1);
  size_t got = 0;
  int error = 0;
  while (got < out.size()) {
    const ssize_t n = read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      error = n < 0 ? errno : 0;
      break;
    }
    got += static_cast<size_t>(n);
  }
  if (fd != STDIN_FILENO) {
    close(fd);
  }
  if (error != 0) {
    return MakeError(ErrorCode::kIoError, "cannot read " + path + ": " + std::strerror(error));
  }
  if (got > max) {
    return MakeError(ErrorCode::kIoError, path + " is larger than " + std::to_string(max) + " bytes");
  }
  out.resize(got);  // shrinks in place: the block, wiped when released, stays the same
  return out;
}

// SecretStateText says, in words, where the secret went.
const char* SecretStateText(SecretState state) {
  switch (state) {
    case SecretState::kNotSent:
      return "No secret was sent.";
    case SecretState::kSentUnacknowledged:
      return "The sealed secret WAS SENT but not acknowledged: the enclave may or may not hold "
             "it.";
    case SecretState::kAcknowledged:
      return "The secret was delivered and acknowledged.";
  }
  return "";
}

int RunFetch(const FetchArgs& args) {
  const auto fail = [&](const Error& e) { return Fail(e, args.json); };
  if (args.timeout_ms <= 0 || args.timeout_ms > 600000) {
    return fail(Usage("--timeout must be 1..600000 ms"));
  }
  Result<Address> address = ParseAddress(args.connect);
  if (!address) {
    return fail(address.error());
  }
  Result<VerifyOptions> policy = BuildVerifyOptions(args.policy);
  if (policy) {
    if (Status roots = LoadRoots(args.policy, &*policy); !roots) {
      policy = roots.error();
    }
  }
  if (!policy) {
    return fail(policy.error());
  }
  PinVerificationTime(&*policy);
  // A --policy file may carry these; fetch decides them itself.
  if (policy->nonce.checked()) {
    return fail(Usage("nonce: fetch sends its own fresh random nonce and checks it"));
  }
  if (policy->public_key.checked()) {
    return fail(Usage("public_key: the document carries the enclave's session key"));
  }
  ChallengeOptions options;
  options.policy = std::move(*policy);
  if (options.policy.user_data.kind() == ExpectedBytes::Kind::kEquals) {
    options.user_data = options.policy.user_data.value();  // sent in the challenge, required back
  }
  if (!args.send_secret.empty()) {
    Result<SecretBytes> secret = ReadSecretFile(args.send_secret, kMaxSecretSize);
    if (!secret) {
      return fail(secret.error());
    }
    if (secret->empty()) {
      return fail(Usage("--send-secret: the file is empty"));
    }
    options.secret = std::move(*secret);
  }
  if (!args.parent_key.empty()) {
    if (!options.secret) {
      return fail(Usage("--parent-key signs a secret: give --send-secret too"));
    }
    Result<SecretBytes> pem = ReadSecretFile(args.parent_key, 64 * 1024);
    if (!pem) {
      return fail(pem.error());
    }
    Result<ParentSigningKey> key = ParentSigningKey::FromPem(*pem);
    if (!key) {
      return fail(MakeError(key.error().code, "--parent-key: " + key.error().detail));
    }
    options.parent_key = std::move(*key);
  }
  if (args.fingerprint && !options.secret) {
    return fail(Usage("--fingerprint is the secret's: give --send-secret too"));
  }
  VerifyTrace trace;
  Bytes document;
  SecretState secret_state = SecretState::kNotSent;
  options.trace = &trace;
  options.received_document = &document;
  options.secret_state = &secret_state;
  // The whole session, connecting included: a peer that drips bytes cannot hold the parent
  // longer.
  options.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(args.timeout_ms);

  ChannelOptions channel;
  channel.connect_timeout = std::chrono::milliseconds(args.timeout_ms);
  channel.io_timeout = std::chrono::milliseconds(args.timeout_ms);
  Result<Connection> conn = Connect(*address, channel);
  Result<ChallengeResult> result =
      conn ? RunChallenge(*conn, options) : Result<ChallengeResult>(conn.error());
  if (!args.save_document.empty() && !document.empty()) {
    // Saved whatever the verdict: it is the evidence of what the enclave answered.
    if (Status st = WriteOutput(args.save_document, document); !st) {
      PrintError("verifier fetch", st.error());
    }
  }

  const bool verified = result.has_value();
  if (args.json) {
    Result<VerifiedDocument> verdict = verified ? Result<VerifiedDocument>(result->verified)
                                                : Result<VerifiedDocument>(result.error());
    nlohmann::json j = VerdictJson(document, verdict, trace, &options.policy);
    nlohmann::json session;
    session["connect"] = to_string(*address);
    session["document_received"] = !document.empty();
    session["secret_state"] = to_string(secret_state);
    if (verified) {
      session["nonce"] = HexEncode(result->nonce);
      session["enclave_public_key"] = HexEncode(result->enclave_public_key);
      if (args.fingerprint) {
        session["secret_fingerprint"] = HexEncode(SecretFingerprint(result->nonce, *options.secret));
      }
    }
    j["session"] = session;
    PrintJson(j);
  } else if (verified) {
    std::cout << "VERIFIED: " << to_string(*address) << " answered a fresh challenge (nonce "
              << HexEncode(result->nonce) << ") with a document that passed every check (";
    for (size_t i = 0; i < trace.passed.size(); ++i) {
      std::cout << (i ? ", " : "") << trace.passed[i];
    }
    std::cout << ")\n";
    PrintVerdictText(std::cout, result->verified);
    if (options.secret) {
      std::cout << "SECRET DELIVERED: " << options.secret->size()
                << " bytes sealed to the attested session key"
                << (options.parent_key ? " and signed by the parent key" : "")
                << "; the enclave proved it opened them\n";
      if (args.fingerprint) {
        std::cout << "secret fingerprint (HMAC-SHA256 keyed by the nonce): "
                  << HexEncode(SecretFingerprint(result->nonce, *options.secret)) << "\n";
      }
    }
  }
  if (!verified) {
    PrintError(document.empty() ? "FAILED" : "REJECTED", result.error());
    if (options.secret) {
      std::cerr << SecretStateText(secret_state) << "\n";
    }
    return ExitCodeFor(result.error());
  }
  return kExitOk;
}

}  // namespace

void AddFetchCommand(CLI::App& app, int* result) {
  auto args = std::make_shared<FetchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "fetch",
      "Challenge an enclave (enclave_app serve) with a fresh nonce, verify its document like "
      "`verify`, then optionally deliver a secret only it can open. Exit 0 verified (and the "
      "secret acknowledged), 1 rejected, 2 usage, I/O or transport error.");
  cmd->add_option("--connect", args->connect, "vsock:CID:PORT, unix:PATH or tcp:HOST:PORT")
      ->required();
  AddPolicyOptions(cmd, &args->policy, PolicyScope::kFetch);
  cmd->add_option("--send-secret", args->send_secret,
                  "File whose bytes (1..16384, '-' for stdin) are sealed to the attested key "
                  "after verification");
  cmd->add_option("--parent-key", args->parent_key,
                  "The parent's ECDSA P-384 private key (PEM, SEC1 or PKCS#8, unencrypted): signs "
                  "the session transcript with the secret, for `enclave_app serve --parent-key`");
  cmd->add_flag("--fingerprint", args->fingerprint,
                "Also print the delivered secret's fingerprint: HMAC-SHA256 keyed by the "
                "session nonce (never a plain hash of the secret); serve --fingerprint prints "
                "the same");
  cmd->add_option("--save-document", args->save_document,
                  "Write the document as received (verified or not) to this file");
  cmd->add_option("--timeout", args->timeout_ms,
                  "Bound in ms on connecting, on each wait and on the whole session")
      ->capture_default_str();
  cmd->add_flag("--json", args->json,
                "Print one JSON object with the verdict and the session (docs/json.md)");
  cmd->callback([args, result] { *result = RunFetch(*args); });
}

}  // namespace nitro_attest::cli
