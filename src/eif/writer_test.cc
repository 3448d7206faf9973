// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// BuildEif and SignEif: the eif.md vector rebuilt from parts byte for byte, reproducibility,
// build -> read round trips, signing that leaves PCR0-2 alone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "src/eif/eif_test_util.h"
#include "src/eif/internal.h"
#include "testing/matchers.h"
#include "testing/process.h"
#include "testing/test_util.h"

namespace nitro_attest::eif {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using ::nitro_attest::testing::ReadFileBytes;
using ::nitro_attest::testing::TempDir;
using testing::Assemble;
using testing::Text;
using testing::VectorImage;
using testing::WriteFile;

// VectorSpec writes the eif.md vector's parts to files and returns the spec that builds it.
EifBuildSpec VectorSpec(const TempDir& dir) {
  const testing::RawImage v = VectorImage();
  WriteFile(dir.File("kernel"), v.sections[0].data);
  WriteFile(dir.File("ramdisk0"), v.sections[3].data);
  WriteFile(dir.File("ramdisk1"), v.sections[4].data);
  EifBuildSpec spec;
  spec.kernel_path = dir.File("kernel");
  spec.cmdline = "console=ttyS0";
  spec.ramdisk_paths = {dir.File("ramdisk0"), dir.File("ramdisk1")};
  spec.metadata = v.sections[2].data;
  return spec;
}

TEST(EifWriterTest, RebuildsTheEifMdVectorByteForByte) {
  const TempDir dir;
  const auto image = BuildEif(VectorSpec(dir), dir.File("out.eif"));
  ASSERT_THAT(image, IsOk());
  EXPECT_EQ(ReadFileBytes(dir.File("out.eif")), Assemble(VectorImage()));
  EXPECT_TRUE(image->crc_ok());
  EXPECT_EQ(image->header_crc32, 0x3caf915cu);
}

TEST(EifWriterTest, SameInputsSameBytes) {
  const TempDir dir;
  EifBuildSpec spec = VectorSpec(dir);
  // Large enough for the threaded measurer.
  Bytes big(20 << 20);
  for (size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<uint8_t>(i * 7919 >> 5);
  }
  WriteFile(dir.File("big"), big);
  spec.ramdisk_paths.push_back(dir.File("big"));
  ASSERT_THAT(BuildEif(spec, dir.File("a.eif")), IsOk());
  ASSERT_THAT(BuildEif(spec, dir.File("b.eif")), IsOk());
  EXPECT_EQ(ReadFileBytes(dir.File("a.eif")), ReadFileBytes(dir.File("b.eif")));
  // Parallel and inline measurement agree.
  const auto parallel = ReadEif(dir.File("a.eif"));
  EifReadOptions serial;
  serial.parallel = false;
  const auto inline_ = ReadEif(dir.File("a.eif"), serial);
  ASSERT_THAT(parallel, IsOk());
  ASSERT_THAT(inline_, IsOk());
  EXPECT_EQ(parallel->measurements.pcr0, inline_->measurements.pcr0);
  EXPECT_EQ(parallel->measurements.pcr1, inline_->measurements.pcr1);
  EXPECT_EQ(parallel->measurements.pcr2, inline_->measurements.pcr2);
  Bytes app = Text("RAMDISK1-app");
  app.insert(app.end(), big.begin(), big.end());
  EXPECT_EQ(parallel->measurements.pcr2, MeasureBytes(app));
}

TEST(EifWriterTest, BuildReportsWhatItWrote) {
  const TempDir dir;
  EifBuildSpec spec = VectorSpec(dir);
  spec.flags = kEifFlagArm64;
  spec.default_mem = 512 << 20;
  spec.default_cpus = 4;
  const auto image = BuildEif(spec, dir.File("arm.eif"));
  ASSERT_THAT(image, IsOk());
  EXPECT_EQ(image->flags, kEifFlagArm64);
  EXPECT_EQ(image->default_mem, uint64_t{512} << 20);
  EXPECT_EQ(image->default_cpus, 4u);
  EXPECT_EQ(image->measurements.pcr0, ParseEif(Assemble(VectorImage()))->measurements.pcr0);
}

TEST(EifWriterTest, BadSpecsAndMissingFilesLeaveNothing) {
  const TempDir dir;
  EifBuildSpec spec = VectorSpec(dir);
  spec.ramdisk_paths.clear();
  EXPECT_THAT(BuildEif(spec, dir.File("x.eif")), HasCode(ErrorCode::kInvalidArgument));
  spec = VectorSpec(dir);
  spec.metadata.clear();
  EXPECT_THAT(BuildEif(spec, dir.File("x.eif")), HasCode(ErrorCode::kInvalidArgument));
  spec = VectorSpec(dir);
  spec.ramdisk_paths.push_back(dir.File("absent"));
  EXPECT_THAT(BuildEif(spec, dir.File("x.eif")), HasCode(ErrorCode::kIoError));
  spec = VectorSpec(dir);
  spec.ramdisk_paths.assign(30, dir.File("ramdisk0"));
  EXPECT_THAT(BuildEif(spec, dir.File("x.eif")), HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(BuildEif(VectorSpec(dir), dir.File("no/such/dir/x.eif")),
              HasCode(ErrorCode::kIoError));
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    files += e.path().filename().string().rfind("x.eif", 0) == 0 ? 1u : 0u;
  }
  EXPECT_EQ(files, 0u);
}

TEST(EifWriterTest, SigningChangesNoPcr0To2) {
  const TempDir dir;
  EifBuildSpec spec = VectorSpec(dir);
  const auto plain = BuildEif(spec, dir.File("plain.eif"));
  const EifSigner signer = testing::TestSigner();
  spec.signer = signer;
  const auto built_signed = BuildEif(spec, dir.File("signed.eif"));
  const auto signed_later = SignEif(dir.File("plain.eif"), signer, dir.File("signed2.eif"));
  ASSERT_THAT(plain, IsOk());
  ASSERT_THAT(built_signed, IsOk());
  ASSERT_THAT(signed_later, IsOk());
  for (const EifImage* image : {&*built_signed, &*signed_later}) {
    EXPECT_EQ(image->measurements.pcr0, plain->measurements.pcr0);
    EXPECT_EQ(image->measurements.pcr1, plain->measurements.pcr1);
    EXPECT_EQ(image->measurements.pcr2, plain->measurements.pcr2);
    ASSERT_TRUE(image->measurements.pcr8.has_value());
    EXPECT_EQ(*image->measurements.pcr8, *MeasureCertificate(signer.certificate_pem));
    ASSERT_TRUE(image->signature.has_value());
    EXPECT_TRUE(image->signature->SignatureCheck());
    EXPECT_TRUE(image->signature->certificate_valid);
    EXPECT_TRUE(image->crc_ok());
    EXPECT_EQ(image->sections.back().type, EifSectionType::kSignature);
  }
  // Building signed and signing afterwards lay out the same sections (the signature's size
  // varies: ECDSA signatures are random, and serde writes each byte as 1 or 2 CBOR bytes).
  ASSERT_EQ(built_signed->sections.size(), signed_later->sections.size());
  for (size_t i = 0; i + 1 < built_signed->sections.size(); ++i) {
    EXPECT_EQ(built_signed->sections[i].offset, signed_later->sections[i].offset);
    EXPECT_EQ(built_signed->sections[i].size, signed_later->sections[i].size);
  }
}

TEST(EifWriterTest, ResigningReplacesTheSignatureInPlace) {
  const TempDir dir;
  EifBuildSpec spec = VectorSpec(dir);
  spec.signer = testing::TestSigner(pki::KeyType::kP384);
  ASSERT_THAT(BuildEif(spec, dir.File("img.eif")), IsOk());
  const EifSigner other = testing::TestSigner(pki::KeyType::kP256);
  const auto resigned = SignEif(dir.File("img.eif"), other, dir.File("img.eif"));
  ASSERT_THAT(resigned, IsOk());
  EXPECT_EQ(resigned->sections.size(), 6u);
  EXPECT_EQ(*resigned->measurements.pcr8, *MeasureCertificate(other.certificate_pem));
  EXPECT_EQ(resigned->signature->cose_algorithm, -7);
  EXPECT_TRUE(resigned->signature->SignatureCheck());
}

TEST(EifWriterTest, SignRefusesWhatItCannotSign) {
  const TempDir dir;
  EifBuildSpec spec = VectorSpec(dir);
  ASSERT_THAT(BuildEif(spec, dir.File("img.eif")), IsOk());
  EifSigner mismatched = testing::TestSigner();
  mismatched.private_key_pem = testing::TestSigner().private_key_pem;
  EXPECT_THAT(SignEif(dir.File("img.eif"), mismatched, dir.File("o.eif")),
              HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(SignEif(dir.File("img.eif"), testing::TestSigner(pki::KeyType::kRsa2048),
                      dir.File("o.eif")),
              HasCode(ErrorCode::kUnsupportedAlgorithm));
  EXPECT_THAT(SignEif(dir.File("img.eif"), EifSigner{Text("junk"), Text("junk")},
                      dir.File("o.eif")),
              HasCode(ErrorCode::kInvalidArgument));
  // A refused input is refused by sign too.
  testing::RawImage bad = VectorImage();
  bad.trailing = {1, 2, 3};
  WriteFile(dir.File("bad.eif"), Assemble(bad));
  EXPECT_THAT(SignEif(dir.File("bad.eif"), testing::TestSigner(), dir.File("o.eif")),
              HasCode(ErrorCode::kMalformedImage));
  // Version 2 images have no signature section.
  testing::RawImage v2 = VectorImage();
  v2.sections.erase(v2.sections.begin() + 2);
  v2.version = 2;
  WriteFile(dir.File("v2.eif"), Assemble(v2));
  EXPECT_THAT(SignEif(dir.File("v2.eif"), testing::TestSigner(), dir.File("o.eif")),
              HasCode(ErrorCode::kInvalidArgument));
  EXPECT_FALSE(std::filesystem::exists(dir.File("o.eif")));
}

}  // namespace
}  // namespace nitro_attest::eif
