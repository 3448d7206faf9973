// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// JSON and text reports of documents and verdicts, shared by the tools.
#ifndef NITRO_ATTEST_TOOLS_COMMON_REPORT_H_
#define NITRO_ATTEST_TOOLS_COMMON_REPORT_H_

#include <nlohmann/json.hpp>
#include <ostream>

#include "nitro_attest/document.h"
#include "nitro_attest/verify.h"

namespace nitro_attest::cli {

// DocumentJson renders the document's fields (PCRs and byte fields in hex, null when absent,
// the leaf certificate's subject and validity).
nlohmann::json DocumentJson(const AttestationDocument& doc);

// ErrorJson renders {"code", "detail"[, "cert_index"][, "nsm_error"]}.
nlohmann::json ErrorJson(const Error& error);

// VerdictJson renders a verification result: "valid", "error" when not, "checks" (the checks
// that passed), "verified_at", and "document" (verified) or, when verification failed but the
// document could be decoded, "unverified_document".
nlohmann::json VerdictJson(std::span<const uint8_t> document_bytes,
                           const Result<VerifiedDocument>& verdict, const VerifyTrace& trace);

// PrintDocumentText writes a human-readable summary of the document's fields.
void PrintDocumentText(std::ostream& out, const AttestationDocument& doc);

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_COMMON_REPORT_H_
