// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The strict reader: the eif.md vector, the measurement invariants, every disagreement between
// the sequential and the table reading, and CRC reporting for byte flips.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <string>

#include "nitro_attest/encoding.h"
#include "src/eif/eif_test_util.h"
#include "src/eif/internal.h"
#include "testing/matchers.h"
#include "testing/process.h"

namespace nitro_attest::eif {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using testing::Assemble;
using testing::Hex;
using testing::RawImage;
using testing::RawSection;
using testing::Text;
using testing::VectorImage;

// SHA-384(0^48 || SHA-384("")): PCR2 of every image with a single ramdisk.
constexpr char kEmptyPcr2[] =
    "21b9efbc184807662e966d34f390821309eeac6802309798826296bf3e8bec7c10edb30948c90ba67310f7b964fc"
    "500a";

std::string Sha256Hex(std::span<const uint8_t> b) {
  uint8_t d[32];
  SHA256(b.data(), b.size(), d);
  return HexEncode(d);
}

Result<EifImage> Parse(const RawImage& raw) { return ParseEif(Assemble(raw)); }

TEST(EifReaderTest, ReadsTheEifMdVector) {
  const Bytes bytes = Assemble(VectorImage());
  ASSERT_EQ(bytes.size(), 918u);
  EXPECT_EQ(Sha256Hex(bytes), "91a8db664ef324a90ffa4230a4cc07238db5c247d8354c60308cc35463bee3bc");
  const auto image = ParseEif(bytes);
  ASSERT_THAT(image, IsOk());
  EXPECT_EQ(image->version, 4);
  EXPECT_EQ(image->size, 918u);
  EXPECT_EQ(image->header_crc32, 0x3caf915cu);
  EXPECT_TRUE(image->crc_ok());
  ASSERT_EQ(image->sections.size(), 5u);
  const uint64_t offsets[] = {548, 620, 645, 874, 894};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(image->sections[i].offset, offsets[i]);
  }
  EXPECT_EQ(image->sections[2].type, EifSectionType::kMetadata);
  EXPECT_EQ(Hex(image->measurements.pcr0),
            "0a54106b1c160e12f74f1c1d5c80de16b64c7dd1d7b5e094d804df548961955d323350901d318f70bf"
            "257eb122c5dc07");
  EXPECT_EQ(Hex(image->measurements.pcr1),
            "a230a4e3f395caec75c4b85de2fbb8d63a87c3f6dbfe02c5ec5f8e2b664bd5826d936567b941c3620f"
            "af0d86cc38f823");
  EXPECT_EQ(Hex(image->measurements.pcr2),
            "60e67d235ea3743985ca9e6eeec9b84b66002a8caffe1336614c49bd4ddc154881bb04d7206286df3d"
            "098017b2c04f2f");
  EXPECT_FALSE(image->measurements.pcr8.has_value());
  EXPECT_FALSE(image->signature.has_value());
  EXPECT_EQ(std::string(image->metadata.begin(), image->metadata.end()).substr(0, 17),
            "{\"ImageName\":\"t\",");
}

TEST(EifReaderTest, FileAndMemoryReadingsAgree) {
  const ::nitro_attest::testing::TempDir dir;
  const Bytes bytes = Assemble(VectorImage());
  testing::WriteFile(dir.File("v.eif"), bytes);
  const auto from_file = ReadEif(dir.File("v.eif"));
  ASSERT_THAT(from_file, IsOk());
  EXPECT_EQ(from_file->measurements.pcr0, ParseEif(bytes)->measurements.pcr0);
  EXPECT_THAT(ReadEif(dir.File("absent.eif")), HasCode(ErrorCode::kIoError));
  EXPECT_THAT(ReadEif(dir.path().string()), HasCode(ErrorCode::kIoError));
}

TEST(EifReaderTest, OneRamdiskMeansPcr0EqualsPcr1AndPcr2IsEmpty) {
  RawImage raw = VectorImage();
  raw.sections.pop_back();
  const auto image = Parse(raw);
  ASSERT_THAT(image, IsOk());
  EXPECT_EQ(image->measurements.pcr0, image->measurements.pcr1);
  EXPECT_EQ(Hex(image->measurements.pcr2), kEmptyPcr2);
  EXPECT_EQ(Hex(image->measurements.pcr2), Hex(MeasureBytes({})));
}

TEST(EifReaderTest, MeasurementsAreTheSectionConcatenations) {
  const auto image = Parse(VectorImage());
  ASSERT_THAT(image, IsOk());
  std::string k;
  for (int i = 0; i < 10; ++i) {
    k += "KERNEL";
  }
  EXPECT_EQ(image->measurements.pcr0,
            MeasureBytes(Text(k + "console=ttyS0" + "RAMDISK0" + "RAMDISK1-app")));
  EXPECT_EQ(image->measurements.pcr1, MeasureBytes(Text(k + "console=ttyS0RAMDISK0")));
  EXPECT_EQ(image->measurements.pcr2, MeasureBytes(Text("RAMDISK1-app")));
}

