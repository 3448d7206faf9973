// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/nitro_eif/render.h"

#include <map>

#include "nitro_attest/encoding.h"
#include "tools/common/cli.h"
#include "tools/common/image.h"

namespace nitro_attest::cli {
namespace {

using Json = nlohmann::ordered_json;

// serde_json's Debug of sha2's Sha384, which nitro-cli prints as HashAlgorithm.
constexpr char kHashAlgorithm[] = "Sha384 { ... }";
constexpr size_t kMaxMetadataDepth = 64;
// The BuildMetadata fields nitro-cli requires to read the section (EifBuildInfo).
constexpr const char* kBuildFields[] = {"BuildTime", "BuildTool", "BuildToolVersion",
                                        "OperatingSystem", "KernelVersion"};

std::string Hex32(uint32_t v) {
  const uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                        static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  return "0x" + HexEncode(b);
}

// ColonHex is nitro-cli's certificate signature form: "30:65:02:...".
std::string ColonHex(std::span<const uint8_t> bytes) {
  std::string hex = HexEncode(bytes), out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) {
      out += ':';
    }
    out += static_cast<char>(std::toupper(hex[i]));
    out += static_cast<char>(std::toupper(hex[i + 1]));
  }
  return out;
}

std::string CoseName(int64_t alg) {
  switch (alg) {
    case -7: return "ES256";
    case -35: return "ES384";
    case -36: return "ES512";
    default: return "none";
  }
}

// ReadMetadata parses the section as nitro-cli's EifReader must (EifIdentityInfo), or says why
// not.
std::optional<Json> ReadMetadata(const Bytes& bytes, std::string* why) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (MaxJsonDepth(text) > kMaxMetadataDepth) {
    *why = "the metadata section nests deeper than 64 levels";
    return std::nullopt;
  }
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    *why = "the metadata section is not a JSON object";
    return std::nullopt;
  }
  const bool names = j.contains("ImageName") && j["ImageName"].is_string() &&
                     j.contains("ImageVersion") && j["ImageVersion"].is_string();
  bool build = j.contains("BuildMetadata") && j["BuildMetadata"].is_object();
  for (const char* f : kBuildFields) {
    build = build && j["BuildMetadata"].contains(f) && j["BuildMetadata"][f].is_string();
  }
  const bool custom = !j.contains("CustomMetadata") || j["CustomMetadata"].is_null() ||
                      j["CustomMetadata"].is_object();
  if (!names || !build || !custom) {
    *why = "the metadata section lacks fields nitro-cli requires (ImageName, ImageVersion, "
           "BuildMetadata with five strings; CustomMetadata an object or null)";
    return std::nullopt;
  }
  return j;
}

// MetadataJson is describe-eif's Metadata: the build fields, DockerInfo, then the custom
// metadata's keys flattened in (serde's #[serde(flatten)]).
Json MetadataJson(const Json& m) {
  Json out;
  for (const char* f : kBuildFields) {
    out[f] = m["BuildMetadata"][f];
  }
  out["DockerInfo"] = m.contains("DockerInfo") ? m["DockerInfo"] : Json();
  if (m.contains("CustomMetadata") && m["CustomMetadata"].is_object()) {
    for (const auto& [k, v] : m["CustomMetadata"].items()) {
      out[k] = v;
    }
  }
  return out;
}

}  // namespace

Described DescribeImage(const EifImage& image, Time at) {
  Described d;
  d.checked_at = at;
  if (!image.crc_ok()) {
    d.problems.push_back("CRC-32 mismatch: the header says " + Hex32(image.header_crc32) +
                         ", the image's bytes give " + Hex32(image.computed_crc32));
  }
  if (image.signature && !image.signature->problem.empty()) {
    d.problems.push_back("signature: " + image.signature->problem);
  }
  if (!image.metadata.empty()) {
    std::string why;
    d.metadata = ReadMetadata(image.metadata, &why);
    if (!d.metadata) {
      d.problems.push_back(why + "; nitro-cli describe-eif fails on this image");
    }
  }
  return d;
}

Json BuildJson(const EifMeasurements& m) {
  Json measurements;
  measurements["HashAlgorithm"] = kHashAlgorithm;
  measurements["PCR0"] = HexEncode(m.pcr0);
  measurements["PCR1"] = HexEncode(m.pcr1);
  measurements["PCR2"] = HexEncode(m.pcr2);
  if (m.pcr8) {
    measurements["PCR8"] = HexEncode(*m.pcr8);
  }
  Json out;
  out["Measurements"] = measurements;
  return out;
}

