// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <string>

#include "nitro_attest/document.h"
#include "src/cbor/cbor.h"

namespace nitro_attest {
namespace {

// The only protected header real documents carry: {1: -35} (alg: ES384).
constexpr uint8_t kEs384ProtectedHeader[] = {0xa1, 0x01, 0x38, 0x22};
constexpr uint64_t kCoseAlgLabel = 1;
constexpr uint64_t kEs384AlgMagnitude = 34;  // -35 is CBOR negative 34
constexpr uint8_t kTag18 = 0xd2;

Error Cose(std::string detail) { return MakeError(ErrorCode::kMalformedCose, std::move(detail)); }
Error Field(std::string_view field, std::string_view what) {
  return MakeError(ErrorCode::kMalformedDocument, std::string(field) + ": " + std::string(what));
}

Bytes ToBytes(std::span<const uint8_t> s) { return Bytes(s.begin(), s.end()); }

Status CheckProtectedHeader(const cbor::Item& item) {
  if (!item.is_bytes()) {
    return Cose("protected header is not a byte string");
  }
  if (item.bytes.size() == sizeof(kEs384ProtectedHeader) &&
      std::equal(item.bytes.begin(), item.bytes.end(), kEs384ProtectedHeader)) {
    return {};
  }
  // Tell an algorithm other than ES384 apart from a malformed header.
  auto decoded = cbor::Decode(item.bytes, cbor::Limits{.max_depth = 4, .max_items = 64});
  if (decoded && decoded->is_map()) {
    for (size_t i = 0; i < decoded->map_size(); ++i) {
      const cbor::Item& k = decoded->key(i);
      if (k.type == cbor::Type::kUint && k.number == kCoseAlgLabel) {
        const cbor::Item& v = decoded->val(i);
        if (v.type != cbor::Type::kNegative || v.number != kEs384AlgMagnitude) {
          return MakeError(ErrorCode::kUnsupportedAlgorithm,
                           "protected header alg is not ES384 (-35)");
        }
      }
    }
  }
  return Cose("protected header is not exactly {1: -35}");
}

Result<std::optional<Bytes>> OptionalBytes(const cbor::Item* item, std::string_view name) {
  if (item == nullptr || item->is_null()) {
    return std::optional<Bytes>();
  }
  if (!item->is_bytes()) {
    return Field(name, "not a byte string or null");
  }
  if (item->bytes.size() > kMaxOptionalFieldSize) {
    return Field(name, "longer than 1024 bytes");
  }
  return std::optional<Bytes>(ToBytes(item->bytes));
}

Result<Bytes> CertificateBytes(const cbor::Item& item, std::string_view name) {
  if (!item.is_bytes()) {
    return Field(name, "not a byte string");
  }
  if (item.bytes.empty() || item.bytes.size() > kMaxCertificateSize) {
    return Field(name, "size not in 1..1024");
  }
  return ToBytes(item.bytes);
}

Status ParsePcrs(const cbor::Item& item, AttestationDocument* doc) {
  if (!item.is_map()) {
    return Field("pcrs", "not a map");
  }
  if (item.map_size() < 1 || item.map_size() > kMaxPcrIndex + 1) {
    return Field("pcrs", "number of PCRs not in 1..32");
  }
  for (size_t i = 0; i < item.map_size(); ++i) {
    const cbor::Item& k = item.key(i);
    const cbor::Item& v = item.val(i);
    if (!k.is_uint() || k.number > kMaxPcrIndex) {
      return Field("pcrs", "index is not an integer in 0..31");
    }
    // digest is SHA384, so every PCR is 48 bytes (the CDDL's 32/64 go with other digests).
    if (!v.is_bytes() || v.bytes.size() != 48) {
      return Field("pcrs", "value of PCR" + std::to_string(k.number) + " is not 48 bytes");
    }
    doc->pcrs.emplace(static_cast<uint32_t>(k.number), ToBytes(v.bytes));
  }
  return {};
}

Status ParsePayload(std::span<const uint8_t> payload, AttestationDocument* doc) {
  NA_ASSIGN_OR_RETURN(const cbor::Item map,
                      cbor::Decode(payload, cbor::Limits{.max_depth = 4, .max_items = 256}));
  if (!map.is_map()) {
    return Field("payload", "not a map");
  }
  doc->indefinite_payload_map = map.indefinite;
  static constexpr std::string_view kKnown[] = {"module_id", "digest",     "timestamp",
                                                "pcrs",      "certificate", "cabundle",
                                                "public_key", "user_data",  "nonce"};
  for (size_t i = 0; i < map.map_size(); ++i) {
    const cbor::Item& k = map.key(i);
    if (!k.is_text()) {
      return Field("payload", "key is not a text string");
    }
    bool known = false;
    for (const auto name : kKnown) {
      known = known || k.text() == name;
    }
    // Unknown keys are refused: a verifier must not vouch for fields it cannot interpret.
    if (!known) {
      return Field("payload", "unknown key \"" + std::string(k.text()) + "\"");
    }
  }
  const cbor::Item* module_id = map.Find("module_id");
  if (module_id == nullptr || !module_id->is_text() || module_id->bytes.empty()) {
    return Field("module_id", "missing, not text, or empty");
  }
  doc->module_id = std::string(module_id->text());
  const cbor::Item* digest = map.Find("digest");
  if (digest == nullptr || !digest->IsText("SHA384")) {
    return Field("digest", "missing or not \"SHA384\"");
  }
  doc->digest = "SHA384";
  const cbor::Item* timestamp = map.Find("timestamp");
  if (timestamp == nullptr || !timestamp->is_uint() || timestamp->number == 0) {
    return Field("timestamp", "missing or not a positive integer");
  }
  doc->timestamp_ms = timestamp->number;
  const cbor::Item* pcrs = map.Find("pcrs");
  if (pcrs == nullptr) {
    return Field("pcrs", "missing");
  }
  NA_TRY(ParsePcrs(*pcrs, doc));
  const cbor::Item* certificate = map.Find("certificate");
  if (certificate == nullptr) {
    return Field("certificate", "missing");
  }
  NA_ASSIGN_OR_RETURN(doc->certificate, CertificateBytes(*certificate, "certificate"));
  const cbor::Item* cabundle = map.Find("cabundle");
  if (cabundle == nullptr || !cabundle->is_array()) {
    return Field("cabundle", "missing or not an array");
  }
  if (cabundle->items.empty() || cabundle->items.size() > kMaxCabundleSize) {
    return Field("cabundle", "number of certificates not in 1..8");
  }
  for (const cbor::Item& cert : cabundle->items) {
    NA_ASSIGN_OR_RETURN(Bytes der, CertificateBytes(cert, "cabundle"));
    doc->cabundle.push_back(std::move(der));
  }
  NA_ASSIGN_OR_RETURN(doc->public_key, OptionalBytes(map.Find("public_key"), "public_key"));
  NA_ASSIGN_OR_RETURN(doc->user_data, OptionalBytes(map.Find("user_data"), "user_data"));
  NA_ASSIGN_OR_RETURN(doc->nonce, OptionalBytes(map.Find("nonce"), "nonce"));
  return {};
}

}  // namespace

bool AttestationDocument::IsDebugMode() const {
  for (uint32_t index : {0u, 1u, 2u}) {
    const auto it = pcrs.find(index);
    if (it == pcrs.end() || std::ranges::all_of(it->second, [](uint8_t b) { return b == 0; })) {
      return true;
    }
  }
  return false;
}

Result<AttestationDocument> ParseUnverified(std::span<const uint8_t> document) {
  if (document.empty()) {
    return MakeError(ErrorCode::kMalformedInput, "document is empty");
  }
  if (document.size() > kMaxDocumentSize) {
    return MakeError(ErrorCode::kMalformedInput,
                     "document is larger than " + std::to_string(kMaxDocumentSize) + " bytes");
  }
  AttestationDocument doc;
  // COSE_Sign1 may carry tag 18 (RFC 8152); real documents are untagged. Any other tag is
  // refused (the CBOR reader refuses tags everywhere else).
  if (document[0] == kTag18) {
    doc.tagged = true;
    document = document.subspan(1);
  } else if ((document[0] >> 5) == 6) {
    return Cose("tag other than 18 (COSE_Sign1)");
  }
  NA_ASSIGN_OR_RETURN(const cbor::Item outer,
                      cbor::Decode(document, cbor::Limits{.max_depth = 4, .max_items = 64}));
  if (!outer.is_array() || outer.indefinite || outer.items.size() != 4) {
    return Cose("not a definite array of 4 elements");
  }
  NA_TRY(CheckProtectedHeader(outer.items[0]));
  const cbor::Item& unprotected = outer.items[1];
  // Exactly a0, as the NSM sends it: the signature does not cover this header, so any other
  // encoding of an empty map would give one signed document a second byte form.
  if (!unprotected.is_map() || unprotected.map_size() != 0 || unprotected.indefinite) {
    return Cose("unprotected header is not the empty map a0");
  }
  const cbor::Item& payload = outer.items[2];
  if (!payload.is_bytes() || payload.bytes.empty() || payload.bytes.size() > kMaxPayloadSize) {
    return Cose("payload is not a byte string of 1..16384 bytes");
  }
  const cbor::Item& signature = outer.items[3];
  if (!signature.is_bytes() || signature.bytes.size() != kEs384SignatureSize) {
    return Cose("signature is not a 96-byte string (r || s)");
  }
  doc.protected_header = ToBytes(outer.items[0].bytes);
  doc.payload = ToBytes(payload.bytes);
  std::copy(signature.bytes.begin(), signature.bytes.end(), doc.signature.begin());
  NA_TRY(ParsePayload(doc.payload, &doc));
  return doc;
}

Bytes BuildSigStructure(std::span<const uint8_t> protected_header,
                        std::span<const uint8_t> payload) {
  cbor::Writer w;
  w.ArrayHeader(4);
  w.Text("Signature1");
  w.Bytes(protected_header);
  w.Bytes({});
  w.Bytes(payload);
  return w.Take();
}

}  // namespace nitro_attest
