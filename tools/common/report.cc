// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/common/report.h"

#include <iostream>

#include "nitro_attest/encoding.h"
#include "tools/common/cli.h"

namespace nitro_attest::cli {
namespace {

using nlohmann::json;

json OptionalHex(const std::optional<Bytes>& b) {
  return b ? json(HexEncode(*b)) : json(nullptr);
}

json OptionalText(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// TimestampUtc is the document timestamp in RFC 3339, or nullopt past the year 9999.
std::optional<std::string> TimestampUtc(uint64_t ms) {
  const std::optional<Time> t = TimeFromUnixMs(ms);
  return t ? FormatTime(*t) : std::nullopt;
}

// AttemptedAt is the time a failed verification used, when it is known.
std::optional<std::string> AttemptedAt(std::span<const uint8_t> document,
                                       const VerifyOptions* options) {
  if (options == nullptr) {
    return std::nullopt;
  }
  if (options->now) {
    return FormatTime(*options->now);
  }
  if (options->at_document_time) {
    if (auto doc = ParseUnverified(document)) {
      return TimestampUtc(doc->timestamp_ms);
    }
  }
  return std::nullopt;
}

// PrintFields writes the document's fields; `leaf` describes its certificate (nullptr: not
// parseable, left out).
void PrintFields(std::ostream& out, const AttestationDocument& doc, const CertificateInfo* leaf);

}  // namespace

json DocumentJson(const AttestationDocument& doc) {
  json j;
  j["module_id"] = doc.module_id;
  j["digest"] = doc.digest;
  j["timestamp"] = doc.timestamp_ms;
  j["timestamp_utc"] = OptionalText(TimestampUtc(doc.timestamp_ms));
  json pcrs = json::object();
  for (const auto& [index, value] : doc.pcrs) {
    pcrs[std::to_string(index)] = HexEncode(value);
  }
  j["pcrs"] = pcrs;
  j["debug_mode"] = doc.IsDebugMode();
  j["user_data"] = OptionalHex(doc.user_data);
  j["nonce"] = OptionalHex(doc.nonce);
  j["public_key"] = OptionalHex(doc.public_key);
  json leaf = nullptr;
  if (auto info = DescribeCertificate(doc.certificate)) {
    leaf = json::object();
    leaf["subject"] = info->subject;
    leaf["issuer"] = info->issuer;
    leaf["serial"] = info->serial_hex;
    leaf["not_before"] = OptionalText(FormatTime(info->not_before));
    leaf["not_after"] = OptionalText(FormatTime(info->not_after));
  }
  j["certificate"] = leaf;
  j["cabundle_size"] = doc.cabundle.size();
  j["cose_tagged"] = doc.tagged;
  j["payload_map"] = doc.indefinite_payload_map ? "indefinite" : "definite";
  return j;
}

json ErrorJson(const Error& error) {
  json j;
  j["code"] = std::string(to_string(error.code));
  j["detail"] = error.detail;
  if (error.cert_index >= 0) {
    j["cert_index"] = error.cert_index;
  }
  if (error.code == ErrorCode::kNsmError) {
    j["nsm_error"] = std::string(to_string(error.nsm_error));
  }
  if (const std::string hint = HintFor(error); !hint.empty()) {
    j["hint"] = hint;
  }
  return j;
}

json VerdictJson(std::span<const uint8_t> document, const Result<VerifiedDocument>& verdict,
                 const VerifyTrace& trace, const VerifyOptions* options) {
  json j;
  j["schema_version"] = kJsonSchemaVersion;
  j["verified"] = verdict.has_value();
  j["checks"] = trace.passed;
  j["pcr_set"] = nullptr;
  j["document"] = nullptr;
  j["unverified_document"] = nullptr;
  j["error"] = nullptr;
  if (verdict) {
    j["verified_at"] = OptionalText(FormatTime(verdict->verified_at()));
    j["at_document_time"] = verdict->at_document_time();
    j["any_image"] = verdict->any_image();
    if (verdict->pcr_set_index()) {
      j["pcr_set"] = {{"index", *verdict->pcr_set_index()}, {"name", verdict->pcr_set_name()}};
    }
    j["document"] = DocumentJson(verdict->document());
    return j;
  }
  j["verified_at"] = OptionalText(AttemptedAt(document, options));
  j["at_document_time"] = options != nullptr && options->at_document_time;
  j["any_image"] = options != nullptr && options->allow_any_image;
  j["error"] = ErrorJson(verdict.error());
  if (auto doc = ParseUnverified(document)) {
    j["unverified_document"] = DocumentJson(*doc);
  }
  return j;
}

json UsageErrorJson(const Error& error) {
  return VerdictJson({}, Result<VerifiedDocument>(error), VerifyTrace{}, nullptr);
}

void PrintJson(const json& j) {
  std::cout << j.dump(2, ' ', /*ensure_ascii=*/true, json::error_handler_t::replace) << "\n";
}

std::string JsonLine(const json& j) {
  return j.dump(-1, ' ', /*ensure_ascii=*/true, json::error_handler_t::replace) + "\n";
}

void PrintVerdictText(std::ostream& out, const VerifiedDocument& v) {
  if (v.any_image()) {
    out << "image:       ANY (--any-image: no PCR was checked)\n";
  } else if (v.pcr_set_index()) {
    out << "image:       allowed PCR set " << *v.pcr_set_index() << " ("
        << EscapeText(v.pcr_set_name()) << ") matched\n";
  } else {
    out << "image:       the expected PCRs matched\n";
  }
  out << "verified at: " << TimeText(v.verified_at())
      << (v.at_document_time() ? " (the document's own timestamp, --at document)" : "") << "\n";
  // The leaf as the chain walk read it: no second parse of the certificate (with OpenSSL's
  // d2i_X509, which initialises its providers just to decode the key).
  CertificateInfo leaf;
  leaf.subject = v.leaf_subject();
  leaf.not_before = v.leaf_not_before();
  leaf.not_after = v.leaf_not_after();
  PrintFields(out, v.document(), &leaf);
}

void PrintDocumentText(std::ostream& out, const AttestationDocument& doc) {
  const Result<CertificateInfo> leaf = DescribeCertificate(doc.certificate);
  PrintFields(out, doc, leaf ? &*leaf : nullptr);
}

namespace {

void PrintFields(std::ostream& out, const AttestationDocument& doc, const CertificateInfo* leaf) {
  const auto opt = [](const std::optional<Bytes>& b) {
    return b ? (b->empty() ? std::string("(empty)") : HexEncode(*b)) : std::string("(none)");
  };
  out << "module_id:   " << EscapeText(doc.module_id) << "\n"
      << "timestamp:   " << doc.timestamp_ms << " ("
      << TimestampUtc(doc.timestamp_ms).value_or("after the year 9999") << ")\n"
      << "digest:      " << EscapeText(doc.digest) << "\n"
      << "debug mode:  " << (doc.IsDebugMode() ? "yes (PCR0, PCR1 or PCR2 zero or absent)" : "no")
      << "\n";
  for (const auto& [index, value] : doc.pcrs) {
    out << "PCR" << index << (index < 10 ? ":        " : ":       ") << HexEncode(value) << "\n";
  }
  if (leaf != nullptr) {
    out << "leaf:        " << EscapeText(leaf->subject) << "\n"
        << "leaf valid:  " << TimeText(leaf->not_before) << " .. " << TimeText(leaf->not_after)
        << "\n";
  }
  out << "cabundle:    " << doc.cabundle.size() << " certificates\n"
      << "user_data:   " << opt(doc.user_data) << "\n"
      << "nonce:       " << opt(doc.nonce) << "\n"
      << "public_key:  " << opt(doc.public_key) << "\n";
}

}  // namespace

}  // namespace nitro_attest::cli
