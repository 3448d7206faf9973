// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// document.h: the attestation document's fields and the unverified parser.
// Nothing here says a document is genuine; only Verify() (verify.h) does.
#ifndef NITRO_ATTEST_DOCUMENT_H_
#define NITRO_ATTEST_DOCUMENT_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nitro_attest/result.h"
#include "nitro_attest/utc_time.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// Bytes is an owned byte string.
using Bytes = std::vector<uint8_t>;

// Limits from AWS's specification and the NSM (see docs/design.md for each source).
inline constexpr size_t kMaxPayloadSize = 16 * 1024;   // AWS CDDL: payload bstr .size (1..16384)
inline constexpr size_t kMaxDocumentSize = 17 * 1024;  // payload plus COSE framing; NSM gives <= 12262
inline constexpr size_t kMaxOptionalFieldSize = 1024;  // user_data, nonce, public_key
inline constexpr size_t kMaxCertificateSize = 1024;    // certificate and each cabundle entry
inline constexpr size_t kMaxCabundleSize = 8;          // real chains carry 4
inline constexpr uint32_t kMaxPcrIndex = 31;
inline constexpr size_t kEs384SignatureSize = 96;      // r || s, 48 bytes each

// AttestationDocument is the decoded COSE_Sign1 and payload of one document. Optional fields
// are nullopt when the document carries null (or omits them); an empty byte string stays an
// empty, present value.
struct AttestationDocument {
  // Payload fields (AWS attestation_process.md §2.2).
  std::string module_id;
  std::string digest;  // always "SHA384"
  uint64_t timestamp_ms = 0;
  std::map<uint32_t, Bytes> pcrs;  // index 0..31 -> 32, 48 or 64 bytes
  Bytes certificate;               // leaf, DER
  std::vector<Bytes> cabundle;     // root first, DER
  std::optional<Bytes> public_key;
  std::optional<Bytes> user_data;
  std::optional<Bytes> nonce;

  // COSE_Sign1 parts, as received.
  bool tagged = false;                 // started with tag 18
  bool indefinite_payload_map = false; // payload map was 0xbf ... 0xff
  Bytes protected_header;              // always a1 01 38 22
  Bytes payload;                       // the signed payload bytes
  std::array<uint8_t, kEs384SignatureSize> signature{};

  // IsDebugMode reports whether the document may come from a debug-mode enclave: any of PCR0,
  // PCR1 and PCR2 is all zero or absent. A real NSM zeroes all three together in debug mode;
  // a document with only some of them zero (or missing) is not a genuine non-debug document,
  // so it counts as debug mode too.
  bool IsDebugMode() const;
};

// ParseUnverified decodes a COSE_Sign1 attestation document and checks every structural rule
// (COSE shape, ES384 header, field types and sizes, duplicates, trailing bytes), without any
// cryptography. Returns kMalformedCbor, kMalformedCose, kUnsupportedAlgorithm or
// kMalformedDocument on failure. The result is NOT authenticated: use it to inspect, never to
// decide.
Result<AttestationDocument> ParseUnverified(std::span<const uint8_t> document);

// BuildSigStructure returns the COSE Sig_structure (RFC 8152 §4.4) that the signature covers:
// ["Signature1", protected, h'', payload], built from the bytes as received.
Bytes BuildSigStructure(std::span<const uint8_t> protected_header,
                        std::span<const uint8_t> payload);

// CertificateInfo describes one certificate for reports; nothing in it is verified.
struct CertificateInfo {
  std::string subject;  // RFC 2253
  std::string issuer;   // RFC 2253
  std::string serial_hex;
  Time not_before, not_after;
};

// DescribeCertificate parses a DER certificate (nothing more). Returns kMalformedCertificate
// when it is not one DER certificate.
Result<CertificateInfo> DescribeCertificate(std::span<const uint8_t> der);

// PemCertificateToDer returns the DER of the first certificate in `pem` (or `pem` itself when
// it already is DER). Returns kInvalidArgument when there is no certificate.
Result<Bytes> PemCertificateToDer(std::span<const uint8_t> pem);

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_DOCUMENT_H_
