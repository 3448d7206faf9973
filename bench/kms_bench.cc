// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Benchmarks for issue 11: attested KMS Decrypt through the KMS test service on loopback TLS,
// with documents from the in-process NSM emulator, two ways: a new RSA-2048 key and document
// per call (what kmstool_enclave_cli does) and a client that reuses its key and document while
// fresh (KmsClientOptions::key_reuse); plus RSA-2048 key generation alone. Both clients keep
// their TLS connection alive, so the difference is the key and the document.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "nitro_attest/emulator.h"
#include "nitro_attest/kms.h"
#include "nitro_attest/kms_emulator.h"
#include "src/kms/cms.h"

namespace nitro_attest {
namespace {

struct KmsWorld {
  std::unique_ptr<NsmEmulator> nsm;
  std::unique_ptr<NsmClient> nsm_client;
  std::unique_ptr<KmsEmulator> service;
  std::string ca_file;
  Bytes ciphertext;
};

KmsWorld& World() {
  static KmsWorld* w = [] {
    auto* world = new KmsWorld();
    auto nsm = NsmEmulator::Create();
    if (!nsm) {
      std::fprintf(stderr, "kms bench: %s\n", nsm.error().detail.c_str());
      std::exit(1);
    }
    world->nsm = std::move(*nsm);
    world->nsm_client = std::make_unique<NsmClient>(world->nsm->NewHandle());
    KmsEmulatorOptions o;
    AwsCredentials c;
    c.access_key_id = "AKIDBENCH";
    c.secret_access_key = "bench-secret";
    o.config.credentials.push_back({c, "arn:aws:iam::111122223333:role/bench"});
    o.config.keys.push_back(
        {"bench", "SYMMETRIC_DEFAULT",
         R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]})"});
    o.attestation_root_der = world->nsm->RootDer();
    o.workers = 2;
    auto service = KmsEmulator::Start(std::move(o));
    if (!service) {
      std::fprintf(stderr, "kms bench: %s\n", service.error().detail.c_str());
      std::exit(1);
    }
    world->service = std::move(*service);
    world->ca_file = (std::filesystem::temp_directory_path() /
                      ("na-kms-bench-ca-" + std::to_string(getpid()) + ".pem"))
                         .string();
    std::ofstream(world->ca_file) << world->service->CaPem();
    world->ciphertext = *world->service->Encrypt("bench", Bytes(32, 0x42));
    return world;
  }();
  return *w;
}

void Decrypts(benchmark::State& state, std::chrono::seconds key_reuse) {
  KmsWorld& w = World();
  KmsClientOptions o;
  o.proxy = w.service->address();
  o.ca_file = w.ca_file;
  o.credentials.access_key_id = "AKIDBENCH";
  o.credentials.secret_access_key = "bench-secret";
  o.key_reuse = key_reuse;
  auto client = KmsClient::Create(std::move(o), NsmAttester(*w.nsm_client));
  if (!client) {
    state.SkipWithError("client");
    return;
  }
  const DecryptRequest request{w.ciphertext, "", "", {}};
  for (auto _ : state) {
    if (!(*client)->Decrypt(request)) {
      state.SkipWithError("decrypt failed");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["keys"] = static_cast<double>((*client)->stats().keys_generated);
}

void BM_KmsDecryptPerCall(benchmark::State& state) { Decrypts(state, std::chrono::seconds(0)); }
BENCHMARK(BM_KmsDecryptPerCall)->UseRealTime();

void BM_KmsDecryptReusing(benchmark::State& state) { Decrypts(state, std::chrono::seconds(60)); }
BENCHMARK(BM_KmsDecryptReusing)->UseRealTime();

void BM_Rsa2048Keygen(benchmark::State& state) {
  for (auto _ : state) {
    if (!cms::GenerateRecipientKey()) {
      state.SkipWithError("keygen failed");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Rsa2048Keygen)->UseRealTime();

}  // namespace
}  // namespace nitro_attest
