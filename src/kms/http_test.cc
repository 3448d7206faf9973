// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The HTTP/1.1 message parser: framing (Content-Length, chunked, close-delimited), limits and
// refusals, incremental input.
#include "src/kms/http.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/matchers.h"

namespace nitro_attest::http {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

std::span<const uint8_t> B(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Result<std::optional<Message>> P(std::string_view s, Kind kind = Kind::kResponse, bool eof = false,
                                 size_t* consumed = nullptr, Limits limits = {}) {
  size_t c = 0;
  return Parse(B(s), kind, limits, eof, consumed != nullptr ? consumed : &c);
}

TEST(HttpParse, ContentLengthResponseEveryPrefixIsIncomplete) {
  const std::string r =
      "HTTP/1.1 400 Bad Request\r\nx-amzn-RequestId: 1\r\nContent-Type: application/x-amz-json-1.1"
      "\r\nContent-Length: 5\r\n\r\nhelloNEXT";
  for (size_t n = 0; n < r.size() - 4; ++n) {
    const auto m = P(r.substr(0, n));
    ASSERT_THAT(m, IsOk()) << n;
    EXPECT_FALSE(m->has_value()) << n;
  }
  size_t consumed = 0;
  const auto m = P(r, Kind::kResponse, false, &consumed);
  ASSERT_THAT(m, IsOk());
  ASSERT_TRUE(m->has_value());
  EXPECT_EQ((*m)->status, 400);
  EXPECT_EQ((*m)->reason, "Bad Request");
  EXPECT_EQ(std::string((*m)->body.begin(), (*m)->body.end()), "hello");
  EXPECT_EQ(consumed, r.size() - 4);
  ASSERT_NE((*m)->Find("x-amzn-requestid"), nullptr);
  EXPECT_EQ(*(*m)->Find("X-AMZN-REQUESTID"), "1");
}

TEST(HttpParse, ChunkedAndCloseDelimitedBodies) {
  const auto m = P("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n"
                   "2\r\nde\r\n0\r\nTrailer: 1\r\n\r\n");
  ASSERT_THAT(m, IsOk());
  ASSERT_TRUE(m->has_value());
  EXPECT_EQ(std::string((*m)->body.begin(), (*m)->body.end()), "abcde");
  const std::string close = "HTTP/1.0 200 OK\r\n\r\nall of it";
  const auto open = P(close);
  ASSERT_THAT(open, IsOk());
  EXPECT_FALSE(open->has_value());
  const auto done = P(close, Kind::kResponse, true);
  ASSERT_THAT(done, IsOk());
  ASSERT_TRUE(done->has_value());
  EXPECT_EQ((*done)->body.size(), 9u);
}

TEST(HttpParse, Requests) {
  const auto m = P("POST / HTTP/1.1\r\nHost: kms\r\nContent-Length: 2\r\n\r\n{}", Kind::kRequest);
  ASSERT_THAT(m, IsOk());
  ASSERT_TRUE(m->has_value());
  EXPECT_EQ((*m)->method, "POST");
  EXPECT_EQ((*m)->target, "/");
  const auto no_body = P("GET /x HTTP/1.1\r\nHost: kms\r\n\r\n", Kind::kRequest);
  ASSERT_THAT(no_body, IsOk());
  ASSERT_TRUE(no_body->has_value());
  EXPECT_TRUE((*no_body)->body.empty());
}

TEST(HttpParse, RefusesWhatIsNotStrictHttp) {
  Limits small;
  small.max_body = 4;
  small.max_head = 64;
  for (const char* bad : {
           "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 999 X\r\n\r\n",
           "HTTP/1.1 200OK\r\n\r\n", "HTTP/1.1 200 OK\r\nNo colon\r\n\r\n",
           "HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n", "HTTP/1.1 200 OK\r\n: v\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
           "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc",
           "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n"}) {
    const auto m = P(bad, Kind::kResponse, false, nullptr, small);
    EXPECT_THAT(m, HasCode(ErrorCode::kTransportError)) << bad;
  }
  // Oversize header section even before it ends.
  EXPECT_THAT(P("HTTP/1.1 200 OK\r\nX: " + std::string(100, 'a'), Kind::kResponse, false, nullptr,
                small),
              HasCode(ErrorCode::kTransportError));
  // Truncation at the peer's close.
  EXPECT_THAT(P("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", Kind::kResponse, true),
              HasCode(ErrorCode::kTransportError));
  EXPECT_THAT(P("", Kind::kResponse, true), HasCode(ErrorCode::kTransportError));
  EXPECT_THAT(P("GET / HTTP/1.0\r\n\r\n", Kind::kRequest), HasCode(ErrorCode::kTransportError));
}

TEST(HttpSerialize, RoundTrips) {
  Message m;
  m.method = "POST";
  m.target = "/";
  m.headers = {{"Host", "kms.us-east-1.amazonaws.com"}};
  m.body = {'{', '}'};
  const Bytes wire = Serialize(m, Kind::kRequest);
  size_t consumed = 0;
  const auto back = Parse(wire, Kind::kRequest, {}, false, &consumed);
  ASSERT_THAT(back, IsOk());
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(consumed, wire.size());
  EXPECT_EQ((*back)->body, m.body);
  EXPECT_EQ(*(*back)->Find("content-length"), "2");
}

}  // namespace
}  // namespace nitro_attest::http
