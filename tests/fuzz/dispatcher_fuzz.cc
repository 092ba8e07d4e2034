// libFuzzer target: the whole Dispatcher, wired as `serve` wires it — DirectoryCredentials,
// DirectoryPolicies, the AWS-managed policy catalog, the IAM, STS and Organizations operations,
// the audit trail's recorder — over an SQLite store in a temporary directory. The management
// account's root user creates an organization and an IAM user `admin` with AdministratorAccess at
// start; every request is signed correctly with the root's or the admin's key, so inputs get past
// authentication to validation, authorization and the handlers.
//
// Each input is a short script of requests: an operation of iam or sts (query protocol) or of
// organizations (JSON 1.1), with members built from the operation's input shape — small strings
// from a pool of names that exist, strings amplified up to the 1 MiB body limit, whitespace-
// padded policy documents, JSON nulls, arrays nested hundreds of thousands deep, values of the
// wrong type — or a raw body. The clock is fixed and randomness is a seeded sequence, so a
// finding replays (state accumulates over a run; a finding reproduces from its input on a fresh
// store in all cases seen so far).
//
// A finding is a crash, a sanitizer report, or any answer with status 500: every bad input must
// get AWS's error, and a 500 means an exception reached the dispatcher's barrier.
#include <fuzzer/FuzzedDataProvider.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audit/recorder.h"
#include "auth/signing_key_cache.h"
#include "auth/sigv4.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "core/time_format.h"
#include "core/uri.h"
#include "protocol/model.h"
#include "services/directory_credentials.h"
#include "services/directory_policies.h"
#include "services/dispatcher.h"
#include "services/iam/iam_context.h"
#include "services/iam/managed_policies.h"
#include "services/key_usage.h"
#include "services/organizations/organizations_context.h"
#include "services/sts/session_key_ring.h"
#include "services/sts/sts_context.h"
#include "store/directory.h"
#include "store/sqlite_store.h"

using namespace gatehouse;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795935600;  // 2026-11-29T07:00:00Z, fixed

// Invitations to transfer responsibility are refused at AWS's default quota of 0: allow some.
services::organizations::OrganizationsOptions TransferQuota() {
  services::organizations::OrganizationsOptions options;
  options.max_inbound_transfers = 3;
  return options;
}

constexpr size_t kBodyLimit = 1 << 20;
constexpr char kAccount[] = "111111111111";

// A seeded sequence (splitmix64): ids and secrets are the same on every run.
class SeededRandom : public Random {
 public:
  void Fill(uint8_t* out, size_t size) override {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < size; ++i) {
      if (i % 8 == 0) Next();
      out[i] = static_cast<uint8_t>(value_ >> (8 * (i % 8)));
    }
  }

 private:
  void Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    value_ = z ^ (z >> 31);
  }
  std::mutex mu_;
  uint64_t state_ = 42;
  uint64_t value_ = 0;
};

// Signs `r` as an SDK does (Authorization header over host, x-amz-date, content-type and
// x-amz-target when present).
void Sign(HttpRequest& r, const std::string& key_id, const std::string& secret,
          const std::string& service) {
  std::string date = FormatAmzDate(kNow);
  r.headers.emplace_back("Host", "localhost:4566");
  r.headers.emplace_back("X-Amz-Date", date);
  auth::SignatureClaim claim;
  claim.access_key_id = key_id;
  claim.date = date.substr(0, 8);
  claim.region = "us-east-1";
  claim.service = service;
  claim.amz_date = date;
  std::string signed_headers;
  for (const char* h : {"content-type", "host", "x-amz-date", "x-amz-target"}) {
    if (r.Header(h) == nullptr) continue;
    claim.signed_headers.emplace_back(h);
    signed_headers += (signed_headers.empty() ? "" : ";") + std::string(h);
  }
  auth::HttpRequestView view{r.method, r.target, {}, r.body};
  for (const auto& [k, v] : r.headers) view.headers.emplace_back(k, v);
  Sha256Digest key = auth::SigningKeyCache::Derive(secret, claim.date, claim.region, service);
  std::string signature = HexEncode(
      HmacSha256(AsBytes(key), auth::StringToSign(claim, auth::CanonicalRequest(view, claim))));
  r.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + key_id + "/" +
                                              claim.Scope() + ", SignedHeaders=" + signed_headers +
                                              ", Signature=" + signature);
}

