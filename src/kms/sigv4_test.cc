// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// SigV4 against every v4 case of aws-c-auth's signing test suite (../shared/vectors/sigv4),
// and the checker the KMS test service uses.
#include "src/kms/sigv4.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "testing/matchers.h"
#include "testing/test_util.h"

namespace nitro_attest::sigv4 {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

std::string ReadText(const std::filesystem::path& p) {
  const auto bytes = ::nitro_attest::testing::ReadFileBytes(p);
  return std::string(bytes.begin(), bytes.end());
}

// SuiteRequest parses request.txt: request line (the target may hold spaces), headers with
// folded continuation lines, a blank line, the body.
struct SuiteRequest {
  Request request;
  std::string body;
};

SuiteRequest ParseSuiteRequest(const std::string& text) {
  SuiteRequest out;
  size_t pos = text.find('\n');
  const std::string line = text.substr(0, pos);
  const size_t first = line.find(' '), last = line.rfind(' ');
  out.request.method = line.substr(0, first);
  const std::string target = line.substr(first + 1, last - first - 1);
  const size_t q = target.find('?');
  out.request.path = target.substr(0, q);
  out.request.query = q == std::string::npos ? "" : target.substr(q + 1);
  pos = pos == std::string::npos ? text.size() : pos + 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) {
      end = text.size();
    }
    const std::string l = text.substr(pos, end - pos);
    pos = end + 1;
    if (l.empty()) {
      out.body = pos < text.size() ? text.substr(pos) : "";
      break;
    }
    if ((l[0] == ' ' || l[0] == '\t') && !out.request.headers.empty()) {
      out.request.headers.back().second += "\n" + l;
      continue;
    }
    const size_t colon = l.find(':');
    out.request.headers.emplace_back(l.substr(0, colon), l.substr(colon + 1));
  }
  return out;
}

TEST(SigV4Suite, EveryV4CaseReproduced) {
  NA_REQUIRE_SHARED();
  const auto dir = *::nitro_attest::testing::SharedDir() / "vectors" / "sigv4";
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_directory()) {
      continue;
    }
    SCOPED_TRACE(entry.path().filename().string());
    const auto ctx = nlohmann::json::parse(ReadText(entry.path() / "context.json"));
    SuiteRequest req = ParseSuiteRequest(ReadText(entry.path() / "request.txt"));
    req.request.body = std::span(reinterpret_cast<const uint8_t*>(req.body.data()), req.body.size());
    SigningParams params;
    params.access_key_id = ctx["credentials"]["access_key_id"];
    params.secret_access_key = ctx["credentials"]["secret_access_key"];
    params.session_token = ctx["credentials"].value("token", "");
    params.omit_session_token = ctx.value("omit_session_token", false);
    params.region = ctx["region"];
    params.service = ctx["service"];
    params.normalize_path = ctx["normalize"];
    params.sign_body = ctx["sign_body"];
    const std::string ts = ctx["timestamp"];  // 2015-08-30T12:36:00Z
    auto time = ParseAmzDate(ts.substr(0, 4) + ts.substr(5, 2) + ts.substr(8, 2) + "T" +
                             ts.substr(11, 2) + ts.substr(14, 2) + ts.substr(17, 2) + "Z");
    ASSERT_THAT(time, IsOk());
    params.time = *time;

    const Result<Signed> s = Sign(req.request, params);
    ASSERT_THAT(s, IsOk());
    EXPECT_EQ(s->canonical_request, ReadText(entry.path() / "header-canonical-request.txt"));
    EXPECT_EQ(s->string_to_sign, ReadText(entry.path() / "header-string-to-sign.txt"));
    EXPECT_EQ(s->signature, ReadText(entry.path() / "header-signature.txt"));

    // The checker recomputes the same signature from the signed request.
    Request sent = req.request;
    sent.headers.insert(sent.headers.end(), s->added_headers.begin(), s->added_headers.end());
    const Result<Authorization> auth = ParseAuthorization(s->authorization);
    ASSERT_THAT(auth, IsOk());
    EXPECT_EQ(auth->access_key_id, params.access_key_id);
    EXPECT_EQ(auth->scope.ToString(), "20150830/us-east-1/" + params.service + "/aws4_request");
    const Result<std::string> expected = Expected(sent, *auth, params.secret_access_key,
                                                  FormatAmzDate(params.time), params.normalize_path);
    ASSERT_THAT(expected, IsOk());
    EXPECT_EQ(*expected, s->signature);
    ++cases;
  }
  EXPECT_EQ(cases, 38);  // the whole v4 folder: no case silently skipped
}

