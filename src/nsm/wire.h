// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// wire.h: the NSM's CBOR messages (spec §2), both directions. The client encodes requests and
// decodes responses; the emulator decodes requests and encodes responses.
//
// Encodings are byte-identical to serde_cbor 0.11 as used by aws-nitro-enclaves-nsm-api:
// unit variants as a text string, struct variants as map(1){name: map(n){fields in declaration
// order}}, Option::None as null, byte fields as byte strings, shortest-form integers.
#ifndef NITRO_ATTEST_SRC_NSM_WIRE_H_
#define NITRO_ATTEST_SRC_NSM_WIRE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "nitro_attest/document.h"
#include "nitro_attest/nsm.h"
#include "nitro_attest/result.h"

namespace nitro_attest::nsm {

// Requests (nsm-api src/api/mod.rs `enum Request`). AttestationRequest is the public one.
struct DescribePcrRequest {
  uint16_t index = 0;
};
struct ExtendPcrRequest {
  uint16_t index = 0;
  Bytes data;
};
struct LockPcrRequest {
  uint16_t index = 0;
};
struct LockPcrsRequest {
  uint16_t range = 0;
};
struct DescribeNsmRequest {};
struct GetRandomRequest {};

using Request = std::variant<AttestationRequest, DescribePcrRequest, ExtendPcrRequest,
                             LockPcrRequest, LockPcrsRequest, DescribeNsmRequest, GetRandomRequest>;

// Responses (nsm-api `enum Response`). DescribePCR answers a PcrState and DescribeNSM an
// NsmDescription (nsm.h); the Error variant is the bare NsmErrorCode.
struct AttestationResponse {
  Bytes document;
};
struct ExtendPcrResponse {
  Bytes data;
};
struct LockPcrResponse {};
struct LockPcrsResponse {};
struct GetRandomResponse {
  Bytes random;
};

using Response = std::variant<AttestationResponse, PcrState, ExtendPcrResponse, LockPcrResponse,
                              LockPcrsResponse, NsmDescription, GetRandomResponse, NsmErrorCode>;

// EncodeRequest returns the request exactly as nsm-api puts it on the wire (spec §2.2).
Bytes EncodeRequest(const Request& request);

// DecodeResponse decodes one NSM response strictly: at most kNsmResponseMaxSize bytes, strict
// CBOR, the outer map definite with one pair (serde_cbor refuses anything else for an enum),
// fields in any order, unknown fields ignored (as serde does), required fields present and
// typed, PCR values 32/48/64 bytes. Returns kProtocolError for anything else. An Error
// response is a success here: the variant holds its NsmErrorCode (Success included).
Result<Response> DecodeResponse(std::span<const uint8_t> response);

// DecodeRequest decodes a request as an NSM would (spec §2.11): unit variants as text, struct
// variants as a one-pair map (definite or not), fields in any order, unknown fields skipped,
// byte fields as byte or text strings, optional fields null or absent, index/range any
// unsigned integer that fits u16 (nsm-api's type). On failure returns kProtocolError with
// Error::nsm_error set to what the NSM answers: InputTooLarge above kNsmRequestMaxSize,
// InvalidOperation for anything unparseable or unknown (as QEMU's virtio-nsm does).
Result<Request> DecodeRequest(std::span<const uint8_t> request);

// EncodeResponse returns the response as nsm-api's serde encoding would (spec §2.3, §2.6).
Bytes EncodeResponse(const Response& response);

// NsmErrorFromName maps a wire error name ("InvalidIndex") to its code, or nullopt.
std::optional<NsmErrorCode> NsmErrorFromName(std::string_view name);

}  // namespace nitro_attest::nsm

#endif  // NITRO_ATTEST_SRC_NSM_WIRE_H_