std::string XmlText(const std::string& xml, const std::string& tag) {
  size_t open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return "";
  open += tag.size() + 2;
  size_t close = xml.find("</" + tag + ">", open);
  return close == std::string::npos ? "" : xml.substr(open, close - open);
}

// The server: the store in a temporary directory, and the dispatcher over it.
class Harness {
 public:
  static std::filesystem::path Directory() {
    return std::filesystem::temp_directory_path() /
           ("gatehouse-dispatcher-fuzz-" + std::to_string(getpid()));
  }

  Harness()
      : dir_(Directory()),
        catalog_(*services::iam::ManagedPolicyCatalog::LoadEmbedded()),
        models_(*protocol::ModelRegistry::LoadEmbedded()) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(store::SqliteStore::Open((dir_ / "gatehouse.db").string())).value();
    state_ = std::make_unique<store::State>(*store_);
    if (!state_->Load().ok()) std::abort();
    iam_ = std::make_unique<services::iam::IamContext>(services::iam::IamContext{
        *state_, catalog_, random_, master_key_, [] { return kNow * 1000; }, usage_, activity_});
    session_keys_ = std::make_unique<services::sts::SessionKeyRing>(*state_, master_key_, random_);
    credentials_ = std::make_unique<services::DirectoryCredentials>(state_->directory(),
                                                                    master_key_, &*session_keys_);
    policies_ = std::make_unique<services::DirectoryPolicies>(state_->directory(), catalog_);
    dispatcher_ = std::make_unique<services::Dispatcher>(models_, *credentials_, *policies_,
                                                         random_, [] { return kNow; });
    sts_ = std::make_unique<services::sts::StsContext>(
        services::sts::StsContext{*iam_, *session_keys_, nullptr, ""});
    organizations_ = std::make_unique<services::organizations::OrganizationsContext>(
        services::organizations::OrganizationsContext{*iam_, TransferQuota(), nullptr});
    services::iam::RegisterIamOperations(*dispatcher_, *iam_);
    services::sts::RegisterStsOperations(*dispatcher_, *sts_);
    services::organizations::RegisterOrganizationsOperations(*dispatcher_, *organizations_);
    // Every call's audit event is built from what the input holds, whatever it holds.
    audit::RecorderOptions audit_options;
    audit_options.now_ms = [] { return kNow * 1000; };
    recorder_ = std::make_unique<audit::Recorder>(*store_, std::move(audit_options));
    dispatcher_->RecordAuditEvents(recorder_.get());
    // Every authenticated call marks access advisor's activity, which the reports then read.
    dispatcher_->OnAuthenticated([this](const auth::AccessKeyRecord& caller,
                                        const std::string& service, const std::string& operation,
                                        const std::string& region) {
      activity_.Record(caller, service, operation, region, kNow * 1000);
    });
    Bootstrap();
  }
  ~Harness() {
    recorder_.reset();
    dispatcher_.reset();
    state_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  const protocol::ModelRegistry& models() const { return models_; }

  // Sends `r` signed for `service` by the root (signer 0) or the admin (signer 1).
  HttpResponse Send(HttpRequest r, const std::string& service, int signer) {
    const auto& [key, secret] = keys_[signer % keys_.size()];
    Sign(r, key, secret, service);
    return dispatcher_->Handle(r);
  }

  HttpResponse Query(const std::string& service, const std::string& body, int signer) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    r.body = body;
    return Send(std::move(r), service, signer);
  }

  HttpResponse Json(const std::string& operation, const std::string& body, int signer) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
    r.headers.emplace_back("X-Amz-Target", "AWSOrganizationsV20161128." + operation);
    r.body = body;
    return Send(std::move(r), "organizations", signer);
  }

 private:
  // The management account with a root access key; through the API: an organization, the user
  // admin with AdministratorAccess and its access key.
  void Bootstrap() {
    std::string key_id = NewAccessKeyId(random_, false);
    std::string secret = NewSecretAccessKey(random_);
    model::Account account{kAccount, "management", "root@example.com", kNow * 1000};
    model::AccessKey key{key_id,
                         kAccount,
                         "",
                         Seal(master_key_, secret, key_id, random_.Bytes(12)),
                         model::AccessKeyStatus::kActive,
                         kNow * 1000};
    store::WriteBatch batch{{store::InsertAccount{account},
                             store::InsertRootUser{{kAccount, account.email, "$argon2id$x"}},
                             store::InsertAccessKey{key}}};
    if (!state_->Commit(batch).ok()) std::abort();
    keys_.emplace_back(key_id, secret);
    Expect(Json("CreateOrganization", R"({"FeatureSet":"ALL"})", 0));
    Expect(Query("iam", "Action=CreateUser&Version=2010-05-08&UserName=admin", 0));
    Expect(Query("iam",
                 "Action=AttachUserPolicy&Version=2010-05-08&UserName=admin&PolicyArn="
                 "arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess",
                 0));
    HttpResponse created =
        Query("iam", "Action=CreateAccessKey&Version=2010-05-08&UserName=admin", 0);
    Expect(created);
    keys_.emplace_back(XmlText(created.body, "AccessKeyId"),
                       XmlText(created.body, "SecretAccessKey"));
  }

  static void Expect(const HttpResponse& r) {
    if (r.status != 200) {
      std::fprintf(stderr, "dispatcher_fuzz: set-up failed: %d %s\n", r.status, r.body.c_str());
      std::abort();
    }
  }

  std::filesystem::path dir_;
  std::string master_key_ = std::string(kSealKeySize, 'k');
  SeededRandom random_;
  services::KeyUsage usage_;
  services::AccessActivity activity_;
  services::iam::ManagedPolicyCatalog catalog_;
  protocol::ModelRegistry models_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<store::State> state_;
  std::unique_ptr<services::iam::IamContext> iam_;
  std::unique_ptr<services::sts::SessionKeyRing> session_keys_;
  std::unique_ptr<services::DirectoryCredentials> credentials_;
  std::unique_ptr<services::DirectoryPolicies> policies_;
  std::unique_ptr<services::Dispatcher> dispatcher_;
  std::unique_ptr<audit::Recorder> recorder_;
  std::unique_ptr<services::sts::StsContext> sts_;
  std::unique_ptr<services::organizations::OrganizationsContext> organizations_;
  std::vector<std::pair<std::string, std::string>> keys_;
};

