// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/encoding.h"

#include <openssl/crypto.h>

#include <array>
#include <cstdio>

#include "src/common/utf8.h"

namespace nitro_attest {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

int B64Value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+' || c == '-') {
    return 62;
  }
  if (c == '/' || c == '_') {
    return 63;
  }
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v'; }

}  // namespace

std::string HexEncode(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const uint8_t b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0f]);
  }
  return out;
}

Result<std::vector<uint8_t>> HexDecode(std::string_view hex) {
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
    hex.remove_prefix(2);
  }
  if (hex.size() % 2 != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "hex string has an odd number of digits");
  }
  std::vector<uint8_t> out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]);
    const int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "not a hex digit at position " + std::to_string(hi < 0 ? i : i + 1));
    }
    out.push_back(static_cast<uint8_t>((hi << 4) | lo));
  }
  return out;
}

std::string Base64Encode(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{bytes[i]} << 16;
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.append("==");
  } else if (rest == 2) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8);
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

Result<std::vector<uint8_t>> Base64Decode(std::string_view text) {
  std::vector<uint8_t> out;
  out.reserve(text.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  size_t n = 0;        // sextets in the current quantum
  size_t padding = 0;  // '=' seen
  for (const char c : text) {
    if (IsSpace(c)) {
      continue;
    }
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) {
      return MakeError(ErrorCode::kMalformedInput, "base64 data after padding");
    }
    const int v = B64Value(c);
    if (v < 0) {
      return MakeError(ErrorCode::kMalformedInput, "not a base64 character");
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    if (++n == 4) {
      out.push_back(static_cast<uint8_t>(acc >> 16));
      out.push_back(static_cast<uint8_t>(acc >> 8));
      out.push_back(static_cast<uint8_t>(acc));
      acc = 0;
      n = 0;
    }
  }
  // A final quantum of 2 or 3 sextets carries 1 or 2 bytes; its unused bits must be zero and
  // any padding must complete it to 4 characters exactly.
  if (n == 1) {
    return MakeError(ErrorCode::kMalformedInput, "base64 length is not valid");
  }
  // Padding only completes a partial quantum: "Zm9v====" and "====" are not base64.
  if (padding > 0 && (n == 0 || n + padding != 4)) {
    return MakeError(ErrorCode::kMalformedInput, "base64 padding is not valid");
  }
  if (n == 2) {
    if ((acc & 0x0f) != 0) {
      return MakeError(ErrorCode::kMalformedInput, "base64 has non-zero trailing bits");
    }
    out.push_back(static_cast<uint8_t>(acc >> 4));
  } else if (n == 3) {
    if ((acc & 0x03) != 0) {
      return MakeError(ErrorCode::kMalformedInput, "base64 has non-zero trailing bits");
    }
    out.push_back(static_cast<uint8_t>(acc >> 10));
    out.push_back(static_cast<uint8_t>(acc >> 2));
  }
  return out;
}

Result<std::vector<uint8_t>> DecodeDocumentInput(std::span<const uint8_t> input, size_t max_size) {
  if (input.size() > max_size) {
    return MakeError(ErrorCode::kMalformedInput,
                     "input is larger than " + std::to_string(max_size) + " bytes");
  }
  if (input.empty()) {
    return MakeError(ErrorCode::kMalformedInput, "input is empty");
  }
  // A COSE_Sign1 starts with array(4) 0x84 or tag 18 0xd2; neither is a base64 character.
  if (input[0] == 0x84 || input[0] == 0xd2) {
    return std::vector<uint8_t>(input.begin(), input.end());
  }
  const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
  // Hex (optionally 0x-prefixed, whitespace anywhere) when nothing but hex digits remain. A
  // base64 document never is: its first characters encode 0x84 or 0xd2 ("hE", "0o").
  std::string compact;
  for (const char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') {
      compact.push_back(c);
    }
  }
  std::string_view digits = compact;
  if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
  }
  if (!digits.empty() && digits.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
    auto hex = HexDecode(digits);
    if (!hex) {
      return MakeError(ErrorCode::kMalformedInput, "input is hex: " + hex.error().detail);
    }
    return hex;
  }
  auto decoded = Base64Decode(text);
  if (!decoded) {
    return MakeError(ErrorCode::kMalformedInput,
                     "input is neither a CBOR COSE_Sign1 nor hex nor base64: " +
                         decoded.error().detail);
  }
  if (decoded->empty()) {
    return MakeError(ErrorCode::kMalformedInput, "input is empty");
  }
  return decoded;
}

bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

// IsUnsafe: control characters, and the bidirectional controls that can reorder what a
// terminal shows (Trojan Source, CVE-2021-42574).
bool IsUnsafe(uint32_t cp) {
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

}  // namespace

std::string EscapeText(std::string_view text) {
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(text.data()),
                                       text.size());
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < bytes.size();) {
    uint32_t cp = 0;
    size_t n = Utf8Next(bytes, i, &cp);
    const bool escape = n == 0 || IsUnsafe(cp);
    n = n == 0 ? 1 : n;
    if (escape) {
      for (size_t k = i; k < i + n; ++k) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\x%02x", bytes[k]);
        out += buf;
      }
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace nitro_attest
