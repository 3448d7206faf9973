// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The challenge protocol's messages and their strict CBOR codec. Every message is a definite
// map with text keys: "type" and exactly the fields of that type, each with its major type and
// size bounds. Anything else is refused, and no error text repeats what the peer sent.
#ifndef NITRO_ATTEST_SRC_PROTOCOL_MESSAGES_H_
#define NITRO_ATTEST_SRC_PROTOCOL_MESSAGES_H_

#include <optional>
#include <span>
#include <string>
#include <variant>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"

namespace nitro_attest::protocol {

// 2: abort carries a code, not a text; sealed may carry the parent's signature.
inline constexpr uint64_t kProtocolVersion = 2;
inline constexpr size_t kMaxPublicKeySize = 256;  // P-384 SPKI DER is 120 bytes
inline constexpr size_t kGcmTagSize = 16;
inline constexpr size_t kProofSize = 48;           // HMAC-SHA384
inline constexpr size_t kParentSignatureSize = 96;  // ECDSA P-384 r || s

// {"type": "challenge", "version": 2, "nonce": bstr 16..512, "user_data"?: bstr 0..512}
struct ChallengeMsg {
  Bytes nonce;
  std::optional<Bytes> user_data;
};
// {"type": "attestation", "document": bstr 1..kMaxDocumentSize}
struct AttestationMsg {
  Bytes document;
};
// {"type": "sealed", "ephemeral_key": bstr 1..256, "ciphertext": bstr 17..16400,
//  "signature"?: bstr 96}
struct SealedMsg {
  Bytes ephemeral_key;
  Bytes ciphertext;                // AES-256-GCM ciphertext || 16-byte tag
  std::optional<Bytes> signature;  // by the parent's long-term key (seal.h: SignatureInput)
};
// {"type": "finish"}: the parent verified and sends no secret.
struct FinishMsg {};
// {"type": "ack", "proof": bstr 48}
struct AckMsg {
  Bytes proof;
};
// {"type": "abort", "code": uint 1..255}: either side gives up, saying why as an ErrorCode
// number. A number this build does not know is kept (a newer peer's code) and shown as a number.
struct AbortMsg {
  ErrorCode code = ErrorCode::kInternal;
};

using Message = std::variant<ChallengeMsg, AttestationMsg, SealedMsg, FinishMsg, AckMsg, AbortMsg>;

// EncodeMessage returns the message's CBOR.
Bytes EncodeMessage(const Message& message);

// DecodeMessage decodes one message. Returns kProtocolError for anything that is not exactly
// one of the messages above (bad CBOR, unknown type or field, wrong field type or size).
Result<Message> DecodeMessage(std::span<const uint8_t> bytes);

// TypeName returns the "type" of a message, for error texts.
const char* TypeName(const Message& message);

// CodeText returns an abort code's name ("pcr_mismatch"), or "code N" for a number this build
// does not know: never anything the peer chose beyond a number.
std::string CodeText(ErrorCode code);

}  // namespace nitro_attest::protocol

#endif  // NITRO_ATTEST_SRC_PROTOCOL_MESSAGES_H_
