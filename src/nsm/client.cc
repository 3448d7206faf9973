// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include "nitro_attest/nsm.h"
#include "src/nsm/wire.h"

namespace nitro_attest {
namespace {

// Meaning returns nsm-api's description of an error code (src/api/mod.rs), for people.
std::string_view Meaning(NsmErrorCode code) {
  switch (code) {
    case NsmErrorCode::kInvalidArgument:
      return "input argument(s) invalid";
    case NsmErrorCode::kInvalidIndex:
      return "PCR index out of bounds";
    case NsmErrorCode::kInvalidResponse:
      return "response does not correspond to the request";
    case NsmErrorCode::kReadOnlyIndex:
      return "the PCR is locked";
    case NsmErrorCode::kInvalidOperation:
      return "request cannot be fulfilled";
    case NsmErrorCode::kBufferTooSmall:
      return "output buffer too small";
    case NsmErrorCode::kInputTooLarge:
      return "input too large";
    case NsmErrorCode::kInternalError:
      return "NSM internal error";
    case NsmErrorCode::kSuccess:
      break;
  }
  return "no error";
}

// Name returns the wire name of a request, for messages.
std::string_view Name(const nsm::Request& request) {
  static constexpr std::string_view kNames[] = {
      "Attestation", "DescribePCR", "ExtendPCR", "LockPCR", "LockPCRs", "DescribeNSM", "GetRandom"};
  static_assert(std::size(kNames) == std::variant_size_v<nsm::Request>);
  return kNames[request.index()];
}

// Exchange sends one request and returns the decoded response holding variant T. An Error
// response becomes kNsmError; any other variant is kProtocolError.
template <class T>
Result<T> Exchange(NsmTransport& transport, const nsm::Request& request) {
  const Bytes wire = nsm::EncodeRequest(request);
  // nsm-api refuses an oversized request before the ioctl and answers InputTooLarge; we keep
  // that NSM code but classify the failure as the caller's: the NSM never saw it.
  if (wire.size() > kNsmRequestMaxSize) {
    Error e =
        MakeError(ErrorCode::kInvalidArgument, "request of " + std::to_string(wire.size()) +
                                                   " bytes exceeds the NSM's 4096-byte limit");
    e.nsm_error = NsmErrorCode::kInputTooLarge;
    return e;
  }
  NA_ASSIGN_OR_RETURN(const Bytes raw, transport.Call(wire));
  NA_ASSIGN_OR_RETURN(nsm::Response response, nsm::DecodeResponse(raw));
  if (const auto* code = std::get_if<NsmErrorCode>(&response)) {
    if (*code == NsmErrorCode::kSuccess) {
      return MakeError(ErrorCode::kProtocolError,
                       std::string(Name(request)) + ": NSM sent an Error response named Success");
    }
    Error e = MakeError(ErrorCode::kNsmError, std::string(Name(request)) + " refused by the NSM: " +
                                                  std::string(to_string(*code)) + " (" +
                                                  std::string(Meaning(*code)) + ")");
    e.nsm_error = *code;
    return e;
  }
  if (auto* value = std::get_if<T>(&response)) {
    return std::move(*value);
  }
  return MakeError(ErrorCode::kProtocolError,
                   std::string(Name(request)) + ": NSM answered with another request's response");
}

}  // namespace

NsmClient::NsmClient(std::unique_ptr<NsmTransport> transport) : transport_(std::move(transport)) {}

Result<Bytes> NsmClient::Attestation(const AttestationRequest& request) {
  NA_ASSIGN_OR_RETURN(nsm::AttestationResponse r,
                      Exchange<nsm::AttestationResponse>(*transport_, request));
  return std::move(r.document);
}

Result<PcrState> NsmClient::DescribePcr(uint16_t index) {
  return Exchange<PcrState>(*transport_, nsm::DescribePcrRequest{index});
}

Result<Bytes> NsmClient::ExtendPcr(uint16_t index, std::span<const uint8_t> data) {
  NA_ASSIGN_OR_RETURN(
      nsm::ExtendPcrResponse r,
      Exchange<nsm::ExtendPcrResponse>(
          *transport_, nsm::ExtendPcrRequest{index, Bytes(data.begin(), data.end())}));
  return std::move(r.data);
}

Status NsmClient::LockPcr(uint16_t index) {
  NA_TRY(Exchange<nsm::LockPcrResponse>(*transport_, nsm::LockPcrRequest{index}));
  return {};
}

Status NsmClient::LockPcrs(uint16_t range) {
  NA_TRY(Exchange<nsm::LockPcrsResponse>(*transport_, nsm::LockPcrsRequest{range}));
  return {};
}

Result<NsmDescription> NsmClient::DescribeNsm() {
  return Exchange<NsmDescription>(*transport_, nsm::DescribeNsmRequest{});
}

Result<Bytes> NsmClient::GetRandom() {
  NA_ASSIGN_OR_RETURN(nsm::GetRandomResponse r,
                      Exchange<nsm::GetRandomResponse>(*transport_, nsm::GetRandomRequest{}));
  return std::move(r.random);
}

}  // namespace nitro_attest
