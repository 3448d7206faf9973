// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// serve: the enclave's side of the challenge protocol (protocol.h). Listens on an address,
// answers each parent's challenge with an NSM document bound to the parent's nonce and to a
// fresh session key, and opens the secret the parent seals to it. A bounded number of sessions
// run at once, each cut off at its deadline. SIGINT/SIGTERM stop it cleanly.
#include <openssl/evp.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>

#include "nitro_attest/channel.h"
#include "nitro_attest/encoding.h"
#include "nitro_attest/kms.h"
#include "nitro_attest/protocol.h"
#include "tools/common/cli.h"
#include "tools/enclave_app/commands.h"

namespace nitro_attest::cli {
namespace {

struct ServeArgs {
  std::string listen;
  size_t workers = 8;
  int64_t session_timeout_ms = 30000;
  uint64_t max_sessions = 0;
  std::string parent_key;
  bool fingerprint = false;
  bool demo_tamper = false;
  std::string demo_replay;
  std::string kms_credentials_out;
};

// KeyId names a public key in logs: SHA-256 of its DER SubjectPublicKeyInfo (public data).
std::string KeyId(std::span<const uint8_t> spki) {
  uint8_t digest[32] = {};
  EVP_Digest(spki.data(), spki.size(), digest, nullptr, EVP_sha256(), nullptr);
  return HexEncode(digest);
}

// LoadParentKey reads --parent-key; nullopt when it is not given.
Result<std::optional<ParentPublicKey>> LoadParentKey(const std::string& path) {
  if (path.empty()) {
    return std::optional<ParentPublicKey>();
  }
  NA_ASSIGN_OR_RETURN(const Bytes pem, ReadInput(path, 64 * 1024));
  Result<ParentPublicKey> key = ParentPublicKey::FromPem(pem);
  if (!key) {
    return MakeError(key.error().code, "--parent-key: " + key.error().detail);
  }
  return std::optional<ParentPublicKey>(std::move(*key));
}

// WriteCredentials stores credentials delivered through the sealed channel for `enclave_app
// kms --credentials-file`: owner-only, written whole (temporary file, then rename). Inside a
// Nitro enclave the file system is the enclave's own memory.
Status WriteCredentials(const std::string& path, std::span<const uint8_t> secret) {
  NA_ASSIGN_OR_RETURN(const AwsCredentials creds, ParseCredentialsJson(secret));
  (void)creds;  // checked only: the file keeps the JSON as the parent sent it
  return WriteFileAtomically(path, secret, 0600);
}

// Log writes one line to standard error in one call, so concurrent sessions don't interleave.
void Log(const std::string& line) { std::cerr << ("enclave_app: " + line + "\n") << std::flush; }

// DemoAttester wraps the NSM for the demo's attacks; only ever with an emulated NSM.
Result<Attester> MakeAttester(const ServeArgs& args, const NsmSelection& nsm, NsmClient& client,
                              std::mutex* mu) {
  // One NSM client for every session (calls serialized by `mu`); a connection to nsm-emulator
  // that the emulator dropped while idle is replaced by the transport itself.
  Attester real = NsmAttester(client, mu);
  const bool emulated = nsm.emulate || !nsm.emulator.empty();
  if ((args.demo_tamper || !args.demo_replay.empty()) && !emulated) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--demo-tamper/--demo-replay need --emulate or --emulator");
  }
  if (args.demo_tamper) {
    return Attester([real](const AttestationRequest& r) -> Result<Bytes> {
      NA_ASSIGN_OR_RETURN(Bytes doc, real(r));
      doc.back() ^= 0x01;  // the last byte belongs to the ES384 signature
      return doc;
    });
  }
  if (!args.demo_replay.empty()) {
    NA_ASSIGN_OR_RETURN(const Bytes input, ReadInput(args.demo_replay, 64 * 1024));
    NA_ASSIGN_OR_RETURN(Bytes recorded, DecodeDocumentInput(input));
    return Attester([recorded](const AttestationRequest&) -> Result<Bytes> { return recorded; });
  }
  return real;
}

int RunServe(const ServeArgs& args, const NsmSelection& nsm) {
  auto fail = [](const Error& e) {
    PrintError("enclave_app serve", e);
    return ExitCodeFor(e);
  };
  if (args.workers == 0 || args.workers > 256) {
    return fail(MakeError(ErrorCode::kInvalidArgument, "--workers must be 1..256"));
  }
  if (args.session_timeout_ms <= 0 || args.session_timeout_ms > 3600000) {
    return fail(MakeError(ErrorCode::kInvalidArgument, "--session-timeout must be 1..3600000"));
  }
  Result<Address> address = ParseAddress(args.listen);
  if (!address) {
    return fail(address.error());
  }
  ServeOptions serve;
  Result<std::optional<ParentPublicKey>> parent_key = LoadParentKey(args.parent_key);
  if (!parent_key) {
    return fail(parent_key.error());
  }
  serve.parent_key = std::move(*parent_key);
  Result<std::unique_ptr<NsmClient>> client = OpenNsm(nsm);
  if (!client) {
    return fail(client.error());
  }
  std::mutex nsm_mu;
  Result<Attester> attest = MakeAttester(args, nsm, **client, &nsm_mu);
  if (!attest) {
    return fail(attest.error());
  }
  Result<Listener> listener = Listener::Bind(*address);
  if (!listener) {
    return fail(listener.error());
  }

  // Block the stop signals before any worker starts, so that every thread inherits the mask
  // and only sigtimedwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ServerOptions options;
  options.workers = args.workers;
  options.connection_deadline = std::chrono::milliseconds(args.session_timeout_ms);
  options.channel.io_timeout =
      std::min(options.channel.io_timeout, std::chrono::milliseconds(args.session_timeout_ms));
  std::atomic<uint64_t> next_id{0};
  const Attester attester = *attest;
  Result<std::unique_ptr<Server>> server =
      Server::Start(std::move(*listener), options, [&](Connection& conn) -> Status {
        const uint64_t id = ++next_id;
        Result<EnclaveSession> s = ServeChallenge(conn, attester, serve);
        std::ostringstream line;
        line << "session " << id << " from " << conn.peer() << ": ";
        if (!s) {
          line << "ended: " << to_string(s.error().code) << ": " << s.error().detail;
          Log(line.str());
          return s.error();
        }
        const std::string nonce = HexEncode(s->nonce);
        line << "attested nonce " << (args.fingerprint ? nonce : nonce.substr(0, 16) + "...")
             << "; ";
        if (s->secret) {
          // A real enclave would use the secret here (it is wiped when `s` goes); the demo shows
          // its size, and on request its salted fingerprint, never the secret or a plain hash.
          line << "secret opened inside the enclave: " << s->secret->size() << " bytes";
          if (args.fingerprint) {
            line << ", fingerprint (HMAC-SHA256 keyed by the nonce) "
                 << HexEncode(SecretFingerprint(s->nonce, *s->secret));
          }
          line << "; proof of opening sent";

          if (!args.kms_credentials_out.empty()) {
            const Status stored = WriteCredentials(args.kms_credentials_out, *s->secret);
            line << (stored ? "; AWS credentials stored for kms calls in " + args.kms_credentials_out
                            : "; not stored as AWS credentials: " +
                                  std::string(to_string(stored.error().code)) + ": " +
                                  stored.error().detail);
          }
        } else {
          line << "verified by the parent, no secret sent";
        }
        Log(line.str());
        return {};
      });
  if (!server) {
    return fail(server.error());
  }
  if (serve.parent_key) {
    Log("secrets are accepted only when signed by the parent key with SHA-256 " +
        KeyId(serve.parent_key->der()) + " (its DER SubjectPublicKeyInfo)");
  } else {
    Log("WARNING: no --parent-key: any peer that can connect can deliver a secret");
  }
  Log("serving the challenge protocol on " + to_string((*server)->address()) + " with " +
      std::to_string(args.workers) + " workers" +
      (args.demo_tamper ? " (DEMO: every document is TAMPERED)" : "") +
      (!args.demo_replay.empty() ? " (DEMO: REPLAYING " + args.demo_replay + ")" : ""));

  while (true) {
    const timespec tick{0, 200 * 1000 * 1000};
    const int sig = sigtimedwait(&stop_signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      Log(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
      break;
    }
    const Server::Stats st = (*server)->stats();
    if (args.max_sessions != 0 && st.succeeded + st.failed >= args.max_sessions) {
      break;
    }
  }
  (*server)->Shutdown();
  const Server::Stats st = (*server)->stats();
  Log("stopped after " + std::to_string(st.accepted) + " sessions (" +
      std::to_string(st.succeeded) + " completed, " + std::to_string(st.failed) + " failed)");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, const NsmSelection* nsm, int* result) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the challenge protocol: answer each parent's challenge with a document bound to "
      "its nonce and a fresh session key, and open the secret it seals to that key");
  cmd->add_option("--listen", args->listen,
                  "vsock:CID:PORT (vsock:any:PORT), unix:PATH or "
                  "tcp:HOST:PORT")
      ->required();
  cmd->add_option("--workers", args->workers, "Sessions served at once")->capture_default_str();
  cmd->add_option("--session-timeout", args->session_timeout_ms,
                  "Each session is cut off this many ms after it was accepted")
      ->capture_default_str();
  cmd->add_option("--kms-credentials-out", args->kms_credentials_out,
                  "a secret the parent sends is AWS credentials (the instance metadata JSON): "
                  "store it here, owner-only, for `kms ... --credentials-file`");
  cmd->add_option("--max-sessions", args->max_sessions, "Exit after this many sessions (0: never)")
      ->capture_default_str();
  cmd->add_option("--parent-key", args->parent_key,
                  "The parent's ECDSA P-384 public key (PEM SubjectPublicKeyInfo, as `openssl ec "
                  "-pubout` writes it): a secret is opened only when signed by it over the "
                  "session transcript. Without it any peer that can connect can deliver one");
  cmd->add_flag("--fingerprint", args->fingerprint,
                "Log each opened secret's fingerprint, HMAC-SHA256 keyed by the session nonce "
                "(the same as `verifier fetch --fingerprint`), and the full nonce");
  auto* tamper = cmd->add_flag("--demo-tamper", args->demo_tamper,
                               "DEMO ONLY (emulator): flip a signature bit in every document");
  cmd->add_option("--demo-replay", args->demo_replay,
                  "DEMO ONLY (emulator): answer every challenge with this recorded document")
      ->excludes(tamper);
  cmd->callback([args, nsm, result] { *result = RunServe(*args, *nsm); });
}

}  // namespace nitro_attest::cli
