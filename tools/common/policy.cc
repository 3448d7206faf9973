// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/common/policy.h"

#include <nlohmann/json.hpp>

#include "nitro_attest/encoding.h"
#include "tools/common/cli.h"

namespace nitro_attest::cli {
namespace {

Error Invalid(std::string detail) { return MakeError(ErrorCode::kInvalidArgument, std::move(detail)); }

Result<ExpectedBytes> OptionalHex(const std::string& hex, const char* option) {
  if (hex.empty()) {
    return ExpectedBytes();
  }
  auto bytes = HexDecode(hex);
  if (!bytes) {
    return Invalid(std::string(option) + ": " + bytes.error().detail);
  }
  if (bytes->size() > kMaxOptionalFieldSize) {
    return Invalid(std::string(option) + ": longer than 1024 bytes");
  }
  return ExpectedBytes(std::move(*bytes));
}

Status AddPcr(std::map<uint32_t, Bytes>* pcrs, uint32_t index, Bytes value, const char* origin) {
  if (index > kMaxPcrIndex) {
    return Invalid(std::string(origin) + ": PCR index " + std::to_string(index) +
                   " is not in 0..31");
  }
  if (value.size() != 48) {
    return Invalid(std::string(origin) + ": PCR" + std::to_string(index) +
                   " must be 48 bytes (96 hex digits)");
  }
  const auto [it, inserted] = pcrs->emplace(index, value);
  if (!inserted && it->second != value) {
    return Invalid("PCR" + std::to_string(index) + " is given twice with different values");
  }
  return {};
}

}  // namespace

void AddPolicyOptions(CLI::App* app, PolicyFlags* f) {
  app->add_option("--root", f->root,
                  "Trust this root certificate (PEM or DER file) instead of the pinned AWS Nitro "
                  "root G1; for the emulator's root only");
  app->add_option("--at", f->at,
                  "Verification time: Unix seconds or RFC 3339 (default: now)");
  app->add_option("--nonce", f->nonce, "Expected nonce (hex)");
  app->add_option("--user-data", f->user_data, "Expected user_data (hex)");
  app->add_option("--public-key", f->public_key, "Expected public_key (hex)");
  app->add_option("--pcr", f->pcrs, "Expected PCR as INDEX=HEX (index 0-31; repeatable)");
  app->add_option("--pcrs-from", f->pcrs_from,
                  "Expected PCR0/1/2(/8) from nitro-cli JSON (build-enclave, describe-eif, "
                  "describe-enclaves)");
  app->add_option("--max-age", f->max_age,
                  "Reject documents whose timestamp is older than this many seconds");
  app->add_flag("--allow-debug", f->allow_debug,
                "Accept debug-mode documents (PCR0, PCR1 and PCR2 all zero)");
}

Result<std::map<uint32_t, Bytes>> ParseMeasurementsJson(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Invalid("measurements file is not JSON");
  }
  const nlohmann::json* obj = &j;
  if (j.is_array()) {
    if (j.size() != 1) {
      return Invalid("measurements JSON is an array of " + std::to_string(j.size()) +
                     " enclaves; expected exactly one");
    }
    obj = &j[0];
  }
  if (!obj->is_object() || !obj->contains("Measurements") || !(*obj)["Measurements"].is_object()) {
    return Invalid("measurements JSON has no \"Measurements\" object");
  }
  const auto& m = (*obj)["Measurements"];
  if (m.contains("HashAlgorithm") &&
      (!m["HashAlgorithm"].is_string() ||
       m["HashAlgorithm"].get<std::string>().rfind("Sha384", 0) != 0)) {
    return Invalid("measurements are not SHA-384");
  }
  std::map<uint32_t, Bytes> pcrs;
  for (const auto& [key, value] : m.items()) {
    if (key == "HashAlgorithm") {
      continue;
    }
    if (key.rfind("PCR", 0) != 0 || key.size() < 4 || key.size() > 5 ||
        key.find_first_not_of("0123456789", 3) != std::string::npos) {
      return Invalid("unexpected key \"" + key + "\" in Measurements");
    }
    if (!value.is_string()) {
      return Invalid(key + " is not a string");
    }
    auto bytes = HexDecode(value.get<std::string>());
    if (!bytes) {
      return Invalid(key + ": " + bytes.error().detail);
    }
    NA_TRY(AddPcr(&pcrs, static_cast<uint32_t>(std::stoul(key.substr(3))), std::move(*bytes),
                  "--pcrs-from"));
  }
  if (pcrs.empty()) {
    return Invalid("Measurements has no PCR values");
  }
  return pcrs;
}

Result<VerifyOptions> BuildVerifyOptions(const PolicyFlags& f) {
  VerifyOptions o;
  if (!f.root.empty()) {
    NA_ASSIGN_OR_RETURN(const Bytes pem, ReadInput(f.root, 1 << 16));
    NA_ASSIGN_OR_RETURN(Bytes der, PemCertificateToDer(pem));
    o.roots = {std::move(der)};
  }
  if (!f.at.empty()) {
    NA_ASSIGN_OR_RETURN(o.now, ParseTime(f.at));
  }
  NA_ASSIGN_OR_RETURN(o.nonce, OptionalHex(f.nonce, "--nonce"));
  NA_ASSIGN_OR_RETURN(o.user_data, OptionalHex(f.user_data, "--user-data"));
  NA_ASSIGN_OR_RETURN(o.public_key, OptionalHex(f.public_key, "--public-key"));
  for (const std::string& spec : f.pcrs) {
    const size_t eq = spec.find('=');
    const std::string index = spec.substr(0, eq);
    if (eq == std::string::npos || index.empty() || index.size() > 2 ||
        index.find_first_not_of("0123456789") != std::string::npos) {
      return Invalid("--pcr " + spec + ": expected INDEX=HEX");
    }
    auto value = HexDecode(spec.substr(eq + 1));
    if (!value) {
      return Invalid("--pcr " + spec + ": " + value.error().detail);
    }
    NA_TRY(AddPcr(&o.pcrs, static_cast<uint32_t>(std::stoul(index)), std::move(*value), "--pcr"));
  }
  if (!f.pcrs_from.empty()) {
    NA_ASSIGN_OR_RETURN(const Bytes json, ReadInput(f.pcrs_from, 1 << 20));
    NA_ASSIGN_OR_RETURN(
        const auto pcrs,
        ParseMeasurementsJson(std::string_view(reinterpret_cast<const char*>(json.data()), json.size())));
    for (const auto& [index, value] : pcrs) {
      NA_TRY(AddPcr(&o.pcrs, index, value, "--pcrs-from"));
    }
  }
  if (f.max_age) {
    if (*f.max_age < 0) {
      return Invalid("--max-age must not be negative");
    }
    o.max_age = std::chrono::seconds(*f.max_age);
  }
  o.allow_debug = f.allow_debug;
  // Until the CLI requires a PCR policy (issue 13 step 2), it keeps accepting any image.
  o.allow_any_image = o.pcrs.empty();
  return o;
}

}  // namespace nitro_attest::cli
