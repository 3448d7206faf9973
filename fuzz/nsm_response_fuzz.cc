// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The NSM response decoder (client side) and NsmClient on top of it. Invariants:
// - a failure is kProtocolError; input above kNsmResponseMaxSize always fails;
// - an accepted response re-encodes to a canonical form that decodes to the same encoding (the
//   decoder ignores unknown fields and takes fields in any order, as serde does, so the input's
//   own bytes are not always reproduced);
// - NsmClient returns the value exactly when the response has the variant it asked for,
//   kNsmError with the NSM's code for an Error response, kProtocolError otherwise.
#include <utility>
#include <variant>

#include "fuzz/fuzz.h"
#include "nitro_attest/nsm.h"
#include "src/nsm/wire.h"

namespace nitro_attest::fuzz {
namespace {

// Replay answers every call with the fuzz input.
class Replay final : public NsmTransport {
 public:
  explicit Replay(std::span<const uint8_t> data) : data_(data.begin(), data.end()) {}
  Result<Bytes> Call(std::span<const uint8_t> /*request*/) override { return data_; }

 private:
  Bytes data_;
};

// AsResult turns a Status into a Result so CheckClient can take both.
Result<bool> AsResult(const Status& status) {
  if (status) {
    return true;
  }
  return status.error();
}

// CheckClient checks one NsmClient call's outcome against the decoded response.
template <class Want, class T>
void CheckClient(const Result<nsm::Response>& decoded, const Result<T>& got) {
  if (!decoded) {
    FUZZ_CHECK(!got && got.error().code == decoded.error().code);
    return;
  }
  if (const auto* code = std::get_if<NsmErrorCode>(&*decoded)) {
    FUZZ_CHECK(!got);
    if (*code == NsmErrorCode::kSuccess) {
      FUZZ_CHECK(got.error().code == ErrorCode::kProtocolError);
    } else {
      FUZZ_CHECK(got.error().code == ErrorCode::kNsmError && got.error().nsm_error == *code);
    }
    return;
  }
  FUZZ_CHECK(got.has_value() == std::holds_alternative<Want>(*decoded));
  if (!got) {
    FUZZ_CHECK(got.error().code == ErrorCode::kProtocolError);
  }
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  const Result<nsm::Response> decoded = nsm::DecodeResponse(data);
  if (!decoded) {
    FUZZ_CHECK(decoded.error().code == ErrorCode::kProtocolError);
  } else {
    FUZZ_CHECK(data.size() <= kNsmResponseMaxSize);
    const Bytes canonical = nsm::EncodeResponse(*decoded);
    const Result<nsm::Response> again = nsm::DecodeResponse(canonical);
    FUZZ_CHECK(again && again->index() == decoded->index());
    FUZZ_CHECK(nsm::EncodeResponse(*again) == canonical);
  }

  NsmClient client(std::make_unique<Replay>(data));
  CheckClient<nsm::AttestationResponse>(decoded, client.Attestation({}));
  CheckClient<PcrState>(decoded, client.DescribePcr(0));
  CheckClient<nsm::ExtendPcrResponse>(decoded, client.ExtendPcr(16, Bytes{1, 2, 3}));
  CheckClient<nsm::LockPcrResponse>(decoded, AsResult(client.LockPcr(16)));
  CheckClient<nsm::LockPcrsResponse>(decoded, AsResult(client.LockPcrs(16)));
  CheckClient<NsmDescription>(decoded, client.DescribeNsm());
  CheckClient<nsm::GetRandomResponse>(decoded, client.GetRandom());
}

}  // namespace nitro_attest::fuzz
