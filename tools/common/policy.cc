// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/common/policy.h"

#include <limits>
#include <set>

#include "nitro_attest/encoding.h"
#include "tools/common/cli.h"
#include "tools/common/image.h"

namespace nitro_attest::cli {
namespace {

using nlohmann::json;

// kAwsRootName names the built-in AWS Nitro root G1 in --root and in a policy file's roots.
constexpr std::string_view kAwsRootName = "aws-nitro-root-g1";
constexpr int64_t kMaxAgeSeconds = std::numeric_limits<int64_t>::max() / 1000;

Error Invalid(std::string detail) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(detail));
}

std::string_view AsText(const Bytes& b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

// ParseExpected reads an expected-field value: "none" demands absence, anything else must be
// non-empty hex of at most 1024 bytes. An empty value is an error: an unset shell variable
// must not turn a check off.
Result<ExpectedBytes> ParseExpected(const std::string& text, const std::string& what) {
  if (text == "none") {
    return ExpectedBytes::Absent();
  }
  if (text.empty()) {
    return Invalid(what + " is empty: give hex, or \"none\" to require that the field be absent");
  }
  auto bytes = HexDecode(text);
  if (!bytes) {
    return Invalid(what + ": " + bytes.error().detail);
  }
  if (bytes->empty()) {
    return Invalid(what + " is empty: give hex, or \"none\" to require that the field be absent");
  }
  if (bytes->size() > kMaxOptionalFieldSize) {
    return Invalid(what + ": longer than 1024 bytes");
  }
  return ExpectedBytes(std::move(*bytes));
}

// ParsePcrValue reads one PCR: 96 hex digits.
Result<Bytes> ParsePcrValue(const std::string& hex, const std::string& what) {
  auto value = HexDecode(hex);
  if (!value || value->size() != 48) {
    return Invalid(what + " must be 48 bytes (96 hex digits)");
  }
  return std::move(*value);
}

// ParsePcrIndex reads a decimal PCR index 0..31.
Result<uint32_t> ParsePcrIndex(std::string_view text, const std::string& what) {
  if (text.empty() || text.size() > 2 || text.find_first_not_of("0123456789") != std::string::npos ||
      (text.size() == 2 && text[0] == '0')) {
    return Invalid(what + ": PCR index \"" + std::string(text) + "\" is not a number 0..31");
  }
  const uint32_t index = static_cast<uint32_t>(std::stoul(std::string(text)));
  if (index > kMaxPcrIndex) {
    return Invalid(what + ": PCR index " + std::to_string(index) + " is not in 0..31");
  }
  return index;
}

Status AddPcr(std::map<uint32_t, Bytes>* pcrs, uint32_t index, Bytes value) {
  const auto [it, inserted] = pcrs->emplace(index, value);
  if (!inserted && it->second != value) {
    return Invalid("PCR" + std::to_string(index) + " is given twice with different values");
  }
  return {};
}

Status RequireImagePcrs(const std::map<uint32_t, Bytes>& pcrs, const std::string& what) {
  for (const uint32_t index : {0u, 1u, 2u}) {
    if (!pcrs.contains(index)) {
      return Invalid(what + " lacks PCR" + std::to_string(index) +
                     ": an allowed image is pinned by PCR0, PCR1 and PCR2 together");
    }
  }
  return {};
}

// PcrMapFromJson reads {"INDEX": "HEX", ...}.
Result<std::map<uint32_t, Bytes>> PcrMapFromJson(const json& j, const std::string& what) {
  if (!j.is_object() || j.empty()) {
    return Invalid(what + " must be a non-empty object of \"INDEX\": \"HEX\"");
  }
  std::map<uint32_t, Bytes> pcrs;
  for (const auto& [key, value] : j.items()) {
    NA_ASSIGN_OR_RETURN(const uint32_t index, ParsePcrIndex(key, what));
    if (!value.is_string()) {
      return Invalid(what + "." + key + " is not a string");
    }
    NA_ASSIGN_OR_RETURN(Bytes bytes, ParsePcrValue(value.get<std::string>(), what + "." + key));
    NA_TRY(AddPcr(&pcrs, index, std::move(bytes)));
  }
  return pcrs;
}

// PolicyFile is what a --policy file says, before it is merged with the flags.
struct PolicyFile {
  std::vector<PcrSet> pcr_sets;
  std::map<uint32_t, Bytes> pcrs;
  std::optional<bool> any_image, allow_debug;
  std::optional<std::vector<Bytes>> roots;
  std::optional<int64_t> max_age_seconds;
  std::optional<ExpectedBytes> nonce, user_data, public_key;
};

Result<ExpectedBytes> ExpectedFromJson(const json& j, const std::string& what) {
  if (j.is_null()) {
    return ExpectedBytes::Absent();
  }
  if (!j.is_string() || j.get<std::string>() == "none") {
    return Invalid(what + " must be a hex string, or null to require that the field be absent");
  }
  return ParseExpected(j.get<std::string>(), what);
}

Result<std::vector<Bytes>> RootsFromJson(const json& j) {
  if (!j.is_array() || j.empty()) {
    return Invalid("policy roots must be a non-empty array");
  }
  std::vector<Bytes> roots;
  for (const json& r : j) {
    if (!r.is_string()) {
      return Invalid("policy roots: each entry is \"aws-nitro-root-g1\" or a PEM certificate");
    }
    const std::string text = r.get<std::string>();
    if (text == kAwsRootName) {
      roots.push_back(VerifyOptions().roots.front());
      continue;
    }
    auto der = PemCertificateToDer(std::span(reinterpret_cast<const uint8_t*>(text.data()),
                                             text.size()));
    if (!der || text.rfind("-----BEGIN", 0) != 0) {
      return Invalid("policy roots: an entry is neither \"aws-nitro-root-g1\" nor a PEM certificate");
    }
    roots.push_back(std::move(*der));
  }
  return roots;
}

Result<bool> BoolFromJson(const json& j, const std::string& what) {
  if (!j.is_boolean()) {
    return Invalid("policy " + what + " must be true or false");
  }
  return j.get<bool>();
}

// ParsePolicyFile reads a version 1 policy file (docs/json.md).
Result<PolicyFile> ParsePolicyFile(std::string_view text) {
  NA_ASSIGN_OR_RETURN(const json j, ParseJsonStrict(text, "--policy"));
  if (!j.is_object()) {
    return Invalid("--policy: the policy must be a JSON object");
  }
  if (!j.contains("version") || j["version"] != 1) {
    return Invalid("--policy: \"version\": 1 is required (the only version there is)");
  }
  PolicyFile p;
  for (const auto& [key, value] : j.items()) {
    if (key == "version") {
      continue;
    }
    if (key == "pcr_sets") {
      if (!value.is_array() || value.empty()) {
        return Invalid("--policy: pcr_sets must be a non-empty array");
      }
      for (size_t i = 0; i < value.size(); ++i) {
        const json& s = value[i];
        const std::string what = "--policy: pcr_sets[" + std::to_string(i) + "]";
        if (!s.is_object() || !s.contains("pcrs") || s.size() > 2 ||
            (s.size() == 2 && (!s.contains("name") || !s["name"].is_string()))) {
          return Invalid(what + " must be {\"name\": \"...\", \"pcrs\": {...}}");
        }
        PcrSet set;
        set.name = s.value("name", std::to_string(i));
        NA_ASSIGN_OR_RETURN(set.pcrs, PcrMapFromJson(s["pcrs"], what + ".pcrs"));
        NA_TRY(RequireImagePcrs(set.pcrs, what));
        p.pcr_sets.push_back(std::move(set));
      }
    } else if (key == "pcrs") {
      NA_ASSIGN_OR_RETURN(p.pcrs, PcrMapFromJson(value, "--policy: pcrs"));
    } else if (key == "any_image") {
      NA_ASSIGN_OR_RETURN(p.any_image, BoolFromJson(value, key));
    } else if (key == "allow_debug") {
      NA_ASSIGN_OR_RETURN(p.allow_debug, BoolFromJson(value, key));
    } else if (key == "roots") {
      NA_ASSIGN_OR_RETURN(p.roots, RootsFromJson(value));
    } else if (key == "max_age_seconds") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0 ||
          value.get<int64_t>() > kMaxAgeSeconds) {
        return Invalid("--policy: max_age_seconds must be an integer 0.." +
                       std::to_string(kMaxAgeSeconds));
      }
      p.max_age_seconds = value.get<int64_t>();
    } else if (key == "nonce") {
      NA_ASSIGN_OR_RETURN(p.nonce, ExpectedFromJson(value, "--policy: nonce"));
    } else if (key == "user_data") {
      NA_ASSIGN_OR_RETURN(p.user_data, ExpectedFromJson(value, "--policy: user_data"));
    } else if (key == "public_key") {
      NA_ASSIGN_OR_RETURN(p.public_key, ExpectedFromJson(value, "--policy: public_key"));
    } else {
      return Invalid("--policy: unknown key \"" + key + "\"");
    }
  }
  return p;
}