Json DescribeJson(const EifImage& image, const Described& d, bool details) {
  Json out;
  out["EifVersion"] = image.version;
  out["Measurements"] = BuildJson(image.measurements)["Measurements"];
  out["IsSigned"] = image.signature.has_value();
  if (image.signature) {
    const EifSignature& s = *image.signature;
    // nitro-cli collects the issuer into a BTreeMap: sorted keys, the last value wins.
    std::map<std::string, std::string> issuer;
    for (const auto& [k, v] : s.issuer_attributes) {
      issuer[k] = v;
    }
    Json cert;
    cert["IssuerName"] = Json(issuer);
    cert["Algorithm"] = s.signature_algorithm;
    cert["NotBefore"] = s.not_before_text;
    cert["NotAfter"] = s.not_after_text;
    cert["Signature"] = ColonHex(s.certificate_signature);
    out["SigningCertificate"] = cert;
  }
  out["CheckCRC"] = image.crc_ok();
  if (image.signature) {
    out["SignatureCheck"] = image.signature->SignatureCheck();
  }
  if (d.metadata) {
    out["ImageName"] = (*d.metadata)["ImageName"];
    out["ImageVersion"] = (*d.metadata)["ImageVersion"];
    out["Metadata"] = MetadataJson(*d.metadata);
  }
  if (details) {
    Json sections = Json::array();
    for (const EifSection& s : image.sections) {
      sections.push_back(Json{{"Type", std::string(to_string(s.type))},
                              {"Offset", s.offset},
                              {"Size", s.size}});
    }
    out["Sections"] = sections;
    out["CRC32"] = Json{{"Header", Hex32(image.header_crc32)},
                        {"Computed", Hex32(image.computed_crc32)}};
    out["Arch"] = (image.flags & kEifFlagArm64) != 0 ? "aarch64" : "x86_64";
    out["DefaultMemory"] = image.default_mem;
    out["DefaultCpus"] = image.default_cpus;
    out["Size"] = image.size;
    if (image.signature) {
      const EifSignature& s = *image.signature;
      out["SignatureDetails"] = Json{{"CoseAlgorithm", CoseName(s.cose_algorithm)},
                                     {"SignatureValid", s.signature_valid},
                                     {"PayloadMatchesPCR0", s.payload_matches_pcr0},
                                     {"CertificateValid", s.certificate_valid},
                                     {"CheckedAt", TimeText(d.checked_at)},
                                     {"Subject", s.certificate.subject},
                                     {"Problem", s.problem}};
    }
  }
  return out;
}

void PrintDescribeText(std::ostream& out, const EifImage& image, const Described& d) {
  out << "EIF version " << image.version << ", "
      << ((image.flags & kEifFlagArm64) != 0 ? "aarch64" : "x86_64") << ", " << image.size
      << " bytes, " << image.sections.size() << " sections\n";
  for (const EifSection& s : image.sections) {
    out << "  " << to_string(s.type) << ": " << s.size << " bytes at " << s.offset << "\n";
  }
  out << "CRC-32: header " << Hex32(image.header_crc32) << ", computed "
      << Hex32(image.computed_crc32) << (image.crc_ok() ? " (match)" : " (MISMATCH)") << "\n";
  const EifMeasurements& m = image.measurements;
  out << "PCR0: " << HexEncode(m.pcr0) << "\nPCR1: " << HexEncode(m.pcr1)
      << "\nPCR2: " << HexEncode(m.pcr2) << "\n";
  if (image.signature) {
    const EifSignature& s = *image.signature;
    out << "PCR8: " << HexEncode(*m.pcr8) << "\n";
    out << "Signature: " << CoseName(s.cose_algorithm) << " by " << s.certificate.subject << "; "
        << (s.signature_valid ? "valid" : "NOT VALID") << ", "
        << (s.payload_matches_pcr0 ? "signs this image's PCR0" : "does NOT sign this PCR0")
        << "; certificate " << (s.certificate_valid ? "valid" : "NOT valid") << " at "
        << TimeText(d.checked_at) << " (" << s.not_before_text << " .. " << s.not_after_text
        << ")\n";
  } else {
    out << "Signature: none (unsigned: no PCR8)\n";
  }
  if (d.metadata) {
    const Json& md = *d.metadata;
    out << "Image: " << md["ImageName"].get<std::string>() << " "
        << md["ImageVersion"].get<std::string>() << ", built "
        << md["BuildMetadata"]["BuildTime"].get<std::string>() << " by "
        << md["BuildMetadata"]["BuildTool"].get<std::string>() << " "
        << md["BuildMetadata"]["BuildToolVersion"].get<std::string>() << "\n";
  }
  out << (d.problems.empty() ? "All checks hold.\n" : "Checks that failed:\n");
  for (const std::string& p : d.problems) {
    out << "  " << p << "\n";
  }
}

std::string DumpJson(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

Result<Bytes> EncodeMetadata(const MetadataFields& f) {
  Json custom;  // null
  if (!f.custom_json.empty()) {
    if (MaxJsonDepth(f.custom_json) > kMaxMetadataDepth) {
      return MakeError(ErrorCode::kInvalidArgument, "--metadata nests deeper than 64 levels");
    }
    // nlohmann::json sorts object keys as serde_json's default Value does.
    const nlohmann::json parsed =
        nlohmann::json::parse(f.custom_json, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      return MakeError(ErrorCode::kInvalidArgument, "--metadata is not a JSON object");
    }
    custom = Json::parse(parsed.dump());
  }
  Json build;
  build["BuildTime"] = f.build_time;
  build["BuildTool"] = f.build_tool;
  build["BuildToolVersion"] = f.build_tool_version;
  build["OperatingSystem"] = f.operating_system;
  build["KernelVersion"] = f.kernel_version;
  Json m;
  m["ImageName"] = f.image_name;
  m["ImageVersion"] = f.image_version;
  m["BuildMetadata"] = build;
  m["DockerInfo"] = nullptr;
  m["CustomMetadata"] = custom;
  const std::string text = m.dump(-1, ' ', false, Json::error_handler_t::replace);
  return Bytes(text.begin(), text.end());
}

}  // namespace nitro_attest::cli