// Placeholders a generated string may be, replaced in the body's text by what JSON values
// cannot hold cheaply: arrays nested deep.
constexpr char kDeepMarker[] =
    "\x01"
    "deep"
    "\x01";

const char* const kPool[] = {
    "admin",
    "a",
    "b",
    "ops",
    "/",
    "/a/",
    "*",
    "111111111111",
    "222222222222",
    "arn:aws:iam::111111111111:user/admin",
    "arn:aws:iam::111111111111:role/a",
    "arn:aws:iam::111111111111:policy/a",
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
    "arn:aws:iam::222222222222:root",
    "AQ==",  // a page marker's shape: base64 of a version byte
    "iam:CreateUser",
    "s3:GetObject",
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]})",
    "SERVICE_CONTROL_POLICY",
    "ALL",
    "r-abcd",
    "ou-abcd-abcdefgh",
    "\xff\xfe",
    "a\nb",
    "",
};

// Builds one request's input from the fuzz data, following the model.
class InputMaker {
 public:
  InputMaker(const protocol::ServiceModel& model, FuzzedDataProvider& fdp)
      : model_(model), fdp_(fdp) {}

  json Make(const protocol::Shape& shape, int depth) {
    if (depth > 8) return json();
    uint8_t form = fdp_.ConsumeIntegral<uint8_t>();
    if (form < 8) return json();              // null
    if (form < 14) return json(kDeepMarker);  // deep nesting in place of the value
    if (form < 20) return json(fdp_.ConsumeIntegral<int64_t>());  // maybe the wrong type
    if (form < 24) return json::array({String()});
    switch (shape.type) {
      case protocol::ShapeType::kStructure: {
        json out = json::object();
        for (const protocol::Member& m : shape.members) {
          if (!fdp_.ConsumeBool()) continue;
          const protocol::Shape* member = model_.FindShape(m.shape);
          if (member != nullptr) out[m.name] = Make(*member, depth + 1);
        }
        return out;
      }
      case protocol::ShapeType::kList: {
        json out = json::array();
        const protocol::Shape* element = model_.FindShape(shape.member.shape);
        size_t n = fdp_.ConsumeIntegralInRange<size_t>(0, 3);
        if (element == nullptr) return out;
        if (fdp_.ConsumeIntegralInRange(0, 15) == 0) {  // a long list of one value
          json item = Make(*element, depth + 1);
          size_t item_size = item.dump(-1, ' ', false, json::error_handler_t::replace).size();
          size_t count = std::min(fdp_.ConsumeIntegralInRange<size_t>(0, 50000),
                                  kBodyLimit / std::max<size_t>(1, item_size));
          for (size_t i = 0; i < count; ++i) out.push_back(item);
          return out;
        }
        for (size_t i = 0; i < n; ++i) out.push_back(Make(*element, depth + 1));
        return out;
      }
      case protocol::ShapeType::kMap: {
        json out = json::object();
        const protocol::Shape* value = model_.FindShape(shape.value.shape);
        size_t n = fdp_.ConsumeIntegralInRange<size_t>(0, 3);
        for (size_t i = 0; i < n && value != nullptr; ++i) out[String()] = Make(*value, depth + 1);
        return out;
      }
      case protocol::ShapeType::kBoolean:
        return fdp_.ConsumeBool();
      case protocol::ShapeType::kInteger:
      case protocol::ShapeType::kLong:
        return fdp_.ConsumeIntegral<int64_t>();
      case protocol::ShapeType::kDouble:
      case protocol::ShapeType::kFloat:
        return fdp_.ConsumeFloatingPoint<double>();
      case protocol::ShapeType::kTimestamp:
        return Timestamp();
      default:
        return String();
    }
  }