// MergeExpected takes the expected field from the command line or the policy file, not both.
Status MergeExpected(const std::optional<std::string>& flag, const std::optional<ExpectedBytes>& file,
                     const std::string& option, ExpectedBytes* out) {
  if (flag && file) {
    return Invalid(option + " is given both on the command line and in --policy");
  }
  if (flag) {
    NA_ASSIGN_OR_RETURN(*out, ParseExpected(*flag, option));
  } else if (file) {
    *out = *file;
  }
  return {};
}

Status ApplyPolicyFile(const PolicyFlags& f, VerifyOptions* o) {
  if (f.policy_file.empty()) {
    return {};
  }
  NA_ASSIGN_OR_RETURN(const Bytes text, ReadInput(f.policy_file, 1 << 20));
  NA_ASSIGN_OR_RETURN(PolicyFile p, ParsePolicyFile(AsText(text)));
  o->pcr_sets.insert(o->pcr_sets.end(), p.pcr_sets.begin(), p.pcr_sets.end());
  for (auto& [index, value] : p.pcrs) {
    NA_TRY(AddPcr(&o->pcrs, index, value));
  }
  o->allow_any_image = p.any_image.value_or(false);
  if (p.allow_debug) {
    if (f.allow_debug) {
      return Invalid("--allow-debug is given both on the command line and in --policy");
    }
    o->allow_debug = *p.allow_debug;
  }
  if (p.roots) {
    if (!f.roots.empty()) {
      return Invalid("--root is given both on the command line and in --policy");
    }
    o->roots = std::move(*p.roots);
  }
  if (p.max_age_seconds) {
    if (f.max_age) {
      return Invalid("--max-age is given both on the command line and in --policy");
    }
    o->max_age = std::chrono::seconds(*p.max_age_seconds);
  }
  NA_TRY(MergeExpected(f.nonce, p.nonce, "--nonce", &o->nonce));
  NA_TRY(MergeExpected(f.user_data, p.user_data, "--user-data", &o->user_data));
  NA_TRY(MergeExpected(f.public_key, p.public_key, "--public-key", &o->public_key));
  return {};
}

}  // namespace

