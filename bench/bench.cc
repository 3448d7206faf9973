// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Benchmarks for issue 6. Every run also measures the baseline R: OpenSSL's raw P-384 ECDSA
// verify (EVP_PKEY_verify over the 48-byte SHA-384 digest) with the same leaf key, digest and
// signature as the benchmark documents, so scripts/bench.sh can print each figure as a ratio to
// R measured in the same process. Documents come from the in-process NSM emulator; each has its
// own nonce, so "warm" never repeats a document, only the chain.
//
//   nitro_attest_bench [google benchmark flags]
//   nitro_attest_bench --write-sample DIR   writes DIR/doc.cbor and DIR/root.pem (for the RSS
//                                           measurement of `verifier verify`) and exits
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nitro_attest/channel.h"
#include "nitro_attest/document.h"
#include "nitro_attest/emulator.h"
#include "nitro_attest/nsm.h"
#include "nitro_attest/protocol.h"
#include "nitro_attest/verify.h"
#include "src/es384/es384.h"
#include "src/ossl/ossl.h"

namespace nitro_attest {
namespace {

// Documents per pool: enough that a pool does not fit one warm cache line of reuse, small
// enough to build quickly.
constexpr size_t kWarmPool = 64;
// Distinct emulator chains for cold verification: each document's certificates differ from
// the previous one's.
constexpr size_t kColdChains = 8;

[[noreturn]] void Die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "bench setup failed: %s: %s\n", what.c_str(), e.detail.c_str());
  std::exit(1);
}

template <class T>
T Must(Result<T> r, const std::string& what) {
  if (!r) {
    Die(what, r.error());
  }
  return std::move(*r);
}

Bytes Nonce(size_t i) {
  Bytes n(32, 0);
  for (size_t k = 0; k < 8; ++k) {
    n[k] = static_cast<uint8_t>(i >> (8 * k));
  }
  return n;
}

// Enclave is one emulated enclave with its root and a pool of documents.
struct Enclave {
  std::unique_ptr<NsmEmulator> emulator;
  Bytes root;
  std::vector<Bytes> docs;
};

Enclave MakeEnclave(const std::string& seed, size_t docs) {
  NsmEmulatorOptions o;
  o.seed = seed;
  Enclave e;
  e.emulator = Must(NsmEmulator::Create(o), "emulator");
  e.root = e.emulator->RootDer();
  NsmClient client(e.emulator->NewHandle());
  for (size_t i = 0; i < docs; ++i) {
    AttestationRequest req;
    req.nonce = Nonce(i);
    req.user_data = Bytes{'b', 'e', 'n', 'c', 'h'};
    e.docs.push_back(Must(client.Attestation(req), "attestation"));
  }
  return e;
}

// The warm enclave: one chain, many documents.
const Enclave& Warm() {
  static const Enclave e = MakeEnclave("bench-warm", kWarmPool);
  return e;
}

// The cold set: kColdChains enclaves with one document each.
const std::vector<Enclave>& Cold() {
  static const std::vector<Enclave> v = [] {
    std::vector<Enclave> out;
    for (size_t i = 0; i < kColdChains; ++i) {
      out.push_back(MakeEnclave("bench-cold-" + std::to_string(i), 1));
    }
    return out;
  }();
  return v;
}

VerifyOptions OptionsFor(const Enclave& e) {
  VerifyOptions o;
  o.roots = {e.root};
  o.allow_any_image = true;
  return o;
}

// Baseline: the leaf key, SHA-384 digest of the Sig_structure and DER signature of a warm
// document.
struct Baseline {
  ossl::EvpPkeyPtr key;
  std::array<uint8_t, 48> digest{};
  Bytes der_signature;
};

const Baseline& GetBaseline() {
  static const Baseline b = [] {
    Baseline out;
    const AttestationDocument doc = Must(ParseUnverified(Warm().docs[0]), "parse");
    const unsigned char* p = doc.certificate.data();
    ossl::X509Ptr leaf(d2i_X509(nullptr, &p, static_cast<long>(doc.certificate.size())));
    if (!leaf) {
      Die("leaf", MakeError(ErrorCode::kInternal, "d2i_X509"));
    }
    out.key.reset(X509_get_pubkey(leaf.get()));  // a new reference
    const Bytes tbs = BuildSigStructure(doc.protected_header, doc.payload);
    unsigned int len = 0;
    EVP_Digest(tbs.data(), tbs.size(), out.digest.data(), &len, EVP_sha384(), nullptr);
    out.der_signature = Must(es384::RawToDer(doc.signature), "der");
    return out;
  }();
  return b;
}