TEST(EifReaderTest, MetadataIsNotMeasuredButIsCrcCovered) {
  const auto before = Parse(VectorImage());
  RawImage raw = VectorImage();
  raw.sections[2].data = Text("{\"ImageName\":\"other\"}");
  const auto after = Parse(raw);
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->measurements.pcr0, before->measurements.pcr0);
  EXPECT_EQ(after->measurements.pcr1, before->measurements.pcr1);
  EXPECT_EQ(after->measurements.pcr2, before->measurements.pcr2);
  EXPECT_NE(after->computed_crc32, before->computed_crc32);
}

TEST(EifReaderTest, SwappingAppRamdisksChangesPcr0AndPcr2NotPcr1) {
  RawImage raw = VectorImage();
  raw.sections.push_back({3, Text("RAMDISK2")});
  const auto before = Parse(raw);
  std::swap(raw.sections[4], raw.sections[5]);
  const auto after = Parse(raw);
  ASSERT_THAT(before, IsOk());
  ASSERT_THAT(after, IsOk());
  EXPECT_NE(after->measurements.pcr0, before->measurements.pcr0);
  EXPECT_EQ(after->measurements.pcr1, before->measurements.pcr1);
  EXPECT_NE(after->measurements.pcr2, before->measurements.pcr2);
}

TEST(EifReaderTest, MetadataAndSignatureMayStandAnywhere) {
  RawImage raw = VectorImage();
  std::rotate(raw.sections.begin() + 2, raw.sections.begin() + 3, raw.sections.end());
  const auto moved = Parse(raw);  // metadata last, as the IMG README draws it
  ASSERT_THAT(moved, IsOk());
  EXPECT_EQ(moved->measurements.pcr0, Parse(VectorImage())->measurements.pcr0);
  EXPECT_EQ(moved->sections.back().type, EifSectionType::kMetadata);
}

TEST(EifReaderTest, OlderVersionsWithoutMetadata) {
  RawImage raw = VectorImage();
  raw.sections.erase(raw.sections.begin() + 2);
  raw.version = 3;
  EXPECT_THAT(Parse(raw), IsOk());
  raw.version = 2;
  EXPECT_THAT(Parse(raw), IsOk());
}

// Every way the two readings could disagree, and every rule on types, is refused.
struct Refusal {
  const char* name;
  RawImage image;
};

