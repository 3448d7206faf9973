// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Both sides of the challenge protocol against a hostile peer whose bytes (frames and all) are
// the input; its first byte picks the side under test. Invariants:
// - enclave (ServeChallenge), with a pinned parent key whose private half the input can never
//   know: no session ends with a secret, and nothing is even decrypted (the only failures are
//   kProtocolError, kTransportError and kParentNotAuthenticated); without a pinned key, no
//   session ends with a secret either (a ciphertext cannot open under a key made after the
//   input was written) and the failures are those plus kCryptoError/kUnsupportedAlgorithm;
// - parent (RunChallenge with a secret and the harness's fixed nonce): never succeeds (the proof
//   needs the session's ECDH secret); the secret's state is reported, and it leaves only for a
//   document that verifies under the policy, carries no user_data (none was sent) and a P-384
//   session key; it is never acknowledged; no failure is kInternal or kInvalidArgument.
#include <openssl/pem.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>

#include "fuzz/fuzz.h"
#include "fuzz/fuzz_env.h"
#include "nitro_attest/channel.h"
#include "nitro_attest/protocol.h"
#include "src/channel/internal.h"
#include "src/protocol/internal.h"
#include "src/protocol/seal.h"

namespace nitro_attest::fuzz {
namespace {

// Inputs beyond this are cut: a socket pair buffers far more, so writing never blocks.
constexpr size_t kMaxInput = 48 * 1024;

// Peer is a connection whose other end has already sent `bytes` and half-closed: the side
// under test reads them, then end of stream; what it writes is buffered and never read.
struct Peer {
  UniqueFd other;
  Connection conn;
};

Peer Connect(std::span<const uint8_t> bytes) {
  int fds[2] = {-1, -1};
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    std::abort();  // the environment, not the input
  }
  UniqueFd other(fds[1]);
  for (size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = send(other.get(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      std::abort();
    }
    sent += static_cast<size_t>(n);
  }
  shutdown(other.get(), SHUT_WR);
  ChannelOptions options;
  options.io_timeout = std::chrono::milliseconds(1000);
  return Peer{std::move(other), ChannelAccess::Make(UniqueFd(fds[0]), options, "fuzz")};
}

const ParentPublicKey& PinnedKey() {
  static const ParentPublicKey key = [] {
    // Made fresh per process and never written anywhere: no input can carry its signatures.
    const ossl::EvpPkeyPtr k = std::move(*protocol::GenerateP384Key());
    const ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PUBKEY(bio.get(), k.get()) != 1) {
      std::abort();
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return *ParentPublicKey::FromPem(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(n)));
  }();
  return key;
}

void Enclave(std::span<const uint8_t> input, bool pinned) {
  Peer peer = Connect(input);
  ServeOptions options;
  if (pinned) {
    options.parent_key = PinnedKey();
  }
  const Attester attest = [](const AttestationRequest& r) -> Result<Bytes> {
    FUZZ_CHECK(r.public_key.has_value() && r.nonce.has_value());
    return Bytes(64, 0xd0);  // the enclave never reads its own document
  };
  const Result<EnclaveSession> session = ServeChallenge(peer.conn, attest, options);
  if (session) {
    FUZZ_CHECK(!session->secret.has_value());
    return;
  }
  const ErrorCode code = session.error().code;
  const bool always = code == ErrorCode::kProtocolError || code == ErrorCode::kTransportError ||
                      code == ErrorCode::kParentNotAuthenticated;
  FUZZ_CHECK(always || (!pinned && (code == ErrorCode::kCryptoError ||
                                    code == ErrorCode::kUnsupportedAlgorithm)));
}

void Parent(std::span<const uint8_t> input) {
  Peer peer = Connect(input);
  ChallengeOptions options;
  options.policy = FuzzVerifyOptions();
  options.secret = SecretBytes(16, 0x5e);
  SecretState state = SecretState::kAcknowledged;
  Bytes document;
  options.secret_state = &state;
  options.received_document = &document;
  const Bytes nonce(kChallengeNonceSize, kFuzzSessionNonceByte);
  const Result<ChallengeResult> result =
      protocol::RunChallengeWithNonce(peer.conn, options, nonce);
  FUZZ_CHECK(!result);
  FUZZ_CHECK(result.error().code != ErrorCode::kInternal &&
             result.error().code != ErrorCode::kInvalidArgument);
  FUZZ_CHECK(state != SecretState::kAcknowledged);
  if (state == SecretState::kNotSent) {
    return;
  }
  // The secret left: only for a document that passes everything the parent checks.
  VerifyOptions policy = options.policy;
  policy.nonce = nonce;
  const Result<VerifiedDocument> verified = Verify(document, policy);
  FUZZ_CHECK(verified.has_value());
  FUZZ_CHECK(!verified->document().user_data.has_value());
  FUZZ_CHECK(verified->document().public_key.has_value());
  FUZZ_CHECK(protocol::ParseP384PublicKey(*verified->document().public_key).has_value());
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  if (data.empty()) {
    return;
  }
  const bool parent = (data[0] & 1) != 0;
  data = data.subspan(1, std::min(data.size() - 1, kMaxInput));
  if (parent) {
    Parent(data);
  } else {
    Enclave(data, /*pinned=*/true);
    Enclave(data, /*pinned=*/false);
  }
}

}  // namespace nitro_attest::fuzz
