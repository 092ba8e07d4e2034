// Test support: the IAM, STS and Organizations operations behind a Dispatcher, over a State
// on a temporary SqliteStore, as `gatehouse serve` wires them (DirectoryCredentials,
// DirectoryPolicies, the AWS-managed catalog), with a fixed clock. Tests add accounts with a
// root access key, write records directly (groups, roles, … that no operation of theirs
// creates) and call operations signed as any key.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "audit/recorder.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "core/random.h"
#include "core/uri.h"
#include "protocol/model.h"
#include "services/cloudtrail/cloudtrail.h"
#include "services/directory_credentials.h"
#include "services/directory_policies.h"
#include "services/iam/iam_context.h"
#include "services/key_usage.h"
#include "services/organizations/organizations_context.h"
#include "services/sts/session_key_ring.h"
#include "services/sts/sts_context.h"
#include "signed_request.h"
#include "temp_iam_state.h"

namespace gatehouse::services::testing_support {

class IamTestServer {
 public:
  static constexpr int64_t kStart = 1795935600;  // 2026-11-29T07:00:00Z

  IamTestServer()
      : temp_(std::string(kSealKeySize, 'k'), [this] { return now_.load() * 1000; }),
        models_(*protocol::ModelRegistry::LoadEmbedded()),
        session_keys_(temp_.state(), temp_.iam().master_key, temp_.random()),
        credentials_(temp_.state().directory(), temp_.iam().master_key, &session_keys_),
        policies_(temp_.state().directory(), temp_.catalog()),
        dispatcher_(models_, credentials_, policies_, temp_.random(),
                    [this] { return now_.load(); }) {
    iam::RegisterIamOperations(dispatcher_, temp_.iam());
    sts::RegisterStsOperations(dispatcher_, sts_);
    organizations::RegisterOrganizationsOperations(dispatcher_, organizations_);
    cloudtrail::RegisterCloudTrailOperations(
        dispatcher_, temp_.iam(), [this] { return recorder_ ? recorder_->Flush() : Status::Ok(); });
  }

  // Records every call's audit events from now on; they are in audit_log() once the recorder
  // has flushed.
  audit::Recorder& RecordAudit() {
    audit::RecorderOptions options;
    options.now_ms = [this] { return now_.load() * 1000; };
    recorder_ = std::make_unique<audit::Recorder>(temp_.state().store(), std::move(options));
    dispatcher_.RecordAuditEvents(recorder_.get());
    return *recorder_;
  }
  store::AuditLog& audit_log() { return temp_.state().store(); }

  // Creates account `id` and returns its root user's access key id.
  std::string AddAccount(const std::string& id) {
    model::Account account{id, "acct-" + id, id + "@example.com", now_ * 1000};
    std::string key = AddKey(id, "");
    store::WriteBatch batch{{store::InsertAccount{account},
                             store::InsertRootUser{{id, account.email, "$argon2id$x"}},
                             store::InsertAccessKey{pending_keys_.at(key)}}};
    EXPECT_TRUE(Commit(batch).ok());
    return key;
  }

  // Creates user `name` of `account` (with an access key, whose id is returned).
  std::string AddUser(const std::string& account, const std::string& name,
                      std::vector<model::Tag> tags = {}) {
    model::User user{account,     name, "/", NewUniqueId(temp_.random(), IdKind::kUser),
                     now_ * 1000, {}};
    std::string key = AddKey(account, name);
    store::WriteBatch batch{
        {store::InsertUser{user}, store::InsertAccessKey{pending_keys_.at(key)}}};
    if (!tags.empty()) batch.writes.push_back(store::SetUserTags{account, name, tags});
    EXPECT_TRUE(Commit(batch).ok());
    return key;
  }

  Status Commit(const store::WriteBatch& batch) { return temp_.state().Commit(batch); }

  // Calls IAM `action` with form `params` ("UserName=x&…", values already URL-encoded) signed
  // with `key`.
  HttpResponse Call(const std::string& key, const std::string& action,
                    const std::string& params = "") {
    return CallService(key, "iam", action, params);
  }

  // The same for `service` ("iam", "sts"): a query-protocol call with the API version of the
  // service's model, signed for `service`.
  HttpResponse CallService(const std::string& key, const std::string& service,
                           const std::string& action, const std::string& params = "") {
    const protocol::ServiceModel* model = models_.Find(service);
    EXPECT_TRUE(model != nullptr && model->protocol() == "query") << service;
    const std::string version = model != nullptr ? model->api_version() : "";
    HttpRequest r =
        Form("Action=" + action + "&Version=" + version + (params.empty() ? "" : "&" + params));
    Sign(r, key, secrets_.at(key), service, now_);
    return dispatcher_.Handle(r);
  }

  // A JSON 1.1 call of `service` ("organizations"): X-Amz-Target is the model's target prefix
  // and `operation`, `body` the JSON input, signed with `key`.
  HttpResponse CallJson(const std::string& key, const std::string& service,
                        const std::string& operation, const std::string& body = "{}") {
    const protocol::ServiceModel* model = models_.Find(service);
    EXPECT_TRUE(model != nullptr && model->protocol() == "json") << service;
    HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
    r.headers.emplace_back("X-Amz-Target",
                           (model != nullptr ? model->target_prefix() : "") + "." + operation);
    r.body = body;
    Sign(r, key, secrets_.at(key), service, now_);
    return dispatcher_.Handle(r);
  }

  void Advance(int64_t seconds) { now_ += seconds; }
  const store::Directory& directory() const { return temp_.state().directory(); }

 private:
  std::string AddKey(const std::string& account, const std::string& user) {
    std::string id = NewAccessKeyId(temp_.random(), false);
    std::string secret = NewSecretAccessKey(temp_.random());
    secrets_[id] = secret;
    pending_keys_[id] = {id,
                         account,
                         user,
                         Seal(temp_.iam().master_key, secret, id, temp_.random().Bytes(12)),
                         model::AccessKeyStatus::kActive,
                         now_ * 1000};
    return id;
  }

  std::atomic<int64_t> now_{kStart};
  TempIamState temp_;
  protocol::ModelRegistry models_;
  sts::SessionKeyRing session_keys_;
  sts::StsContext sts_{temp_.iam(), session_keys_, nullptr, ""};
  organizations::OrganizationsContext organizations_{temp_.iam(), {}, nullptr};
  DirectoryCredentials credentials_;
  DirectoryPolicies policies_;
  Dispatcher dispatcher_;
  std::map<std::string, std::string> secrets_;
  std::map<std::string, model::AccessKey> pending_keys_;
  std::unique_ptr<audit::Recorder> recorder_;  // last: it stops before what it records from
};

// The text of the first <tag>…</tag> of `xml`, "" when there is none.
inline std::string XmlText(const std::string& xml, const std::string& tag, size_t from = 0) {
  size_t open = xml.find("<" + tag + ">", from);
  if (open == std::string::npos) return "";
  open += tag.size() + 2;
  size_t close = xml.find("</" + tag + ">", open);
  return close == std::string::npos ? "" : xml.substr(open, close - open);
}

}  // namespace gatehouse::services::testing_support
