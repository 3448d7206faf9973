// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The `nitro-eif` binary: nitro-cli's JSON shapes, exit codes, reproducible build and ramdisk,
// build -> describe round trips, refusals without measurements. The independent cross-check
// (a Python reader) is eif_crosscheck.py.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "src/eif/eif_test_util.h"
#include "testing/process.h"
#include "testing/test_util.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::eif::testing::Assemble;
using ::nitro_attest::eif::testing::Text;
using ::nitro_attest::eif::testing::VectorImage;
using ::nitro_attest::eif::testing::WriteFile;
using ::nitro_attest::testing::ProcessResult;
using ::nitro_attest::testing::ReadFileBytes;
using ::nitro_attest::testing::RunProcess;
using ::nitro_attest::testing::TempDir;
using ::nitro_attest::testing::Tool;
using Json = nlohmann::ordered_json;

ProcessResult Eif(std::vector<std::string> args) {
  args.insert(args.begin(), Tool("nitro-eif"));
  return RunProcess(args);
}

// Parts writes a kernel and two ramdisks and returns build's arguments for them.
std::vector<std::string> Parts(const TempDir& dir) {
  WriteFile(dir.File("kernel"), Bytes(5000, 0x4b));
  WriteFile(dir.File("boot"), Text("bootstrap ramdisk"));
  WriteFile(dir.File("app"), Text("application ramdisk"));
  return {"build", "--kernel", dir.File("kernel"), "--cmdline", "console=ttyS0",
          "--ramdisk", dir.File("boot"), "--ramdisk", dir.File("app")};
}

// SigningFlags writes the test signer's certificate and key and returns build's flags for them.
std::vector<std::string> SigningFlags(const TempDir& dir) {
  const EifSigner signer = eif::testing::TestSigner();
  WriteFile(dir.File("cert.pem"), signer.certificate_pem);
  WriteFile(dir.File("key.pem"), signer.private_key_pem);
  return {"--signing-certificate", dir.File("cert.pem"), "--private-key", dir.File("key.pem")};
}

TEST(NitroEifCliTest, DescribePrintsDescribeEifsShape) {
  const TempDir dir;
  WriteFile(dir.File("v.eif"), Assemble(VectorImage()));
  for (const auto& args : {std::vector<std::string>{"describe", dir.File("v.eif")},
                           std::vector<std::string>{"describe", "--eif-path", dir.File("v.eif")}}) {
    const auto r = Eif(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json j = Json::parse(r.out);
    std::vector<std::string> keys;
    for (const auto& [k, v] : j.items()) {
      keys.push_back(k);
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"EifVersion", "Measurements", "IsSigned",
                                              "CheckCRC", "ImageName", "ImageVersion",
                                              "Metadata"}));
    EXPECT_EQ(j["EifVersion"], 4);
    EXPECT_EQ(j["Measurements"]["HashAlgorithm"], "Sha384 { ... }");
    EXPECT_EQ(j["Measurements"]["PCR0"],
              "0a54106b1c160e12f74f1c1d5c80de16b64c7dd1d7b5e094d804df548961955d323350901d318f7"
              "0bf257eb122c5dc07");
    EXPECT_FALSE(j["Measurements"].contains("PCR8"));
    EXPECT_EQ(j["IsSigned"], false);
    EXPECT_EQ(j["CheckCRC"], true);
    EXPECT_EQ(j["Metadata"]["KernelVersion"], "0");
  }
  const auto details = Eif({"describe", dir.File("v.eif"), "--details"});
  ASSERT_EQ(details.exit_code, 0);
  const Json d = Json::parse(details.out);
  EXPECT_EQ(d["Sections"].size(), 5u);
  EXPECT_EQ(d["CRC32"]["Header"], "0x3caf915c");
  const auto text = Eif({"describe", dir.File("v.eif"), "--text"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("PCR2: 60e67d23"), std::string::npos);
}