  // Epoch seconds: any number, or a month's first or last second near the fixed clock (the
  // dates transfers of responsibility accept), off by a little.
  json Timestamp() {
    if (fdp_.ConsumeBool()) return fdp_.ConsumeFloatingPoint<double>();
    const int64_t months = fdp_.ConsumeIntegralInRange<int64_t>(-2, 15);
    int64_t ms = MonthStartMs(kNow * 1000, months) - (fdp_.ConsumeBool() ? 1000 : 0);
    ms += fdp_.ConsumeIntegralInRange<int64_t>(-2, 2) *
          fdp_.ConsumeIntegralInRange<int64_t>(0, 86400000);
    return static_cast<double>(ms) / 1000.0;
  }

  std::string String() {
    switch (fdp_.ConsumeIntegralInRange(0, 5)) {
      case 0:
      case 1:
        return fdp_.PickValueInArray(kPool);
      case 2: {  // a pooled value amplified: whitespace-padded policies, 300 KB names
        std::string base = fdp_.PickValueInArray(kPool);
        std::string pad = fdp_.ConsumeBool() ? std::string(" ") : fdp_.ConsumeRandomLengthString(4);
        size_t count =
            fdp_.ConsumeIntegralInRange<size_t>(0, kBodyLimit / std::max<size_t>(1, pad.size()));
        std::string out;
        out.reserve(base.size() + pad.size() * count);
        size_t at = fdp_.ConsumeIntegralInRange<size_t>(0, base.size());
        out.append(base, 0, at);
        for (size_t i = 0; i < count && out.size() < kBodyLimit; ++i) out += pad;
        out.append(base, at);
        return out;
      }
      default:
        return fdp_.ConsumeRandomLengthString(64);
    }
  }

  size_t DeepLevels() {
    if (deep_levels_ == 0) deep_levels_ = fdp_.ConsumeIntegralInRange<size_t>(1, 300000);
    return deep_levels_;
  }

 private:
  const protocol::ServiceModel& model_;
  FuzzedDataProvider& fdp_;
  size_t deep_levels_ = 0;
};

