// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/utc_time.h"

#include <cstdio>

#include "src/common/civil.h"

namespace nitro_attest {
namespace {

using std::chrono::milliseconds;

// Digits reads `n` ASCII digits at `pos` as a number.
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) {
    return false;
  }
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Millis reads a fraction's digits at *pos (at least one), keeping the first three.
bool Millis(std::string_view s, size_t* pos, int64_t* ms) {
  size_t n = 0;
  *ms = 0;
  for (; *pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9'; ++*pos, ++n) {
    if (n < 3) {
      *ms = *ms * 10 + (s[*pos] - '0');
    }
  }
  for (size_t k = n; k < 3; ++k) {
    *ms *= 10;
  }
  return n > 0;
}

// ParseUnixSeconds reads "SECONDS[.FRACTION]"; nullopt when it is not that form.
std::optional<int64_t> ParseUnixSeconds(std::string_view text) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  // 12 digits hold every second up to year 9999 and cannot overflow.
  if (whole.empty() || whole.size() > 12 ||
      whole.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int64_t secs = 0;
  for (const char c : whole) {
    secs = secs * 10 + (c - '0');
  }
  int64_t ms = 0;
  if (dot != std::string_view::npos) {
    size_t pos = dot + 1;
    if (!Millis(text, &pos, &ms) || pos != text.size()) {
      return std::nullopt;
    }
  }
  return secs * 1000 + ms;
}

// ParseRfc3339 reads YYYY-MM-DD[T ]HH:MM:SS[.fff...](Z|+HH:MM|-HH:MM); nullopt otherwise.
std::optional<int64_t> ParseRfc3339(std::string_view text) {
  int year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0;
  if (text.size() < 20 || !Digits(text, 0, 4, &year) || text[4] != '-' ||
      !Digits(text, 5, 2, &mon) || text[7] != '-' || !Digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !Digits(text, 11, 2, &hour) ||
      text[13] != ':' || !Digits(text, 14, 2, &min) || text[16] != ':' ||
      !Digits(text, 17, 2, &sec) || !civil::ValidDateTime(year, mon, day, hour, min, sec)) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t ms = 0;
  if (text[pos] == '.') {
    ++pos;
    if (!Millis(text, &pos, &ms)) {
      return std::nullopt;
    }
  }
  int64_t offset_min = 0;
  if (pos + 1 == text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    // UTC
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') &&
             text[pos + 3] == ':') {
    int oh = 0, om = 0;
    if (!Digits(text, pos + 1, 2, &oh) || !Digits(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (text[pos] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  return (civil::SecondsFromCivil(year, mon, day, hour, min, sec) - offset_min * 60) * 1000 + ms;
}

}  // namespace

Time NowTime() {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
}

std::optional<Time> TimeFromUnixMs(uint64_t ms) {
  if (ms > static_cast<uint64_t>(kMaxVerifyTime.time_since_epoch().count())) {
    return std::nullopt;
  }
  return Time(milliseconds(static_cast<int64_t>(ms)));
}

std::optional<std::string> FormatTime(Time t) {
  const int64_t total = t.time_since_epoch().count();
  // Floor division keeps times before 1970 on the right day and second.
  int64_t days = total / 86'400'000;
  int64_t rem = total % 86'400'000;
  if (rem < 0) {
    rem += 86'400'000;
    days -= 1;
  }
  const civil::Date date = civil::CivilFromDays(days);
  if (date.year < 0 || date.year > 9999) {
    return std::nullopt;
  }
  const int64_t secs = rem / 1000;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year), date.month, date.day, static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                static_cast<int>(rem % 1000));
  return std::string(buf);
}

Result<Time> ParseTime(std::string_view text) {
  const std::optional<int64_t> ms =
      text.find_first_not_of("0123456789.") == std::string_view::npos ? ParseUnixSeconds(text)
                                                                       : ParseRfc3339(text);
  if (!ms) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "time is neither Unix seconds nor an RFC 3339 date and time "
                     "(2024-11-14T23:46:29Z) on a real calendar day");
  }
  const Time t{milliseconds(*ms)};
  if (t < kMinVerifyTime || t > kMaxVerifyTime) {
    return MakeError(ErrorCode::kInvalidArgument, "time is outside the years 1970..9999");
  }
  return t;
}

}  // namespace nitro_attest