// R: OpenSSL's raw P-384 verify, one context per thread, as a server would keep it.
void BM_OpensslRawVerify(benchmark::State& state) {
  const Baseline& b = GetBaseline();
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(b.key.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
    state.SkipWithError("EVP_PKEY_verify_init");
    return;
  }
  for (auto _ : state) {
    const int rc = EVP_PKEY_verify(ctx.get(), b.der_signature.data(), b.der_signature.size(),
                                   b.digest.data(), b.digest.size());
    if (rc != 1) {
      state.SkipWithError("baseline signature does not verify");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_OpensslRawVerify)->UseRealTime();

// The project's ES384 entry point (whichever backend is built) on the same key and message.
void BM_Es384VerifyRaw(benchmark::State& state) {
  const AttestationDocument doc = Must(ParseUnverified(Warm().docs[0]), "parse");
  const Bytes tbs = BuildSigStructure(doc.protected_header, doc.payload);
  const Baseline& b = GetBaseline();
  // The key as the verifier holds it (made once per certificate, as a chain walk does).
  const es384::PublicKey key = Must(es384::PublicKey::FromEvp(b.key.get()), "key");
  for (auto _ : state) {
    if (!es384::VerifyRaw(key, tbs, doc.signature)) {
      state.SkipWithError("es384::VerifyRaw failed");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Es384VerifyRaw)->UseRealTime();

void BM_Parse(benchmark::State& state) {
  const auto& docs = Warm().docs;
  size_t i = 0;
  for (auto _ : state) {
    auto doc = ParseUnverified(docs[i++ % docs.size()]);
    benchmark::DoNotOptimize(doc);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Parse)->UseRealTime();

// Cold: the one-shot Verify() (no cache anywhere), cycling over documents of distinct chains.
void BM_VerifyCold(benchmark::State& state) {
  const auto& cold = Cold();
  std::vector<VerifyOptions> options;
  for (const Enclave& e : cold) {
    options.push_back(OptionsFor(e));
  }
  size_t i = static_cast<size_t>(state.thread_index());
  for (auto _ : state) {
    const size_t k = i++ % cold.size();
    if (!Verify(cold[k].docs[0], options[k])) {
      state.SkipWithError("cold verification failed");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_VerifyCold)->UseRealTime()->Threads(1)->Threads(2);

// Warm: a long-lived Verifier that has already verified this chain; each iteration verifies
// another document (new nonce, new signature) from the same enclave.
const Verifier& WarmVerifier() {
  static const auto v = [] {
    auto out = std::make_unique<Verifier>();
    const VerifyOptions o = OptionsFor(Warm());
    if (!out->Verify(Warm().docs[0], o)) {
      Die("warm-up", MakeError(ErrorCode::kInternal, "warm-up verification failed"));
    }
    return out;
  }();
  return *v;
}

void BM_VerifyWarm(benchmark::State& state) {
  const Verifier& verifier = WarmVerifier();
  const auto& docs = Warm().docs;
  const VerifyOptions o = OptionsFor(Warm());
  size_t i = static_cast<size_t>(state.thread_index()) * (docs.size() / 2);
  for (auto _ : state) {
    if (!verifier.Verify(docs[i++ % docs.size()], o)) {
      state.SkipWithError("warm verification failed");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_VerifyWarm)->UseRealTime()->Threads(1)->Threads(2);

// One Attestation request to the in-process emulator (builds and signs a document).
void BM_EmulatorAttestation(benchmark::State& state) {
  NsmClient client(Warm().emulator->NewHandle());
  size_t i = 0;
  for (auto _ : state) {
    AttestationRequest req;
    req.nonce = Nonce(i++);
    if (!client.Attestation(req)) {
      state.SkipWithError("attestation failed");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EmulatorAttestation)->UseRealTime();

// One full challenge session over a Unix socket: connect, challenge, attestation by the
// emulator, verification by a long-lived Verifier, sealed secret, acknowledgement.
void BM_ChallengeRoundTrip(benchmark::State& state) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("na-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  Address addr;
  addr.family = Address::Family::kUnix;
  addr.path = (dir / "challenge.sock").string();
  NsmClient nsm(Warm().emulator->NewHandle());
  std::mutex nsm_mutex;
  const Attester attester = NsmAttester(nsm, &nsm_mutex);
  ServerOptions so;
  so.workers = 2;
  auto server = Server::Start(Must(Listener::Bind(addr), "bind"), so, [&](Connection& c) -> Status {
    auto session = ServeChallenge(c, attester);
    if (!session) {
      return session.error();
    }
    return {};
  });
  if (!server) {
    state.SkipWithError("server start failed");
    return;
  }
  const Verifier& verifier = WarmVerifier();
  ChallengeOptions co;
  co.policy = OptionsFor(Warm());
  co.verifier = &verifier;
  co.secret = Bytes(32, 0x5e);
  for (auto _ : state) {
    auto conn = Connect(addr);
    if (!conn) {
      state.SkipWithError("connect failed");
      break;
    }
    auto result = RunChallenge(*conn, co);
    if (!result || !result->secret_acknowledged) {
      state.SkipWithError("challenge failed");
      break;
    }
  }
  (*server)->Shutdown();
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ChallengeRoundTrip)->UseRealTime();

int WriteSample(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const Enclave& e = Warm();
  std::ofstream(dir / "doc.cbor", std::ios::binary)
      .write(reinterpret_cast<const char*>(e.docs[0].data()),
             static_cast<std::streamsize>(e.docs[0].size()));
  std::ofstream(dir / "root.pem") << e.emulator->RootPem();
  return 0;
}

}  // namespace
}  // namespace nitro_attest

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--write-sample") == 0) {
    return nitro_attest::WriteSample(argv[2]);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 2;
  }
  // Build every pool before timing starts.
  (void)nitro_attest::Warm();
  (void)nitro_attest::Cold();
  (void)nitro_attest::GetBaseline();
  (void)nitro_attest::WarmVerifier();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