TEST(NitroEifCliTest, ExitCodesForBrokenImages) {
  const TempDir dir;
  Bytes image = Assemble(VectorImage());
  image[600] ^= 1;  // inside the kernel
  WriteFile(dir.File("crc.eif"), image);
  auto r = Eif({"describe", dir.File("crc.eif")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Json::parse(r.out)["CheckCRC"], false);

  eif::testing::RawImage raw = VectorImage();
  raw.sections[3].header_size = 4;  // sequential and table readings differ
  WriteFile(dir.File("ambiguous.eif"), Assemble(raw));
  r = Eif({"describe", dir.File("ambiguous.eif")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << "no measurements for an ambiguous image";
  EXPECT_NE(r.err.find("malformed_image"), std::string::npos);

  raw = VectorImage();
  raw.sections[2].data = Text("not json");
  WriteFile(dir.File("meta.eif"), Assemble(raw));
  r = Eif({"describe", dir.File("meta.eif")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(Json::parse(r.out).contains("Metadata"));

  EXPECT_EQ(Eif({"describe", dir.File("absent.eif")}).exit_code, 2);
  EXPECT_EQ(Eif({"describe"}).exit_code, 2);
  EXPECT_EQ(Eif({"--help"}).exit_code, 0);
}

TEST(NitroEifCliTest, BuildIsReproducibleAndDescribesTheSame) {
  const TempDir dir;
  auto args = Parts(dir);
  auto a = args, b = args;
  a.insert(a.end(), {"-o", dir.File("a.eif"), "--name", "demo", "--version", "2"});
  b.insert(b.end(), {"-o", dir.File("b.eif"), "--name", "demo", "--version", "2"});
  const auto ra = Eif(a), rb = Eif(b);
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  EXPECT_EQ(ReadFileBytes(dir.File("a.eif")), ReadFileBytes(dir.File("b.eif")));
  EXPECT_EQ(ra.out, rb.out);
  const Json built = Json::parse(ra.out);
  const auto described = Eif({"describe", dir.File("a.eif")});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  const Json d = Json::parse(described.out);
  EXPECT_EQ(d["Measurements"], built["Measurements"]);
  EXPECT_EQ(d["ImageName"], "demo");
  EXPECT_EQ(d["ImageVersion"], "2");
  EXPECT_EQ(d["Metadata"]["BuildTime"], "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(d["Metadata"]["BuildTool"], "nitro-eif");
  // nitro-cli pcr on the application ramdisk alone is PCR2 for a two-ramdisk image.
  const auto pcr = Eif({"pcr", "--input", dir.File("app")});
  ASSERT_EQ(pcr.exit_code, 0);
  EXPECT_EQ(Json::parse(pcr.out)["PCR"], built["Measurements"]["PCR2"]);
}

TEST(NitroEifCliTest, BuildWithCustomMetadataFlattensIt) {
  const TempDir dir;
  WriteFile(dir.File("meta.json"), Text(R"({"team": "infra", "commit": "abc123"})"));
  auto args = Parts(dir);
  args.insert(args.end(), {"-o", dir.File("m.eif"), "--metadata", dir.File("meta.json")});
  ASSERT_EQ(Eif(args).exit_code, 0);
  const Json d = Json::parse(Eif({"describe", dir.File("m.eif")}).out);
  EXPECT_EQ(d["Metadata"]["team"], "infra");
  EXPECT_EQ(d["Metadata"]["commit"], "abc123");
  WriteFile(dir.File("bad.json"), Text("[1, 2]"));
  args = Parts(dir);
  args.insert(args.end(), {"-o", dir.File("x.eif"), "--metadata", dir.File("bad.json")});
  EXPECT_EQ(Eif(args).exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir.File("x.eif")));
}

TEST(NitroEifCliTest, SignAndDescribeSigned) {
  const TempDir dir;
  auto args = Parts(dir);
  args.insert(args.end(), {"-o", dir.File("img.eif")});
  const Json unsigned_pcrs = Json::parse(Eif(args).out)["Measurements"];
  const EifSigner signer = eif::testing::TestSigner();
  WriteFile(dir.File("cert.pem"), signer.certificate_pem);
  WriteFile(dir.File("key.pem"), signer.private_key_pem);
  const auto s = Eif({"sign", dir.File("img.eif"), "--signing-certificate", dir.File("cert.pem"),
                      "--private-key", dir.File("key.pem"), "-o", dir.File("signed.eif")});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const Json signed_pcrs = Json::parse(s.out)["Measurements"];
  for (const char* k : {"PCR0", "PCR1", "PCR2"}) {
    EXPECT_EQ(signed_pcrs[k], unsigned_pcrs[k]) << k;
  }
  const auto pcr8 = Eif({"pcr", "--signing-certificate", dir.File("cert.pem")});
  EXPECT_EQ(Json::parse(pcr8.out)["PCR8"], signed_pcrs["PCR8"]);
  const auto d = Eif({"describe", dir.File("signed.eif")});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  const Json j = Json::parse(d.out);
  EXPECT_EQ(j["IsSigned"], true);
  EXPECT_EQ(j["SignatureCheck"], true);
  EXPECT_EQ(j["SigningCertificate"]["IssuerName"]["commonName"], "eif-signer.insecure");
  EXPECT_EQ(j["SigningCertificate"]["Algorithm"], "ecdsa-with-SHA384");
  EXPECT_EQ(j["Measurements"], signed_pcrs);
  // Judged long after the certificate expired: the signature holds, the check fails.
  EXPECT_EQ(Eif({"describe", dir.File("signed.eif"), "--at", "2100-01-01T00:00:00Z"}).exit_code,
            1);
  // Building signed gives the same measurements as signing afterwards.
  args = Parts(dir);
  args.insert(args.end(), {"-o", dir.File("b.eif"), "--signing-certificate", dir.File("cert.pem"),
                           "--private-key", dir.File("key.pem")});
  const auto b = Eif(args);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(Json::parse(b.out)["Measurements"], signed_pcrs);
  args.pop_back();  // a certificate without its key is a usage error
  args.pop_back();
  EXPECT_EQ(Eif(args).exit_code, 2);
}

TEST(NitroEifCliTest, RamdiskIsReproducible) {
  const TempDir dir;
  std::filesystem::create_directories(dir.File("a/bin"));
  WriteFile(dir.File("a/bin/app"), Text("app"));
  const auto r1 = Eif({"ramdisk", dir.File("a"), "-o", dir.File("1.cpio.gz")});
  const auto r2 = Eif({"ramdisk", dir.File("a"), "-o", dir.File("2.cpio.gz")});
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  EXPECT_EQ(ReadFileBytes(dir.File("1.cpio.gz")), ReadFileBytes(dir.File("2.cpio.gz")));
  EXPECT_EQ(r1.out, r2.out);
  const auto raw = Eif({"ramdisk", dir.File("a"), "-o", dir.File("3.cpio")});
  ASSERT_EQ(raw.exit_code, 0);
  EXPECT_EQ(ReadFileBytes(dir.File("3.cpio"))[0], '0');  // "070701": not compressed
  EXPECT_EQ(Eif({"ramdisk", dir.File("none"), "-o", dir.File("4.cpio")}).exit_code, 2);
}

TEST(NitroEifCliTest, TheEmulatorBootsWithAnImagesMeasurements) {
  const TempDir dir;
  auto args = Parts(dir);
  const auto signing = SigningFlags(dir);
  args.insert(args.end(), {"-o", dir.File("img.eif")});
  args.insert(args.end(), signing.begin(), signing.end());
  const Json m = Json::parse(Eif(args).out)["Measurements"];
  for (const char* index : {"0", "1", "2", "8"}) {
    const auto r = RunProcess({Tool("enclave_app"), "--emulate", "--emulate-pcrs-from-eif",
                               dir.File("img.eif"), "pcr", "read", index});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Json::parse(r.out)["value"], m[std::string("PCR") + index]) << index;
  }
  // A refused image boots nothing: a usage error.
  eif::testing::RawImage raw = VectorImage();
  raw.trailing = {1};
  WriteFile(dir.File("bad.eif"), Assemble(raw));
  EXPECT_EQ(RunProcess({Tool("enclave_app"), "--emulate", "--emulate-pcrs-from-eif",
                        dir.File("bad.eif"), "pcr", "read", "0"})
                .exit_code,
            2);
  EXPECT_EQ(RunProcess({Tool("enclave_app"), "--emulate", "--emulate-pcrs-from-eif",
                        dir.File("img.eif"), "--emulate-pcr0", std::string(96, 'a'), "pcr",
                        "read", "0"})
                .exit_code,
            2);
}

TEST(NitroEifCliTest, VerifierPinsThePcrsOfAnImage) {
  const TempDir dir;
  auto args = Parts(dir);
  auto signed_args = args;
  const auto signing = SigningFlags(dir);
  signed_args.insert(signed_args.end(), {"-o", dir.File("img.eif")});
  signed_args.insert(signed_args.end(), signing.begin(), signing.end());
  ASSERT_EQ(Eif(signed_args).exit_code, 0);
  args.insert(args.end(), {"-o", dir.File("unsigned.eif")});
  ASSERT_EQ(Eif(args).exit_code, 0);
  auto other = Parts(dir);
  other[4] = "console=ttyS1";  // another command line: another PCR0 and PCR1
  other.insert(other.end(), {"-o", dir.File("other.eif")});
  ASSERT_EQ(Eif(other).exit_code, 0);
  // A document from an enclave booted with the signed image.
  const auto doc = RunProcess({Tool("enclave_app"), "--emulate", "--emulate-pcrs-from-eif",
                               dir.File("img.eif"), "--emulate-root-out", dir.File("root.pem"),
                               "attest", "--format", "raw", "--out", dir.File("doc.cbor")});
  ASSERT_EQ(doc.exit_code, 0) << doc.err;
  const auto verify = [&](const std::string& image) {
    return RunProcess({Tool("verifier"), "verify", dir.File("doc.cbor"), "--root",
                       dir.File("root.pem"), "--pcrs-from", image, "--json"});
  };
  const auto ok = verify(dir.File("img.eif"));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(Json::parse(ok.out)["verified"], true);
  // The same image unsigned pins PCR0-2 only, which the signed image's document also holds.
  EXPECT_EQ(verify(dir.File("unsigned.eif")).exit_code, 0);
  const auto wrong = verify(dir.File("other.eif"));
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out << wrong.err;
  // Several images, any one may match (a rolling upgrade): the matching set is named.
  const auto either = RunProcess({Tool("verifier"), "verify", dir.File("doc.cbor"), "--root",
                                  dir.File("root.pem"), "--pcrs-from", dir.File("other.eif"),
                                  "--pcrs-from", dir.File("img.eif"), "--json"});
  EXPECT_EQ(either.exit_code, 0) << either.out << either.err;
  EXPECT_NE(either.out.find("img.eif"), std::string::npos) << either.out;
  // An image nitro-eif refuses is a usage error, never a policy.
  eif::testing::RawImage raw = VectorImage();
  raw.trailing = {1};
  WriteFile(dir.File("bad.eif"), Assemble(raw));
  const auto bad = verify(dir.File("bad.eif"));
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("--pcrs-from"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace nitro_attest