void AddPolicyOptions(CLI::App* app, PolicyFlags* f, PolicyScope scope) {
  // Grouped under "Policy" in --help; the command's own options keep the default group.
  const std::string previous_group = app->option_defaults()->get_group();
  app->option_defaults()->group("Policy");
  app->add_option("--pcr", f->pcrs,
                  "Expected PCR as INDEX=HEX (index 0-31, 96 hex digits; repeatable; every one "
                  "must match)");
  app->add_option("--pcrs-from", f->pcrs_from,
                  "An allowed image: nitro-cli JSON (build-enclave, describe-eif, "
                  "describe-enclaves) with PCR0, PCR1 and PCR2, or the .eif image itself "
                  "(PCR0-2, and PCR8 when signed); repeatable, one must match");
  app->add_option("--policy", f->policy_file,
                  "Policy file: versioned JSON with allowed PCR sets, roots, max age, debug and "
                  "expected fields (docs/json.md)");
  app->add_flag("--any-image", f->any_image,
                "Accept any enclave image: no PCR policy (one of --pcr, --pcrs-from, --policy "
                "or this is required)");
  app->add_option("--root", f->roots,
                  "Trust this root certificate (PEM or DER file; repeatable) instead of the "
                  "pinned AWS Nitro root G1; \"aws-nitro-root-g1\" names the built-in one");
  app->add_option("--at", f->at,
                  "Verification time: Unix seconds or RFC 3339 (years 1970-9999), or "
                  "\"document\" for the document's own signed timestamp (default: now)");
  const auto expected = [&](const char* name, std::optional<std::string>* field,
                            const char* help) {
    app->add_option_function<std::string>(
        name, [field](const std::string& v) { *field = v; }, help);
  };
  if (scope == PolicyScope::kVerify) {
    expected("--nonce", &f->nonce, "Expected nonce (hex), or \"none\": must be absent");
  }
  expected("--user-data", &f->user_data,
           scope == PolicyScope::kVerify
               ? "Expected user_data (hex), or \"none\": must be absent"
               : "user_data to send in the challenge and require back (hex)");
  if (scope == PolicyScope::kVerify) {
    expected("--public-key", &f->public_key,
             "Expected public_key (hex), or \"none\": must be absent");
  }
  app->add_option("--max-age", f->max_age,
                  "Reject documents whose timestamp is older than this many seconds");
  app->add_flag("--allow-debug", f->allow_debug,
                "Accept debug-mode documents (PCR0, PCR1 or PCR2 zero or absent)");
  app->option_defaults()->group(previous_group);
}

