// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The NSM request decoder (the emulator's side) and the emulator answering it. Invariants:
// - a failure is kProtocolError carrying the NSM's answer: InputTooLarge above
//   kNsmRequestMaxSize, InvalidOperation otherwise;
// - an accepted request re-encodes (nsm-api's exact encoding) to bytes that decode to the same
//   request and re-encode identically;
// - the emulator always answers with a decodable response: the variant that matches the request
//   or an Error that is not Success (for a refused request, exactly the decoder's code);
// - an attestation document it answers with verifies under the seeded root when every field is
//   within the document limits (the NSM itself enforces none).
// The emulator persists across inputs (one boot per process), so PCR locks and extensions
// accumulate, as on a real NSM.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <variant>

#include "fuzz/fuzz.h"
#include "fuzz/fuzz_env.h"
#include "nitro_attest/emulator.h"
#include "nitro_attest/verify.h"
#include "src/nsm/wire.h"

namespace nitro_attest::fuzz {
namespace {

NsmEmulator& Emulator() {
  static const std::unique_ptr<NsmEmulator> emulator = [] {
    auto created = NsmEmulator::Create(FuzzEmulatorOptions());
    if (!created) {
      std::fprintf(stderr, "fuzz: cannot create the emulator: %s\n", created.error().detail.c_str());
      std::abort();
    }
    return std::move(created).value();
  }();
  return *emulator;
}

bool Fits(const std::optional<Bytes>& field) {
  return !field || field->size() <= kMaxOptionalFieldSize;
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  const Result<nsm::Request> request = nsm::DecodeRequest(data);
  if (!request) {
    FUZZ_CHECK(request.error().code == ErrorCode::kProtocolError);
    FUZZ_CHECK(request.error().nsm_error == (data.size() > kNsmRequestMaxSize
                                                 ? NsmErrorCode::kInputTooLarge
                                                 : NsmErrorCode::kInvalidOperation));
  } else {
    FUZZ_CHECK(data.size() <= kNsmRequestMaxSize);
    const Bytes canonical = nsm::EncodeRequest(*request);
    const Result<nsm::Request> again = nsm::DecodeRequest(canonical);
    FUZZ_CHECK(again && again->index() == request->index());
    FUZZ_CHECK(nsm::EncodeRequest(*again) == canonical);
  }

  const Result<Bytes> answer = Emulator().Call(data);
  FUZZ_CHECK(answer.has_value());
  FUZZ_CHECK(answer->size() <= kNsmResponseMaxSize);
  const Result<nsm::Response> response = nsm::DecodeResponse(*answer);
  FUZZ_CHECK(response.has_value());
  const auto* error = std::get_if<NsmErrorCode>(&*response);
  if (!request) {
    FUZZ_CHECK(error != nullptr && *error == request.error().nsm_error);
    return;
  }
  // Request and Response list their variants in the same order (nsm-api's enums).
  FUZZ_CHECK(error != nullptr ? *error != NsmErrorCode::kSuccess
                              : response->index() == request->index());
  const auto* attestation = std::get_if<AttestationRequest>(&*request);
  const auto* document = std::get_if<nsm::AttestationResponse>(&*response);
  if (attestation == nullptr || document == nullptr) {
    return;
  }
  if (Fits(attestation->user_data) && Fits(attestation->nonce) && Fits(attestation->public_key)) {
    // What was asked for comes back, and what was not asked for is absent.
    const auto expect = [](const std::optional<Bytes>& asked) {
      return asked ? ExpectedBytes(*asked) : ExpectedBytes::Absent();
    };
    VerifyOptions options = FuzzVerifyOptions();
    options.nonce = expect(attestation->nonce);
    options.user_data = expect(attestation->user_data);
    options.public_key = expect(attestation->public_key);
    const Result<VerifiedDocument> verified = Verify(document->document, options);
    FUZZ_CHECK(verified.has_value());
  }
}

}  // namespace nitro_attest::fuzz
