// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// JSON and text reports of documents and verdicts, shared by the tools. docs/json.md describes
// every JSON field.
#ifndef NITRO_ATTEST_TOOLS_COMMON_REPORT_H_
#define NITRO_ATTEST_TOOLS_COMMON_REPORT_H_

#include <nlohmann/json.hpp>
#include <ostream>

#include "nitro_attest/document.h"
#include "nitro_attest/verify.h"

namespace nitro_attest::cli {

// kJsonSchemaVersion is the version of every JSON report (docs/json.md); it changes only when a
// field changes meaning or disappears.
inline constexpr int kJsonSchemaVersion = 1;

// DocumentJson renders the document's fields (PCRs and byte fields in hex, null when absent,
// the leaf certificate's subject and validity).
nlohmann::json DocumentJson(const AttestationDocument& doc);

// ErrorJson renders {"code", "detail"[, "cert_index"][, "nsm_error"][, "hint"]}.
nlohmann::json ErrorJson(const Error& error);

// VerdictJson renders one verification: schema_version, "verified", "verified_at" (null when no
// time was reached), "at_document_time", "any_image", "pcr_set", "checks", "error",
// "document" and "unverified_document". `options` is null when the command stopped before it
// had them (a usage error); `document` may be empty. The one builder of every verdict report.
nlohmann::json VerdictJson(std::span<const uint8_t> document,
                           const Result<VerifiedDocument>& verdict, const VerifyTrace& trace,
                           const VerifyOptions* options);

// UsageErrorJson is the verdict of a command that stopped before verifying anything.
nlohmann::json UsageErrorJson(const Error& error);

// PrintJson writes `j` to standard output, ASCII only (every other character escaped), so no
// text from a document reaches a terminal unescaped.
void PrintJson(const nlohmann::json& j);

// JsonLine renders `j` on one line, ASCII only, ending in a newline: one record of JSON Lines.
std::string JsonLine(const nlohmann::json& j);

// PrintVerdictText writes what the policy decided (which image, at which time) and the
// document's fields.
void PrintVerdictText(std::ostream& out, const VerifiedDocument& verified);

// PrintDocumentText writes a human-readable summary of the document's fields (text from the
// document escaped).
void PrintDocumentText(std::ostream& out, const AttestationDocument& doc);

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_COMMON_REPORT_H_