Result<nlohmann::json> ParseJsonStrict(std::string_view text, std::string_view what) {
  // Policies and measurements nest three levels; refuse a deep document before any parser sees it.
  constexpr size_t kMaxDepth = 16;
  if (MaxJsonDepth(text) > kMaxDepth) {
    return Invalid(std::string(what) + ": nested deeper than " + std::to_string(kMaxDepth) +
                   " levels");
  }
  // One set of keys per open object; nlohmann would silently keep the last duplicate.
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  const json::parser_callback_t check = [&](int /*depth*/, json::parse_event_t event,
                                            json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open.emplace_back();
    } else if (event == json::parse_event_t::object_end && !open.empty()) {
      open.pop_back();
    } else if (event == json::parse_event_t::key && !open.empty() &&
               !open.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  json j = json::parse(text, check, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Invalid(std::string(what) + ": not valid JSON");
  }
  if (!duplicate.empty()) {
    return Invalid(std::string(what) + ": duplicate key \"" + EscapeText(duplicate) + "\"");
  }
  return j;
}

Result<std::map<uint32_t, Bytes>> ParseMeasurementsJson(std::string_view text) {
  NA_ASSIGN_OR_RETURN(const json j, ParseJsonStrict(text, "measurements"));
  const json* obj = &j;
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
    if (key.rfind("PCR", 0) != 0) {
      return Invalid("unexpected key \"" + EscapeText(key) + "\" in Measurements");
    }
    NA_ASSIGN_OR_RETURN(const uint32_t index, ParsePcrIndex(key.substr(3), "Measurements"));
    if (!value.is_string()) {
      return Invalid(key + " is not a string");
    }
    NA_ASSIGN_OR_RETURN(Bytes bytes, ParsePcrValue(value.get<std::string>(), key));
    NA_TRY(AddPcr(&pcrs, index, std::move(bytes)));
  }
  if (pcrs.empty()) {
    return Invalid("Measurements has no PCR values");
  }
  return pcrs;
}

