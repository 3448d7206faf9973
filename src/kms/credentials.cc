// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// AWS credentials (instance-metadata JSON, environment) and KMS endpoint names.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "nitro_attest/kms.h"
#include "src/kms/internal.h"

namespace nitro_attest {
namespace {

// WipeJson overwrites every string held in `j` (parsed credentials leave copies there).
void WipeJson(nlohmann::json& j) {
  if (j.is_string()) {
    Wipe(j.get_ref<std::string&>());
  } else if (j.is_structured()) {
    for (auto& v : j) {
      WipeJson(v);
    }
  }
}

}  // namespace

Result<AwsCredentials> ParseCredentialsJson(std::span<const uint8_t> json) {
  nlohmann::json j = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  const auto bad = [&j](const std::string& what) {
    WipeJson(j);
    return MakeError(ErrorCode::kInvalidArgument, "credentials JSON: " + what);
  };
  if (j.is_discarded() || !j.is_object()) {
    return bad("not a JSON object");
  }
  AwsCredentials out;
  const auto take = [&j](const char* name, std::string* field) {
    const auto it = j.find(name);
    if (it == j.end() || it->is_null()) {
      return true;
    }
    if (!it->is_string()) {
      return false;
    }
    *field = it->get<std::string>();
    return true;
  };
  std::string expiration;
  if (!take("AccessKeyId", &out.access_key_id) || !take("SecretAccessKey", &out.secret_access_key) ||
      !take("Token", &out.session_token) || !take("Expiration", &expiration)) {
    return bad("a member is not a string");
  }
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    return bad("AccessKeyId and SecretAccessKey are required");
  }
  if (!expiration.empty()) {
    Result<std::chrono::system_clock::time_point> t = kms::ParseRfc3339(expiration);
    if (!t) {
      return bad("Expiration is not an RFC 3339 time");
    }
    out.expiration = *t;
  }
  WipeJson(j);
  return out;
}

SecretBytes CredentialsToJson(const AwsCredentials& c) {
  nlohmann::json j = {{"AccessKeyId", c.access_key_id}, {"SecretAccessKey", c.secret_access_key}};
  if (!c.session_token.empty()) {
    j["Token"] = c.session_token;
  }
  if (c.expiration) {
    j["Expiration"] = kms::FormatRfc3339(*c.expiration);
  }
  std::string text = j.dump();
  SecretBytes out(text.begin(), text.end());
  Wipe(text);
  WipeJson(j);
  return out;
}

Result<AwsCredentials> CredentialsFromEnvironment() {
  const char* id = std::getenv("AWS_ACCESS_KEY_ID");
  const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
  const char* token = std::getenv("AWS_SESSION_TOKEN");
  if (id == nullptr || secret == nullptr || *id == '\0' || *secret == '\0') {
    return MakeError(ErrorCode::kInvalidArgument,
                     "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set");
  }
  AwsCredentials out;
  out.access_key_id = id;
  out.secret_access_key = secret;
  out.session_token = token != nullptr ? token : "";
  return out;
}

Result<std::string> KmsEndpointHost(std::string_view region) {
  if (region.empty() || region.size() > 64 ||
      !std::all_of(region.begin(), region.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      })) {
    return MakeError(ErrorCode::kInvalidArgument, "region must be lowercase letters, digits, '-'");
  }
  // The partition suffixes kmstool uses (aws-nitro-enclaves-sdk-c source/rest.c).
  static constexpr std::pair<std::string_view, std::string_view> kSuffixes[] = {
      {"cn-", "amazonaws.com.cn"},     {"eusc-", "amazonaws.eu"},
      {"us-isob-", "sc2s.sgov.gov"},   {"us-isof-", "csp.hci.ic.gov"},
      {"us-iso-", "c2s.ic.gov"},       {"eu-isoe-", "cloud.adc-e.uk"}};
  std::string_view suffix = "amazonaws.com";
  for (const auto& [prefix, s] : kSuffixes) {
    if (region.substr(0, prefix.size()) == prefix) {
      suffix = s;
      break;
    }
  }
  return "kms." + std::string(region) + "." + std::string(suffix);
}

namespace kms {

Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction]Z
  const auto bad = [] { return MakeError(ErrorCode::kInvalidArgument, "not an RFC 3339 UTC time"); };
  if (s.size() < 20 || s.back() != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
      s[13] != ':' || s[16] != ':') {
    return bad();
  }
  const auto num = [&s](size_t at, size_t n, int* out) {
    *out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') {
        return false;
      }
      *out = *out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!num(0, 4, &y) || !num(5, 2, &mo) || !num(8, 2, &d) || !num(11, 2, &h) ||
      !num(14, 2, &mi) || !num(17, 2, &sec) || h > 23 || mi > 59 || sec > 60) {
    return bad();
  }
  std::string_view frac = s.substr(19, s.size() - 20);
  if (!frac.empty() && (frac[0] != '.' || frac.size() < 2 ||
                        !std::all_of(frac.begin() + 1, frac.end(),
                                     [](char c) { return c >= '0' && c <= '9'; }))) {
    return bad();
  }
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    return bad();
  }
  return system_clock::time_point(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(sec);
}

std::string FormatRfc3339(std::chrono::system_clock::time_point t) {
  const std::string amz = sigv4::FormatAmzDate(t);  // YYYYMMDDTHHMMSSZ
  return amz.substr(0, 4) + "-" + amz.substr(4, 2) + "-" + amz.substr(6, 2) + "T" +
         amz.substr(9, 2) + ":" + amz.substr(11, 2) + ":" + amz.substr(13, 2) + "Z";
}

}  // namespace kms
}  // namespace nitro_attest
