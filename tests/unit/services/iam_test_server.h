// Test support: the IAM operations behind a Dispatcher, over a State on a temporary SqliteStore,
// as `gatehouse serve` wires them (DirectoryCredentials, DirectoryPolicies, the AWS-managed
// catalog), with a fixed clock. Tests add accounts with a root access key, write records
// directly (groups, roles, … that no operation of theirs creates) and call operations signed
// as any key.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/crypto.h"
#include "core/ids.h"
#include "core/random.h"
#include "core/uri.h"
#include "protocol/model.h"
#include "services/directory_credentials.h"
#include "services/directory_policies.h"
#include "services/iam/iam_context.h"
#include "services/key_usage.h"
#include "signed_request.h"
#include "store/sqlite_store.h"

namespace gatehouse::services::testing_support {

class IamTestServer {
 public:
  static constexpr int64_t kStart = 1795935600;  // 2026-11-29T07:00:00Z

  IamTestServer()
      : dir_(std::filesystem::temp_directory_path() /
             ("gatehouse-iam-" + std::to_string(getpid()) + "-" + std::to_string(Serial()))),
        master_key_(std::string(kSealKeySize, 'k')),
        models_(*protocol::ModelRegistry::LoadEmbedded()),
        catalog_(*iam::ManagedPolicyCatalog::LoadEmbedded()) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(store::SqliteStore::Open((dir_ / "gatehouse.db").string())).value();
    state_ = std::make_unique<store::State>(*store_);
    EXPECT_TRUE(state_->Load().ok());
    credentials_ = std::make_unique<DirectoryCredentials>(state_->directory(), master_key_);
    policies_ = std::make_unique<DirectoryPolicies>(state_->directory(), catalog_);
    dispatcher_ = std::make_unique<Dispatcher>(models_, *credentials_, *policies_, random_,
                                               [this] { return now_.load(); });
    iam_ = std::make_unique<iam::IamContext>(iam::IamContext{
        *state_, catalog_, random_, master_key_, [this] { return now_.load() * 1000; }, usage_});
    iam::RegisterIamOperations(*dispatcher_, *iam_);
  }
  ~IamTestServer() {
    dispatcher_.reset();
    state_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

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
    model::User user{account, name, "/", NewUniqueId(random_, IdKind::kUser), now_ * 1000, {}};
    std::string key = AddKey(account, name);
    store::WriteBatch batch{
        {store::InsertUser{user}, store::InsertAccessKey{pending_keys_.at(key)}}};
    if (!tags.empty()) batch.writes.push_back(store::SetUserTags{account, name, tags});
    EXPECT_TRUE(Commit(batch).ok());
    return key;
  }

  Status Commit(const store::WriteBatch& batch) { return state_->Commit(batch); }

  // Calls IAM `action` with form `params` ("UserName=x&…", values already URL-encoded) signed
  // with `key`.
  HttpResponse Call(const std::string& key, const std::string& action,
                    const std::string& params = "") {
    HttpRequest r =
        Form("Action=" + action + "&Version=2010-05-08" + (params.empty() ? "" : "&" + params));
    Sign(r, key, secrets_.at(key), "iam", now_);
    return dispatcher_->Handle(r);
  }

  void Advance(int64_t seconds) { now_ += seconds; }
  const store::Directory& directory() const { return state_->directory(); }

 private:
  static int Serial() {
    static std::atomic<int> n{0};
    return n++;
  }

  std::string AddKey(const std::string& account, const std::string& user) {
    std::string id = NewAccessKeyId(random_, false);
    std::string secret = NewSecretAccessKey(random_);
    secrets_[id] = secret;
    pending_keys_[id] = {id,
                         account,
                         user,
                         Seal(master_key_, secret, id, random_.Bytes(12)),
                         model::AccessKeyStatus::kActive,
                         now_ * 1000};
    return id;
  }

  std::filesystem::path dir_;
  std::string master_key_;
  SystemRandom random_;
  std::atomic<int64_t> now_{kStart};
  protocol::ModelRegistry models_;
  iam::ManagedPolicyCatalog catalog_;
  KeyUsage usage_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<store::State> state_;
  std::unique_ptr<DirectoryCredentials> credentials_;
  std::unique_ptr<DirectoryPolicies> policies_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<iam::IamContext> iam_;
  std::map<std::string, std::string> secrets_;
  std::map<std::string, model::AccessKey> pending_keys_;
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