// The query form of `v` under `prefix`, as the SDKs flatten it.
void Flatten(const protocol::ServiceModel& model, const protocol::Shape& shape,
             const std::string& prefix, const json& v, std::string& out) {
  auto add = [&](const std::string& value) {
    out += "&" + UriEncode(prefix) + "=" + UriEncode(value);
  };
  if (v.is_null()) return add("");
  if (shape.type == protocol::ShapeType::kStructure && v.is_object()) {
    for (const protocol::Member& m : shape.members) {
      auto it = v.find(m.name);
      const protocol::Shape* member = model.FindShape(m.shape);
      if (it == v.end() || member == nullptr) continue;
      Flatten(model, *member, prefix.empty() ? m.WireName() : prefix + "." + m.WireName(), *it,
              out);
    }
    return;
  }
  if (shape.type == protocol::ShapeType::kList && v.is_array()) {
    const protocol::Shape* element = model.FindShape(shape.member.shape);
    for (size_t i = 0; i < v.size() && element != nullptr; ++i) {
      Flatten(model, *element, prefix + ".member." + std::to_string(i + 1), v[i], out);
    }
    return;
  }
  if (shape.type == protocol::ShapeType::kMap && v.is_object()) {
    const protocol::Shape* value = model.FindShape(shape.value.shape);
    size_t i = 0;
    for (const auto& [k, item] : v.items()) {
      std::string entry = prefix + ".entry." + std::to_string(++i);
      out += "&" + UriEncode(entry + ".key") + "=" + UriEncode(k);
      if (value != nullptr) Flatten(model, *value, entry + ".value", item, out);
    }
    return;
  }
  add(v.is_string() ? v.get<std::string>()
                    : v.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string ReplaceDeep(std::string text, const std::string& marker, size_t levels) {
  size_t at = text.find(marker);
  if (at == std::string::npos) return text;
  std::string deep(levels, '[');
  deep.append(levels, ']');
  text.replace(at, marker.size(), deep);
  return text;
}

void CheckAnswer(const HttpResponse& r, const std::string& what) {
  if (r.status >= 500 && r.status != 501) {
    std::fprintf(stderr, "dispatcher_fuzz: %s answered %d: %.2000s\n", what.c_str(), r.status,
                 r.body.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Lives for the process; its store's directory goes when the process ends.
  static Harness* harness = [] {
    auto* h = new Harness();
    std::atexit([] { std::filesystem::remove_all(Harness::Directory()); });
    return h;
  }();
  FuzzedDataProvider fdp(data, size);
  int requests = fdp.ConsumeIntegralInRange(1, 3);
  for (int n = 0; n < requests && fdp.remaining_bytes() > 0; ++n) {
    const char* const kServices[] = {"iam", "sts", "organizations"};
    const std::string service = fdp.PickValueInArray(kServices);
    const protocol::ServiceModel& model = *harness->models().Find(service);
    auto op = model.operations().begin();
    std::advance(op, fdp.ConsumeIntegralInRange<size_t>(0, model.operations().size() - 1));
    const protocol::Shape* shape = model.FindShape(op->second.input);
    const int signer = fdp.ConsumeIntegralInRange(0, 1);
    const bool raw = fdp.ConsumeIntegralInRange(0, 9) == 0;

    InputMaker maker(model, fdp);
    std::string body;
    if (raw) {
      body = fdp.ConsumeRandomLengthString(4096);
    } else if (shape != nullptr) {
      json input = maker.Make(*shape, 0);
      if (model.protocol() == "json") {
        body = input.dump(-1, ' ', false, json::error_handler_t::replace);
        body = ReplaceDeep(std::move(body), json(kDeepMarker).dump(), maker.DeepLevels());
      } else {
        Flatten(model, *shape, "", input, body);
        body = ReplaceDeep(std::move(body), UriEncode(kDeepMarker), maker.DeepLevels());
      }
    }
    if (body.size() > kBodyLimit) continue;  // the HTTP server answers 413 before any of this
    HttpResponse answer;
    if (model.protocol() == "json") {
      answer = harness->Json(op->first, body, signer);
    } else {
      std::string form = "Action=" + op->first + "&Version=" + model.api_version();
      answer = harness->Query(service, raw ? body : form + body, signer);
    }
    CheckAnswer(answer, service + ":" + op->first);
  }
  return 0;
}