// The request's body span points into `body`, which must outlive it.
Request KmsRequest(const std::string& body) {
  Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", "kms.us-east-1.amazonaws.com"},
               {"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "TrentService.Decrypt"},
               {"User-Agent", "nitro-attest"},
               {"Content-Length", std::to_string(body.size())}};
  r.body = std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  return r;
}

SigningParams KmsParams() {
  SigningParams p;
  p.access_key_id = "AKIDEXAMPLE";
  p.secret_access_key = "secret";
  p.session_token = "token";
  p.region = "us-east-1";
  p.service = "kms";
  p.time = std::chrono::sys_days(std::chrono::year{2026} / 1 / 2) + std::chrono::hours(3);
  p.sign_body = true;
  return p;
}

TEST(SigV4, KmsRequestSignsTokenBodyHashAndTargetButNotUserAgent) {
  const std::string body = R"({"CiphertextBlob":"AAAA"})";
  const Result<Signed> s = Sign(KmsRequest(body), KmsParams());
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(s->authorization,
              ::testing::HasSubstr("SignedHeaders=content-length;content-type;host;"
                                   "x-amz-content-sha256;x-amz-date;x-amz-security-token;"
                                   "x-amz-target,"));
  EXPECT_THAT(s->authorization,
              ::testing::HasSubstr("Credential=AKIDEXAMPLE/20260102/us-east-1/kms/aws4_request"));
}

TEST(SigV4, CheckerRejectsAlteredBodyAndMissingSignedHeader) {
  const std::string body = R"({"CiphertextBlob":"AAAA"})";
  const SigningParams params = KmsParams();
  const Result<Signed> s = Sign(KmsRequest(body), params);
  ASSERT_THAT(s, IsOk());
  const Result<Authorization> auth = ParseAuthorization(s->authorization);
  ASSERT_THAT(auth, IsOk());

  const std::string altered = R"({"CiphertextBlob":"AAAB"})";
  Request sent = KmsRequest(altered);
  sent.headers.insert(sent.headers.end(), s->added_headers.begin(), s->added_headers.end());
  const Result<std::string> e = Expected(sent, *auth, "secret", FormatAmzDate(params.time), true);
  ASSERT_THAT(e, IsOk());
  EXPECT_NE(*e, s->signature);

  Request without_token = KmsRequest(body);
  for (const Header& h : s->added_headers) {
    if (h.first != "X-Amz-Security-Token") {
      without_token.headers.push_back(h);
    }
  }
  EXPECT_THAT(Expected(without_token, *auth, "secret", FormatAmzDate(params.time), true),
              HasCode(ErrorCode::kInvalidArgument));
}

TEST(SigV4, ParseAuthorizationRefusesOtherForms) {
  for (const char* bad : {"", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1 Credential=a/b/c/d/aws4_request, "
                          "SignedHeaders=host, Signature=00",
                          "AWS4-HMAC-SHA256 Credential=a/b/c/aws4_request, SignedHeaders=host, "
                          "Signature=00",
                          "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, Signature=00",
                          "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host, "
                          "Signature=00, Signature=00",
                          "AWS4-HMAC-SHA256 Credential=a/b/c/d/x, SignedHeaders=host, Signature=0"}) {
    EXPECT_THAT(ParseAuthorization(bad), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
}

TEST(SigV4, AmzDateRoundTripsAndRefusesNonDates) {
  const auto t = KmsParams().time;
  EXPECT_EQ(FormatAmzDate(t), "20260102T030000Z");
  const auto back = ParseAmzDate("20260102T030000Z");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, t);
  for (const char* bad : {"", "20260102T030000", "20260230T000000Z", "2026010xT030000Z",
                          "20260102T250000Z", "20260102 030000Z"}) {
    EXPECT_THAT(ParseAmzDate(bad), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
}

TEST(SigV4, RefusesControlCharactersAndMissingHost) {
  const std::string body = "{}";  // the request's body span points into this
  Request r = KmsRequest(body);
  r.headers.emplace_back("X-Evil", std::string("a\0b", 3));
  EXPECT_THAT(Sign(r, KmsParams()), HasCode(ErrorCode::kInvalidArgument));
  Request no_host = KmsRequest(body);
  no_host.headers.erase(no_host.headers.begin());
  EXPECT_THAT(Sign(no_host, KmsParams()), HasCode(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace nitro_attest::sigv4
