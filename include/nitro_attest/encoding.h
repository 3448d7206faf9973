// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// encoding.h: hex and base64 for the tools and the wire, strict on input.
#ifndef NITRO_ATTEST_ENCODING_H_
#define NITRO_ATTEST_ENCODING_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nitro_attest/result.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// HexEncode returns lowercase hex of `bytes`.
std::string HexEncode(std::span<const uint8_t> bytes);

// HexDecode parses hex (either case, optional "0x" prefix, no other characters). Returns
// kInvalidArgument on odd length or a non-hex character.
Result<std::vector<uint8_t>> HexDecode(std::string_view hex);

// Base64Encode returns standard base64 (RFC 4648 §4) with padding, on one line.
std::string Base64Encode(std::span<const uint8_t> bytes);

// Base64Decode parses standard or URL-safe base64; ASCII whitespace anywhere is skipped and
// padding is optional. Returns kMalformedInput on any other character, bad padding or
// non-zero trailing bits.
Result<std::vector<uint8_t>> Base64Decode(std::string_view text);

// DecodeDocumentInput turns what a user fed a tool into document bytes: raw CBOR is returned as
// is (first byte 0x84 or 0xd2); text of hex digits only (optionally "0x"-prefixed, ASCII
// whitespace anywhere) is decoded as hex; anything else as base64. Returns kMalformedInput for
// empty input, input larger than `max_size`, or input that is none of these.
Result<std::vector<uint8_t>> DecodeDocumentInput(std::span<const uint8_t> input,
                                                 size_t max_size = 64 * 1024);

// EscapeText makes text from a document, a peer or a file safe for a terminal or a log line:
// control characters (C0, DEL, C1), bidirectional controls and bytes that are not well-formed
// UTF-8 become \xNN, one per byte; other UTF-8 is kept as it is.
std::string EscapeText(std::string_view text);

// ConstantTimeEqual compares two byte strings in time that depends only on their lengths.
bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_ENCODING_H_
