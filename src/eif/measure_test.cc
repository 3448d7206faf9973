// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The measuring pipeline: threaded and inline give nitro-cli's formula for any chunking.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "nitro_attest/emulator.h"
#include "src/eif/eif_test_util.h"
#include "src/eif/internal.h"
#include "testing/matchers.h"
#include "testing/process.h"

namespace nitro_attest::eif {
namespace {

using ::nitro_attest::testing::IsOk;
using testing::Text;

Bytes Pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<uint8_t>((i * 131 + seed) >> 3);
  }
  return b;
}

// Feed hands `data` to the measurer in pieces of at most `piece` bytes.
void Feed(Measurer& m, const Bytes& data, Route route, size_t piece) {
  for (size_t at = 0; at < data.size();) {
    const size_t n = std::min({piece, data.size() - at, Measurer::kChunk});
    const std::span<uint8_t> buf = m.Buffer();
    std::memcpy(buf.data(), data.data() + at, n);
    m.Submit(n, route);
    at += n;
  }
}

TEST(EifMeasureTest, ThreadedAndInlineGiveTheFormula) {
  const Bytes kernel = Pattern(3 << 20, 1), cmdline = Text("console=ttyS0"),
              boot = Pattern((2 << 20) + 17, 2), app1 = Pattern(5 << 20, 3), app2 = Pattern(9, 4);
  Bytes all, first, later;
  for (const Bytes* b : {&kernel, &cmdline, &boot, &app1, &app2}) {
    all.insert(all.end(), b->begin(), b->end());
  }
  for (const Bytes* b : {&kernel, &cmdline, &boot}) {
    first.insert(first.end(), b->begin(), b->end());
  }
  later = app1;
  later.insert(later.end(), app2.begin(), app2.end());
  for (bool parallel : {false, true}) {
    for (size_t piece : {size_t{4096}, size_t{1000003}, Measurer::kChunk}) {
      Measurer m(parallel);
      Feed(m, kernel, Route::kBoot, piece);
      Feed(m, cmdline, Route::kBoot, piece);
      Feed(m, boot, Route::kBoot, piece);
      m.EndBootstrap();
      Feed(m, app1, Route::kApp, piece);
      Feed(m, app2, Route::kApp, piece);
      const EifMeasurements got = m.Finish();
      EXPECT_EQ(got.pcr0, MeasureBytes(all)) << parallel << " " << piece;
      EXPECT_EQ(got.pcr1, MeasureBytes(first)) << parallel << " " << piece;
      EXPECT_EQ(got.pcr2, MeasureBytes(later)) << parallel << " " << piece;
    }
  }
}

TEST(EifMeasureTest, AbandonedMeasurerStopsItsThreads) {
  Measurer m(true);
  Feed(m, Pattern(3 << 20, 5), Route::kBoot, Measurer::kChunk);
  // Destroyed without Finish, as on a read error.
}

TEST(EifMeasureTest, MeasureBytesIsAPcrExtendedOnceFromZero) {
  const Bytes data = Text("hello");
  // SHA-384(0^48 || SHA-384(data)): ExtendedFromZero over the digest.
  Sha384 h;
  h.Update(data);
  const auto digest = h.Digest();
  EXPECT_EQ(MeasureBytes(data), ExtendedFromZero(digest));
  EXPECT_EQ(h.Measurement(), MeasureBytes(data));
}

TEST(EifMeasureTest, MeasureFileAndCertificate) {
  const ::nitro_attest::testing::TempDir dir;
  const Bytes data = Pattern(3 << 20, 9);
  testing::WriteFile(dir.File("f"), data);
  const auto pcr = MeasureFile(dir.File("f"));
  ASSERT_THAT(pcr, IsOk());
  EXPECT_EQ(*pcr, MeasureBytes(data));
  EXPECT_THAT(MeasureFile(dir.File("absent")),
              ::nitro_attest::testing::HasCode(ErrorCode::kIoError));
  const EifSigner signer = testing::TestSigner();
  const auto pcr8 = MeasureCertificate(signer.certificate_pem);
  ASSERT_THAT(pcr8, IsOk());
  EXPECT_EQ(*pcr8, MeasureBytes(*PemCertificateToDer(signer.certificate_pem)));
  EXPECT_THAT(MeasureCertificate(Text("nope")),
              ::nitro_attest::testing::HasCode(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace nitro_attest::eif
