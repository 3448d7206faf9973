// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The challenge protocol's messages and their strict CBOR codec. Every message is a definite
// map with text keys: "type" and exactly the fields of that type, each with its major type and
// size bounds. Anything else is refused.
#ifndef NITRO_ATTEST_SRC_PROTOCOL_MESSAGES_H_
#define NITRO_ATTEST_SRC_PROTOCOL_MESSAGES_H_

#include <optional>
#include <span>
#include <string>
#include <variant>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"

namespace nitro_attest::protocol {

inline constexpr uint64_t kProtocolVersion = 1;
inline constexpr size_t kMaxPublicKeySize = 256;  // P-384 SPKI DER is 120 bytes
inline constexpr size_t kGcmTagSize = 16;
inline constexpr size_t kProofSize = 48;  // HMAC-SHA384
inline constexpr size_t kMaxReasonSize = 64;

// {"type": "challenge", "version": 1, "nonce": bstr 16..512, "user_data"?: bstr 0..512}
struct ChallengeMsg {
  Bytes nonce;
  std::optional<Bytes> user_data;
};
// {"type": "attestation", "document": bstr 1..kMaxDocumentSize}
struct AttestationMsg {
  Bytes document;
};
// {"type": "sealed", "ephemeral_key": bstr 1..256, "ciphertext": bstr 17..secret+16}
struct SealedMsg {
  Bytes ephemeral_key;
  Bytes ciphertext;  // AES-256-GCM ciphertext || 16-byte tag
};
// {"type": "finish"}: the parent verified and sends no secret.
struct FinishMsg {};
// {"type": "ack", "proof": bstr 48}
struct AckMsg {
  Bytes proof;
};
// {"type": "abort", "reason": tstr 1..64}: either side gives up; reason is an error code name.
struct AbortMsg {
  std::string reason;
};

using Message = std::variant<ChallengeMsg, AttestationMsg, SealedMsg, FinishMsg, AckMsg, AbortMsg>;

// EncodeMessage returns the message's CBOR.
Bytes EncodeMessage(const Message& message);

// DecodeMessage decodes one message. Returns kProtocolError for anything that is not exactly
// one of the messages above (bad CBOR, unknown type or field, wrong field type or size).
Result<Message> DecodeMessage(std::span<const uint8_t> bytes);

// TypeName returns the "type" of a message, for error texts.
const char* TypeName(const Message& message);

}  // namespace nitro_attest::protocol

#endif  // NITRO_ATTEST_SRC_PROTOCOL_MESSAGES_H_
