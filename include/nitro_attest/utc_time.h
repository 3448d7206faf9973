// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// utc_time.h: the library's one time type and its text forms. std::chrono::system_clock counts
// nanoseconds in 64 bits and so covers only the years 1677-2262: a later time given to it
// wraps around. Time counts milliseconds (about 292 million years either side of 1970), and
// every comparison the library makes on it is overflow-free.
#ifndef NITRO_ATTEST_UTC_TIME_H_
#define NITRO_ATTEST_UTC_TIME_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nitro_attest/result.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// Time is a UTC instant in milliseconds since 1970-01-01T00:00:00Z (leap seconds not counted,
// as in POSIX time). A system_clock::time_point converts to it with
// std::chrono::time_point_cast<std::chrono::milliseconds>.
using Time = std::chrono::sys_time<std::chrono::milliseconds>;

// kMinVerifyTime and kMaxVerifyTime bound a verification time and what ParseTime accepts:
// 1970-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z.
inline constexpr Time kMinVerifyTime{};
inline constexpr Time kMaxVerifyTime{std::chrono::milliseconds(253402300799999)};

// NowTime returns the system clock, in milliseconds.
Time NowTime();

// TimeFromUnixMs returns a document timestamp (milliseconds since the epoch, unsigned 64-bit)
// as a Time, or nullopt when it lies after kMaxVerifyTime.
std::optional<Time> TimeFromUnixMs(uint64_t ms);

// FormatTime returns RFC 3339 UTC with milliseconds ("2024-11-14T23:46:29.450Z") for times in
// the years 0000..9999, or nullopt for any other time (no four-digit year can say it).
std::optional<std::string> FormatTime(Time t);

// ParseTime accepts Unix seconds with an optional fraction ("1731627989.45") or RFC 3339
// ("2024-11-14T23:46:29Z", "2024-11-15T00:46:29.450+01:00"; 'T' or a space), a real calendar
// date and time (no February 30, no second 60), between kMinVerifyTime and kMaxVerifyTime.
// Digits past milliseconds are dropped. Returns kInvalidArgument otherwise.
Result<Time> ParseTime(std::string_view text);

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_UTC_TIME_H_
