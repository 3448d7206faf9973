// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The tools' input handling: HexDecode, Base64Decode and DecodeDocumentInput. Invariants:
// - failures carry their documented codes (kInvalidArgument for hex, kMalformedInput for the
//   others);
// - accepted hex re-encodes to the input, lowercased and without its "0x";
// - accepted base64 re-encodes to the input without whitespace, in the standard alphabet, and
//   with exactly the padding the input had, when it had any (padding is optional, but present
//   padding must be the right padding);
// - DecodeDocumentInput returns raw CBOR unchanged, text of hex digits (whitespace and "0x"
//   aside) exactly as HexDecode does, and anything else exactly as Base64Decode does, never an
//   empty result and never for input above max_size.
#include <algorithm>
#include <string>
#include <string_view>

#include "fuzz/fuzz.h"
#include "nitro_attest/document.h"
#include "nitro_attest/encoding.h"

namespace nitro_attest::fuzz {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
}

void CheckHex(std::string_view text) {
  const Result<Bytes> hex = HexDecode(text);
  if (!hex) {
    FUZZ_CHECK(hex.error().code == ErrorCode::kInvalidArgument);
    return;
  }
  std::string expected(text);
  if (expected.size() >= 2 && expected[0] == '0' && (expected[1] == 'x' || expected[1] == 'X')) {
    expected.erase(0, 2);
  }
  std::transform(expected.begin(), expected.end(), expected.begin(),
                 [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c; });
  FUZZ_CHECK(HexEncode(*hex) == expected);
}

Result<Bytes> CheckBase64(std::string_view text) {
  Result<Bytes> b64 = Base64Decode(text);
  if (!b64) {
    FUZZ_CHECK(b64.error().code == ErrorCode::kMalformedInput);
    return b64;
  }
  std::string stripped;
  size_t padding = 0;
  for (char c : text) {
    if (IsSpace(c)) {
      continue;
    }
    if (c == '=') {
      ++padding;
      continue;
    }
    stripped.push_back(c == '-' ? '+' : c == '_' ? '/' : c);
  }
  std::string encoded = Base64Encode(*b64);
  const size_t encoded_padding =
      static_cast<size_t>(std::count(encoded.begin(), encoded.end(), '='));
  encoded.erase(encoded.size() - encoded_padding);
  FUZZ_CHECK(encoded == stripped);
  FUZZ_CHECK(padding == 0 || padding == encoded_padding);
  return b64;
}

// HexDigitsOf returns the hex digits of `text` when, without whitespace and a "0x", nothing but
// hex digits remain (DecodeDocumentInput then reads it as hex), or "".
std::string HexDigitsOf(std::string_view text) {
  std::string digits;
  for (const char c : text) {
    if (!IsSpace(c)) {
      digits.push_back(c);
    }
  }
  if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.erase(0, 2);
  }
  return digits.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos ? digits : "";
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  CheckHex(text);
  const Result<Bytes> b64 = CheckBase64(text);

  for (const size_t max_size : {size_t{64}, size_t{64 * 1024}}) {
    const Result<Bytes> input = DecodeDocumentInput(data, max_size);
    if (!input) {
      FUZZ_CHECK(input.error().code == ErrorCode::kMalformedInput);
      continue;
    }
    FUZZ_CHECK(!data.empty() && data.size() <= max_size && !input->empty());
    if (data[0] == 0x84 || data[0] == 0xd2) {
      FUZZ_CHECK(std::equal(input->begin(), input->end(), data.begin(), data.end()));
    } else if (const std::string digits = HexDigitsOf(text); !digits.empty()) {
      const Result<Bytes> hex = HexDecode(digits);
      FUZZ_CHECK(hex && *hex == *input);
    } else {
      FUZZ_CHECK(b64 && *b64 == *input);
    }
  }
}

}  // namespace nitro_attest::fuzz