Result<PcrSet> LoadPcrSet(const std::string& argument) {
  if (argument != "-" && LooksLikeEif(argument)) {
    // The image itself: the PCRs it boots with, or a usage error for an image nitro-eif refuses.
    auto pcrs = PcrsFromEif(argument);
    if (!pcrs) {
      return MakeError(pcrs.error().code, "--pcrs-from " + pcrs.error().detail);
    }
    return PcrSet{argument, std::move(*pcrs)};
  }
  NA_ASSIGN_OR_RETURN(const Bytes text, ReadInput(argument, 1 << 20));
  auto pcrs = ParseMeasurementsJson(AsText(text));
  if (!pcrs) {
    return Invalid("--pcrs-from " + argument + ": " + pcrs.error().detail);
  }
  NA_TRY(RequireImagePcrs(*pcrs, "--pcrs-from " + argument));
  return PcrSet{argument, std::move(*pcrs)};
}

Result<VerifyOptions> BuildVerifyOptions(const PolicyFlags& f) {
  VerifyOptions o;
  if (f.at == "document") {
    o.at_document_time = true;
  } else if (!f.at.empty()) {
    auto at = ParseTime(f.at);
    if (!at) {
      return Invalid("--at: " + at.error().detail);
    }
    o.now = *at;
  }
  for (const std::string& spec : f.pcrs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos) {
      return Invalid("--pcr " + spec + ": expected INDEX=HEX");
    }
    NA_ASSIGN_OR_RETURN(const uint32_t index, ParsePcrIndex(spec.substr(0, eq), "--pcr"));
    NA_ASSIGN_OR_RETURN(Bytes value,
                        ParsePcrValue(spec.substr(eq + 1), "--pcr " + std::to_string(index)));
    NA_TRY(AddPcr(&o.pcrs, index, std::move(value)));
  }
  for (const std::string& argument : f.pcrs_from) {
    NA_ASSIGN_OR_RETURN(PcrSet set, LoadPcrSet(argument));
    o.pcr_sets.push_back(std::move(set));
  }
  if (f.max_age) {
    if (*f.max_age < 0 || *f.max_age > kMaxAgeSeconds) {
      return Invalid("--max-age must be 0.." + std::to_string(kMaxAgeSeconds) + " seconds");
    }
    o.max_age = std::chrono::seconds(*f.max_age);
  }
  o.allow_debug = f.allow_debug;
  NA_TRY(MergeExpected(f.nonce, std::nullopt, "--nonce", &o.nonce));
  NA_TRY(MergeExpected(f.user_data, std::nullopt, "--user-data", &o.user_data));
  NA_TRY(MergeExpected(f.public_key, std::nullopt, "--public-key", &o.public_key));
  NA_TRY(ApplyPolicyFile(f, &o));
  const bool pcr_policy = !o.pcrs.empty() || !o.pcr_sets.empty();
  if (f.any_image) {
    if (pcr_policy) {
      return Invalid("--any-image contradicts the PCR policy given (--pcr, --pcrs-from or --policy)");
    }
    o.allow_any_image = true;
  }
  if (pcr_policy && o.allow_any_image) {
    return Invalid("--policy: any_image contradicts the PCR policy given");
  }
  if (!pcr_policy && !o.allow_any_image) {
    return Invalid(
        "no PCR policy: give --pcr, --pcrs-from or --policy, or --any-image to accept any enclave");
  }
  return o;
}

void PinVerificationTime(VerifyOptions* o) {
  if (!o->now && !o->at_document_time) {
    o->now = NowTime();
  }
}

Status LoadRoots(const PolicyFlags& f, VerifyOptions* o) {
  if (f.roots.empty()) {
    return {};
  }
  std::vector<Bytes> roots;
  for (const std::string& path : f.roots) {
    if (path == kAwsRootName) {
      roots.push_back(VerifyOptions().roots.front());
      continue;
    }
    NA_ASSIGN_OR_RETURN(const Bytes pem, ReadInput(path, 1 << 16));
    auto der = PemCertificateToDer(pem);
    if (!der) {
      return Invalid("--root " + path + ": " + der.error().detail);
    }
    roots.push_back(std::move(*der));
  }
  o->roots = std::move(roots);
  return {};
}

}  // namespace nitro_attest::cli