std::vector<Refusal> Refusals() {
  std::vector<Refusal> out;
  const auto add = [&](const char* name, auto edit) {
    RawImage raw = VectorImage();
    edit(raw);
    out.push_back({name, std::move(raw)});
  };
  add("gap-before-section", [](RawImage& r) { r.table_offsets[3] = 874 + 4; });
  add("first-section-not-after-header", [](RawImage& r) { r.table_offsets[0] = 560; });
  add("overlap", [](RawImage& r) { r.table_offsets[3] = 870; });
  add("out-of-order", [](RawImage& r) {
    r.table_offsets[3] = 894;
    r.table_offsets[4] = 874;
  });
  add("table-size-differs", [](RawImage& r) { r.table_sizes[1] = 12; });
  add("section-header-size-differs", [](RawImage& r) { r.sections[3].header_size = 4; });
  add("section-header-size-differs-last", [](RawImage& r) { r.sections[4].header_size = 100; });
  add("trailing-section", [](RawImage& r) {
    const auto extra = EncodeSectionHeader(3, 0, 4);
    r.trailing.assign(extra.begin(), extra.end());
    r.trailing.insert(r.trailing.end(), {'E', 'V', 'I', 'L'});
  });
  add("trailing-bytes", [](RawImage& r) { r.trailing = {0, 0, 0}; });
  add("num-sections-too-small", [](RawImage& r) { r.num_sections = 4; });
  add("num-sections-too-large", [](RawImage& r) {
    r.num_sections = 6;
    r.table_offsets[5] = 918;
    r.table_sizes[5] = 8;
  });
  add("table-entry-beyond-num-sections", [](RawImage& r) { r.table_sizes[7] = 1; });
  add("duplicate-kernel", [](RawImage& r) {
    r.sections.insert(r.sections.begin() + 1, RawSection{1, Text("KERNEL2")});
  });
  add("duplicate-cmdline", [](RawImage& r) {
    r.sections.insert(r.sections.begin() + 2, RawSection{2, Text("init=/evil")});
  });
  add("duplicate-metadata", [](RawImage& r) { r.sections.push_back(r.sections[2]); });
  add("missing-kernel", [](RawImage& r) { r.sections.erase(r.sections.begin()); });
  add("missing-cmdline", [](RawImage& r) { r.sections.erase(r.sections.begin() + 1); });
  add("missing-ramdisk", [](RawImage& r) { r.sections.erase(r.sections.begin() + 3, r.sections.end()); });
  add("missing-metadata", [](RawImage& r) { r.sections.erase(r.sections.begin() + 2); });
  add("type-0", [](RawImage& r) { r.sections[3].type = 0; });
  add("type-6", [](RawImage& r) { r.sections.push_back({6, Text("?")}); });
  add("type-0xffff", [](RawImage& r) { r.sections[4].type = 0xffff; });
  add("ramdisk-before-cmdline", [](RawImage& r) { std::swap(r.sections[1], r.sections[3]); });
  add("cmdline-before-kernel", [](RawImage& r) { std::swap(r.sections[0], r.sections[1]); });
  add("section-flags", [](RawImage& r) { r.sections[0].flags = 1; });
  add("header-flags", [](RawImage& r) { r.flags = 2; });
  add("header-reserved", [](RawImage& r) { r.reserved = 1; });
  add("header-unused", [](RawImage& r) { r.unused = 1; });
  add("version-1", [](RawImage& r) { r.version = 1; });
  add("version-5", [](RawImage& r) { r.version = 5; });
  add("metadata-in-version-3", [](RawImage& r) { r.version = 3; });
  add("signature-in-version-2", [](RawImage& r) {
    r.sections.erase(r.sections.begin() + 2);
    r.version = 2;
    r.sections.push_back({4, Bytes{0x80}});
  });
  add("signature-over-32k", [](RawImage& r) {
    r.sections.push_back({4, Bytes(kEifMaxSignatureSize + 1, 0)});
  });
  add("duplicate-signature", [](RawImage& r) {
    r.sections.push_back({4, Bytes{0x80}});
    r.sections.push_back({4, Bytes{0x80}});
  });
  add("33-sections", [](RawImage& r) {
    while (r.sections.size() < 33) {
      r.sections.push_back({3, Text("R")});
    }
  });
  add("num-sections-0", [](RawImage& r) { r.num_sections = 0; });
  return out;
}

TEST(EifReaderTest, RefusesEveryDisagreementAndBrokenRule) {
  for (const Refusal& r : Refusals()) {
    EXPECT_THAT(Parse(r.image), HasCode(ErrorCode::kMalformedImage)) << r.name;
  }
}

TEST(EifReaderTest, RefusesShortAndForeignFiles) {
  const Bytes bytes = Assemble(VectorImage());
  for (size_t cut : {size_t{0}, size_t{10}, size_t{547}, size_t{548}, size_t{559}, size_t{600},
                     bytes.size() - 1}) {
    EXPECT_THAT(ParseEif(std::span<const uint8_t>(bytes).first(cut)),
                HasCode(ErrorCode::kMalformedImage))
        << cut;
  }
  Bytes foreign = bytes;
  foreign[0] = 0x7f;
  EXPECT_THAT(ParseEif(foreign), HasCode(ErrorCode::kMalformedImage));
}

TEST(EifReaderTest, AByteFlipAnywhereIsACrcMismatchOrARefusal) {
  const Bytes bytes = Assemble(VectorImage());
  const auto clean = ParseEif(bytes);
  ASSERT_THAT(clean, IsOk());
  size_t flagged_in_data = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i >= kCrcOffset && i < kEifHeaderSize) {
      continue;  // the CRC field itself
    }
    Bytes flipped = bytes;
    flipped[i] ^= 0x10;
    const auto image = ParseEif(flipped);
    bool in_data = false;
    for (const EifSection& s : clean->sections) {
      in_data = in_data || (i >= s.offset + kEifSectionHeaderSize && i < s.offset + 12 + s.size);
    }
    if (in_data) {
      // Section data never decides the structure: the image reads, and the CRC says no.
      ASSERT_THAT(image, IsOk()) << i;
      EXPECT_FALSE(image->crc_ok()) << i;
      ++flagged_in_data;
    } else if (image) {
      EXPECT_FALSE(image->crc_ok()) << i;
    }
  }
  EXPECT_EQ(flagged_in_data, 60u + 13 + 217 + 8 + 12);
  // And the stored CRC itself.
  Bytes bad_crc = bytes;
  bad_crc[kCrcOffset] ^= 1;
  const auto image = ParseEif(bad_crc);
  ASSERT_THAT(image, IsOk());
  EXPECT_FALSE(image->crc_ok());
  EXPECT_EQ(image->computed_crc32, clean->computed_crc32);
}

}  // namespace
}  // namespace nitro_attest::eif
