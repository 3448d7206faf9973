// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/common/report.h"

#include "nitro_attest/encoding.h"
#include "tools/common/cli.h"

namespace nitro_attest::cli {
namespace {

nlohmann::json OptionalHex(const std::optional<Bytes>& b) {
  return b ? nlohmann::json(HexEncode(*b)) : nlohmann::json(nullptr);
}

// TimestampUtc is the document timestamp in RFC 3339, or nullopt past the year 9999.
std::optional<std::string> TimestampUtc(uint64_t ms) {
  const std::optional<Time> t = TimeFromUnixMs(ms);
  return t ? FormatTime(*t) : std::nullopt;
}

}  // namespace

nlohmann::json DocumentJson(const AttestationDocument& doc) {
  nlohmann::json j;
  j["module_id"] = doc.module_id;
  j["digest"] = doc.digest;
  j["timestamp"] = doc.timestamp_ms;
  const std::optional<std::string> utc = TimestampUtc(doc.timestamp_ms);
  j["timestamp_utc"] = utc ? nlohmann::json(*utc) : nlohmann::json(nullptr);
  nlohmann::json pcrs = nlohmann::json::object();
  for (const auto& [index, value] : doc.pcrs) {
    pcrs[std::to_string(index)] = HexEncode(value);
  }
  j["pcrs"] = pcrs;
  j["debug_mode"] = doc.IsDebugMode();
  j["user_data"] = OptionalHex(doc.user_data);
  j["nonce"] = OptionalHex(doc.nonce);
  j["public_key"] = OptionalHex(doc.public_key);
  nlohmann::json leaf;
  if (auto info = DescribeCertificate(doc.certificate)) {
    leaf["subject"] = info->subject;
    leaf["issuer"] = info->issuer;
    leaf["serial"] = info->serial_hex;
    leaf["not_before"] = TimeText(info->not_before);
    leaf["not_after"] = TimeText(info->not_after);
  }
  j["certificate"] = leaf;
  j["cabundle_size"] = doc.cabundle.size();
  j["cose_tagged"] = doc.tagged;
  j["payload_map"] = doc.indefinite_payload_map ? "indefinite" : "definite";
  return j;
}

nlohmann::json ErrorJson(const Error& error) {
  nlohmann::json j;
  j["code"] = std::string(to_string(error.code));
  j["detail"] = error.detail;
  if (error.cert_index >= 0) {
    j["cert_index"] = error.cert_index;
  }
  if (error.code == ErrorCode::kNsmError) {
    j["nsm_error"] = std::string(to_string(error.nsm_error));
  }
  return j;
}

nlohmann::json VerdictJson(std::span<const uint8_t> document_bytes,
                           const Result<VerifiedDocument>& verdict, const VerifyTrace& trace) {
  nlohmann::json j;
  j["valid"] = verdict.has_value();
  j["checks"] = trace.passed;
  if (verdict) {
    j["verified_at"] = TimeText(verdict->verified_at());
    j["document"] = DocumentJson(verdict->document());
    return j;
  }
  j["error"] = ErrorJson(verdict.error());
  if (auto doc = ParseUnverified(document_bytes)) {
    j["unverified_document"] = DocumentJson(*doc);
  }
  return j;
}

void PrintDocumentText(std::ostream& out, const AttestationDocument& doc) {
  const auto opt = [](const std::optional<Bytes>& b) {
    return b ? (b->empty() ? std::string("(empty)") : HexEncode(*b)) : std::string("(none)");
  };
  out << "module_id:   " << doc.module_id << "\n"
      << "timestamp:   " << doc.timestamp_ms << " ("
      << TimestampUtc(doc.timestamp_ms).value_or("after the year 9999") << ")\n"
      << "digest:      " << doc.digest << "\n"
      << "debug mode:  " << (doc.IsDebugMode() ? "yes (PCR0, PCR1 or PCR2 zero or absent)" : "no")
      << "\n";
  for (const auto& [index, value] : doc.pcrs) {
    out << "PCR" << index << (index < 10 ? ":        " : ":       ") << HexEncode(value) << "\n";
  }
  if (auto info = DescribeCertificate(doc.certificate)) {
    out << "leaf:        " << info->subject << "\n"
        << "leaf valid:  " << TimeText(info->not_before) << " .. " << TimeText(info->not_after)
        << "\n";
  }
  out << "cabundle:    " << doc.cabundle.size() << " certificates\n"
      << "user_data:   " << opt(doc.user_data) << "\n"
      << "nonce:       " << opt(doc.nonce) << "\n"
      << "public_key:  " << opt(doc.public_key) << "\n";
}

}  // namespace nitro_attest::cli
