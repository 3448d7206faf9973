// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Proleptic Gregorian calendar arithmetic (internal), shared by the certificate time reader and
// utc_time.h. Algorithms from H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
#ifndef NITRO_ATTEST_SRC_COMMON_CIVIL_H_
#define NITRO_ATTEST_SRC_COMMON_CIVIL_H_

#include <cstdint>

namespace nitro_attest::civil {

// DaysFromCivil is the number of days from 1970-01-01 to y-m-d (m 1..12, d 1..31).
inline int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = m > 2 ? m - 3 : m + 9;
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Date {
  int64_t year;
  int month, day;
};

// CivilFromDays is DaysFromCivil's inverse.
inline Date CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Date{yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// DaysInMonth is the length of month m (1..12) of year y.
inline int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// ValidDateTime checks a calendar date and a time of day (no leap second).
inline bool ValidDateTime(int64_t y, int mon, int d, int h, int min, int s) {
  return mon >= 1 && mon <= 12 && d >= 1 && d <= DaysInMonth(y, mon) && h >= 0 && h <= 23 &&
         min >= 0 && min <= 59 && s >= 0 && s <= 59;
}

// SecondsFromCivil is the POSIX time of a valid date and time.
inline int64_t SecondsFromCivil(int64_t y, int mon, int d, int h, int min, int s) {
  return DaysFromCivil(y, mon, d) * 86400 + h * 3600 + min * 60 + s;
}

}  // namespace nitro_attest::civil

#endif  // NITRO_ATTEST_SRC_COMMON_CIVIL_H_
