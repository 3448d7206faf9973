// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// BuildRamdisk: the same tree gives the same bytes whatever the files' times, owners and
// creation order; the archive is the newc the kernel reads; gzip inflates to it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <map>

#include "src/eif/eif_test_util.h"
#include "testing/matchers.h"
#include "testing/process.h"
#include "testing/test_util.h"

namespace nitro_attest::eif {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;
using ::nitro_attest::testing::ReadFileBytes;
using ::nitro_attest::testing::TempDir;
using testing::Text;
using testing::WriteFile;

struct CpioEntry {
  uint32_t ino, mode, uid, gid, nlink, mtime;
  std::string name;
  std::string data;
};

// ParseNewc reads a newc archive (the kernel's reading, in short), through the trailer.
std::vector<CpioEntry> ParseNewc(const Bytes& a) {
  std::vector<CpioEntry> out;
  size_t pos = 0;
  const auto field = [&](size_t i) {
    return static_cast<uint32_t>(
        std::stoul(std::string(a.begin() + static_cast<long>(pos + 6 + 8 * i),
                               a.begin() + static_cast<long>(pos + 14 + 8 * i)),
                   nullptr, 16));
  };
  const auto align = [](size_t v) { return (v + 3) & ~size_t{3}; };
  while (pos + 110 <= a.size()) {
    EXPECT_EQ(std::string(a.begin() + static_cast<long>(pos), a.begin() + static_cast<long>(pos + 6)),
              "070701");
    CpioEntry e{field(0), field(1), field(2), field(3), field(4), field(5), {}, {}};
    const uint32_t size = field(6), namesize = field(11);
    e.name.assign(a.begin() + static_cast<long>(pos + 110),
                  a.begin() + static_cast<long>(pos + 110 + namesize - 1));
    pos = align(pos + 110 + namesize);
    e.data.assign(a.begin() + static_cast<long>(pos), a.begin() + static_cast<long>(pos + size));
    pos = align(pos + size);
    out.push_back(e);
    if (e.name == "TRAILER!!!") {
      EXPECT_EQ(pos, a.size());
      break;
    }
  }
  return out;
}

Bytes Gunzip(const Bytes& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  Bytes out(64 << 20);
  z.next_in = const_cast<Bytef*>(gz.data());
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

void MakeTree(const std::string& root, bool reverse) {
  std::vector<std::string> dirs = {"bin", "etc", "etc/app", "usr", "usr/lib"};
  if (reverse) {
    std::reverse(dirs.begin(), dirs.end());
  }
  for (const auto& d : dirs) {
    std::filesystem::create_directories(root + "/" + d);
  }
  WriteFile(root + "/bin/app", Text("#!/bin/sh\necho hello\n"));
  ::chmod((root + "/bin/app").c_str(), 0755);
  WriteFile(root + "/etc/app/config", Text("a=1\n"));
  WriteFile(root + "/etc/app.conf", Text(""));
  WriteFile(root + "/usr/lib/libx.so.1", Bytes(70000, 0x5a));
  std::filesystem::create_symlink("libx.so.1", root + "/usr/lib/libx.so");
  ::chmod((root + "/etc/app/config").c_str(), 0600);
}

TEST(EifRamdiskTest, SameTreeSameBytes) {
  const TempDir dir;
  MakeTree(dir.File("a"), false);
  MakeTree(dir.File("b"), true);
  struct timespec old[2] = {{1000, 0}, {1000, 0}};
  ::utimensat(AT_FDCWD, dir.File("b/bin/app").c_str(), old, 0);
  for (bool gzip : {false, true}) {
    ASSERT_THAT(BuildRamdisk(dir.File("a"), dir.File("a.out"), {.gzip = gzip, .mtime = 0}), IsOk());
    ASSERT_THAT(BuildRamdisk(dir.File("b"), dir.File("b.out"), {.gzip = gzip, .mtime = 0}), IsOk());
    EXPECT_EQ(ReadFileBytes(dir.File("a.out")), ReadFileBytes(dir.File("b.out"))) << gzip;
  }
}

TEST(EifRamdiskTest, IsSortedNewcWithFixedOwnersAndTimes) {
  const TempDir dir;
  MakeTree(dir.File("root"), false);
  const auto size = BuildRamdisk(dir.File("root"), dir.File("r.cpio"), {.gzip = false, .mtime = 7});
  ASSERT_THAT(size, IsOk());
  const Bytes archive = ReadFileBytes(dir.File("r.cpio"));
  EXPECT_EQ(*size, archive.size());
  const auto entries = ParseNewc(archive);
  std::vector<std::string> names;
  for (const auto& e : entries) {
    names.push_back(e.name);
  }
  EXPECT_THAT(names, ::testing::ElementsAre("bin", "bin/app", "etc", "etc/app", "etc/app.conf",
                                            "etc/app/config", "usr", "usr/lib", "usr/lib/libx.so",
                                            "usr/lib/libx.so.1", "TRAILER!!!"));
  std::map<std::string, CpioEntry> by_name;
  for (size_t i = 0; i + 1 < entries.size(); ++i) {
    const auto& e = entries[i];
    EXPECT_EQ(e.ino, i + 1);
    EXPECT_EQ(e.uid, 0u);
    EXPECT_EQ(e.gid, 0u);
    EXPECT_EQ(e.mtime, 7u);
    by_name[e.name] = e;
  }
  EXPECT_EQ(by_name["bin/app"].mode, 0100755u);
  EXPECT_EQ(by_name["bin/app"].data, "#!/bin/sh\necho hello\n");
  EXPECT_EQ(by_name["etc/app/config"].mode, 0100600u);
  EXPECT_EQ(by_name["usr/lib/libx.so"].mode, 0120777u);
  EXPECT_EQ(by_name["usr/lib/libx.so"].data, "libx.so.1");
  EXPECT_EQ(by_name["usr/lib/libx.so.1"].data.size(), 70000u);
  EXPECT_EQ(by_name["usr"].mode & 0170000u, 0040000u);

  ASSERT_THAT(BuildRamdisk(dir.File("root"), dir.File("r.cpio.gz"), {.gzip = true, .mtime = 7}),
              IsOk());
  const Bytes gz = ReadFileBytes(dir.File("r.cpio.gz"));
  ASSERT_GE(gz.size(), 10u);
  EXPECT_EQ(gz[0], 0x1f);
  EXPECT_EQ(gz[1], 0x8b);
  EXPECT_EQ(gz[4] | gz[5] | gz[6] | gz[7], 0);  // gzip mtime 0
  EXPECT_EQ(Gunzip(gz), archive);
}

TEST(EifRamdiskTest, RefusesWhatARamdiskCannotHold) {
  const TempDir dir;
  std::filesystem::create_directories(dir.File("root"));
  ASSERT_EQ(::mkfifo(dir.File("root/fifo").c_str(), 0600), 0);
  EXPECT_THAT(BuildRamdisk(dir.File("root"), dir.File("r.cpio")),
              HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(BuildRamdisk(dir.File("absent"), dir.File("r.cpio")),
              HasCode(ErrorCode::kInvalidArgument));
  EXPECT_FALSE(std::filesystem::exists(dir.File("r.cpio")));
}

}  // namespace
}  // namespace nitro_attest::eif
