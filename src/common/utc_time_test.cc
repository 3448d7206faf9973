// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/utc_time.h"

#include <gtest/gtest.h>

#include <ctime>

#include "src/common/civil.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using std::chrono::milliseconds;

int64_t Ms(const Result<Time>& t) { return t ? t->time_since_epoch().count() : -1; }

TEST(ParseTimeTest, UnixSecondsAndRfc3339) {
  EXPECT_EQ(Ms(ParseTime("1731627989")), 1731627989000);
  EXPECT_EQ(Ms(ParseTime("1731627989.45")), 1731627989450);
  EXPECT_EQ(Ms(ParseTime("1731627989.4567")), 1731627989456);
  EXPECT_EQ(Ms(ParseTime("0")), 0);
  EXPECT_EQ(Ms(ParseTime("2024-11-14T23:46:29.450Z")), 1731627989450);
  EXPECT_EQ(Ms(ParseTime("2024-11-14 23:46:29Z")), 1731627989000);
  EXPECT_EQ(Ms(ParseTime("2024-11-14t23:46:29z")), 1731627989000);
  EXPECT_EQ(Ms(ParseTime("2024-11-15T00:46:29+01:00")), 1731627989000);
  EXPECT_EQ(Ms(ParseTime("2024-11-14T22:46:29-01:00")), 1731627989000);
  EXPECT_EQ(Ms(ParseTime("2024-02-29T00:00:00Z")), 1709164800000);  // a leap day
  EXPECT_EQ(Ms(ParseTime("2000-02-29T00:00:00Z")), 951782400000);
  EXPECT_EQ(FormatTime(*ParseTime("2024-11-14T23:46:29.450Z")), "2024-11-14T23:46:29.450Z");
}

TEST(ParseTimeTest, TheWholeRangeAndNothingOutsideIt) {
  EXPECT_EQ(*ParseTime("1970-01-01T00:00:00Z"), kMinVerifyTime);
  EXPECT_EQ(*ParseTime("9999-12-31T23:59:59.999Z"), kMaxVerifyTime);
  EXPECT_EQ(*ParseTime("253402300799.999"), kMaxVerifyTime);
  // Past 2262 (where system_clock's nanoseconds end) nothing wraps.
  EXPECT_EQ(Ms(ParseTime("3000-01-01T00:00:00Z")), 32503680000000);
  EXPECT_GT(*ParseTime("2263-01-01T00:00:00Z"), *ParseTime("2262-01-01T00:00:00Z"));
  for (const char* bad : {"1969-12-31T23:59:59Z", "1970-01-01T00:30:00+01:00", "253402300800",
                          "10000-01-01T00:00:00Z", "9999-12-31T23:59:59-00:01",
                          "9999999999999", "0000-01-01T00:00:00Z"}) {
    EXPECT_THAT(ParseTime(bad), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
}

TEST(ParseTimeTest, RejectsImpossibleDatesAndGarbage) {
  for (const char* bad :
       {"", ".", "1.", ".5", "1.2.3", "12a", "2026-02-31T00:00:00Z", "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-01T24:00:00Z",
        "2024-01-01T23:60:00Z", "2024-12-31T23:59:60Z", "2024-01-01T00:00:00",
        "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+1:00", "2024-01-01T00:00:00+24:00",
        "2024-01-01X00:00:00Z", "2024-1-01T00:00:00Z", "2024-01-01T00:00:00ZZ",
        "-1", "+1", "1e9", " 1", "1 ", "yesterday", "2024-11-14", "2024-11-14T23:46:29+0100"}) {
    EXPECT_THAT(ParseTime(bad), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
}

TEST(FormatTimeTest, YearsZeroToNineThousandNineHundredNinetyNine) {
  EXPECT_EQ(FormatTime(Time{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTime(kMaxVerifyTime), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTime(Time(milliseconds(-1))), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTime(Time(milliseconds(-62167219200000))), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTime(Time(milliseconds(-62167219200001))), std::nullopt);
  EXPECT_EQ(FormatTime(kMaxVerifyTime + milliseconds(1)), std::nullopt);
  EXPECT_EQ(FormatTime(Time::max()), std::nullopt);
  EXPECT_EQ(FormatTime(Time::min()), std::nullopt);
  // The largest document timestamp (2^64 - 1 ms) is not a Time: nothing to format.
  EXPECT_EQ(TimeFromUnixMs(UINT64_MAX), std::nullopt);
  EXPECT_EQ(TimeFromUnixMs(253402300799999), kMaxVerifyTime);
  EXPECT_EQ(TimeFromUnixMs(253402300800000), std::nullopt);
}

TEST(FormatTimeTest, AgreesWithGmtimeAndRoundTrips) {
  // Every 997th day from 1950 to 9999, at a varying time of day.
  for (int64_t day = -7305; day < 2932896; day += 997) {
    const int64_t ms = day * 86'400'000 + (day % 86'400) * 1000 + day % 1000;
    const time_t secs = static_cast<time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
    std::tm tm{};
    ASSERT_NE(gmtime_r(&secs, &tm), nullptr);
    const auto text = FormatTime(Time(milliseconds(ms)));
    ASSERT_TRUE(text.has_value());
    char expected[64];
    std::snprintf(expected, sizeof(expected), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    EXPECT_EQ(text->substr(0, 19), expected) << ms;
    if (ms >= 0) {
      EXPECT_EQ(Ms(ParseTime(*text)), ms) << *text;
    }
  }
}

TEST(CivilTest, DaysRoundTrip) {
  for (int64_t z = -800000; z < 3000000; z += 331) {
    const civil::Date d = civil::CivilFromDays(z);
    EXPECT_EQ(civil::DaysFromCivil(d.year, d.month, d.day), z);
  }
}

}  // namespace
}  // namespace nitro_attest
