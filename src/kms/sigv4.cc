// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/kms/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <map>

#include "nitro_attest/encoding.h"

namespace nitro_attest::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string Sha256Hex(std::span<const uint8_t> data) {
  std::array<uint8_t, 32> digest{};
  EVP_Digest(data.data(), data.size(), digest.data(), nullptr, EVP_sha256(), nullptr);
  return HexEncode(digest);
}

std::array<uint8_t, 32> Hmac(std::span<const uint8_t> key, std::string_view data) {
  std::array<uint8_t, 32> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// UriEncode percent-encodes everything but the unreserved characters (and '/' when asked).
std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

// UriDecode undoes percent-encoding; a '%' not followed by two hex digits stays as it is.
std::string UriDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const Result<std::vector<uint8_t>> byte =
        s[i] == '%' && i + 2 < s.size() ? HexDecode(s.substr(i + 1, 2))
                                        : Result<std::vector<uint8_t>>(std::vector<uint8_t>{});
    if (byte && byte->size() == 1) {
      out.push_back(static_cast<char>((*byte)[0]));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Split cuts `s` at every `sep`; an empty input gives one empty piece.
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? s.npos : end - start));
    if (end == std::string_view::npos) {
      return out;
    }
    start = end + 1;
  }
}

// CanonicalUri: RFC 3986 §5.2.4 dot-segment removal and no empty segments when normalizing
// (a trailing slash is kept), then each segment encoded.
std::string CanonicalUri(std::string_view path, bool normalize) {
  if (!normalize) {
    return UriEncode(path.empty() ? "/" : path, true);
  }
  std::vector<std::string_view> segments;
  for (const std::string_view seg : Split(path, '/')) {
    if (seg == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
  }
  std::string out;
  for (const std::string_view seg : segments) {
    out += "/" + UriEncode(seg, false);
  }
  const bool trailing = !path.empty() && path.back() == '/';
  if (out.empty() || trailing) {
    out += "/";
  }
  return out;
}

// CanonicalQuery: parameters decoded, re-encoded, sorted by key then value.
std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (const std::string_view item : Split(query, '&')) {
    if (!item.empty()) {
      const size_t eq = item.find('=');
      const std::string_view key = item.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
      params.emplace_back(UriEncode(UriDecode(key), false), UriEncode(UriDecode(value), false));
    }
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    out += (out.empty() ? "" : "&") + k + "=" + v;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// CanonicalValue trims the value and collapses each run of whitespace (folded lines included)
// into one space.
std::string CanonicalValue(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (const char c : v) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(c);
  }
  return out;
}

// Headers aws-c-auth never signs (aws_signing.c s_skipped_headers), plus the signature itself.
bool IsSkipped(std::string_view lower_name) {
  static constexpr std::array<std::string_view, 10> kSkipped = {
      "authorization", "x-amzn-trace-id",        "user-agent",            "connection",
      "expect",        "sec-websocket-key",      "sec-websocket-protocol", "sec-websocket-version",
      "upgrade",       "transfer-encoding"};
  return std::find(kSkipped.begin(), kSkipped.end(), lower_name) != kSkipped.end();
}

// CanonicalHeaders maps lowercase names to values; repeated names join with ','.
using HeaderMap = std::map<std::string, std::string>;

Result<HeaderMap> CanonicalHeaders(const std::vector<Header>& headers) {
  HeaderMap out;
  for (const auto& [name, value] : headers) {
    for (const char c : name + value) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t' && c != '\r' && c != '\n') || u == 0x7f) {
        return MakeError(ErrorCode::kInvalidArgument, "control character in a header");
      }
    }
    const std::string lower = Lower(name);
    auto [it, inserted] = out.emplace(lower, CanonicalValue(value));
    if (!inserted) {
      it->second += "," + CanonicalValue(value);
    }
  }
  return out;
}

std::string CanonicalRequest(const Request& r, const HeaderMap& headers,
                             const std::vector<std::string>& names, bool normalize) {
  std::string out = r.method + "\n" + CanonicalUri(r.path, normalize) + "\n" +
                    CanonicalQuery(r.query) + "\n";
  std::string list;
  for (const std::string& n : names) {
    out += n + ":" + headers.at(n) + "\n";
    list += (list.empty() ? "" : ";") + n;
  }
  return out + "\n" + list + "\n" + Sha256Hex(r.body);
}

std::string SignatureHex(std::string_view secret, const Scope& scope,
                         std::string_view string_to_sign) {
  std::string k_secret = "AWS4" + std::string(secret);
  auto k = Hmac(AsBytes(k_secret), scope.date);
  OPENSSL_cleanse(k_secret.data(), k_secret.size());
  k = Hmac(k, scope.region);
  k = Hmac(k, scope.service);
  k = Hmac(k, "aws4_request");
  const auto sig = Hmac(k, string_to_sign);
  OPENSSL_cleanse(k.data(), k.size());
  return HexEncode(sig);
}

std::string StringToSign(std::string_view amz_date, const Scope& scope, std::string_view creq) {
  return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + scope.ToString() + "\n" +
         Sha256Hex(AsBytes(creq));
}

}  // namespace

std::string FormatAmzDate(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Result<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view text) {
  const auto bad = [] { return MakeError(ErrorCode::kInvalidArgument, "X-Amz-Date is not YYYYMMDDTHHMMSSZ"); };
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') {
    return bad();
  }
  int f[6] = {};
  const size_t pos[6] = {0, 4, 6, 9, 11, 13};
  const size_t len[6] = {4, 2, 2, 2, 2, 2};
  for (int i = 0; i < 6; ++i) {
    for (size_t j = 0; j < len[i]; ++j) {
      const char c = text[pos[i] + j];
      if (c < '0' || c > '9') {
        return bad();
      }
      f[i] = f[i] * 10 + (c - '0');
    }
  }
  using namespace std::chrono;
  const year_month_day ymd{year{f[0]}, month{static_cast<unsigned>(f[1])},
                           day{static_cast<unsigned>(f[2])}};
  if (!ymd.ok() || f[3] > 23 || f[4] > 59 || f[5] > 59) {
    return bad();
  }
  return system_clock::time_point(sys_days(ymd)) + hours(f[3]) + minutes(f[4]) + seconds(f[5]);
}

Result<Signed> Sign(const Request& request, const SigningParams& params) {
  const std::string amz_date = FormatAmzDate(params.time);
  const Scope scope{amz_date.substr(0, 8), params.region, params.service};
  Signed out;
  out.added_headers.emplace_back("X-Amz-Date", amz_date);
  if (!params.session_token.empty() && !params.omit_session_token) {
    out.added_headers.emplace_back("X-Amz-Security-Token", params.session_token);
  }
  if (params.sign_body) {
    out.added_headers.emplace_back("X-Amz-Content-Sha256", Sha256Hex(request.body));
  }
  std::vector<Header> all = request.headers;
  all.insert(all.end(), out.added_headers.begin(), out.added_headers.end());
  NA_ASSIGN_OR_RETURN(const HeaderMap headers, CanonicalHeaders(all));
  if (headers.count("host") == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "a signed request needs a Host header");
  }
  std::vector<std::string> names;
  for (const auto& [name, value] : headers) {
    if (!IsSkipped(name)) {
      names.push_back(name);
    }
  }
  out.canonical_request = CanonicalRequest(request, headers, names, params.normalize_path);
  out.string_to_sign = StringToSign(amz_date, scope, out.canonical_request);
  out.signature = SignatureHex(params.secret_access_key, scope, out.string_to_sign);
  std::string list;
  for (const std::string& n : names) {
    list += (list.empty() ? "" : ";") + n;
  }
  out.authorization = std::string(kAlgorithm) + " Credential=" + params.access_key_id + "/" +
                      scope.ToString() + ", SignedHeaders=" + list +
                      ", Signature=" + out.signature;
  if (!params.session_token.empty() && params.omit_session_token) {
    out.added_headers.emplace_back("X-Amz-Security-Token", params.session_token);
  }
  out.added_headers.emplace_back("Authorization", out.authorization);
  return out;
}

Result<Authorization> ParseAuthorization(std::string_view value) {
  const auto bad = [](const char* why) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("Authorization header: ") + why);
  };
  if (value.substr(0, kAlgorithm.size()) != kAlgorithm || value.size() == kAlgorithm.size() ||
      value[kAlgorithm.size()] != ' ') {
    return bad("not AWS4-HMAC-SHA256");
  }
  value.remove_prefix(kAlgorithm.size() + 1);
  Authorization out;
  bool have_credential = false, have_headers = false, have_signature = false;
  for (std::string_view item : Split(value, ',')) {
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return bad("component without '='");
    }
    const std::string_view key = item.substr(0, eq), v = item.substr(eq + 1);
    if (key == "Credential" && !have_credential) {
      const std::vector<std::string_view> parts = Split(v, '/');
      if (parts.size() != 5 || parts[4] != "aws4_request" || parts[0].empty()) {
        return bad("Credential is not AKID/DATE/REGION/SERVICE/aws4_request");
      }
      out.access_key_id = std::string(parts[0]);
      out.scope = Scope{std::string(parts[1]), std::string(parts[2]), std::string(parts[3])};
      have_credential = true;
    } else if (key == "SignedHeaders" && !have_headers) {
      for (const std::string_view h : Split(v, ';')) {
        out.signed_headers.emplace_back(h);
      }
      have_headers = true;
    } else if (key == "Signature" && !have_signature) {
      out.signature = std::string(v);
      have_signature = true;
    } else {
      return bad("unknown or repeated component");
    }
  }
  if (!have_credential || !have_headers || !have_signature) {
    return bad("Credential, SignedHeaders and Signature are all required");
  }
  return out;
}

Result<std::string> Expected(const Request& request, const Authorization& auth,
                             std::string_view secret, std::string_view amz_date,
                             bool normalize_path) {
  NA_ASSIGN_OR_RETURN(const HeaderMap headers, CanonicalHeaders(request.headers));
  for (size_t i = 0; i < auth.signed_headers.size(); ++i) {
    const std::string& n = auth.signed_headers[i];
    if (n.empty() || n != Lower(n) || (i > 0 && !(auth.signed_headers[i - 1] < n))) {
      return MakeError(ErrorCode::kInvalidArgument, "SignedHeaders is not sorted, unique, lowercase");
    }
    if (headers.count(n) == 0) {
      return MakeError(ErrorCode::kInvalidArgument, "signed header " + n + " is missing");
    }
  }
  const std::string creq = CanonicalRequest(request, headers, auth.signed_headers, normalize_path);
  return SignatureHex(secret, auth.scope, StringToSign(amz_date, auth.scope, creq));
}

}  // namespace nitro_attest::sigv4
